// How spans leave the process (src/scopes/pipeline.ts), measured with the real SDKs and a loopback OTLP
// receiver. These are the facts behind require-flush-before-exit's findings and non-findings:
//   - a batch processor loses every span on an unflushed end, a natural one included;
//   - a simple processor (Traceloop `disableBatch: true`, `SimpleSpanProcessor`) loses nothing on a natural
//     end, but loses the exports in flight on `process.exit()` and on the crash of an unhandled rejection;
//   - a provider with no span processor exports nothing, flushed or not;
//   - Sentry sends its transaction on a natural end and after an unhandled rejection (which it captures
//     itself), and loses it on process.exit().
import { describe, expect, it, vi } from "vitest";
import { runExample } from "../../examples/support/run-example";
import { startSentryEndpoint } from "../support/sentry-endpoint";
import { runWithReceiver } from "../support/run-with-receiver";

vi.setConfig({ testTimeout: 180_000 });

const TRACELOOP = "tests/e2e/fixtures/pipeline/traceloop-simple.ts";
const OTEL = "tests/e2e/fixtures/pipeline/otel-simple.ts";
const NO_PROCESSOR = "tests/e2e/fixtures/pipeline/otel-no-processor.ts";

async function spansOf(file: string, env: Record<string, string>) {
  const { run, spans } = await runWithReceiver(file, env);
  return { exitCode: run.exitCode, names: spans.map((span) => span.name).sort() };
}

describe.each([
  { file: TRACELOOP, spans: ["nightly.workflow", "step.task"] },
  { file: OTEL, spans: ["nightly"] },
])("$file", ({ file, spans }) => {
  it("simple processor, natural end without a flush: every span arrives", async () => {
    expect(await spansOf(file, {})).toEqual({ exitCode: 0, names: spans });
  });

  it("batch processor, natural end without a flush: every span is lost", async () => {
    expect(await spansOf(file, { PIPELINE_BATCH: "1" })).toEqual({ exitCode: 0, names: [] });
  });

  it("simple processor, process.exit() after the spans ended: the exports in flight are lost", async () => {
    expect(await spansOf(file, { PIPELINE_EXIT: "1" })).toEqual({ exitCode: 0, names: [] });
  });

  it("simple processor, unhandled rejection after the spans ended: the crash loses the exports in flight", async () => {
    expect(await spansOf(file, { PIPELINE_THROW: "1" })).toEqual({ exitCode: 1, names: [] });
  });
});

describe("a provider without span processors", () => {
  it("exports nothing, flushed or not, whatever OTEL_TRACES_EXPORTER says", async () => {
    for (const env of [{}, { PIPELINE_FLUSH: "1", OTEL_TRACES_EXPORTER: "otlp" }] as Record<string, string>[]) {
      expect(await spansOf(NO_PROCESSOR, env)).toEqual({ exitCode: 0, names: [] });
    }
  });
});

/** The envelopes a run of the Sentry app posts to a loopback endpoint, by item type. */
async function sentryEnvelopesOf(env: Record<string, string>) {
  const endpoint = await startSentryEndpoint();
  try {
    // The OTLP receiver is not used: Sentry posts envelopes to its DSN.
    const run = await runExample(SENTRY, { receiverUrl: "http://127.0.0.1:9", env: { ...env, SENTRY_DSN: endpoint.dsn }, timeoutMs: 90_000 });
    expect(run.timedOut, run.stderr).toBe(false);
    const count = (type: string) => endpoint.items().filter((item) => item.type === type).length;
    return { exitCode: run.exitCode, transactions: count("transaction"), errors: count("event") };
  } finally {
    await endpoint.close();
  }
}

const SENTRY = "tests/e2e/fixtures/pipeline/sentry-app.ts";

describe("Sentry in its default mode", () => {
  it("sends the transaction on a natural end, unflushed", async () => {
    expect(await sentryEnvelopesOf({})).toEqual({ exitCode: 0, transactions: 1, errors: 0 });
  });

  it("captures an unhandled rejection itself and still sends the transaction (the process does not crash)", async () => {
    expect(await sentryEnvelopesOf({ PIPELINE_THROW: "1" })).toEqual({ exitCode: 0, transactions: 1, errors: 1 });
  });

  it("loses the transaction on process.exit()", async () => {
    expect(await sentryEnvelopesOf({ PIPELINE_EXIT: "1" })).toEqual({ exitCode: 0, transactions: 0, errors: 0 });
  });
});

/** The transactions a run of sentry-abort.ts sends: each as its name and the names of its child spans. */
async function abortTransactions(abort: string | undefined) {
  const endpoint = await startSentryEndpoint();
  try {
    const run = await runExample("tests/e2e/fixtures/pipeline/sentry-abort.ts", { receiverUrl: "http://127.0.0.1:9", env: { SENTRY_DSN: endpoint.dsn, ...(abort ? { ABORT: abort } : {}) }, timeoutMs: 90_000 });
    expect(run.timedOut, run.stderr).toBe(false);
    const transactions = endpoint.items().filter((item) => item.type === "transaction");
    const names = transactions.map(({ payload }) => ({
      name: payload.transaction,
      spans: ((payload.spans ?? []) as { description?: string }[]).map((span) => span.description).sort(),
    }));
    return { exitCode: run.exitCode, transactions: names };
  } finally {
    await endpoint.close();
  }
}

// no-process-exit does not report an exit whose path ends the root span and flushes first when the root is the only
// span open, and still reports it inside a step span (src/scopes/cross-file.ts endsRoot; docs/rules/no-process-exit.md).
describe("Sentry: an exit that ends the root span and flushes first (@sentry/wizard's abort())", () => {
  it("control, no exit: the transaction arrives with both steps", async () => {
    expect(await abortTransactions(undefined)).toEqual({ exitCode: 0, transactions: [{ name: "wizard", spans: ["step", "welcome"] }] });
  });

  it("in the root span only: nothing is lost, the transaction arrives with its finished step", async () => {
    expect(await abortTransactions("root")).toEqual({ exitCode: 0, transactions: [{ name: "wizard", spans: ["welcome"] }] });
  });

  it("inside a step span: the transaction arrives without the step, which never ended", async () => {
    expect(await abortTransactions("step")).toEqual({ exitCode: 0, transactions: [{ name: "wizard", spans: ["welcome"] }] });
  });
});
