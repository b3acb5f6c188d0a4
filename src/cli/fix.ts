import * as fs from "node:fs";
import * as path from "node:path";
import { createTwoFilesPatch } from "diff";
import { removeLeftoverTemporaries, writeFileAtomicSync } from "./atomic-write";
import { discoverFiles, type SkippedFile, type SourceFile, toDisplayPath } from "./discover";
import type { Engine, ManualReview } from "./engine";
import { UsageError } from "./errors";
import { checkDependencies, type DependencyToDeclare, withDependencies } from "./dependencies";
import { checkWorkingTree, type WorkingTreeState } from "./git";
import { createProgress } from "./progress";
import { describeParseError, findSyntaxError } from "./reparse";
import { processInWorkers, type WorkerOptions } from "./parallel";
import { formatSummary } from "./summary";

export interface FixOptions {
  /** Files and directories, relative to `io.cwd`; `["."]` when empty. */
  paths?: string[];
  /** Print a unified diff per changed file; write nothing; never refuse a dirty tree. */
  dryRun?: boolean;
  /** Write even when git could not undo it: uncommitted changes, ignored files, no repository, no git. */
  force?: boolean;
  /** No progress output. */
  quiet?: boolean;
  /** Print the summary (and dry-run patches) as JSON on stdout. */
  json?: boolean;
  /** A dry run for CI: exit 1 when any file would change. */
  check?: boolean;
  /**
   * Rewrite in this many worker threads, each with its own engine built from `engineOptions` by
   * `loadEngine`; absent or `cpus: 1`, everything runs in-process with the given engine.
   */
  workers?: WorkerOptions;
}

export interface FixIo {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTTY: boolean;
  stderrColumns?: number;
  /** Environment for the `git` child processes. */
  env: NodeJS.ProcessEnv;
}

export interface ManualReviewItem {
  file: string;
  line: number;
  column: number;
  reason: string;
}

export interface FileProblem {
  file: string;
  reason: string;
}

export interface FixSummary {
  dryRun: boolean;
  /** Source files found and looked at (changed + unchanged + failed + those skipped after reading, e.g. hard-linked). */
  scanned: number;
  /** Files written (or, in a dry run, that would be written), by display path. */
  changed: string[];
  unchanged: number;
  manualReview: ManualReviewItem[];
  failed: FileProblem[];
  /** Files deliberately not looked at or not written (a symlink to outside the paths, a hard-linked file); not an error. */
  skipped: FileProblem[];
  /** Dry run only: one unified diff per changed file, in `changed` order. */
  patches?: Array<{ file: string; patch: string }>;
  /** Packages the rewritten files import that were installed but not declared: added to (or, in a dry run, to add to) `dependencies`. */
  declared: Array<{ packageJson: string; name: string; range: string }>;
}

export type ExitCode = 0 | 1 | 2;

export interface FixReport {
  /** 0 success (manual review items included), 1 some file failed (or, with --check, would change), 2 usage error or refused. */
  exitCode: ExitCode;
  /** Absent when the run stopped before processing files (usage error, refused dirty tree). */
  summary?: FixSummary;
}

/** How many dirty files a refusal names before "and N more". */
const MAX_DIRTY_SHOWN = 10;

export function defaultIo(): FixIo {
  return {
    cwd: process.cwd(),
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    stderrColumns: process.stderr.columns,
    env: process.env,
  };
}

/**
 * An interrupted run (`kill -9`, a power cut) can leave the temporary file it was writing; every
 * file it was given is still whole. A run that writes removes those of runs that are over before it
 * asks git (which would otherwise see them as untracked changes); a dry run only names them.
 */
function reportTemporaries(temporaries: readonly string[], dryRun: boolean, io: FixIo): void {
  const shown = (files: readonly string[]) => files.map((file) => `\n  ${toDisplayPath(io.cwd, file)}`).join("");
  if (dryRun) {
    if (temporaries.length > 0) io.stderr(`traced-exit: note: temporary files of an interrupted run (a run that writes removes them):${shown(temporaries)}\n`);
    return;
  }
  const removed = removeLeftoverTemporaries(temporaries);
  if (removed.length > 0) io.stderr(`traced-exit: note: removed the temporary files of an interrupted run:${shown(removed)}\n`);
}

