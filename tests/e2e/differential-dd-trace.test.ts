// The differential proof for dd-trace programs (tests/e2e/differential.test.ts does it for OTLP exporters):
// dd-trace does not export OTLP, it sends MessagePack traces to a Datadog agent, so each program runs, as
// written and as `traced-exit fix` rewrites it, under the real dd-trace 5.132 against a loopback agent
// (tests/support/dd-agent.ts), and is compared:
//   - same exit code (and signal), same stdout;
//   - no span finished twice or tagged after its finish (tests/support/dd-trace-spans.mjs, in the program: dd-trace
//     ignores both without a word), and no span id received twice;
//   - every span the rewritten program starts arrives (the original loses at least one);
//   - the spans a run names carry dd-trace's error flag (`error: 1`) and the error's `error.message`,
//     `error.type` and `error.stack` tags, and no other span has the flag;
//   - `tsc --noEmit` finds nothing in the output that it did not find in the input; every finding is rewritten.
//
// A case is tests/e2e/fixtures/dd-trace-differential/<case>.ts with an optional <case>.json:
//   { "runs": [{ "env": { "X": "1" }, "errorSpans": ["import"], "loses": true, "stillLost": [] }], "manual": 0 }
// A case with `manual` findings is one the codemod must leave for manual review: its file must stay byte-identical,
// each exit of the file must be listed (the list `traced-exit fix` prints), and both runs must then be the same.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { concurrencyGate, notReceived, REPO_ROOT } from "../../examples/demo/pipeline";
import { runExample, type RunExampleResult } from "../../examples/support/run-example";
import { startDdAgent, type AgentSpan } from "../support/dd-agent";
import { prepareDifferentialWork, type DifferentialWork } from "../support/differential-work";

const FIXTURES = path.join(REPO_ROOT, "tests", "e2e", "fixtures", "dd-trace-differential");
/** Finishes its span twice on purpose: the check of the check. */
const DOUBLE_FINISH = "double-finish.ts";
const PRELOAD = pathToFileURL(path.join(REPO_ROOT, "tests", "support", "dd-trace-spans.mjs")).href;

// Each run is a Node process loading dd-trace through tsx; a run's test also waits for the runs queued before it.
vi.setConfig({ testTimeout: 900_000, hookTimeout: 300_000 });

interface CaseRun {
  env?: Record<string, string>;
  /** After the fix: the spans with dd-trace's error flag and the error's tags; every other span has no flag. */
  errorSpans?: string[];
  /** The original loses at least one span (default true). */
  loses?: boolean;
  /** Spans the rewritten program still loses: a finding left for manual review (default none), asserted exactly. */
  stillLost?: string[];
}

const cases = readdirSync(FIXTURES)
  .filter((file) => file.endsWith(".ts"))
  .sort()
  .map((file) => {
    const spec = path.join(FIXTURES, file.replace(/\.ts$/u, ".json"));
    const { runs = [{}], manual = 0 } = existsSync(spec) ? (JSON.parse(readFileSync(spec, "utf8")) as { runs?: CaseRun[]; manual?: number }) : {};
    return { file, source: readFileSync(path.join(FIXTURES, file), "utf8"), runs, manual };
  });

/** dd-trace's side channels off (as in runtime-pipeline-llm-clients.test.ts): only traces matter here. */
const QUIET = {
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
  DD_REMOTE_CONFIGURATION_ENABLED: "false",
  DD_TRACE_STARTUP_LOGS: "false",
  DD_RUNTIME_METRICS_ENABLED: "false",
};

interface DdRun extends RunExampleResult {
  started: string[];
  reended: string[];
  spans: AgentSpan[];
  rejectedRequests: number;
}

const gate = concurrencyGate(2);
let work: DifferentialWork;

beforeAll(async () => {
  const check = { file: DOUBLE_FINISH, source: readFileSync(path.join(REPO_ROOT, "tests", "e2e", "fixtures", "dd-trace-checks", DOUBLE_FINISH), "utf8") };
  work = await prepareDifferentialWork("differential-dd-trace", [...cases, check]);
});

afterAll(async () => {
  await work?.remove();
});

async function measure(side: "input" | "output", file: string, env: Record<string, string> = {}): Promise<DdRun> {
  return gate(async () => {
    const agent = await startDdAgent();
    const stem = work.pathOf(side, `${file}-${Math.random().toString(36).slice(2)}`);
    const files = { TRACED_EXIT_STARTED_SPANS_FILE: `${stem}-started.json`, TRACED_EXIT_REENDED_SPANS_FILE: `${stem}-reended.json` };
    try {
      const run = await runExample(work.pathOf(side, file), {
        // The OTLP receiver is not used: dd-trace sends to its agent.
        receiverUrl: "http://127.0.0.1:9",
        cwd: work.dir,
        env: { ...QUIET, ...env, DD_TRACE_AGENT_URL: agent.url, NODE_OPTIONS: `--import=${PRELOAD}`, ...files },
        timeoutMs: 120_000,
        // dd-trace's beforeExit drain puts a request on the wire as the process ends.
        settleMs: 1_000,
      });
      const report = async (what: string, reportFile: string) =>
        JSON.parse(await readFile(reportFile, "utf8").catch(() => {
          throw new Error(`${side}/${file} did not report its ${what}; stderr:\n${run.stderr}`);
        })) as string[];
      return {
        ...run,
        started: await report("started spans", files.TRACED_EXIT_STARTED_SPANS_FILE),
        reended: await report("spans finished twice", files.TRACED_EXIT_REENDED_SPANS_FILE),
        spans: agent.spans(),
        rejectedRequests: agent.rejectedRequests(),
      };
    } finally {
      await Promise.all(Object.values(files).map((reportFile) => rm(reportFile, { force: true })));
      await agent.close();
    }
  });
}

