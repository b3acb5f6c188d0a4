import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export type WorkingTreeState =
  /**
   * Git cannot undo a rewrite: an input is outside every git work tree (`path`), or git is not
   * installed. The caller refuses unless forced, as for a dirty tree.
   */
  | { kind: "no-git"; path?: string }
  | { kind: "clean" }
  /**
   * Absolute paths, sorted: `files` with uncommitted changes (untracked files included), and
   * `untracked`, candidates git does not track because it ignores them (a file named on the
   * command line is taken even when ignored), which `git checkout` could not restore either.
   */
  | { kind: "dirty"; files: string[]; untracked: string[] }
  /** Git is there but could not answer (e.g. "dubious ownership"); the caller refuses unless forced. */
  | { kind: "unknown"; message: string };

/**
 * Asks git whether anything under `inputs` (absolute, existing paths) has uncommitted changes,
 * and whether any of `candidates` (the files that may be written) is not tracked, so a rewrite
 * can always be reviewed and undone with git alone. Inputs may live in different repositories;
 * each is asked once.
 */
export function checkWorkingTree(inputs: readonly string[], env: NodeJS.ProcessEnv, candidates: readonly string[] = []): WorkingTreeState {
  const pathspecsByRepo = new Map<string, string[]>();
  for (const input of inputs) {
    const dir = fs.statSync(input).isDirectory() ? input : path.dirname(input);
    const topLevel = runGit(["-C", dir, "rev-parse", "--show-toplevel"], env);
    if (topLevel.kind === "missing") return { kind: "no-git" };
    if (topLevel.kind === "failed") {
      if (/not a git repository/i.test(topLevel.stderr)) return { kind: "no-git", path: input };
      return { kind: "unknown", message: firstLine(topLevel.stderr) || "git rev-parse failed" };
    }
    const root = topLevel.stdout.trim();
    // Git reports the real path of the work tree; compare like with like (e.g. /tmp → /private/tmp on macOS).
    const rel = path.relative(root, fs.realpathSync(input)).split(path.sep).join("/") || ".";
    pathspecsByRepo.set(root, [...(pathspecsByRepo.get(root) ?? []), rel]);
  }

  const dirty: string[] = [];
  const tracked = new Set<string>();
  for (const [root, pathspecs] of pathspecsByRepo) {
    // --literal-pathspecs: a directory called "*" or ":x" is a path, not a pattern.
    const noFilters = filterOverrides(root, env);
    if (noFilters.kind !== "ok") return unanswered(noFilters);
    const status = runGit([...noFilters.args, "--literal-pathspecs", "-C", root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...pathspecs], env);
    // --recurse-submodules: a submodule's files are tracked too, by the submodule.
    const files = runGit(["--literal-pathspecs", "-C", root, "ls-files", "-z", "--recurse-submodules", "--", ...pathspecs], env);
    if (status.kind !== "ok") return unanswered(status);
    if (files.kind !== "ok") return unanswered(files);
    for (const file of parsePorcelainZ(status.stdout)) dirty.push(path.join(root, file));
    for (const file of files.stdout.split("\0")) if (file) tracked.add(path.join(root, file));
  }
  const dirtySet = new Set(dirty);
  const realDirs = new Map<string, string>();
  // Status names a repository nested in the work tree (not a submodule) as one untracked "dir/": its files are listed there already.
  const untrackedDirs = dirty.filter((file) => file.endsWith("/"));
  const listed = (file: string) => dirtySet.has(file) || untrackedDirs.some((dir) => file.startsWith(dir));
  const untracked = candidates.map((file) => realFilePath(file, realDirs)).filter((file) => !tracked.has(file) && !listed(file));
  if (dirty.length === 0 && untracked.length === 0) return { kind: "clean" };
  return { kind: "dirty", files: [...dirtySet].sort(), untracked: [...new Set(untracked)].sort() };
}