/** `traced-exit fix` without the argument parsing. */
export async function runFix(options: FixOptions, engine: Engine, io: FixIo = defaultIo()): Promise<FixReport> {
  const inputs = options.paths && options.paths.length > 0 ? options.paths : ["."];
  const dryRun = Boolean(options.dryRun || options.check);

  let discovery;
  try {
    discovery = discoverFiles(inputs, io.cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`traced-exit: ${error.message}\n`);
      return { exitCode: 2 };
    }
    throw error;
  }
  for (const note of discovery.notes) io.stderr(`traced-exit: note: ${note}\n`);
  reportTemporaries(discovery.temporaries, dryRun, io);

  // A real run always asks git, even with --force: the summary says whether `git diff` can show the result.
  let gitCanUndo = false;
  if (!dryRun) {
    const state = checkWorkingTree(
      inputs.map((input) => path.resolve(io.cwd, input)),
      io.env,
      discovery.files.map((file) => file.absPath),
    );
    gitCanUndo = state.kind === "clean" || (state.kind === "dirty" && state.untracked.length === 0);
    const refusal = options.force ? undefined : refusalFor(state, io.cwd);
    if (refusal) {
      io.stderr(refusal);
      return { exitCode: 2 };
    }
  }

  const summary = await processFiles(discovery.files, discovery.skipped, engine, dryRun, options, io);
  const exitCode: ExitCode = summary.failed.length > 0 || (options.check && summary.changed.length > 0) ? 1 : 0;
  if (options.json) {
    io.stdout(`${JSON.stringify({ ...summary, exitCode }, null, 2)}\n`);
  } else {
    for (const { patch } of summary.patches ?? []) io.stdout(patch);
    io.stdout(formatSummary(summary, { gitCanUndo }));
  }
  return { exitCode, summary };
}

const HOW_TO_PROCEED = "preview with --dry-run, or pass --force to write anyway.\n";

/**
 * The message to refuse with, or `undefined` when writing is safe: every file that may be written
 * is committed in git, so the rewrite is one `git diff` to review and one `git checkout` to undo.
 */
function refusalFor(state: WorkingTreeState, cwd: string): string | undefined {
  switch (state.kind) {
    case "clean":
      return undefined;
    case "unknown":
      return `traced-exit: refusing to write: could not read the git status (${state.message}).\nFix the git problem, ${HOW_TO_PROCEED}`;
    case "no-git": {
      const where = state.path === undefined ? "git is not installed (or not on PATH)" : `${toDisplayPath(cwd, state.path)} is not inside a git repository`;
      return (
        `traced-exit: refusing to write: ${where},\nso the rewrite could not be reviewed with \`git diff\` nor undone with git.\n` +
        `Commit the files to a repository first, ${HOW_TO_PROCEED}`
      );
    }
    case "dirty": {
      const parts: string[] = [];
      if (state.files.length > 0) parts.push(`uncommitted changes under the given paths:\n${listFiles(state.files, cwd)}`);
      if (state.untracked.length > 0) parts.push(`files that git ignores, so git could not undo their rewrite:\n${listFiles(state.untracked, cwd)}`);
      // Changes can be committed or stashed; an ignored file can only be committed (forced in) or left out.
      const first = state.files.length > 0 ? "Commit or stash the changes" : "Leave those files out, or add them to git (`git add -f`)";
      return `traced-exit: refusing to write: ${parts.join("and ")}${first} first so the rewrite can be reviewed and undone with git,\n${HOW_TO_PROCEED}`;
    }
  }
}

function listFiles(files: readonly string[], cwd: string): string {
  const shown = files.slice(0, MAX_DIRTY_SHOWN).map((file) => `  ${toDisplayPath(cwd, file)}\n`);
  const more = files.length - shown.length;
  return shown.join("") + (more > 0 ? `  …and ${more} more\n` : "");
}

