import * as fs from "node:fs";
import * as path from "node:path";
import ignore, { type Ignore } from "ignore";
import { TEMPORARY_FILE } from "./atomic-write";
import { UsageError } from "./errors";

export const SOURCE_EXTENSIONS: readonly string[] = [".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"];

/** Directories that are never entered, whatever the ignore files say. */
const ALWAYS_SKIPPED = new Set(["node_modules", ".git"]);

// `foo.d.ts`, `foo.d.mts`, `foo.d.cts` and arbitrary-extension declarations such as `styles.d.css.ts`.
const DECLARATION_FILE = /\.d\.(?:[^.]+\.)?[cm]?ts$/;

// Git matches case-sensitively unless core.ignorecase, which it sets on case-insensitive file systems.
const IGNORE_CASE = process.platform === "darwin" || process.platform === "win32";

export interface SourceFile {
  /** Absolute path as found (through the symlink, when it is one). */
  absPath: string;
  /** Path shown to the user: relative to the working directory, `/`-separated. */
  displayPath: string;
  isSymlink: boolean;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface Discovery {
  /** Files to process, sorted by display path, each real file once. */
  files: SourceFile[];
  /** Files deliberately left alone, with why (reported in the summary). */
  skipped: SkippedFile[];
  /** Warnings about the inputs, e.g. a named directory that is ignored. */
  notes: string[];
  /** Temporary files of an atomic write (src/cli/atomic-write.ts) beside the files found: an interrupted run leaves them. */
  temporaries: string[];
}

export function isSourceFile(fileName: string): boolean {
  return SOURCE_EXTENSIONS.includes(path.extname(fileName)) && !DECLARATION_FILE.test(fileName);
}

export function toDisplayPath(cwd: string, absPath: string): string {
  return path.relative(cwd, absPath).split(path.sep).join("/") || ".";
}

/**
 * Finds the source files under `inputs`.
 *
 * - Directories are walked in sorted order; `node_modules` and `.git` are
 *   never entered; symlinked directories are never followed.
 * - `.gitignore` files (the repository root's, every nested one, and the ones
 *   between the root and the input) and `.git/info/exclude` apply to what a
 *   walk finds. A named directory that is itself ignored yields nothing and a
 *   note.
 * - A file named directly is taken even when ignored: naming it is the intent.
 * - A symlinked file whose real path is outside the inputs is skipped.
 */
export function discoverFiles(inputs: readonly string[], cwd: string): Discovery {
  const found = new Map<string, SourceFile>();
  const skipped: SkippedFile[] = [];
  const notes: string[] = [];
  const roots: string[] = [];
  const ignoreFiles = new IgnoreFileCache();
  const walks: Array<{ dir: string; realDir: string; levels: IgnoreLevel[] }> = [];
  /** Real paths the walk already knows: a file found in a walked directory is `realpath(dir)/name`. */
  const realPaths = new Map<string, string>();
  const temporaries = new Set<string>();

  for (const input of inputs) {
    const absInput = path.resolve(cwd, input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absInput);
    } catch {
      throw new UsageError(`path not found: ${input}`);
    }
    if (stat.isDirectory()) {
      // A directory the user names is entered even through a symlink, so its files count as inside.
      const realDir = fs.realpathSync(absInput);
      roots.push(realDir);
      const levels = ignoreFiles.levelsFor(absInput, cwd);
      if (isIgnored(absInput, true, levels)) {
        notes.push(`${input} is ignored by .gitignore; name its files to process them`);
        continue;
      }
      walks.push({ dir: absInput, realDir, levels });
    } else if (stat.isFile()) {
      // The named file's own link is not resolved, so a named symlink to outside is still refused.
      roots.push(path.join(fs.realpathSync(path.dirname(absInput)), path.basename(absInput)));
      const displayPath = toDisplayPath(cwd, absInput);
      if (!isSourceFile(absInput)) {
        skipped.push({ file: displayPath, reason: "not a JavaScript or TypeScript source file" });
        continue;
      }
      found.set(absInput, { absPath: absInput, displayPath, isSymlink: fs.lstatSync(absInput).isSymbolicLink() });
      const prefix = `.${path.basename(absInput)}.traced-exit-`;
      for (const name of safeReaddir(path.dirname(absInput))) if (name.startsWith(prefix) && TEMPORARY_FILE.test(name)) temporaries.add(path.join(path.dirname(absInput), name));
    } else {
      throw new UsageError(`not a file or directory: ${input}`);
    }
  }

  for (const { dir, realDir, levels } of walks) walk({ dir, realDir }, levels, ignoreFiles, cwd, { found, realPaths, temporaries });