const lost = (run: DdRun) => notReceived(run.started, run.spans.map((span) => span.name));

it("finds the dd-trace cases", () => {
  expect(cases.length).toBeGreaterThanOrEqual(4);
});

it("notes a span finished twice and tagged after its finish, which the agent alone does not show", async () => {
  const run = await measure("input", DOUBLE_FINISH);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout).toBe("running\n");
  // dd-trace sends the span once, without the late tag …
  expect(run.spans.map((span) => span.name)).toEqual(["nightly"]);
  expect(run.spans[0]?.meta.late).toBeUndefined();
  // … and the preload notes both calls.
  expect(run.reended).toEqual(['finish() on finished span "nightly"', 'setTag() on finished span "nightly"']);
});

describe.concurrent("traced-exit fix keeps a dd-trace program's behaviour", () => {
  for (const testCase of cases) {
    const title = testCase.manual > 0 ? "left as it is, each exit listed for manual review" : "rewritten whole, and type-checks as cleanly as the original";
    it(`${testCase.file}: ${title}`, ({ expect }) => {
      const result = work.fixed.get(testCase.file);
      if (testCase.manual > 0) {
        expect(result?.output, `the codemod changed the file:\n${result?.output}`).toBeUndefined();
        const exitLines = testCase.source.split("\n").flatMap((line, index) => (/^(?!\s*\/\/).*process\.exit\(/u.test(line) ? [index + 1] : []));
        expect(result?.manual.map((item) => item.line), "the lines listed for manual review").toEqual(exitLines);
        expect(result?.manual).toHaveLength(testCase.manual);
        for (const item of result?.manual ?? []) expect(item.reason).toMatch(/fix by hand/u);
        return;
      }
      expect(result?.output, "the codemod changed nothing").toBeDefined();
      expect(result?.manual, "findings left for manual review").toEqual([]);
      expect(work.newTscErrors(testCase.file), `new tsc errors in the output:\n${result?.output}`).toEqual([]);
    });

    for (const run of testCase.runs) {
      const label = Object.entries(run.env ?? {}).map(([key, value]) => `${key}=${value}`).join(" ") || "no extra environment";
      it(`${testCase.file} (${label}): same exit code and stdout, every span sent, errors flagged, none finished twice`, async ({ expect }) => {
        const original = await measure("input", testCase.file, run.env);
        const rewritten = await measure("output", testCase.file, run.env);
        const why = explain(original, rewritten, work.fixed.get(testCase.file)?.output);
        for (const measured of [original, rewritten]) {
          expect(measured.timedOut, why).toBe(false);
          expect(measured.started.length, `no span started${why}`).toBeGreaterThan(0);
          expect(measured.reended, `spans finished twice or tagged after their finish${why}`).toEqual([]);
          const ids = measured.spans.map((span) => span.spanId);
          expect(ids.filter((id, index) => ids.indexOf(id) !== index), `span ids received twice${why}`).toEqual([]);
          expect(measured.rejectedRequests, `trace payloads the agent could not decode${why}`).toBe(0);
        }
        if (run.loses ?? true) expect(lost(original).length, `the original loses no span: nothing to prove${why}`).toBeGreaterThan(0);

        expect({ exitCode: rewritten.exitCode, signal: rewritten.signal }, `exit${why}`).toEqual({ exitCode: original.exitCode, signal: original.signal });
        expect(rewritten.stdout, `stdout${why}`).toBe(original.stdout);
        expect(lost(rewritten).toSorted(), `started but never sent${why}`).toEqual((run.stillLost ?? []).toSorted());
        // A file left as it is runs as it did: the same spans arrive, with the same flags.
        if (testCase.manual > 0) expect(rewritten.spans.map((span) => `${span.name}:${span.error}`).toSorted(), `spans sent${why}`).toEqual(original.spans.map((span) => `${span.name}:${span.error}`).toSorted());
        const flagged = rewritten.spans.filter((span) => span.error === 1);
        expect(flagged.map((span) => span.name).toSorted(), `spans with the error flag${why}`).toEqual((run.errorSpans ?? []).toSorted());
        for (const span of flagged) {
          expect(span.meta["error.message"], `${span.name}: error.message${why}`).toBeTruthy();
          expect(span.meta["error.type"], `${span.name}: error.type${why}`).toBeTruthy();
          expect(span.meta["error.stack"], `${span.name}: error.stack${why}`).toBeTruthy();
        }
      });
    }
  }
});

function explain(original: DdRun, rewritten: DdRun, output: string | undefined): string {
  const describe = (run: DdRun) =>
    `exit ${run.exitCode ?? run.signal}; started ${run.started.join(", ") || "none"}; received ${run.spans.map((span) => `${span.name}:${span.error}`).join(", ") || "none"}\n  stdout: ${JSON.stringify(run.stdout)}\n  stderr: ${run.stderr.slice(0, 800)}`;
  return `\n- original: ${describe(original)}\n- rewritten: ${describe(rewritten)}\n--- rewritten program ---\n${output ?? "(unchanged)"}`;
}