const FILTER_COMMANDS = String.raw`^filter\..+\.(clean|process)$`;

/**
 * `-c` options that switch off every clean filter configured for the repository and its submodules.
 * `git status` runs a file's clean filter (`filter.<name>.clean`/`.process`, a program named in the
 * repository's config) whenever the file's stat data no longer matches the index: a status check
 * must not run a program of the repository. An empty command disables a filter, and `required=false`
 * keeps git going; a file whose stat data is stale may then show as modified, which refuses the run
 * like any change would (safe: `git status` by hand refreshes the index). Reading the config runs nothing.
 */
function filterOverrides(root: string, env: NodeJS.ProcessEnv): { kind: "ok"; args: string[] } | Exclude<GitRun, { kind: "ok" }> {
  const own = runGit(["-C", root, "config", "--get-regexp", FILTER_COMMANDS], env);
  // `git config --get-regexp` exits 1 when nothing matches: no filter is configured.
  if (own.kind === "missing") return own;
  const inSubmodules = runGit(["-C", root, "submodule", "--quiet", "foreach", "--recursive", `git config --get-regexp '${FILTER_COMMANDS}' || :`], env);
  if (inSubmodules.kind !== "ok") return inSubmodules;
  const names = new Set<string>();
  for (const run of [own, inSubmodules]) {
    if (run.kind !== "ok") continue;
    for (const line of run.stdout.split("\n")) {
      const key = line.split(" ", 1)[0] ?? "";
      const name = /^filter\.(.+)\.(?:clean|process)$/u.exec(key)?.[1];
      if (name === undefined) continue;
      // `-c` splits at the first "=": such a name cannot be overridden, so the status check would run it.
      if (name.includes("=")) return { kind: "failed", stderr: `the clean filter "${name}" cannot be switched off for the status check` };
      names.add(name);
    }
  }
  return { kind: "ok", args: [...names].flatMap((name) => ["-c", `filter.${name}.clean=`, "-c", `filter.${name}.process=`, "-c", `filter.${name}.required=false`]) };
}

function unanswered(run: Exclude<GitRun, { kind: "ok" }>): WorkingTreeState {
  return { kind: "unknown", message: run.kind === "failed" ? firstLine(run.stderr) : "git not found" };
}

/** The file's path with its directory's symlinks resolved (not its own: git tracks a symlink as a link), one lookup per directory. */
function realFilePath(file: string, realDirs: Map<string, string>): string {
  const dir = path.dirname(file);
  let realDir = realDirs.get(dir);
  if (realDir === undefined) {
    try {
      realDir = fs.realpathSync(dir);
    } catch {
      realDir = dir;
    }
    realDirs.set(dir, realDir);
  }
  return path.join(realDir, path.basename(file));
}

/**
 * `git status --porcelain=v1 -z`: entries "XY path\0"; renames and copies
 * ("R " / "C ") are followed by an extra "origPath\0", which is skipped.
 */
export function parsePorcelainZ(output: string): string[] {
  const files: string[] = [];
  const fields = output.split("\0");
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i];
    if (entry.length < 4) continue;
    files.push(entry.slice(3));
    if (entry[0] === "R" || entry[0] === "C") i++;
  }
  return files;
}

type GitRun = { kind: "ok"; stdout: string } | { kind: "failed"; stderr: string } | { kind: "missing" };

/**
 * `-c core.fsmonitor=false`: a repository's fsmonitor hook is a program of the repository; a
 * status check must not run it (a repository someone hands you could run anything that way).
 */
function runGit(args: string[], env: NodeJS.ProcessEnv): GitRun {
  const result = spawnSync("git", ["-c", "core.fsmonitor=false", ...args], { encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024 });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    return { kind: "failed", stderr: result.error.message };
  }
  if (result.status !== 0) return { kind: "failed", stderr: result.stderr };
  return { kind: "ok", stdout: result.stdout };
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0] ?? "";
}
