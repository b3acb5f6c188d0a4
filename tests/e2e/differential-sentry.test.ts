// Issue 14, case 8: the differential proof for a Sentry program (tests/e2e/differential.test.ts does the same
// for OTLP exporters; Sentry posts envelopes to its DSN instead). The program is run as written and as
// `traced-exit fix` rewrites it, under the real @sentry/node 10 posting to a loopback endpoint, and compared:
// same exit code and stdout; the transaction the exit lost now arrives with the failing span; and the error
// reaches Sentry through Sentry's own unhandled-rejection capture, which a `.catch` that handled the error
// at the entry would have taken away. No span is ended twice or written to after its end: @sentry/node 10
// ignores both silently (its SentrySpan, not OpenTelemetry's), so tests/support/sentry-reended.mjs notes them
// in the program; and no span id arrives twice across the transaction envelopes.
import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../examples/demo/pipeline";
import { runExample } from "../../examples/support/run-example";
import type { EngineResult } from "../../src/cli/engine";
import { prepareDifferentialWork, type DifferentialWork } from "../support/differential-work";
import { startSentryEndpoint, type SentryItem } from "../support/sentry-endpoint";

const FIXTURES = path.join(REPO_ROOT, "tests", "e2e", "fixtures", "sentry-differential");
const CASE = "sentry-exit.ts";
/** Ends its span twice on purpose: the check of the check. */
const DOUBLE_END = "sentry-double-end.ts";
const REENDED_PRELOAD = pathToFileURL(path.join(REPO_ROOT, "tests", "support", "sentry-reended.mjs")).href;
let work: DifferentialWork;
let fixed: EngineResult;

beforeAll(async () => {
  work = await prepareDifferentialWork("differential-sentry", [CASE, DOUBLE_END].map((file) => ({ file, source: readFileSync(path.join(FIXTURES, file), "utf8") })));
  fixed = work.fixed.get(CASE) as EngineResult;
}, 180_000);

afterAll(async () => {
  await work?.remove();
});

interface SentryRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  items: SentryItem[];
  /** Calls on a span after its end (sentry-reended.mjs), e.g. `end() on ended span "step" (<id>)`. */
  reended: string[];
}

async function measure(side: "input" | "output", env: Record<string, string>, file = CASE): Promise<SentryRun> {
  const endpoint = await startSentryEndpoint();
  const reendedFile = work.pathOf(side, `${file}-${Math.random().toString(36).slice(2)}-reended.json`);
  try {
    // The OTLP receiver is not used: Sentry posts envelopes to its DSN.
    const run = await runExample(work.pathOf(side, file), {
      receiverUrl: "http://127.0.0.1:9",
      cwd: work.dir,
      env: { ...env, SENTRY_DSN: endpoint.dsn, NODE_OPTIONS: `--import=${REENDED_PRELOAD}`, TRACED_EXIT_REENDED_SPANS_FILE: reendedFile },
      timeoutMs: 120_000,
    });
    expect(run.timedOut, run.stderr).toBe(false);
    const reended = JSON.parse(await readFile(reendedFile, "utf8").catch(() => "null")) as string[] | null;
    expect(reended, `${file} did not report the spans handled after their end; stderr:\n${run.stderr}`).not.toBeNull();
    return { exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr, items: endpoint.items(), reended: reended ?? [] };
  } finally {
    await rm(reendedFile, { force: true });
    await endpoint.close();
  }
}

/** Span ids (the transaction's own and its child spans') that arrive more than once across all transaction envelopes. */
function spanIdsSentTwice(run: SentryRun): string[] {
  const ids = run.items
    .filter((item) => item.type === "transaction")
    .flatMap((item) => {
      const payload = item.payload as { contexts?: { trace?: { span_id?: string } }; spans?: { span_id?: string }[] };
      return [payload.contexts?.trace?.span_id, ...(payload.spans ?? []).map((span) => span.span_id)];
    });
  return ids.filter((id, index) => ids.indexOf(id) !== index).map(String);
}

