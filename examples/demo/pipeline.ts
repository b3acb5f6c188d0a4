// The pipeline behind `npm run demo` and tests/e2e/runtime-fix.test.ts, so the report and the test measure
// the same thing with the same parts:
//   1. lint the example apps with `configs.recommended` (ESLint's API, the built plugin as a user installs it);
//   2. copy the apps (and examples/support, so `../support/*` imports keep working) to a temp folder and run
//      the real CLI there: `node bin/traced-exit.js fix --dry-run` for the diff, then `fix --force`;
//   3. run the original and the CLI-fixed apps against a local OTLP/HTTP receiver with the same DEMO_FAIL
//      scenario, counting the spans each run *started* (started-spans.mjs) and the spans the receiver got.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, copyFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint, type Linter } from "eslint";
import { startOtlpReceiver, summarizeSpans, type OtlpReceiver, type ReceivedSpan, type SpanSummary } from "../support/otlp-receiver";
import { findRepoRoot, runExample } from "../support/run-example";

export const REPO_ROOT = findRepoRoot();
const CLI = path.join(REPO_ROOT, "bin", "traced-exit.js");
const STARTED_SPANS_PRELOAD = path.join(REPO_ROOT, "examples", "demo", "started-spans.mjs");

export interface Scenario {
  /** DEMO_FAIL value; undefined is the happy path. */
  fail: string | undefined;
  /** More environment for the app, e.g. a slow failure. */
  env?: Record<string, string>;
  /** What goes wrong, in the example's words. */
  what: string;
  /** After the fix: the spans that must carry ERROR and an `exception` event (the failing span and its parents). */
  errorSpans: string[];
  /** After the fix: the message recorded on the failing span. */
  message?: string;
}

export interface ExampleApp {
  name: "traceloop-app" | "otel-app";
  /** Repository-relative path of the original app. */
  file: string;
  sdk: string;
  scenarios: Scenario[];
}

