// One runnable proof per finding class, and per class the rules leave alone on purpose (issue 13; the table
// is docs/proofs.md). Each program in tests/e2e/fixtures/classes/ is
//   1. linted with the rule the class belongs to, which must report exactly the class's findings (none for a
//      class that is not reported), so the program is an instance of the class and not of a neighbour;
//   2. run under the real SDK against one loopback OTLP receiver (each run posts under a path of its own),
//      in the environments and textual variants listed: the run that shows the loss (or that nothing is
//      lost), a control run where nothing fails, and where a small edit fixes it, the fixed program.
// Spans are compared by name, sorted, with `!` after the name of a span whose status is ERROR.
// Classes already proven elsewhere (Traceloop, simple processors, Sentry, the OpenAI Agents SDK, LangSmith,
// dd-trace, rewrites) are not run again here: docs/proofs.md points at those tests.
import { readFileSync } from "node:fs";
import path from "node:path";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import plugin from "../../src/index";
import { startOtlpReceiver, type OtlpReceiver } from "../../examples/support/otlp-receiver";
import { findRepoRoot, runExample } from "../../examples/support/run-example";
import { createEngine } from "../../src/codemods/engine";
import { writeExampleVariant } from "../support/example-variant";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 60_000 });

type RuleId = "no-process-exit" | "require-flush-before-exit" | "require-span-error-recording" | "no-floating-promises";

interface Run {
  /** What the run shows, for the failure message. */
  readonly label: string;
  readonly env?: Record<string, string>;
  /** Textual edits that make the variant (the fix, or a control), applied to a copy of the program. */
  readonly edits?: readonly (readonly [string, string])[];
  /** Run the program as `traced-exit fix` rewrites it (with the case's settings) instead. */
  readonly rewritten?: boolean;
  readonly exitCode: number;
  readonly spans: readonly string[];
  readonly stdout?: string;
  /** The spans ConsoleSpanExporter printed to stdout, by name (the harness reads them there, not at the receiver). */
  readonly printed?: readonly string[];
}

interface ClassCase {
  /** The row of docs/proofs.md. */
  readonly name: string;
  readonly file: string;
  readonly rule: RuleId;
  /** The message ids the rule reports on the program, in source order; empty for a class that is not reported. */
  readonly findings: readonly string[];
  /** Lint with type information (the class is only found with it). */
  readonly typed?: boolean;
  /** `settings["traced-exit"]` for the lint and the rewrite: the team's own wrappers, starters, runners. */
  readonly settings?: Record<string, unknown>;
  readonly runs: readonly Run[];
}

const DIR = "tests/e2e/fixtures/classes";

const TEAM = {
  wrappers: [{ module: "./support/team-tracing", export: "traced", callback: 1, kind: "job" }],
  spanStarters: [{ module: "./support/team-tracing", export: "startSpan", otel: true }],
  runners: [{ module: "./support/team-tracing", export: "inContext", callback: 1 }],
  initializers: [{ module: "./support/team-tracing" }],
  flushes: [{ module: "./support/team-tracing", export: "provider.shutdown" }],
};

