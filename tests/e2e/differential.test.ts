// The codemod's proof at runtime: for every program in tests/codemods/__runnable__/, run it as it is and as
// `traced-exit fix` rewrites it, under the real SDK it uses and against one shared loopback OTLP receiver,
// and compare. The rewrite must keep what the program does and change only what reaches the receiver:
//   - same exit code (and signal), same stdout;
//   - no span ended twice, nor recorded on after it ended (the SDK's own diag messages, counted);
//   - every span the rewritten program starts is exported, so every span the original lost now arrives
//     (but for the known limits a case lists as `stillLost`);
//   - the spans a case names carry ERROR and an `exception` event, and no other span is ERROR;
//   - `tsc --noEmit --noUnusedLocals` finds nothing in the output that it did not find in the input, nor does
//     typescript-eslint's no-unused-vars (a helper the fix adds and never calls is a new finding of both);
//   - every finding is rewritten (none left for manual review, but for the known limits a case counts as
//     `manual`) and the rules accept the output.
//
// A case is `<case>.ts` (`<case>.mts` for an ES module, e.g. one with top-level await), with an optional `<case>.json` saying how to run it and what to expect:
//   { "runs": [{ "env": { "X": "1" }, "errorSpans": ["load.task"], "statusOnly": [], "exceptionOnly": [], "levelOnly": [], "exceptionMessages": { "load.task": "…" }, "loses": true, "stillLost": [] }], "manual": 0 }
// (default: one run with no extra environment, no ERROR span, and the original losing at least one span).
// `"transforms": ["exit-to-throw"]` runs only those codemods (as `traced-exit fix -t exit-to-throw` does); default all.
// The engine is the CLI's (createEngine, which `traced-exit fix` loads), applied to a copy of the case.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { concurrencyGate, lostSpans, measureExample, REPO_ROOT, type Measurement } from "../../examples/demo/pipeline";
import { startOtlpReceiver, type OtlpReceiver } from "../../examples/support/otlp-receiver";
import { createEngine, type CodemodId } from "../../src/codemods/engine";
import type { EngineResult } from "../../src/cli/engine";
import { errorsByFile, typecheckFolder } from "../support/tsc";

const RUNNABLE = path.join(REPO_ROOT, "tests", "codemods", "__runnable__");

// Each test spawns two programs that load an SDK through tsx, two at a time: on a loaded 2-core machine
// one test can wait minutes for its turn.
vi.setConfig({ testTimeout: 600_000, hookTimeout: 300_000 });

interface CaseRun {
  env?: Record<string, string>;
  /** After the fix: the spans that carry ERROR and an `exception` event; every other span is not ERROR. */
  errorSpans?: string[];
  /**
   * Among `errorSpans`, those whose SDK records an error as the ERROR status and its message, with no
   * `exception` event: Langfuse 5 (`setStatus` only, node_modules/@langfuse/tracing `wrapPromise`).
   */
  statusOnly?: string[];
  /**
   * Spans, not ERROR, that carry the error as one `exception` event: LangSmith 0.12 in OpenTelemetry mode
   * sets OK when it sends the run's start, and the SDK lets no later ERROR replace OK
   * (node_modules/langsmith: lib/experimental/otel/translator.js).
   */
  exceptionOnly?: string[];
  /**
   * Spans, not ERROR, that carry the error as Langfuse's observation level: Langfuse 5's `observe()` sets
   * `langfuse.observation.level` to ERROR and the error's message as `langfuse.observation.status_message`,
   * and leaves the OpenTelemetry status alone (node_modules/@langfuse/tracing `observe`).
   */
  levelOnly?: string[];
  /**
   * Per span, the `exception.message` its `exception` event must carry after the fix: the real error's message
   * where the exit stood for a caught error (`console.error("LLM failed:", err); process.exit(1)`).
   */
  exceptionMessages?: Record<string, string>;
  /** The original loses at least one span (default true): the case shows a problem the fix solves. */
  loses?: boolean;
  /**
   * Spans the rewritten program still loses, each a known limit written down in docs/codemods (default none):
   * asserted exactly, so that a fix or a regression shows.
   */
  stillLost?: string[];
}