/** Asserts what the differential harness asserts for OTLP: nothing ended twice, nothing handled after its end. */
function expectEndedOnce(run: SentryRun, why: string): void {
  expect(run.reended, `spans ended twice or written to after their end${why}`).toEqual([]);
  expect(spanIdsSentTwice(run), `span ids sent twice${why}`).toEqual([]);
}

/** The transactions as `name:status` and their child spans as `description:status`. */
function transactions(run: SentryRun): string[] {
  return run.items
    .filter((item) => item.type === "transaction")
    .flatMap((item) => {
      const payload = item.payload as { transaction?: string; contexts?: { trace?: { status?: string } }; spans?: { description?: string; status?: string }[] };
      return [`${payload.transaction}:${payload.contexts?.trace?.status}`, ...(payload.spans ?? []).map((span) => `${span.description}:${span.status}`)];
    });
}

/** The error events as `message (mechanism)`. */
function errors(run: SentryRun): string[] {
  return run.items
    .filter((item) => item.type === "event")
    .map((item) => {
      const exception = (item.payload as { exception?: { values?: { value?: string; mechanism?: { type?: string } }[] } }).exception?.values?.at(-1);
      return `${exception?.value} (${exception?.mechanism?.type})`;
    });
}

describe("a Sentry program rewritten by traced-exit fix", () => {
  it("is rewritten whole and type-checks as cleanly as the original", () => {
    expect(fixed.output).toBeDefined();
    expect(fixed.manual).toEqual([]);
    expect(work.newTscErrors(CASE), fixed.output).toEqual([]);
  });

  it("keeps the exit code and stdout; the lost transaction arrives, and Sentry captures the error itself", async () => {
    const original = await measure("input", {});
    const rewritten = await measure("output", {});
    const why = `\noriginal stderr: ${original.stderr.slice(0, 600)}\nrewritten stderr: ${rewritten.stderr.slice(0, 600)}\n${fixed.output}`;
    expect(original.exitCode, why).toBe(1);
    expect(rewritten.exitCode, why).toBe(original.exitCode);
    expect(rewritten.stdout, why).toBe(original.stdout);
    // The exit lost everything.
    expect({ transactions: transactions(original), errors: errors(original) }, why).toEqual({ transactions: [], errors: [] });
    expect(transactions(rewritten), why).toEqual(["nightly:internal_error", "step:internal_error"]);
    expect(errors(rewritten), why).toEqual(["step failed (auto.node.onunhandledrejection)"]);
    for (const run of [original, rewritten]) expectEndedOnce(run, why);
  }, 300_000);

  it("on the happy path, runs as before", async () => {
    const env = { RUNNABLE_OK: "1" };
    const original = await measure("input", env);
    const rewritten = await measure("output", env);
    expect(rewritten.exitCode).toBe(original.exitCode);
    expect(rewritten.stdout).toBe(original.stdout);
    expect(transactions(rewritten)).toEqual(transactions(original));
    expect(transactions(rewritten)).toEqual(["nightly:ok", "step:ok"]);
    expect(errors(rewritten)).toEqual([]);
    for (const run of [original, rewritten]) expectEndedOnce(run, "");
  }, 300_000);
});

describe("the check that no Sentry span is ended twice", () => {
  it("fails on a program that ends its span twice, which the envelopes alone do not show", async () => {
    const run = await measure("input", {}, DOUBLE_END);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toBe("running\n");
    // Sentry sends the transaction once, at the first end: counting span ids finds nothing …
    expect(transactions(run)).toEqual(["nightly:ok"]);
    expect(spanIdsSentTwice(run)).toEqual([]);
    // … and the second end, by Sentry.startSpan after the callback, is what the preload notes.
    expect(run.reended).toHaveLength(1);
    expect(run.reended[0]).toMatch(/^end\(\) on ended span "nightly" \([0-9a-f]{16}\)$/u);
    expect(() => expectEndedOnce(run, "")).toThrow(/ended twice/u);
  }, 300_000);
});
