/**
 * Other files of the linted program, read from disk by relative specifier (src/scopes/exit-listeners.ts,
 * src/scopes/imported-setup.ts). Light on purpose: the prefilter uses it before anything is parsed.
 * What is read is kept a few seconds (as installed SDK versions are), so an editor sees an edit soon.
 */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";

/** A file read from disk. */
export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

const TTL_MS = 5000;
const EXTENSIONS = ["", ".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", "/index.js", "/index.ts", "/index.cjs", "/index.mjs"];

const files = new Map<string, { source: SourceFile | undefined; at: number }>();

/** The file at `path`, or undefined when it is not a readable file. */
function fileAt(file: string): SourceFile | undefined {
  const now = Date.now();
  const cached = files.get(file);
  if (cached && now - cached.at < TTL_MS) return cached.source;
  let source: SourceFile | undefined;
  try {
    source = statSync(file).isFile() ? { file, text: readFileSync(file, "utf8") } : undefined;
  } catch {
    source = undefined;
  }
  files.set(file, { source, at: now });
  return source;
}

/**
 * The absolute paths `./x` from the directory `dir` may name, in the order Node and bundlers try them (empty for a
 * specifier that is not relative, or a `dir` that is not absolute). src/scopes/importers.ts resolves against its index with it.
 */
export function relativeCandidates(dir: string, specifier: string): string[] {
  if (!path.isAbsolute(dir) || (!specifier.startsWith("./") && !specifier.startsWith("../"))) return [];
  // TypeScript's ESM convention: `./x.js` names the source `./x.ts` or `./x.tsx` (`.mjs` → `.mts`, `.cjs` → `.cts`).
  const typescript = specifier.replace(/\.([cm]?)js$/u, ".$1ts");
  const tsx = /\.js$/u.test(specifier) ? [`${typescript}x`] : [];
  return [...EXTENSIONS.map((extension) => specifier + extension), ...(typescript === specifier ? [] : [typescript, ...tsx])].map((candidate) => path.resolve(dir, candidate));
}

/** `./x` from the directory `dir`, as Node and bundlers resolve it, or undefined (also for a `dir` that is not absolute). */
export function resolveRelative(dir: string, specifier: string): SourceFile | undefined {
  for (const candidate of relativeCandidates(dir, specifier)) {
    const source = fileAt(candidate);
    if (source) return source;
  }
  return undefined;
}

const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");

/**
 * A relative specifier without what a resolver adds or drops: its extension (`.js`, `.mjs`, `.cjs`, `.ts`, `.mts`,
 * `.cts`, `.jsx`, `.tsx`) and a trailing `/index`. `./tracing`, `./tracing.js`, `./tracing.ts` and
 * `./tracing/index.js` all give `./tracing`; other specifiers are returned as they are.
 */
export function relativeModuleKey(specifier: string): string {
  if (!isRelative(specifier)) return specifier;
  return specifier.replace(/\.[cm]?[jt]sx?$/u, "").replace(/\/index$/u, "");
}
