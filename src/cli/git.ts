import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export type WorkingTreeState =
  /** No input is inside a git work tree (or git is not installed): nothing to protect with git. */
  | { kind: "no-git" }
  | { kind: "clean" }
  /** Absolute paths with uncommitted changes, untracked files included, sorted. */
  | { kind: "dirty"; files: string[] }
  /** Git is there but could not answer (e.g. "dubious ownership"); the caller refuses unless forced. */
  | { kind: "unknown"; message: string };

/**
 * Asks git whether anything under `inputs` (absolute, existing paths) has
 * uncommitted changes, so a rewrite can always be reviewed and undone with
 * git alone. Inputs may live in different repositories; each is asked once.
 */
export function checkWorkingTree(inputs: readonly string[], env: NodeJS.ProcessEnv): WorkingTreeState {
  const pathspecsByRepo = new Map<string, string[]>();
  for (const input of inputs) {
    const dir = fs.statSync(input).isDirectory() ? input : path.dirname(input);
    const topLevel = runGit(["-C", dir, "rev-parse", "--show-toplevel"], env);
    if (topLevel.kind === "missing") return { kind: "no-git" };
    if (topLevel.kind === "failed") {
      if (/not a git repository/i.test(topLevel.stderr)) continue;
      return { kind: "unknown", message: firstLine(topLevel.stderr) || "git rev-parse failed" };
    }
    const root = topLevel.stdout.trim();
    // Git reports the real path of the work tree; compare like with like (e.g. /tmp → /private/tmp on macOS).
    const rel = path.relative(root, fs.realpathSync(input)).split(path.sep).join("/") || ".";
    pathspecsByRepo.set(root, [...(pathspecsByRepo.get(root) ?? []), rel]);
  }
  if (pathspecsByRepo.size === 0) return { kind: "no-git" };

  const dirty: string[] = [];
  for (const [root, pathspecs] of pathspecsByRepo) {
    const status = runGit(
      // --literal-pathspecs: a directory called "*" or ":x" is a path, not a pattern.
      ["--literal-pathspecs", "-C", root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...pathspecs],
      env,
    );
    if (status.kind !== "ok") {
      return { kind: "unknown", message: status.kind === "failed" ? firstLine(status.stderr) : "git not found" };
    }
    for (const file of parsePorcelainZ(status.stdout)) dirty.push(path.join(root, file));
  }
  if (dirty.length === 0) return { kind: "clean" };
  return { kind: "dirty", files: [...new Set(dirty)].sort() };
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

function runGit(args: string[], env: NodeJS.ProcessEnv): GitRun {
  const result = spawnSync("git", args, { encoding: "utf8", env, maxBuffer: 256 * 1024 * 1024 });
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
