/**
 * Which files of the program import a file: the reverse of what files-on-disk.ts follows.
 *
 *   // cli.js                                  // cli/help.js
 *   import showHelp from "./cli/help.js";      export default function showHelp() { …; process.exit(0); }
 *
 *   importersOf("/app/cli/help.js")  →  ["/app/cli.js"]
 *
 * The index covers the linted file's package: the nearest directory above it with a package.json (the file's own
 * directory when there is none), without `node_modules` and dot-directories, at most MAX_FILES source files
 * (`.js .cjs .mjs .jsx .ts .cts .mts .tsx`, not declaration files) in directory order. It is built from the text
 * alone: `import … from "./x"`, `export … from "./x"`, `import "./x"`, `import("./x")` and `require("./x")` with a
 * relative string, resolved as files-on-disk.ts resolves them (`./x.js` may name `./x.ts`, `./x` may name
 * `./x/index.js`). Nothing is parsed, so a specifier written in a comment or a string counts too: an importer is
 * a candidate, and what it does with the file is for its caller to decide. Bare specifiers (packages) are not
 * followed.
 *
 * One index per package root, kept TTL_MS as files-on-disk.ts keeps what it reads, so a lint run builds each
 * once in a while and an editor sees a new import soon.
 */
import type { Dirent } from "node:fs";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { relativeCandidates } from "./files-on-disk";

const TTL_MS = 5000;
/** Source files indexed per package root, at most. */
export const MAX_FILES = 5000;
/** A larger file (a bundle, generated data) is not read: its imports are not indexed. */
const MAX_BYTES = 2_000_000;

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/u;
const DECLARATION = /\.d\.[cm]?ts$/u;
/** `from "./x"`, `import "./x"`, `import("./x")`, `require("./x")`: the relative specifier. */
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*["'](\.\.?\/[^"'\n]+)["']/gu;

/** A package root's index: each file to the files that import it. */
interface Index {
  readonly importers: ReadonlyMap<string, readonly string[]>;
  /** More than MAX_FILES source files: the index holds the first ones only. */
  readonly truncated: boolean;
  readonly at: number;
}

const indexes = new Map<string, Index>();
const roots = new Map<string, string>();

/** The nearest directory at or above `dir` holding a package.json, or `dir` itself when none does. */
export function packageRootOf(dir: string): string {
  const known = roots.get(dir);
  if (known !== undefined) return known;
  let root = dir;
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, "package.json"))) {
      root = current;
      break;
    }
    if (path.dirname(current) === current) break;
  }
  roots.set(dir, root);
  return root;
}

/** The package's source files, directory by directory, at most MAX_FILES (and whether there were more). */
function sourceFiles(root: string): { files: string[]; truncated: boolean } {
  const files: string[] = [];
  const directories = [root];
  while (directories.length > 0) {
    const dir = directories.shift() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      // Symbolic links are not followed (a linked directory may loop, or leave the package).
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && !entry.name.startsWith(".")) directories.push(path.join(dir, entry.name));
      } else if (entry.isFile() && SOURCE.test(entry.name) && !DECLARATION.test(entry.name)) {
        if (files.length === MAX_FILES) return { files, truncated: true };
        files.push(path.join(dir, entry.name));
      }
    }
  }
  return { files, truncated: false };
}

function buildIndex(root: string): Index {
  const { files, truncated } = sourceFiles(root);
  const known = new Set(files);
  const importers = new Map<string, string[]>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    if (text.length > MAX_BYTES) continue;
    const dir = path.dirname(file);
    for (const match of text.matchAll(SPECIFIER)) {
      const imported = relativeCandidates(dir, match[1] as string).find((candidate) => known.has(candidate));
      if (!imported || imported === file) continue;
      const list = importers.get(imported);
      if (!list) importers.set(imported, [file]);
      else if (!list.includes(file)) list.push(file);
    }
  }
  return { importers, truncated, at: Date.now() };
}

function indexOf(root: string): Index {
  const cached = indexes.get(root);
  if (cached && Date.now() - cached.at < TTL_MS) return cached;
  const index = buildIndex(root);
  indexes.set(root, index);
  return index;
}

/**
 * The files of `file`'s package that import it with a relative specifier, as absolute paths in directory order
 * (empty for a path that is not absolute). `file` is an absolute path; one its package does not index (beyond
 * MAX_FILES, in node_modules, too large) may still have importers the index did not see.
 */
export function importersOf(file: string): readonly string[] {
  if (!path.isAbsolute(file)) return [];
  const normal = path.normalize(file);
  return indexOf(packageRootOf(path.dirname(normal))).importers.get(normal) ?? [];
}

/**
 * The files around `file` that may run its code: its importers, theirs, `levels` deep, nearest level first, each
 * once. `keep` turns an importer into what the caller counts (undefined: not counted, its importers still walked);
 * the walk stops once `max` are counted.
 */
export function importersAround<T>(file: string, levels: number, max: number, keep: (importer: string) => T | undefined): T[] {
  const seen = new Set([path.normalize(file)]);
  const found: T[] = [];
  let level = [path.normalize(file)];
  for (let depth = 0; depth < levels && level.length > 0 && found.length < max; depth++) {
    const next: string[] = [];
    for (const importer of level.flatMap((imported) => importersOf(imported))) {
      if (seen.has(importer) || found.length >= max) continue;
      seen.add(importer);
      next.push(importer);
      const kept = keep(importer);
      if (kept !== undefined) found.push(kept);
    }
    level = next;
  }
  return found;
}

/** Whether the index of `file`'s package stopped at MAX_FILES, so that `importersOf` may miss some. */
export function importersTruncated(file: string): boolean {
  return path.isAbsolute(file) && indexOf(packageRootOf(path.dirname(path.normalize(file)))).truncated;
}

/** Forget every index and package root (tests; a tool that rewrote files and lints them again at once). */
export function clearImporters(): void {
  indexes.clear();
  roots.clear();
}
