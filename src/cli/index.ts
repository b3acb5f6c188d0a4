import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { PACKAGE_VERSION } from "../meta";
import { type EngineFactory, type EngineOptions, EngineUnavailableError, hasRegisteredEngineFactory, loadEngine } from "./engine";
import { defaultIo, type FixIo, type FixOptions, runFix } from "./fix";

export type { Engine, EngineFactory, EngineOptions, EngineResult, ManualReview } from "./engine";
export { loadEngine, registerEngineFactory } from "./engine";
export type { ExitCode, FileProblem, FixIo, FixOptions, FixReport, FixSummary, ManualReviewItem } from "./fix";
export { runFix } from "./fix";

export interface MainDeps {
  io?: FixIo;
  /** Defaults to `loadEngine` (the registered factory, else src/codemods/engine). */
  createEngine?: EngineFactory;
}

const EXAMPLES = `
Examples:
  $ traced-exit fix --dry-run
      Show every change under the current directory as a diff; write nothing.
  $ traced-exit fix src scripts/nightly.ts
      Rewrite one directory and one file (the git tree must be clean there).
  $ traced-exit fix --transform exit-to-throw src
      Run only the named codemod(s); repeat the flag or separate ids with commas.
  $ traced-exit fix --check src
      CI gate: print what would change, exit 1 if anything would.
  $ traced-exit fix --json --quiet . > traced-exit-report.json
      Machine-readable summary.
  $ traced-exit fix --cpus 1 src
      Everything in this process, no worker threads.

Exit codes: 0 done (manual-review items included), 1 a file failed (with
--check: or would change), 2 usage error, invalid settings, no engine, or
(without --force) files git could not undo: uncommitted, ignored, outside a
repository, or no git.
`;

/** Entry point of bin/traced-exit.js. Resolves to the exit code; never calls process.exit. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? defaultIo();
  const createEngine = deps.createEngine ?? loadEngine;
  let exitCode = 0;

  const program = new Command("traced-exit")
    .description("Stop Node.js programs from losing their OpenTelemetry traces on process.exit().")
    .version(PACKAGE_VERSION, "-v, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    })
    .showHelpAfterError("(run `traced-exit fix --help` for usage)")
    .addHelpText("after", EXAMPLES);

  program
    .command("fix")
    .description("Rewrite traced code so its spans survive: exits, unflushed shutdowns, floating promises and unrecorded span errors, file by file.")
    .argument("[paths...]", "files and directories to fix (default: the current directory)")
    .option("--dry-run", "print a unified diff per changed file and write nothing")
    .option("--check", "for CI: like --dry-run, and exit 1 when any file would change")
    .option("--force", "write even when git could not undo it (uncommitted changes, ignored files, no repository)")
    .option("-q, --quiet", "no progress output on stderr")
    .option("--json", "print the summary (and dry-run diffs) as JSON on stdout")
    .option("--settings <file>", 'JSON file with the same object as ESLint\'s settings["traced-exit"] (your own wrappers and flush calls)')
    .option("--cpus <n>", "rewrite in up to n worker threads; 1 runs in this process (default: the number of CPUs)", parseCpus)
    .option("-t, --transform <ids>", "only run these codemods (comma-separated, repeatable): exit-to-throw, flush-before-exit, await-floating-promises, record-span-errors", collectIds)
    .addHelpText(
      "after",
      `
Finds .js .jsx .mjs .cjs .ts .tsx .mts .cts files (not .d.ts), honouring
.gitignore and .git/info/exclude, never entering node_modules or .git or a
symlinked directory. A file named on the command line is taken even if ignored.
${EXAMPLES}`,
    )
    .action(async (paths: string[], flags: FixFlags) => {
      /** Stops before any file is touched: exit code 2. */
      const refuse = (message: string) => {
        io.stderr(`traced-exit: ${message}\n`);
        exitCode = 2;
      };
      // Before the engine loads (it brings ESLint): a typo in a path should fail fast.
      const missing = paths.find((input) => !fs.existsSync(path.resolve(io.cwd, input)));
      if (missing !== undefined) return refuse(`path not found: ${missing}`);
      // `-t ""` or `-t ,` names no codemod: running none would report every file unchanged.
      if (flags.transform !== undefined && flags.transform.length === 0) {
        return refuse("--transform needs at least one codemod id (exit-to-throw, flush-before-exit, await-floating-promises, record-span-errors)");
      }
      let settings: Record<string, unknown> | undefined;
      if (flags.settings !== undefined) {
        const read = readSettingsFile(path.resolve(io.cwd, flags.settings), flags.settings);
        if (typeof read === "string") return refuse(read);
        settings = read;
      }
      let engine;
      let engineOptions: EngineOptions = {};
      try {
        engineOptions = { ...(flags.transform ? { transforms: flags.transform } : {}), ...(settings ? { settings } : {}) };
        engine = createEngine(Object.keys(engineOptions).length > 0 ? engineOptions : undefined);
      } catch (error) {
        const reason = error instanceof EngineUnavailableError ? error.message : `cannot start the engine: ${(error as Error).message}`;
        return refuse(reason);
      }
      const options: FixOptions = {
        paths,
        dryRun: Boolean(flags.dryRun),
        check: Boolean(flags.check),
        force: Boolean(flags.force),
        quiet: Boolean(flags.quiet),
        json: Boolean(flags.json),
        // Workers build the built-in engine themselves; an engine handed in (tests, harnesses) stays in this thread.
        ...(deps.createEngine === undefined && !hasRegisteredEngineFactory() ? { workers: { cpus: flags.cpus ?? os.availableParallelism(), engineOptions } } : {}),
      };
      exitCode = (await runFix(options, engine, io)).exitCode;
    });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    // --help and --version end with exit code 0; every other parse error is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.stderr(`traced-exit: internal error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
  return exitCode;
}

interface FixFlags {
  dryRun?: boolean;
  check?: boolean;
  force?: boolean;
  quiet?: boolean;
  json?: boolean;
  transform?: string[];
  settings?: string;
  cpus?: number;
}

function parseCpus(value: string): number {
  if (!/^[1-9]\d*$/u.test(value.trim())) throw new InvalidArgumentError("expected a whole number of at least 1.");
  return Number(value);
}

/** The settings object in `file`, or why it cannot be used. */
function readSettingsFile(file: string, shown: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    return `cannot read the --settings file ${shown}: ${(error as Error).message}`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
    return `the --settings file ${shown} must hold a JSON object (what ESLint's settings["traced-exit"] holds), not ${got}`;
  }
  return value as Record<string, unknown>;
}

function collectIds(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((id) => id.trim()).filter(Boolean)];
}

