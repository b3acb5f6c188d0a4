/**
 * A tracing set-up preloaded by the command that runs the program (issue 16), read from the package.json `scripts`
 * of the linted file's package:
 *
 *   "start":  "node --import ./tracing.js dist/index.js"
 *   "worker": "NODE_OPTIONS='--require ./tracing.cjs' node worker.js"
 *
 * Sound to read statically only where the script names the linted file: the nearest package.json up from it,
 * a command run by `node` or `tsx` (npm runs scripts in the package's folder), whose script argument resolves to
 * the linted file as a relative specifier would (`index.js` names `index.ts`). Its preloads (`--import`,
 * `--require`, `-r`, also in a `NODE_OPTIONS=` assignment before the command) that are relative paths are the
 * modules read (src/scopes/imported-setup.ts). Not read: package preloads (`--import @opentelemetry/auto-instrumentations-node/register`),
 * the environment outside package.json (Dockerfiles, shells), scripts that run a build output other than the linted
 * file (`node dist/index.js` for `src/index.ts`), and commands behind another runner (`nodemon`, `pm2`).
 * Text only, nothing is parsed; the files are read through src/scopes/files-on-disk.ts's short-lived cache.
 */
import * as path from "node:path";
import { resolveRelative } from "./files-on-disk";

/** The relative preloads of the scripts that run `file`, each as the package folder and the specifier. */
export function preloadsOf(file: string): { dir: string; specifier: string }[] {
  if (!path.isAbsolute(file)) return [];
  const manifest = nearestManifest(path.dirname(file));
  if (!manifest) return [];
  let scripts: unknown;
  try {
    scripts = (JSON.parse(manifest.text) as { scripts?: unknown }).scripts;
  } catch {
    return [];
  }
  if (typeof scripts !== "object" || scripts === null) return [];
  const found: { dir: string; specifier: string }[] = [];
  for (const script of Object.values(scripts)) {
    if (typeof script !== "string") continue;
    for (const command of script.split(/&&|\|\||[;|]/u)) {
      const run = nodeCommand(words(command));
      if (!run || !names(manifest.dir, run.target, file)) continue;
      for (const specifier of run.preloads) {
        if (isRelative(specifier) && !found.some((other) => other.specifier === specifier)) found.push({ dir: manifest.dir, specifier });
      }
    }
  }
  return found;
}

const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");

/**
 * The script argument `target`, run in `dir`, is `file`: the same path, the TypeScript source of a `.js` path
 * (`index.js` for `index.ts`, as tsx and TypeScript's ESM convention name it), or a path without its extension.
 */
function names(dir: string, target: string, file: string): boolean {
  const resolved = path.resolve(dir, target);
  if (resolved === file || resolved.replace(/\.([cm]?)js$/u, ".$1ts") === file) return true;
  return path.extname(resolved) === "" && [".js", ".ts", ".mjs", ".cjs", ".mts", ".cts"].some((extension) => resolved + extension === file);
}

/** The nearest package.json up from `dir`, and its folder. */
function nearestManifest(dir: string): { dir: string; text: string } | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const manifest = resolveRelative(current, "./package.json");
    if (manifest?.file === path.join(current, "package.json")) return { dir: current, text: manifest.text };
    if (path.dirname(current) === current) return undefined;
  }
}

/** A command's words, with shell quotes taken off: `NODE_OPTIONS='--import ./t.js' node x.js` → 3 words. */
function words(command: string): string[] {
  return [...command.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/gu)].map((match) => match[0].replace(/["']/gu, ""));
}

const PRELOAD_FLAGS = new Set(["--import", "--require", "-r"]);

/** `[NODE_OPTIONS=…] node|tsx [flags] target …`: the script it runs and its preloads. */
function nodeCommand(tokens: readonly string[]): { target: string; preloads: string[] } | undefined {
  const preloads: string[] = [];
  let index = 0;
  for (; index < tokens.length && /^[A-Z_][A-Z0-9_]*=/u.test(tokens[index] as string); index++) {
    const [name, ...value] = (tokens[index] as string).split("=");
    if (name === "NODE_OPTIONS") preloads.push(...flagPreloads(value.join("=").split(/\s+/u)).preloads);
  }
  const runner = tokens[index];
  if (runner === undefined || !["node", "tsx"].includes(path.basename(runner))) return undefined;
  const { preloads: own, rest } = flagPreloads(tokens.slice(index + 1));
  const target = rest[0];
  return target === undefined ? undefined : { target, preloads: [...preloads, ...own] };
}

/** The preloads among leading flags (`--import x`, `--import=x`, `-r x`), and the words after the flags. */
function flagPreloads(tokens: readonly string[]): { preloads: string[]; rest: string[] } {
  const preloads: string[] = [];
  let index = 0;
  for (; index < tokens.length && (tokens[index] as string).startsWith("-"); index++) {
    const token = tokens[index] as string;
    const [flag, inline] = token.includes("=") ? [token.slice(0, token.indexOf("=")), token.slice(token.indexOf("=") + 1)] : [token, undefined];
    if (!PRELOAD_FLAGS.has(flag as string)) continue;
    const value = inline ?? tokens[++index];
    if (value !== undefined) preloads.push(value);
  }
  return { preloads, rest: tokens.slice(index) };
}