async function processFiles(
  files: SourceFile[],
  skipped: SkippedFile[],
  engine: Engine,
  dryRun: boolean,
  options: FixOptions,
  io: FixIo,
): Promise<FixSummary> {
  const summary: FixSummary = {
    dryRun,
    scanned: files.length,
    changed: [],
    unchanged: 0,
    manualReview: [],
    failed: [],
    skipped: skipped.map(({ file, reason }) => ({ file, reason })),
    ...(dryRun ? { patches: [] } : {}),
    declared: [],
  };
  const toDeclare: DependencyToDeclare[] = [];
  const progress = createProgress(
    { write: io.stderr, isTTY: io.stderrIsTTY, columns: io.stderrColumns },
    files.length,
    !options.quiet,
  );
  const record = (file: SourceFile, outcome: Outcome) => {
    // Positions in the file as it is on disk after the run: the output where it was written, else the input.
    const written = outcome.kind === "changed" && !dryRun;
    for (const item of outcome.manual) {
      const at = written ? item : (item.input ?? item);
      summary.manualReview.push({ file: file.displayPath, line: at.line, column: at.column, reason: item.reason });
    }
    if (outcome.kind === "unchanged") summary.unchanged++;
    else if (outcome.kind === "failed") summary.failed.push({ file: file.displayPath, reason: outcome.reason });
    else if (outcome.kind === "skipped") summary.skipped.push({ file: file.displayPath, reason: outcome.reason });
    else {
      summary.changed.push(file.displayPath);
      if (outcome.patch !== undefined) summary.patches?.push({ file: file.displayPath, patch: outcome.patch });
      toDeclare.push(...outcome.declare);
    }
  };
  if (options.workers && options.workers.cpus > 1) {
    // Outcomes arrive in any order; they are recorded in file order, so the summary is the in-process one.
    const outcomes = await processInWorkers(files, engine, dryRun, options.workers, (done, file) => progress.update(done, file.displayPath));
    for (const [index, file] of files.entries()) record(file, outcomes[index] as Outcome);
  } else {
    for (const [index, file] of files.entries()) {
      progress.update(index + 1, file.displayPath);
      record(file, processFile(file, engine, dryRun));
      // Let a TTY progress line and signals through on very long runs.
      if (index % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  progress.done();
  declareDependencies(toDeclare, dryRun, summary, io);
  return summary;
}

/** Adds the installed-but-undeclared packages the rewrites import to their package.json (not in a dry run). */
function declareDependencies(needs: readonly DependencyToDeclare[], dryRun: boolean, summary: FixSummary, io: FixIo): void {
  const byManifest = new Map<string, Map<string, string>>();
  for (const { packageJson, name, range } of needs) {
    const additions = byManifest.get(packageJson) ?? new Map<string, string>();
    additions.set(name, range);
    byManifest.set(packageJson, additions);
  }
  for (const [packageJson, additions] of byManifest) {
    const display = toDisplayPath(io.cwd, packageJson);
    try {
      const before = fs.readFileSync(packageJson, "utf8");
      const after = withDependencies(before, additions);
      // A dry run shows the change it announces, as a hunk like the sources' (new-user report 11).
      if (dryRun) summary.patches?.push({ file: display, patch: createTwoFilesPatch(`a/${display}`, `b/${display}`, before, after).replace(/^=+\n/, "") });
      else writeFileAtomicSync(packageJson, Buffer.from(after, "utf8"));
    } catch (error) {
      summary.failed.push({ file: display, reason: `cannot add ${[...additions.keys()].join(", ")} to dependencies: ${(error as Error).message}` });
      continue;
    }
    for (const [name, range] of additions) summary.declared.push({ packageJson: display, name, range });
  }
}

/** What became of one file; plain data, so a worker thread can send it back (./parallel.ts). */
export type Outcome = { manual: ManualReview[] } & (
  | { kind: "unchanged" }
  | { kind: "failed"; reason: string }
  | { kind: "skipped"; reason: string }
  | { kind: "changed"; patch?: string; declare: DependencyToDeclare[] }
);

const DISAPPEARED = "disappeared during the run; not written";

/** The file (or its directory) was deleted or moved away since discovery: not a permission problem. */
function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === "ENOENT";
}

function processFile(file: SourceFile, engine: Engine, dryRun: boolean): Outcome {
  const read = readSource(file, engine);
  return typeof read === "string" ? rewriteSource(file, read, engine, dryRun) : read;
}

/**
 * The cheap half: read the file and run the text prefilter. Returns the source to rewrite, or the
 * outcome when there is nothing to rewrite. With --cpus > 1 this runs on the main thread and only
 * the sources it returns go to the workers.
 */
export function readSource(file: SourceFile, engine: Engine): string | Outcome {
  let original: Buffer;
  try {
    original = fs.readFileSync(file.absPath);
  } catch (error) {
    const reason = isMissing(error) ? "disappeared during the run; not processed" : `cannot read: ${(error as Error).message}`;
    return { kind: "failed", reason, manual: [] };
  }
  // Decoded as-is: a BOM stays "\uFEFF", CRLF stays CRLF. The engine owns the content.
  const source = original.toString("utf8");
  if (!engine.mightChange(source, file.absPath)) return { kind: "unchanged", manual: [] };
  if (!Buffer.from(source, "utf8").equals(original)) {
    // Decoding replaced bytes with U+FFFD; writing that back would corrupt the file.
    return { kind: "failed", reason: "not valid UTF-8; not processed", manual: [] };
  }
  return source;
}

/** The costly half: transform, re-parse, then the patch (dry run) or the write. */
export function rewriteSource(file: SourceFile, source: string, engine: Engine, dryRun: boolean): Outcome {
  // The bytes read: readSource has checked that the file is exactly `source` in UTF-8.
  const original = Buffer.from(source, "utf8");
  let output: string | undefined;
  let manual: Outcome["manual"];
  try {
    const result = engine.transform(source, file.absPath);
    output = result?.output;
    manual = Array.isArray(result?.manual) ? result.manual : [];
  } catch (error) {
    return { kind: "failed", reason: describeParseError(error), manual: [] };
  }
  if (output === undefined || output === source) return { kind: "unchanged", manual };
  if (typeof output !== "string") return { kind: "failed", reason: "engine returned a non-string output", manual };

  const syntaxError = findSyntaxError(output, file.absPath, source);
  if (syntaxError) return { kind: "failed", reason: `rewritten code does not parse (${syntaxError}); not written`, manual };
  const blocked = whyNotWritable(file.absPath);
  if (blocked) return { ...blocked, manual };
  const dependencies = checkDependencies(file.absPath, source, output);
  if (dependencies.kind === "missing") {
    const names = dependencies.names.join(", ");
    return { kind: "failed", reason: `the rewrite imports ${names}, which this project neither declares nor has installed; not written (npm install ${names}, then run again)`, manual };
  }
  const declare = dependencies.declare;

  if (dryRun) {
    const rel = file.displayPath;
    const patch = createTwoFilesPatch(`a/${rel}`, `b/${rel}`, source, output).replace(/^=+\n/, "");
    return { kind: "changed", patch, manual, declare };
  }
  // Another process (an editor, a formatter) may have saved the file since we read it; don't clobber that.
  let current: Buffer | undefined;
  try {
    current = fs.readFileSync(file.absPath);
  } catch (error) {
    if (isMissing(error)) return { kind: "failed", reason: DISAPPEARED, manual };
    current = undefined;
  }
  if (!current || !current.equals(original)) {
    return { kind: "failed", reason: "changed on disk during the run; not written", manual };
  }
  try {
    // A temporary file renamed over the target: a full disk, a size limit or a kill leaves the old bytes or the new ones.
    writeFileAtomicSync(file.absPath, Buffer.from(output, "utf8"));
  } catch (error) {
    return { kind: "failed", reason: isMissing(error) ? DISAPPEARED : `cannot write: ${(error as Error).message}`, manual };
  }
  return { kind: "changed", manual, declare };
}

/**
 * Why the file must not be written, or `undefined`. Read-only: no write bit at all, or no write
 * access for us (the mode check matters as root, where access(W_OK) succeeds on read-only files).
 * Hard-linked: the rename would give this name new content and leave the other names on the old
 * (a split the user never asked for, possibly of a file outside the paths), and writing in place
 * is not atomic; so it is left alone and listed under "skipped".
 */
function whyNotWritable(file: string): { kind: "failed" | "skipped"; reason: string } | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if (isMissing(error)) return { kind: "failed", reason: DISAPPEARED };
    return { kind: "failed", reason: `cannot stat: ${(error as Error).message}` };
  }
  if ((stat.mode & 0o222) === 0) return { kind: "failed", reason: "read-only" };
  try {
    fs.accessSync(file, fs.constants.W_OK);
  } catch {
    return { kind: "failed", reason: "read-only" };
  }
  if (stat.nlink > 1) {
    return {
      kind: "skipped",
      reason: `hard-linked (${stat.nlink} links): not rewritten, as replacing it would split the link; copy it to a file of its own to rewrite it`,
    };
  }
  return undefined;
}