  const files: SourceFile[] = [];
  const seenRealPaths = new Set<string>();
  const sorted = [...found.values()].sort((a, b) => compareStrings(a.displayPath, b.displayPath));
  // Regular files first, so a symlink to a file that is also found directly is dropped, not the file.
  for (const file of [...sorted.filter((f) => !f.isSymlink), ...sorted.filter((f) => f.isSymlink)]) {
    let realPath: string;
    try {
      // Resolving every file costs an lstat per path component; only symlinks and named files need it.
      realPath = realPaths.get(file.absPath) ?? fs.realpathSync(file.absPath);
    } catch {
      skipped.push({ file: file.displayPath, reason: "broken symlink" });
      continue;
    }
    if (file.isSymlink && !roots.some((root) => isInside(realPath, root))) {
      skipped.push({ file: file.displayPath, reason: `symlink to ${realPath}, outside the given paths` });
      continue;
    }
    if (seenRealPaths.has(realPath)) continue;
    seenRealPaths.add(realPath);
    files.push(file);
  }
  files.sort((a, b) => compareStrings(a.displayPath, b.displayPath));
  skipped.sort((a, b) => compareStrings(a.file, b.file));
  return { files, skipped, notes, temporaries: [...temporaries].sort() };
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function walk(
  { dir, realDir }: { dir: string; realDir: string },
  levels: IgnoreLevel[],
  ignoreFiles: IgnoreFileCache,
  cwd: string,
  into: { found: Map<string, SourceFile>; realPaths: Map<string, string>; temporaries: Set<string> },
): void {
  const { found, realPaths, temporaries } = into;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // unreadable directory: nothing we could write there either
  }
  entries.sort((a, b) => compareStrings(a.name, b.name));
  for (const entry of entries) {
    if (ALWAYS_SKIPPED.has(entry.name)) continue;
    const absPath = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (isIgnored(absPath, true, levels)) continue;
      // Not a symlink (a Dirent of one is never a directory), so its real path is its parent's plus its name.
      walk({ dir: absPath, realDir: path.join(realDir, entry.name) }, ignoreFiles.withNested(levels, absPath), ignoreFiles, cwd, into);
    } else if (entry.isFile() && TEMPORARY_FILE.test(entry.name)) {
      temporaries.add(absPath);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      if (!isSourceFile(entry.name) || isIgnored(absPath, false, levels)) continue;
      if (entry.isSymbolicLink()) {
        // Only symlinks to files are candidates; symlinked directories are never followed.
        const target = safeStat(absPath);
        if (target && !target.isFile()) continue;
      }
      found.set(absPath, { absPath, displayPath: toDisplayPath(cwd, absPath), isSymlink: entry.isSymbolicLink() });
      if (!entry.isSymbolicLink()) realPaths.set(absPath, path.join(realDir, entry.name));
    }
  }
}

interface IgnoreLevel {
  /** Directory the patterns are relative to. */
  base: string;
  ig: Ignore;
}

/**
 * Git's precedence: deeper ignore files win over shallower ones, and within a
 * file the last matching pattern wins (which `ignore` already does).
 */
function isIgnored(absPath: string, isDirectory: boolean, levels: readonly IgnoreLevel[]): boolean {
  let ignored = false;
  for (const { base, ig } of levels) {
    if (!isInside(absPath, base) || absPath === base) continue;
    const rel = path.relative(base, absPath).split(path.sep).join("/") + (isDirectory ? "/" : "");
    const result = ig.test(rel);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

class IgnoreFileCache {
  private readonly cache = new Map<string, Ignore | undefined>();

  /** The levels that apply inside `dir`: the repository's exclude file, then every `.gitignore` from the root down to `dir`. */
  levelsFor(dir: string, cwd: string): IgnoreLevel[] {
    const root = findIgnoreRoot(dir, cwd);
    const levels: IgnoreLevel[] = [];
    const exclude = root.excludeFile ? this.load(root.excludeFile) : undefined;
    if (exclude) levels.push({ base: root.dir, ig: exclude });
    const chain: string[] = [];
    for (let current = dir; ; current = path.dirname(current)) {
      chain.unshift(current);
      if (current === root.dir || path.dirname(current) === current) break;
    }
    for (const current of chain) {
      const ig = this.load(path.join(current, ".gitignore"));
      if (ig) levels.push({ base: current, ig });
    }
    return levels;
  }

  withNested(levels: IgnoreLevel[], dir: string): IgnoreLevel[] {
    const ig = this.load(path.join(dir, ".gitignore"));
    return ig ? [...levels, { base: dir, ig }] : levels;
  }

  private load(file: string): Ignore | undefined {
    if (this.cache.has(file)) return this.cache.get(file);
    let ig: Ignore | undefined;
    try {
      ig = ignore({ ignorecase: IGNORE_CASE }).add(fs.readFileSync(file, "utf8"));
    } catch {
      ig = undefined;
    }
    this.cache.set(file, ig);
    return ig;
  }
}

/**
 * The directory ignore patterns are anchored at: the nearest enclosing
 * repository (a `.git` directory, or a `.git` file for worktrees and
 * submodules). Outside any repository: the working directory when the input
 * is inside it, else the input itself.
 */
function findIgnoreRoot(dir: string, cwd: string): { dir: string; excludeFile?: string } {
  for (let current = dir; ; current = path.dirname(current)) {
    const dotGit = path.join(current, ".git");
    const stat = safeStat(dotGit);
    if (stat?.isDirectory()) return { dir: current, excludeFile: path.join(dotGit, "info", "exclude") };
    if (stat?.isFile()) return { dir: current, excludeFile: gitFileExclude(current, dotGit) };
    if (path.dirname(current) === current) break;
  }
  return { dir: isInside(dir, cwd) ? cwd : dir };
}

// A `.git` file reads "gitdir: <path>"; a worktree's gitdir has a `commondir` pointing at the shared one.
function gitFileExclude(worktree: string, dotGitFile: string): string | undefined {
  try {
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGitFile, "utf8"));
    if (!match) return undefined;
    const gitDir = path.resolve(worktree, match[1]);
    let commonDir = gitDir;
    try {
      commonDir = path.resolve(gitDir, fs.readFileSync(path.join(gitDir, "commondir"), "utf8").trim());
    } catch {
      // not a worktree: the gitdir is the common dir
    }
    return path.join(commonDir, "info", "exclude");
  } catch {
    return undefined;
  }
}

function safeStat(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

export function isInside(child: string, parent: string): boolean {
  if (child === parent) return true;
  const rel = path.relative(parent, child);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Code-unit order: the same on every machine, unlike `localeCompare`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
