import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
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
  $ traced-exit fix --json --quiet . > traced-exit-report.json
      Machine-readable summary.
  $ traced-exit fix --cpus 1 src
      Everything in this process, no worker threads.

Exit codes: 0 done (manual-review items included), 1 a file failed,
2 usage error, uncommitted changes (without --force) or no engine.
`;

/** Entry point of bin/traced-exit.js. Resolves to the exit code; never calls process.exit. */
export async function main(argv: string[], deps: MainDeps = {}): Promise<number> {
  const io = deps.io ?? defaultIo();
  const createEngine = deps.createEngine ?? loadEngine;
  let exitCode = 0;

  const program = new Command("traced-exit")
    .description("Stop Node.js programs from losing their OpenTelemetry traces on process.exit().")
    .version(readVersion(), "-v, --version")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
    })
    .showHelpAfterError("(run `traced-exit fix --help` for usage)")
    .addHelpText("after", EXAMPLES);

  program
    .command("fix")
    .description("Rewrite process.exit() and unflushed shutdowns in traced code, file by file.")
    .argument("[paths...]", "files and directories to fix (default: the current directory)")
    .option("--dry-run", "print a unified diff per changed file and write nothing")
    .option("--force", "write even when git shows uncommitted changes under the paths")
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
      // Before the engine loads (it brings ESLint): a typo in a path should fail fast.
      const missing = paths.find((input) => !fs.existsSync(path.resolve(io.cwd, input)));
      if (missing !== undefined) {
        io.stderr(`traced-exit: path not found: ${missing}\n`);
        exitCode = 2;
        return;
      }
      let engine;
      let engineOptions: EngineOptions = {};
      try {
        const settings = flags.settings === undefined ? undefined : (JSON.parse(fs.readFileSync(path.resolve(io.cwd, flags.settings), "utf8")) as Record<string, unknown>);
        engineOptions = { ...(flags.transform ? { transforms: flags.transform } : {}), ...(settings ? { settings } : {}) };
        engine = createEngine(Object.keys(engineOptions).length > 0 ? engineOptions : undefined);
      } catch (error) {
        const reason = error instanceof EngineUnavailableError ? error.message : `cannot start the engine: ${(error as Error).message}`;
        io.stderr(`traced-exit: ${reason}\n`);
        exitCode = 2;
        return;
      }
      const options: FixOptions = {
        paths,
        dryRun: Boolean(flags.dryRun),
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

function collectIds(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((id) => id.trim()).filter(Boolean)];
}

function readVersion(): string {
  try {
    // dist/cli/index.js and src/cli/index.ts are both two levels below package.json.
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}