// The scenarios each app's header documents (examples/*/index.ts). The error spans are the failing span and
// every enclosing one: the rewrite rethrows through each scope, so each records the error.
export const EXAMPLES: ExampleApp[] = [
  {
    name: "traceloop-app",
    file: "examples/traceloop-app/index.ts",
    sdk: "@traceloop/node-server-sdk",
    scenarios: [
      { fail: undefined, what: "nothing fails", errorSpans: [] },
      {
        fail: "credentials",
        what: "Bedrock rejects; the task calls process.exit(1) (the incident)",
        errorSpans: ["bedrock_completion.task", "rag_pipeline.workflow"],
        message: "Bedrock call failed, check AWS credentials: Could not load credentials from any providers",
      },
      {
        fail: "credentials",
        // The incident's timing: the batch ships while the credential chain is still failing, so the tasks
        // that already ended arrive as orphans of a workflow that never does.
        env: { DEMO_BEDROCK_LATENCY_MS: "1000", OTEL_BSP_SCHEDULE_DELAY: "100" },
        what: "the same, with a slow credential chain: a batch ships before the exit",
        errorSpans: ["bedrock_completion.task", "rag_pipeline.workflow"],
        message: "Bedrock call failed, check AWS credentials: Could not load credentials from any providers",
      },
      {
        fail: "region",
        what: "a helper called from a task calls process.exit(1)",
        errorSpans: ["load_config.task", "rag_pipeline.workflow"],
        message: "AWS_REGION is not set",
      },
      {
        fail: "retrieval",
        what: "a task throws; the entry's .catch calls process.exit(1)",
        errorSpans: ["retrieve_documents.task", "rag_pipeline.workflow"],
        message: "vector index unavailable",
      },
      {
        fail: "audit",
        what: "the un-awaited record_request task rejects",
        errorSpans: ["record_request.task", "rag_pipeline.workflow"],
        message: "audit log rejected the record",
      },
    ],
  },
  {
    name: "otel-app",
    file: "examples/otel-app/index.ts",
    sdk: "@opentelemetry/api startActiveSpan",
    scenarios: [
      { fail: undefined, what: "nothing fails", errorSpans: [] },
      {
        fail: "credentials",
        what: "Bedrock rejects; the span callback calls process.exit(1)",
        errorSpans: ["bedrock_completion", "rag_pipeline"],
        message: "Bedrock call failed, check AWS credentials: Could not load credentials from any providers",
      },
      {
        fail: "retrieval",
        what: "a span callback throws; the entry's .catch calls process.exit(1)",
        errorSpans: ["retrieve_documents", "rag_pipeline"],
        message: "vector index unavailable",
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------------- lint

export interface Finding {
  /** Relative to the linted folder, with forward slashes. */
  file: string;
  line: number;
  column: number;
  ruleId: string;
  message: string;
  /** Descriptions of the rule's suggestions (what an editor offers as quick fixes). */
  suggestions: string[];
}

interface TracedExitPlugin {
  configs: { recommended: Linter.Config };
  rules: Record<string, { meta?: { docs?: { url?: string } } }>;
}

/** The built plugin, resolved by its package name as a user's config does (package "exports" self-reference). */
export function loadPlugin(): TracedExitPlugin {
  return createRequire(path.join(REPO_ROOT, "package.json"))("eslint-plugin-traced-exit") as TracedExitPlugin;
}

/** The README's config: `configs.recommended` plus the TypeScript parser for .ts files. */
export function readmeConfig(): Linter.Config[] {
  const tsParser = createRequire(path.join(REPO_ROOT, "package.json"))("@typescript-eslint/parser") as Linter.Parser;
  return [loadPlugin().configs.recommended, { files: ["**/*.ts"], languageOptions: { parser: tsParser } }];
}

export async function lintFiles(cwd: string, files: readonly string[]): Promise<Finding[]> {
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: readmeConfig() });
  const results = await eslint.lintFiles(files.map((file) => path.resolve(cwd, file)));
  const findings: Finding[] = [];
  for (const result of results) {
    for (const message of result.messages) {
      // A parse error or a crashed rule would make "no findings" meaningless.
      if (message.fatal || message.ruleId === null) throw new Error(`${result.filePath}: ${message.message}`);
      findings.push({
        file: path.relative(cwd, result.filePath).split(path.sep).join("/"),
        line: message.line,
        column: message.column,
        ruleId: message.ruleId,
        message: message.message,
        suggestions: (message.suggestions ?? []).map((suggestion) => suggestion.desc),
      });
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------- copy + CLI

export interface ExamplesCopy {
  dir: string;
  /** Absolute path of an app inside the copy, e.g. file("examples/traceloop-app/index.ts"). */
  file(repoRelative: string): string;
  dispose(): Promise<void>;
}

/**
 * Copies the apps' index.ts and examples/support/ into `<tmp>/examples/…` (same layout, so relative imports
 * resolve) with a node_modules symlink to the repository's, so the SDK imports resolve. The hand-fixed files
 * are not copied: what runs after the fix is what the CLI wrote.
 */
export async function copyExamples(): Promise<ExamplesCopy> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "traced-exit-demo-"));
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const copy = async (relative: string) => {
    const target = path.join(dir, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(REPO_ROOT, relative), target);
  };
  for (const app of EXAMPLES) await copy(app.file);
  for (const entry of await readdir(path.join(REPO_ROOT, "examples", "support"))) {
    if (entry.endsWith(".ts")) await copy(path.join("examples", "support", entry));
  }
  return {
    dir,
    file: (repoRelative) => path.join(dir, repoRelative),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI, as `npx traced-exit` runs it: `node bin/traced-exit.js <args>` in `cwd`. */
export function runCli(args: readonly string[], cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

/** Splits `fix --dry-run` output into the unified diff and the summary that follows it. */
export function splitDryRun(stdout: string): { diff: string; summary: string } {
  const at = stdout.indexOf("traced-exit fix:");
  return at === -1 ? { diff: stdout, summary: "" } : { diff: stdout.slice(0, at), summary: stdout.slice(at) };
}

// ------------------------------------------------------------------------------------------ measure

export interface Measurement {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** Names of the spans the run started (startSpan/startActiveSpan calls), in order. */
  started: string[];
  /** The SDK's complaints about a span ended twice, or recorded on after it ended (started-spans.mjs). */
  reended: string[];
  /** What the receiver decoded. */
  spans: ReceivedSpan[];
  summary: SpanSummary;
  rejectedRequests: number;
}

/** How a scenario is written on a command line: `DEMO_FAIL=credentials DEMO_BEDROCK_LATENCY_MS=1000 …`. */
export function scenarioLabel(scenario: Pick<Scenario, "fail" | "env">): string {
  const env = Object.entries(scenario.env ?? {}).map(([key, value]) => `${key}=${value}`);
  return [`DEMO_FAIL=${scenario.fail ?? "(none)"}`, ...env].join(" ");
}

/** Where a run exports: its own receiver (the default), or a shared one under a run name of its own. */
export interface MeasureOptions {
  receiver?: OtlpReceiver;
  /** The run's name on a shared receiver (OtlpReceiver.urlFor); unique per run. */
  run?: string;
  /** Working directory of the program (default: the repository root). */
  cwd?: string;
}

/** Runs one app in a scenario against a receiver (its own unless one is shared, so runs can overlap). */
export async function measureExample(file: string, scenario: Pick<Scenario, "fail" | "env">, options: MeasureOptions = {}): Promise<Measurement> {
  const receiver = options.receiver ?? (await startOtlpReceiver());
  const run = options.run ?? "";
  const stem = path.join(os.tmpdir(), `traced-exit-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const startedFile = `${stem}-started.json`;
  const reendedFile = `${stem}-reended.json`;
  try {
    const result = await runExample(file, {
      receiverUrl: options.receiver ? receiver.urlFor(run) : receiver.url,
      cwd: options.cwd ?? REPO_ROOT,
      env: {
        ...scenario.env,
        DEMO_FAIL: scenario.fail,
        NODE_OPTIONS: `--import=${pathToFileURL(STARTED_SPANS_PRELOAD).href}`,
        TRACED_EXIT_STARTED_SPANS_FILE: startedFile,
        TRACED_EXIT_REENDED_SPANS_FILE: reendedFile,
      },
    });
    const report = async (what: string, reportFile: string) => {
      try {
        return JSON.parse(await readFile(reportFile, "utf8")) as string[];
      } catch {
        throw new Error(`${file} (${scenarioLabel(scenario)}) did not report its ${what}; stderr:\n${result.stderr}`);
      }
    };
    const started = await report("started spans", startedFile);
    const reended = await report("spans handled after they ended", reendedFile);
    const spans = options.receiver ? receiver.spansOf(run) : receiver.spans();
    return { ...result, started, reended, spans, summary: summarizeSpans(spans), rejectedRequests: receiver.rejectedRequests() };
  } finally {
    await rm(startedFile, { force: true });
    await rm(reendedFile, { force: true });
    if (!options.receiver) await receiver.close();
  }
}

/** A gate letting at most `limit` callers run at once: `const gate = concurrencyGate(2); await gate(() => work())`. */
export function concurrencyGate(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** Runs `tasks` with at most `limit` at a time (each example is a Node process; CI machines have 2 cores). */
export async function inBatches<T>(limit: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

// ------------------------------------------------------------------------------------------- verdict

/** Started span names that the receiver never got (a multiset difference). */
export function lostSpans(run: Measurement): string[] {
  return notReceived(run.started, run.summary.names);
}

/** The names of `started` that `received` does not account for, counted one for one (a name started twice and received once is lost once). */
export function notReceived(started: readonly string[], received: readonly string[]): string[] {
  const left = [...received];
  const lost: string[] = [];
  for (const name of started) {
    const at = left.indexOf(name);
    if (at === -1) lost.push(name);
    else left.splice(at, 1);
  }
  return lost;
}

/** ERROR spans that also carry an `exception` event. */
export function recordedErrors(run: Measurement): string[] {
  return run.spans
    .filter((span) => span.status === "ERROR" && span.events.some((event) => event.name === "exception"))
    .map((span) => span.name);
}

/**
 * Everything the report says about a scenario, checked; an empty list means every claim holds:
 * before the fix a failing run loses spans; after it, every started span arrives in one whole trace, the
 * failing spans carry ERROR and an `exception` event, and the exit code is the original one.
 */
export function problemsWith(scenario: Scenario, before: Measurement, after: Measurement): string[] {
  const problems: string[] = [];
  for (const [when, run] of [["before", before], ["after", after]] as const) {
    if (run.timedOut) problems.push(`${when}: the app timed out`);
    if (run.rejectedRequests > 0) problems.push(`${when}: ${run.rejectedRequests} export requests could not be decoded`);
    if (run.started.length === 0) problems.push(`${when}: the app started no spans`);
  }
  if (scenario.fail !== undefined && lostSpans(before).length === 0) problems.push("before: no span was lost, nothing to fix");
  if (scenario.fail === undefined && before.exitCode !== 0) problems.push(`before: the happy path exited ${before.exitCode}`);

  const lost = lostSpans(after);
  if (lost.length > 0) problems.push(`after: started but never exported: ${lost.join(", ")}`);
  if (after.summary.orphans > 0) problems.push(`after: orphans (parent never exported): ${after.summary.orphanNames.join(", ")}`);
  if (new Set(after.spans.map((span) => span.traceId)).size > 1) problems.push("after: the spans belong to more than one trace");
  const errors = after.summary.errorNames.toSorted();
  if (errors.join() !== scenario.errorSpans.toSorted().join()) {
    problems.push(`after: ERROR spans [${errors.join(", ")}], expected [${scenario.errorSpans.toSorted().join(", ")}]`);
  }
  const failing = scenario.errorSpans[0] && after.spans.find((span) => span.name === scenario.errorSpans[0]);
  if (failing && failing.statusMessage !== scenario.message) {
    problems.push(`after: ${failing.name} says "${failing.statusMessage ?? ""}", expected "${scenario.message ?? ""}"`);
  }
  const bare = after.summary.errorNames.filter((name) => !recordedErrors(after).includes(name));
  if (bare.length > 0) problems.push(`after: ERROR without an exception event: ${bare.join(", ")}`);
  if (after.exitCode !== before.exitCode || after.signal !== null) {
    problems.push(`after: exit code ${after.exitCode ?? after.signal}, before it was ${before.exitCode ?? before.signal}`);
  }
  return problems;
}