const CASES: readonly ClassCase[] = [
  // ---- Findings: each run that fails loses what the message says.
  {
    name: "exit inside a span started by hand",
    file: "exit-in-manual-span.ts",
    rule: "no-process-exit",
    findings: ["exitInScope"],
    runs: [
      { label: "exits inside the span: the span and the flush are skipped", exitCode: 2, spans: [] },
      { label: "control: no exit", env: { CLASS_REGION: "eu" }, exitCode: 0, spans: ["sync"] },
    ],
  },
  {
    name: "exit in another file's function called inside a span",
    file: "exit-in-other-file.ts",
    rule: "no-process-exit",
    findings: ["exitInOtherFile"],
    typed: true,
    runs: [
      { label: "the helper exits: the span and the flush are skipped", exitCode: 2, spans: [] },
      { label: "control: the helper returns", env: { CLASS_REGION: "eu" }, exitCode: 0, spans: ["deploy"] },
    ],
  },
  {
    name: "exit after the spans ended, without a flush",
    file: "exit-after-spans.ts",
    rule: "require-flush-before-exit",
    findings: ["exitWithoutFlush", "entryWithoutFlush"],
    runs: [
      { label: "process.exit(4) drops the batch queue", env: { CLASS_FAIL: "1" }, exitCode: 4, spans: [] },
      { label: "fixed: the flush is awaited first", env: { CLASS_FAIL: "1" }, edits: [["    process.exit(4);", "    await provider.shutdown();\n    process.exit(4);"]], exitCode: 4, spans: ["check"] },
    ],
  },
  {
    name: "exit in a signal handler",
    file: "exit-in-signal-handler.ts",
    rule: "require-flush-before-exit",
    findings: ["exitWithoutFlush"],
    runs: [
      { label: "the SIGTERM listener exits: the batch queue is dropped", exitCode: 143, spans: [], stdout: "terminating\n" },
      { label: "fixed: the listener exits once the flush settles", edits: [["process.exit(143);", "void provider.shutdown().finally(() => process.exit(143));"]], exitCode: 143, spans: ["poll"], stdout: "terminating\n" },
    ],
  },
  {
    name: "exit in an 'uncaughtException' handler",
    file: "exit-in-error-handler.ts",
    rule: "require-flush-before-exit",
    findings: ["exitWithoutFlush"],
    runs: [
      { label: "the handler exits: the batch queue is dropped", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: [] },
      { label: "fixed: the handler exits once the flush settles", env: { CLASS_FAIL: "1" }, edits: [["  process.exit(1);", "  void provider.shutdown().finally(() => process.exit(1));"]], exitCode: 1, spans: ["render"] },
      { label: "control: nothing throws", exitCode: 0, spans: ["render"] },
    ],
  },
  {
    name: "exit in another file's function, after the spans ended",
    file: "exit-in-other-file-after-spans.ts",
    rule: "require-flush-before-exit",
    findings: ["exitInOtherFileWithoutFlush"],
    typed: true,
    runs: [
      { label: "the helper exits: the batch queue is dropped", exitCode: 2, spans: [] },
      { label: "control: the helper returns, the program flushes", env: { CLASS_REGION: "eu" }, exitCode: 0, spans: ["plan"] },
    ],
  },
  {
    name: "entry without a flush, ConsoleSpanExporter behind a batch processor",
    file: "console-exporter-batched.ts",
    rule: "require-flush-before-exit",
    findings: ["entryWithoutFlush"],
    runs: [
      { label: "natural end: the queued span is never printed", exitCode: 0, spans: [], printed: [] },
      { label: "fixed: the entry flushes", edits: [["\nmain();", "\nmain().finally(() => provider.shutdown());"]], exitCode: 0, spans: [], printed: ["nightly"] },
      {
        label: "control: behind a simple processor the span is printed as it ends, unflushed (not reported)",
        edits: [["import { BatchSpanProcessor,", "import { SimpleSpanProcessor as BatchSpanProcessor,"]],
        exitCode: 0,
        spans: [],
        printed: ["nightly"],
      },
    ],
  },
  {
    name: "entry that flushes on its success path only",
    file: "entry-flushes-on-success-only.ts",
    rule: "require-flush-before-exit",
    findings: ["entryWithoutFlush"],
    runs: [
      { label: "main() rejects: the natural end drops the batch queue", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: [] },
      { label: "control: the success path flushes", exitCode: 0, spans: ["import"] },
      { label: "fixed: the rejection handler flushes too", env: { CLASS_FAIL: "1" }, edits: [["    process.exitCode = 1;", "    process.exitCode = 1;\n    return provider.shutdown();"]], exitCode: 1, spans: ["import"] },
    ],
  },
  {
    // The usual layout (issue 16): the batch provider is set up and exported by the module the program imports.
    name: "set-up in an imported module: SIGTERM exit and failure path",
    file: "imported-setup.ts",
    rule: "require-flush-before-exit",
    findings: ["exitWithoutFlush", "entryWithoutFlush"],
    runs: [
      { label: "main() rejects: the natural end drops the imported provider's queue", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: [] },
      { label: "SIGTERM: the listener exits before the queue is flushed", env: { CLASS_SIGTERM: "1" }, exitCode: 0, spans: [], stdout: "got SIGTERM, bye\n" },
      { label: "control: the success path flushes", exitCode: 0, spans: ["import"] },
      { label: "rewritten: the rejection path flushes the imported provider", env: { CLASS_FAIL: "1" }, rewritten: true, exitCode: 1, spans: ["import"] },
      { label: "rewritten: the SIGTERM listener flushes before it exits", env: { CLASS_SIGTERM: "1" }, rewritten: true, exitCode: 0, spans: ["import"], stdout: "got SIGTERM, bye\n" },
    ],
  },
  {
    // The set-up two imports away (issue 16): this file → ./support/traced-app.ts → ./support/otel-setup.ts.
    name: "set-up two imports away: failure path",
    file: "imported-setup-two-hops.ts",
    rule: "require-flush-before-exit",
    findings: ["entryWithoutFlush"],
    runs: [
      { label: "main() rejects: the natural end drops the provider's queue", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: [] },
      { label: "control: nothing flushes the success path either", exitCode: 0, spans: [] },
      { label: "rewritten: the entry flushes the provider imported from where it is set up", env: { CLASS_FAIL: "1" }, rewritten: true, exitCode: 1, spans: ["import"] },
      { label: "rewritten: the success path too", rewritten: true, exitCode: 0, spans: ["import"] },
    ],
  },
  {
    // The set-up in a function of the imported module, called in main() (issue 16): flushed with its shutdownTracing().
    name: "set-up in a function of the imported module: failure path",
    file: "imported-setup-function.ts",
    rule: "require-flush-before-exit",
    findings: ["entryWithoutFlush"],
    runs: [
      { label: "main() rejects: the natural end drops the queue", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: [] },
      { label: "control: the success path flushes", exitCode: 0, spans: ["import"] },
      { label: "rewritten: the rejection path calls the module's shutdownTracing() too", env: { CLASS_FAIL: "1" }, rewritten: true, exitCode: 1, spans: ["import"] },
    ],
  },
  {
    name: "entry handler that swallows an exit code",
    file: "entry-drops-exit-code.ts",
    rule: "require-flush-before-exit",
    findings: ["entryDropsExitCode"],
    runs: [
      { label: "the span arrives, but the exit code 3 is lost", env: { CLASS_FAIL: "1" }, exitCode: 0, spans: ["deploy!"] },
      {
        label: "fixed: the handler keeps the error's exit code",
        env: { CLASS_FAIL: "1" },
        edits: [["console.error(\"deploy failed:\", (error as Error).message))", "{ console.error(\"deploy failed:\", (error as Error).message); process.exitCode = (error as { exitCode?: number }).exitCode ?? 1; })"]],
        exitCode: 3,
        spans: ["deploy!"],
      },
    ],
  },
  {
    name: "startActiveSpan callback that ends its span on success only",
    file: "active-span-ended-on-success.ts",
    rule: "require-span-error-recording",
    findings: ["spanNotEndedOnError"],
    runs: [
      { label: "the callback throws: its span is never ended, the flushed parent arrives alone", exitCode: 1, spans: ["job"] },
      { label: "control: the callback returns", env: { CLASS_INPUT: '{"a":1}' }, exitCode: 0, spans: ["job", "parse"] },
    ],
  },
  {
    name: "context.with callback that ends its span on success only",
    file: "context-with-ended-on-success.ts",
    rule: "require-span-error-recording",
    findings: ["spanNotEndedOnError"],
    runs: [
      { label: "the callback throws: its span is never ended", exitCode: 1, spans: ["job"] },
      { label: "control: the callback returns", env: { CLASS_ITEMS: "a,b" }, exitCode: 0, spans: ["job", "validate"] },
    ],
  },
  {
    name: "startActiveSpan callback that never ends its span",
    file: "active-span-never-ended.ts",
    rule: "require-span-error-recording",
    findings: ["spanNeverEnded"],
    runs: [
      { label: "the happy path: the span is never exported, though the program flushes", exitCode: 0, spans: ["job"], stdout: "audited\n" },
      {
        label: "fixed: the callback takes its span and ends it",
        edits: [["async () => {", "async (span) => {"], ['      console.log("audited");\n', '      console.log("audited");\n      span.end();\n']],
        exitCode: 0,
        spans: ["audit", "job"],
      },
    ],
  },
  {
    name: "span started by hand and never ended",
    file: "manual-span-never-ended.ts",
    rule: "require-span-error-recording",
    findings: ["manualSpanNeverEnded"],
    runs: [
      { label: "the happy path: the span is never exported, though the program flushes", exitCode: 0, spans: ["job"] },
      { label: "fixed: the span is ended", edits: [['  span.setAttribute("entries", 3);\n', '  span.setAttribute("entries", 3);\n  span.end();\n']], exitCode: 0, spans: ["job", "warm"] },
    ],
  },
  {
    name: "promise discarded with void inside a span",
    file: "voided-in-span.ts",
    rule: "no-floating-promises",
    findings: ["voided"],
    runs: [
      { label: "it rejects: the unhandled rejection ends the process before the flush", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: [] },
      { label: "control: it resolves", exitCode: 0, spans: ["handle"] },
    ],
  },
  {
    name: "array of promises not awaited inside a span",
    file: "floating-array-in-span.ts",
    rule: "no-floating-promises",
    findings: ["floatingArray"],
    typed: true,
    runs: [
      { label: "one rejects: the unhandled rejection ends the process before the flush", exitCode: 1, spans: [] },
      { label: "fixed: awaited with Promise.all, the rejection fails the span's work and is handled", edits: [["      users.map((user) => send(user));", "      await Promise.all(users.map((user) => send(user)));"]], exitCode: 1, spans: ["daily_digest"] },
    ],
  },
  {
    name: "async callback nothing awaits, inside a span",
    file: "floating-callback-in-span.ts",
    rule: "no-floating-promises",
    findings: ["floatingCallback"],
    runs: [
      { label: "one call rejects: the unhandled rejection ends the process before the flush", exitCode: 1, spans: [] },
      { label: "control: none rejects", env: { CLASS_USERS: "ann,bob" }, exitCode: 0, spans: ["notify_all"] },
    ],
  },
  {
    name: "promise returned from a try whose finally ends the span",
    file: "returned-from-try.ts",
    rule: "no-floating-promises",
    findings: ["returnedFromTry"],
    runs: [
      { label: "it rejects after the span ended: the span arrives without the error", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: ["report"] },
      { label: "fixed: `return await`, the catch records the error", env: { CLASS_FAIL: "1" }, edits: [["return fetchReport();", "return await fetchReport();"]], exitCode: 1, spans: ["report!"] },
    ],
  },

  // ---- The team's own tracing functions, declared in settings (docs/settings.md), judged like the catalogue's.
  {
    name: "exit in a wrapper declared in settings",
    file: "settings-wrapper-exit.ts",
    rule: "no-process-exit",
    findings: ["exitInScope"],
    settings: TEAM,
    runs: [
      { label: "exits inside the team's scope: its span and the flush are skipped", exitCode: 2, spans: [] },
      { label: "control: no exit", env: { CLASS_TOKEN: "t" }, exitCode: 0, spans: ["nightly_sync"], stdout: "synced\n" },
      { label: "as traced-exit fix rewrites it: same exit code, the span arrives with the error", rewritten: true, exitCode: 2, spans: ["nightly_sync!"] },
    ],
  },
  {
    name: "span from a starter declared in settings, not ended on error",
    file: "settings-starter-throw.ts",
    rule: "require-span-error-recording",
    findings: ["manualSpanNotEndedOnError"],
    settings: TEAM,
    runs: [
      { label: "the work rejects: the entry flushes, the span never ended", exitCode: 1, spans: [] },
      { label: "control: the work resolves", env: { CLASS_SOURCE: "a,b" }, exitCode: 0, spans: ["import"], stdout: "2 rows\n" },
      { label: "as traced-exit fix rewrites it: the span arrives with the error", rewritten: true, exitCode: 1, spans: ["import!"] },
    ],
  },
  {
    name: "program inside a runner declared in settings, flushed on success only",
    file: "settings-runner-entry.ts",
    rule: "require-flush-before-exit",
    findings: ["entryWithoutFlush"],
    settings: TEAM,
    runs: [
      { label: "the work rejects: the unhandled rejection drops the batch", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: [] },
      { label: "control: success flushes", exitCode: 0, spans: ["report"] },
      { label: "as traced-exit fix rewrites it: same exit code, the span arrives", rewritten: true, env: { CLASS_FAIL: "1" }, exitCode: 1, spans: ["report"] },
    ],
  },
  {
    name: "exit in a readline handler registered inside a span",
    file: "readline-exit.ts",
    rule: "no-process-exit",
    findings: ["exitInScope"],
    runs: [
      { label: "the 'line' handler exits while the span is open", exitCode: 3, spans: [], stdout: "> list\n> quit\n" },
      { label: "control: no quit, the input ends", env: { CLASS_INPUT: "list\n" }, exitCode: 0, spans: ["read_commands"], stdout: "> list\n" },
    ],
  },

  {
    name: "exit in a readline 'close' handler, after the spans ended",
    file: "readline-close-exit.ts",
    rule: "require-flush-before-exit",
    findings: ["exitWithoutFlush"],
    runs: [
      { label: "the handler exits: the batch queue is dropped", exitCode: 0, spans: [], stdout: "> status\nbye\n" },
      { label: "fixed: the handler exits once the flush settles", edits: [["  process.exit(0);", "  void provider.shutdown().finally(() => process.exit(0));"]], exitCode: 0, spans: ["command status"], stdout: "> status\nbye\n" },
    ],
  },

  // ---- Not reported: nothing is lost, or there is nothing to lose.
  {
    name: "Traceloop with tracingEnabled: false",
    file: "traceloop-tracing-disabled.ts",
    rule: "require-flush-before-exit",
    findings: [],
    runs: [
      { label: "natural end: nothing exported, nothing queued", exitCode: 0, spans: [], stdout: "step done\n" },
      { label: "process.exit(): the same", env: { CLASS_EXIT: "1" }, exitCode: 0, spans: [], stdout: "step done\n" },
      {
        label: "control: with tracing on (simple processor), the same program exports both spans to this receiver",
        edits: [["tracingEnabled: false", "disableBatch: true"]],
        exitCode: 0,
        spans: ["nightly.workflow", "step.task"],
        stdout: "step done\n",
      },
    ],
  },
  {
    name: "exit inside a workflow, tracing switched off by the program's own set-up",
    file: "traceloop-disabled-exit-in-scope.ts",
    rule: "no-process-exit",
    findings: [],
    runs: [
      { label: "the exit inside the workflow: nothing was recorded, nothing is lost", env: { CLASS_EXIT: "1" }, exitCode: 3, spans: [], stdout: "step done\n" },
      { label: "control: tracing on (simple processor), no exit: both spans arrive at this receiver", edits: [["tracingEnabled: false", "disableBatch: true"]], exitCode: 0, spans: ["nightly.workflow", "step.task"], stdout: "step done\n" },
      { label: "control: tracing on, the same exit loses them", env: { CLASS_EXIT: "1" }, edits: [["tracingEnabled: false", "disableBatch: true"]], exitCode: 3, spans: [], stdout: "step done\n" },
    ],
  },
  {
    name: "no initializer anywhere in the program",
    file: "no-initializer.ts",
    rule: "require-flush-before-exit",
    findings: [],
    runs: [
      { label: "natural end: the API's spans are non-recording, nothing to export", exitCode: 0, spans: [], stdout: "recording: false\n" },
      { label: "process.exit(): the same", env: { CLASS_EXIT: "1" }, exitCode: 0, spans: [], stdout: "recording: false\n" },
    ],
  },
  {
    name: "spans exported to memory only",
    file: "in-memory-exporter.ts",
    rule: "require-flush-before-exit",
    findings: [],
    runs: [
      { label: "natural end: nothing leaves the process", exitCode: 0, spans: [] },
      { label: "process.exit(): the same", env: { CLASS_EXIT: "1" }, exitCode: 0, spans: [] },
    ],
  },
  {
    name: "exit before any span can have started",
    file: "exit-before-any-span.ts",
    rule: "require-flush-before-exit",
    findings: [],
    runs: [
      { label: "the set-up check exits: no span was started", exitCode: 1, spans: [] },
      { label: "with a flush before that exit: it has nothing to send", edits: [["  process.exit(1);", "  void provider.forceFlush().finally(() => process.exit(1));"]], exitCode: 1, spans: [] },
      { label: "control: past the check, the span arrives", env: { CLASS_API_KEY: "k" }, exitCode: 0, spans: ["nightly"] },
    ],
  },
  {
    name: "try/catch/finally around context.with that records and ends the span",
    file: "try-around-context-with.ts",
    rule: "require-span-error-recording",
    findings: [],
    runs: [
      { label: "the callback throws: the span is recorded, ended and exported", exitCode: 3, spans: ["fetch_all!"] },
      { label: "control: nothing throws", env: { CLASS_KEYS: "a,bc" }, exitCode: 0, spans: ["fetch_all"] },
    ],
  },
  {
    name: "callback that hands its span to a function that ends it",
    file: "span-handed-to-finisher.ts",
    rule: "require-span-error-recording",
    findings: [],
    runs: [
      { label: "the work rejects: that function records and ends the span", exitCode: 1, spans: ["ask!"] },
      { label: "control: the work resolves", env: { CLASS_QUESTION: "why" }, exitCode: 0, spans: ["ask"] },
    ],
  },
  {
    name: "callback that returns its span to the caller",
    file: "span-returned-to-caller.ts",
    rule: "require-span-error-recording",
    findings: [],
    runs: [
      { label: "a throw after the hand-off: the caller records and ends the span", exitCode: 1, spans: ["stream!"] },
      { label: "control: nothing throws", env: { CLASS_SOURCE: "a,b" }, exitCode: 0, spans: ["stream"] },
    ],
  },
  {
    name: "callback that cannot throw",
    file: "cannot-throw-callback.ts",
    rule: "require-span-error-recording",
    findings: [],
    runs: [{ label: "the one path there is ends the spans", exitCode: 0, spans: ["mark", "tag"] }],
  },
  {
    name: "class implementing Tracer that hands the span to its caller's function",
    file: "delegating-tracer.ts",
    rule: "require-span-error-recording",
    findings: [],
    runs: [
      { label: "the caller's function throws and ends the span in its finally", exitCode: 1, spans: ["billing.charge"] },
      { label: "control: it returns", env: { CLASS_AMOUNT: "5" }, exitCode: 0, spans: ["billing.charge"] },
    ],
  },
  {
    name: "non-recording span from trace.wrapSpanContext",
    file: "wrap-span-context.ts",
    rule: "require-span-error-recording",
    findings: [],
    runs: [
      { label: "a throw skips its end: the same spans arrive as when it is ended", env: { CLASS_FAIL: "1" }, exitCode: 1, spans: ["resumed"] },
      { label: "control: it is ended", exitCode: 0, spans: ["resumed"] },
    ],
  },
];