interface Case {
  name: string;
  /** `<name>.ts` or `<name>.mts` */
  file: string;
  source: string;
  runs: CaseRun[];
  /** Findings the codemod must leave for manual review (default 0), each a known limit in docs/codemods. */
  manual: number;
  /** The codemods to run (`traced-exit fix -t …`); all of them when absent. */
  transforms: CodemodId[] | undefined;
}

const cases: Case[] = readdirSync(RUNNABLE)
  .filter((file) => /^[\w-]+\.m?ts$/u.test(file))
  .sort()
  .map((file) => {
    const name = file.replace(/\.m?ts$/u, "");
    const spec = path.join(RUNNABLE, `${name}.json`);
    const { runs = [{}], manual = 0, transforms } = existsSync(spec) ? (JSON.parse(readFileSync(spec, "utf8")) as { runs?: CaseRun[]; manual?: number; transforms?: CodemodId[] }) : {};
    return { name, file, source: readFileSync(path.join(RUNNABLE, file), "utf8"), runs, manual, transforms };
  });

// Each run is a Node process loading an SDK through tsx; two at a time is what a 2-core machine can use.
const gate = concurrencyGate(2);
// A run's test waits in the gate behind every run queued before it, so its time grows with the number of
// cases and the machine's load (measured: 60 s ran out for 7 of 28 runs at a load average of 17 on 2 cores).
// Not a measure of speed.
const RUN_TIMEOUT = 900_000;
let receiver: OtlpReceiver;
let work: string;
const fixed = new Map<string, EngineResult>();
/** tsc's diagnostics per file of the work folder: `input/<case file>`, `output/<case file>`. */
let diagnostics = new Map<string, string[]>();

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  work = await mkdtemp(path.join(os.tmpdir(), "traced-exit-differential-"));
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(work, "node_modules"), "dir");
  await mkdir(path.join(work, "input"));
  await mkdir(path.join(work, "output"));
  const engine = createEngine();
  for (const { name, file, source, transforms } of cases) {
    const result = (transforms ? createEngine({ transforms }) : engine).transform(source, file);
    fixed.set(name, result);
    await writeFile(path.join(work, "input", file), source);
    await writeFile(path.join(work, "output", file), result.output ?? source);
  }
  // The tsconfig.json is also what tsx (esbuild) reads `experimentalDecorators` from: the SDKs' decorators
  // are legacy decorators.
  diagnostics = errorsByFile(await typecheckFolder(work, { include: ["input", "output"] }, { noUnusedLocals: true }));
});

