import * as fs from "node:fs";
import * as path from "node:path";
import { createTwoFilesPatch } from "diff";
import { discoverFiles, type SkippedFile, type SourceFile, toDisplayPath } from "./discover";
import type { Engine, ManualReview } from "./engine";
import { UsageError } from "./errors";
import { checkWorkingTree } from "./git";
import { createProgress } from "./progress";
import { describeParseError, findSyntaxError } from "./reparse";
import { processInWorkers, type WorkerOptions } from "./parallel";
import { formatSummary } from "./summary";

export interface FixOptions {
  /** Files and directories, relative to `io.cwd`; `["."]` when empty. */
  paths?: string[];
  /** Print a unified diff per changed file; write nothing; never refuse a dirty tree. */
  dryRun?: boolean;
  /** Write even when git shows uncommitted changes under the paths. */
  force?: boolean;
  /** No progress output. */
  quiet?: boolean;
  /** Print the summary (and dry-run patches) as JSON on stdout. */
  json?: boolean;
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
  /** Source files found and looked at (changed + unchanged + failed). */
  scanned: number;
  /** Files written (or, in a dry run, that would be written), by display path. */
  changed: string[];
  unchanged: number;
  manualReview: ManualReviewItem[];
  failed: FileProblem[];
  /** Files deliberately not looked at (e.g. a symlink to outside the paths); not an error. */
  skipped: FileProblem[];
  /** Dry run only: one unified diff per changed file, in `changed` order. */
  patches?: Array<{ file: string; patch: string }>;
}

export type ExitCode = 0 | 1 | 2;

export interface FixReport {
  /** 0 success (manual review items included), 1 some file failed, 2 usage error or refused. */
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

/** `traced-exit fix` without the argument parsing. */
export async function runFix(options: FixOptions, engine: Engine, io: FixIo = defaultIo()): Promise<FixReport> {
  const inputs = options.paths && options.paths.length > 0 ? options.paths : ["."];
  const dryRun = Boolean(options.dryRun);

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

  if (!dryRun && !options.force) {
    const refusal = refusalFor(inputs.map((input) => path.resolve(io.cwd, input)), io);
    if (refusal) {
      io.stderr(refusal);
      return { exitCode: 2 };
    }
  }

  const summary = await processFiles(discovery.files, discovery.skipped, engine, dryRun, options, io);
  const exitCode: ExitCode = summary.failed.length > 0 ? 1 : 0;
  if (options.json) {
    io.stdout(`${JSON.stringify({ ...summary, exitCode }, null, 2)}\n`);
  } else {
    for (const { patch } of summary.patches ?? []) io.stdout(patch);
    io.stdout(formatSummary(summary));
  }
  return { exitCode, summary };
}

/** The message to refuse with, or `undefined` when writing is safe. */
function refusalFor(absInputs: string[], io: FixIo): string | undefined {
  const state = checkWorkingTree(absInputs, io.env);
  if (state.kind === "no-git" || state.kind === "clean") return undefined;
  if (state.kind === "unknown") {
    return (
      `traced-exit: refusing to write: could not read the git status (${state.message}).\n` +
      "Fix the git problem, preview with --dry-run, or pass --force to write anyway.\n"
    );
  }
  const shown = state.files.slice(0, MAX_DIRTY_SHOWN).map((file) => `  ${toDisplayPath(io.cwd, file)}\n`);
  const more = state.files.length - shown.length;
  return (
    "traced-exit: refusing to write: uncommitted changes under the given paths:\n" +
    shown.join("") +
    (more > 0 ? `  …and ${more} more\n` : "") +
    "Commit or stash them first so the rewrite can be reviewed and undone with git,\n" +
    "preview with --dry-run, or pass --force to write anyway.\n"
  );
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
  };
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
    else {
      summary.changed.push(file.displayPath);
      if (outcome.patch !== undefined) summary.patches?.push({ file: file.displayPath, patch: outcome.patch });
    }
  };
  if (options.workers && options.workers.cpus > 1) {
    // Outcomes arrive in any order; they are recorded in file order, so the summary is the in-process one.
    const outcomes = await processInWorkers(files, engine, dryRun, options.workers, (done, file) => progress.update(done, file.displayPath));
    for (const [index, file] of files.entries()) record(file, outcomes[index] as Outcome);
    progress.done();
    return summary;
  }
  for (const [index, file] of files.entries()) {
    progress.update(index + 1, file.displayPath);
    record(file, processFile(file, engine, dryRun));
    // Let a TTY progress line and signals through on very long runs.
    if (index % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  progress.done();
  return summary;
}

/** What became of one file; plain data, so a worker thread can send it back (./parallel.ts). */
export type Outcome = { manual: ManualReview[] } & (
  | { kind: "unchanged" }
  | { kind: "failed"; reason: string }
  | { kind: "changed"; patch?: string }
);

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
    return { kind: "failed", reason: `cannot read: ${(error as Error).message}`, manual: [] };
  }
  // Decoded as-is: a BOM stays "\uFEFF", CRLF stays CRLF. The engine owns the content.
  const source = original.toString("utf8");
  if (!engine.mightChange(source)) return { kind: "unchanged", manual: [] };
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
  if (isReadOnly(file.absPath)) return { kind: "failed", reason: "read-only", manual };

  if (dryRun) {
    const rel = file.displayPath;
    const patch = createTwoFilesPatch(`a/${rel}`, `b/${rel}`, source, output).replace(/^=+\n/, "");
    return { kind: "changed", patch, manual };
  }
  // Another process (an editor, a formatter) may have saved the file since we read it; don't clobber that.
  let current: Buffer | undefined;
  try {
    current = fs.readFileSync(file.absPath);
  } catch {
    current = undefined;
  }
  if (!current || !current.equals(original)) {
    return { kind: "failed", reason: "changed on disk during the run; not written", manual };
  }
  try {
    // Written in place, not via rename: mode, owner, hard links and the inode stay as they were.
    fs.writeFileSync(file.absPath, Buffer.from(output, "utf8"));
  } catch (error) {
    return { kind: "failed", reason: `cannot write: ${(error as Error).message}`, manual };
  }
  return { kind: "changed", manual };
}

/**
 * No write bit at all, or no write access for us. The mode check matters
 * when running as root, where access(W_OK) succeeds on read-only files.
 */
function isReadOnly(file: string): boolean {
  try {
    if ((fs.statSync(file).mode & 0o222) === 0) return true;
    fs.accessSync(file, fs.constants.W_OK);
    return false;
  } catch {
    return true;
  }
}