const root = findRepoRoot();
const linter = new Linter({ configType: "flat" });

/** The message ids `rule` reports on the program, in source order. */
function findingsOf(testCase: ClassCase): string[] {
  const file = path.join(root, DIR, testCase.file);
  // The folder's own tsconfig.json: the project service loads these programs only, not the whole repository.
  const parserOptions = testCase.typed ? { projectService: true, tsconfigRootDir: path.join(root, DIR) } : {};
  const messages = linter.verify(
    readFileSync(file, "utf8"),
    [
      {
        files: ["**/*.ts"],
        plugins: { "traced-exit": plugin as never },
        languageOptions: { parser: tsParser as never, parserOptions },
        settings: testCase.settings ? { "traced-exit": testCase.settings } : {},
        rules: { [`traced-exit/${testCase.rule}`]: "error" },
      },
    ],
    { filename: file },
  );
  expect(messages.filter((message) => message.fatal), file).toEqual([]);
  return messages.map((message) => message.messageId ?? message.message);
}

/** The whole program as `traced-exit fix` rewrites it, as one edit; it must change something. */
function rewrite(testCase: ClassCase): readonly [string, string] {
  const file = path.join(root, DIR, testCase.file);
  const source = readFileSync(file, "utf8");
  const result = createEngine({ settings: testCase.settings }).transform(source, file);
  expect(result.output, `traced-exit fix leaves ${testCase.file} unchanged`).toBeDefined();
  return [source, result.output ?? source];
}

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});