afterAll(async () => {
  await receiver?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

it("finds the runnable cases", () => {
  expect(cases.length).toBeGreaterThanOrEqual(12);
});

describe.concurrent("traced-exit fix keeps the program's behaviour", () => {
  for (const testCase of cases) {
    it(`${testCase.name}: rewritten whole, and type-checks as cleanly as the original`, ({ expect }) => {
      const result = fixed.get(testCase.name);
      expect(result?.output, "the codemod changed nothing").toBeDefined();
      expect(result?.manual.length, `findings left for manual review: ${JSON.stringify(result?.manual)}`).toBe(testCase.manual);
      const before = diagnostics.get(`input/${testCase.file}`) ?? [];
      const after = diagnostics.get(`output/${testCase.file}`) ?? [];
      expect(after.filter((line) => !before.includes(line)), `new tsc errors in the output:\n${result?.output}`).toEqual([]);
      const unusedBefore = unusedVars(testCase.source, testCase.file);
      const unusedAfter = unusedVars(result?.output ?? testCase.source, testCase.file);
      expect(unusedAfter.filter((message) => !unusedBefore.includes(message)), `new no-unused-vars findings in the output:\n${result?.output}`).toEqual([]);
    });

    for (const [index, run] of testCase.runs.entries()) {
      const label = Object.entries(run.env ?? {}).map(([key, value]) => `${key}=${value}`).join(" ") || "no extra environment";
      it(`${testCase.name} (${label}): same exit code and stdout, every span exported, errors recorded once`, async ({ expect }) => {
        const measure = (side: "input" | "output") =>
          gate(() => measureExample(path.join(work, side, testCase.file), { fail: undefined, env: run.env }, { receiver, run: `${testCase.name}-${index}-${side}`, cwd: work }));
        const original = await measure("input");
        const rewritten = await measure("output");
        const why = explain(original, rewritten, fixed.get(testCase.name)?.output);
        for (const measured of [original, rewritten]) {
          expect(measured.timedOut, why).toBe(false);
          expect(measured.started.length, `no span started${why}`).toBeGreaterThan(0);
        }
        if (run.loses ?? true) expect(lostSpans(original).length, `the original loses no span: nothing to prove${why}`).toBeGreaterThan(0);

        expect({ exitCode: rewritten.exitCode, signal: rewritten.signal }, `exit${why}`).toEqual({ exitCode: original.exitCode, signal: original.signal });
        expect(rewritten.stdout, `stdout${why}`).toBe(original.stdout);
        expect(rewritten.reended, `spans ended twice or recorded after their end${why}`).toEqual([]);
        expect(lostSpans(rewritten).toSorted(), `started but never exported${why}`).toEqual((run.stillLost ?? []).toSorted());
        // A span whose parent is still lost is an orphan: only a case with none can have no orphan.
        if (!run.stillLost?.length) expect(rewritten.summary.orphanNames, `parent never exported${why}`).toEqual([]);
        const expected = run.errorSpans ?? [];
        expect(rewritten.summary.errorNames.toSorted(), `spans with ERROR status${why}`).toEqual(expected.toSorted());
        for (const span of rewritten.spans.filter((candidate) => candidate.status === "ERROR")) {
          const statusOnly = run.statusOnly?.includes(span.name) ?? false;
          expect(span.events.filter((event) => event.name === "exception"), `${span.name}: ${statusOnly ? "no" : "one"} exception event${why}`).toHaveLength(statusOnly ? 0 : 1);
          if (statusOnly) expect(span.statusMessage, `${span.name}: the error's message as the status message${why}`).toBeTruthy();
        }
        for (const name of run.exceptionOnly ?? []) {
          const span = rewritten.spans.find((candidate) => candidate.name === name);
          expect(span?.events.filter((event) => event.name === "exception"), `${name}: one exception event${why}`).toHaveLength(1);
        }
        for (const [name, message] of Object.entries(run.exceptionMessages ?? {})) {
          const span = rewritten.spans.find((candidate) => candidate.name === name);
          const messages = span?.events.filter((event) => event.name === "exception").map((event) => event.attributes["exception.message"]);
          expect(messages, `${name}: the exception event's message${why}`).toEqual([message]);
        }
        for (const name of run.levelOnly ?? []) {
          const span = rewritten.spans.find((candidate) => candidate.name === name);
          expect(span?.attributes["langfuse.observation.level"], `${name}: Langfuse level ERROR${why}`).toBe("ERROR");
          expect(span?.attributes["langfuse.observation.status_message"], `${name}: the error's message${why}`).toBeTruthy();
        }
        expect(receiver.rejectedRequests(), "export requests the receiver could not decode").toBe(0);
      }, RUN_TIMEOUT);
    }
  }
});

/** typescript-eslint's no-unused-vars (in the README's recommended config) on a program: its messages, without positions. */
function unusedVars(source: string, file: string): string[] {
  const linter = new Linter({ configType: "flat" });
  const config = {
    files: ["**/*.ts", "**/*.mts"],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { "@typescript-eslint": tseslint.plugin as unknown as NonNullable<Linter.Config["plugins"]>[string] },
    rules: { "@typescript-eslint/no-unused-vars": "error" as const },
  };
  return linter.verify(source, [config], file).map((message) => message.message);
}

function explain(original: Measurement, rewritten: Measurement, output: string | undefined): string {
  const describe = (run: Measurement) =>
    `exit ${run.exitCode ?? run.signal}; started ${run.started.join(", ") || "none"}; received ${run.spans.map((span) => `${span.name}:${span.status}`).join(", ") || "none"}\n  stdout: ${JSON.stringify(run.stdout)}\n  stderr: ${run.stderr.slice(0, 800)}`;
  return `\n- original: ${describe(original)}\n- rewritten: ${describe(rewritten)}\n--- rewritten program ---\n${output ?? "(unchanged)"}`;
}