/** Runs the program (or its variant) once, exporting under a path of its own. */
async function measure(testCase: ClassCase, run: Run, id: string) {
  const edits = run.rewritten ? [rewrite(testCase)] : run.edits;
  const variant = edits ? await writeExampleVariant(path.join(DIR, testCase.file), edits) : undefined;
  try {
    // Traceloop's import alone takes seconds on a loaded 2-core machine.
    const result = await runExample(variant?.file ?? path.join(DIR, testCase.file), { receiverUrl: receiver.urlFor(id), env: run.env, timeoutMs: 120_000 });
    expect(result.timedOut, result.stderr).toBe(false);
    const spans = receiver.spansOf(id).map((span) => `${span.name}${span.status === "ERROR" ? "!" : ""}`);
    // ConsoleSpanExporter prints each span as an object whose own `name` is indented by two spaces.
    const printed = [...result.stdout.matchAll(/^ {2}name: '([^']+)'/gmu)].map((match) => match[1]);
    return {
      exitCode: result.exitCode,
      spans: spans.sort(),
      ...(run.stdout === undefined ? {} : { stdout: result.stdout }),
      ...(run.printed === undefined ? {} : { printed: printed.sort() }),
      stderr: result.stderr,
    };
  } finally {
    await variant?.dispose();
  }
}

describe("each finding class loses what it says, each class left alone loses nothing", () => {
  for (const [index, testCase] of CASES.entries()) {
    it(`${testCase.name} (${testCase.file})`, async () => {
      expect(findingsOf(testCase), `${testCase.rule} on ${testCase.file}`).toEqual(testCase.findings);
      for (const [runIndex, run] of testCase.runs.entries()) {
        const { stderr, ...measured } = await measure(testCase, run, `c${index}r${runIndex}`);
        const expected = {
          exitCode: run.exitCode,
          spans: [...run.spans].sort(),
          ...(run.stdout === undefined ? {} : { stdout: run.stdout }),
          ...(run.printed === undefined ? {} : { printed: [...run.printed].sort() }),
        };
        expect(measured, `${testCase.file}: ${run.label}\n${stderr}`).toEqual(expected);
      }
      expect(receiver.rejectedRequests(), "export requests the receiver could not decode").toBe(0);
    });
  }
});
