// The runtime facts the plugin is built on, measured by running the examples against a real OTLP receiver:
//   - before the fix, an exit inside a traced scope loses the trace (no spans, or orphans whose parent never
//     arrived, as in the incident);
//   - the shape the codemods emit (fixed-by-hand.ts) exports every started span, marks the failing spans
//     ERROR with an `exception` event, and still exits with code 1;
//   - with Traceloop 0.27 both halves of that shape are needed: the recordSpanErrors() wrapper (withTask
//     does not end its span when the callback rejects) and the `await` on a task promise.
// Every test starts its own receiver, so the tests run concurrently.
import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { startOtlpReceiver, summarizeSpans, type ReceivedSpan } from "../../examples/support/otlp-receiver";
import { runExample } from "../../examples/support/run-example";
import { writeExampleVariant } from "../support/example-variant";

const TRACELOOP_APP = "examples/traceloop-app/index.ts";
const TRACELOOP_FIXED = "examples/traceloop-app/fixed-by-hand.ts";
const OTEL_APP = "examples/otel-app/index.ts";
const OTEL_FIXED = "examples/otel-app/fixed-by-hand.ts";

const TRACELOOP_SPANS = [
  "rag_pipeline.workflow",
  "load_config.task",
  "retrieve_documents.task",
  "record_request.task",
  "bedrock_completion.task",
];
const OTEL_SPANS = ["rag_pipeline", "retrieve_documents", "bedrock_completion"];

// The incident's timing: the batch processor's delay elapses while the Bedrock credential chain is still
// failing, so the tasks that already ended are exported and the workflow, still open, never is.
const BATCH_SHIPS_BEFORE_FAILURE = { OTEL_BSP_SCHEDULE_DELAY: "100", DEMO_BEDROCK_LATENCY_MS: "1000" };

async function measure(file: string, env: Record<string, string> = {}) {
  const receiver = await startOtlpReceiver();
  try {
    const run = await runExample(file, { receiverUrl: receiver.url, env });
    const spans = receiver.spans();
    expect(receiver.rejectedRequests(), "export requests the receiver could not decode").toBe(0);
    expect(run.timedOut, `example timed out\n${run.stderr}`).toBe(false);
    return { run, spans, summary: summarizeSpans(spans) };
  } finally {
    await receiver.close();
  }
}

function byName(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const span = spans.find((candidate) => candidate.name === name);
  if (!span) throw new Error(`no span named ${name} among ${spans.map((s) => s.name).join(", ")}`);
  return span;
}

/** The failing span carries what the fix promises: ERROR, the message, an `exception` event. */
function expectRecordedError(span: ReceivedSpan, message: string): void {
  expect(span.status, span.name).toBe("ERROR");
  expect(span.statusMessage).toBe(message);
  expect(span.events.map((event) => event.name)).toEqual(["exception"]);
  expect(span.events[0]?.attributes["exception.message"]).toBe(message);
}

/** One trace, one root, every parent received. */
function expectWholeTrace(spans: readonly ReceivedSpan[]): void {
  expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  expect(spans.filter((span) => span.parentSpanId === undefined)).toHaveLength(1);
  expect(summarizeSpans(spans).orphans).toBe(0);
}

describe("OTLP receiver", () => {
  it("decodes protobuf and JSON exports into the same spans", async () => {
    const { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor } = await import(
      "@opentelemetry/sdk-trace-base"
    );
    const { ProtobufTraceSerializer, JsonTraceSerializer } = await import("@opentelemetry/otlp-transformer");
    const memory = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
    const tracer = provider.getTracer("receiver-test");
    // No global context manager is registered here, so the parent is passed explicitly.
    const parent = tracer.startSpan("parent");
    const child = tracer.startSpan(
      "child",
      { attributes: { str: "s", int: 42, float: 1.5, bool: true, list: ["a", "b"] } },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    child.recordException(new Error("boom"));
    child.setStatus({ code: SpanStatusCode.ERROR, message: "boom" });
    child.end();
    parent.end();
    const finished = memory.getFinishedSpans();

    const receiver = await startOtlpReceiver();
    try {
      const post = (contentType: string, body: Uint8Array) =>
        fetch(receiver.tracesUrl, { method: "POST", headers: { "content-type": contentType }, body });
      const protobufReply = await post("application/x-protobuf", ProtobufTraceSerializer.serializeRequest(finished)!);
      expect(protobufReply.status).toBe(200);
      const fromProtobuf = receiver.spans();
      receiver.reset();
      const jsonReply = await post("application/json", JsonTraceSerializer.serializeRequest(finished)!);
      expect(jsonReply.status).toBe(200);
      const fromJson = receiver.spans();

      expect(fromJson).toEqual(fromProtobuf);
      const receivedChild = byName(fromProtobuf, "child");
      const receivedParent = byName(fromProtobuf, "parent");
      expect(receivedParent.spanId).toBe(parent.spanContext().spanId);
      expect(receivedParent.parentSpanId).toBeUndefined();
      expect(receivedChild.parentSpanId).toBe(receivedParent.spanId);
      expect(receivedChild.traceId).toBe(parent.spanContext().traceId);
      expect(receivedChild.attributes).toEqual({ str: "s", int: 42, float: 1.5, bool: true, list: ["a", "b"] });
      expectRecordedError(receivedChild, "boom");
      expect(summarizeSpans(fromProtobuf)).toMatchObject({ total: 2, errors: 1, orphans: 0 });
      expect(summarizeSpans([receivedChild])).toMatchObject({ total: 1, orphans: 1, orphanNames: ["child"] });
      expect(receiver.rejectedRequests()).toBe(0);
    } finally {
      await receiver.close();
      await provider.shutdown();
    }
  });
});

describe.concurrent("Traceloop example, before the fix", () => {
  it("exports all 5 spans when nothing fails", async ({ expect }) => {
    const { run, spans, summary } = await measure(TRACELOOP_APP);
    expect(run.exitCode).toBe(0);
    expect(summary.names.toSorted()).toEqual(TRACELOOP_SPANS.toSorted());
    expectWholeTrace(spans);
  });

  it("exports 0 of 5 spans when a task calls process.exit(1) on bad credentials", async ({ expect }) => {
    const { run, summary } = await measure(TRACELOOP_APP, { DEMO_FAIL: "credentials" });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("Could not load credentials from any providers");
    expect(summary.total).toBe(0);
  });

  it("leaves orphan tasks whose workflow never arrives when a batch ships before the exit", async ({ expect }) => {
    const { run, spans, summary } = await measure(TRACELOOP_APP, {
      DEMO_FAIL: "credentials",
      ...BATCH_SHIPS_BEFORE_FAILURE,
    });
    expect(run.exitCode).toBe(1);
    expect(summary.names.toSorted()).toEqual(["load_config.task", "record_request.task", "retrieve_documents.task"]);
    expect(summary.orphans).toBe(3);
    expect(summary.errors).toBe(0);
    // All three point at the same parent: the workflow span that was never exported.
    expect(new Set(spans.map((span) => span.parentSpanId)).size).toBe(1);
  });

  it("exports 0 spans when a helper called from a task exits", async ({ expect }) => {
    const { run, summary } = await measure(TRACELOOP_APP, { DEMO_FAIL: "region" });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("AWS_REGION is not set");
    expect(summary.total).toBe(0);
  });

  it("exports 0 spans when a task throws and the entry's catch exits", async ({ expect }) => {
    const { run, summary } = await measure(TRACELOOP_APP, { DEMO_FAIL: "retrieval" });
    expect(run.exitCode).toBe(1);
    expect(summary.total).toBe(0);
  });

  it("exports 0 spans when the un-awaited task rejects (unhandled rejection)", async ({ expect }) => {
    const { run, summary } = await measure(TRACELOOP_APP, { DEMO_FAIL: "audit" });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("audit log rejected the record");
    expect(summary.total).toBe(0);
  });
});

describe.concurrent("Traceloop example, fixed in the codemod's shape", () => {
  it("still exports all 5 spans and exits 0 when nothing fails", async ({ expect }) => {
    const { run, spans, summary } = await measure(TRACELOOP_FIXED);
    expect(run.exitCode).toBe(0);
    expect(summary.names.toSorted()).toEqual(TRACELOOP_SPANS.toSorted());
    expect(summary.errors).toBe(0);
    expectWholeTrace(spans);
  });

  it("exports 5 of 5 spans with ERROR on the task and the workflow, and exits 1", async ({ expect }) => {
    const { run, spans, summary } = await measure(TRACELOOP_FIXED, { DEMO_FAIL: "credentials" });
    expect(run.exitCode).toBe(1);
    expect(run.signal).toBeNull();
    expect(summary.names.toSorted()).toEqual(TRACELOOP_SPANS.toSorted());
    expect(summary.errorNames.toSorted()).toEqual(["bedrock_completion.task", "rag_pipeline.workflow"]);
    const message = "Bedrock call failed, check AWS credentials:";
    expectRecordedError(byName(spans, "bedrock_completion.task"), message);
    expectRecordedError(byName(spans, "rag_pipeline.workflow"), message);
    expectWholeTrace(spans);
  });

  it("keeps the trace when the exit was in a helper called from a task", async ({ expect }) => {
    const { run, spans, summary } = await measure(TRACELOOP_FIXED, { DEMO_FAIL: "region" });
    expect(run.exitCode).toBe(1);
    expect(summary.names.toSorted()).toEqual(["load_config.task", "rag_pipeline.workflow"]);
    expectRecordedError(byName(spans, "load_config.task"), "AWS_REGION is not set");
    expectRecordedError(byName(spans, "rag_pipeline.workflow"), "AWS_REGION is not set");
    expectWholeTrace(spans);
  });

  it("keeps the trace when a task throws", async ({ expect }) => {
    const { run, spans, summary } = await measure(TRACELOOP_FIXED, { DEMO_FAIL: "retrieval" });
    expect(run.exitCode).toBe(1);
    expect(summary.total).toBe(3);
    expect(summary.errorNames.toSorted()).toEqual(["rag_pipeline.workflow", "retrieve_documents.task"]);
    expectRecordedError(byName(spans, "retrieve_documents.task"), "vector index unavailable");
    expectWholeTrace(spans);
  });

  it("keeps the trace when the now-awaited task rejects", async ({ expect }) => {
    const { run, spans, summary } = await measure(TRACELOOP_FIXED, { DEMO_FAIL: "audit" });
    expect(run.exitCode).toBe(1);
    expect(summary.total).toBe(4);
    expect(summary.errorNames.toSorted()).toEqual(["rag_pipeline.workflow", "record_request.task"]);
    expectRecordedError(byName(spans, "record_request.task"), "audit log rejected the record");
    expectWholeTrace(spans);
  });

  // Why the `await` is part of the fix: wrapped or not, a rejected task promise nobody awaits is an
  // unhandled rejection, which ends the process before the entry's flush.
  it("loses the trace again if the task is left un-awaited", async ({ expect }) => {
    const variant = await writeExampleVariant(TRACELOOP_FIXED, [
      ['await traceloop.withTask({ name: "record_request" }', 'traceloop.withTask({ name: "record_request" }'],
    ]);
    try {
      const { run, summary } = await measure(variant.file, { DEMO_FAIL: "audit" });
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain("audit log rejected the record");
      expect(summary.total).toBe(0);
    } finally {
      await variant.dispose();
    }
  });

  // Why the wrapper is part of the fix: Traceloop 0.27's withTask/withWorkflow end their span only when
  // the callback resolves. With the throw and the flushing entry alone, the failing task and the workflow
  // are never ended, so the flush sends the finished tasks as orphans: the incident's picture again.
  it("exports only orphans if the callbacks are not wrapped in recordSpanErrors()", async ({ expect }) => {
    const variant = await writeExampleVariant(TRACELOOP_FIXED, [
      ["recordSpanErrors(async () => {", "async () => {"],
      ["}));", "});"],
    ]);
    try {
      const { run, summary } = await measure(variant.file, { DEMO_FAIL: "credentials" });
      expect(run.exitCode).toBe(1);
      expect(summary.names.toSorted()).toEqual(["load_config.task", "record_request.task", "retrieve_documents.task"]);
      expect(summary.orphans).toBe(3);
      expect(summary.errors).toBe(0);
    } finally {
      await variant.dispose();
    }
  });
});

describe.concurrent("plain OpenTelemetry example, before the fix", () => {
  it("exports all 3 spans when nothing fails", async ({ expect }) => {
    const { run, spans, summary } = await measure(OTEL_APP);
    expect(run.exitCode).toBe(0);
    expect(summary.names.toSorted()).toEqual(OTEL_SPANS.toSorted());
    expectWholeTrace(spans);
  });

  it("exports 0 of 3 spans when the span callback calls process.exit(1)", async ({ expect }) => {
    const { run, summary } = await measure(OTEL_APP, { DEMO_FAIL: "credentials" });
    expect(run.exitCode).toBe(1);
    expect(summary.total).toBe(0);
  });

  it("leaves an orphan when a batch ships before the exit", async ({ expect }) => {
    const { run, summary } = await measure(OTEL_APP, { DEMO_FAIL: "credentials", ...BATCH_SHIPS_BEFORE_FAILURE });
    expect(run.exitCode).toBe(1);
    expect(summary).toMatchObject({ total: 1, orphans: 1, errors: 0, names: ["retrieve_documents"] });
  });

  it("exports 0 spans when a span callback throws and the entry's catch exits", async ({ expect }) => {
    const { run, summary } = await measure(OTEL_APP, { DEMO_FAIL: "retrieval" });
    expect(run.exitCode).toBe(1);
    expect(summary.total).toBe(0);
  });
});

describe.concurrent("plain OpenTelemetry example, fixed in the codemod's shape", () => {
  it("still exports all 3 spans and exits 0 when nothing fails", async ({ expect }) => {
    const { run, spans, summary } = await measure(OTEL_FIXED);
    expect(run.exitCode).toBe(0);
    expect(summary.names.toSorted()).toEqual(OTEL_SPANS.toSorted());
    expect(summary.errors).toBe(0);
    expectWholeTrace(spans);
  });

  it("exports 3 of 3 spans with ERROR on the failing span and its parent, and exits 1", async ({ expect }) => {
    const { run, spans, summary } = await measure(OTEL_FIXED, { DEMO_FAIL: "credentials" });
    expect(run.exitCode).toBe(1);
    expect(summary.names.toSorted()).toEqual(OTEL_SPANS.toSorted());
    expect(summary.errorNames.toSorted()).toEqual(["bedrock_completion", "rag_pipeline"]);
    expectRecordedError(byName(spans, "bedrock_completion"), "Bedrock call failed, check AWS credentials:");
    expect(byName(spans, "retrieve_documents").status).toBe("UNSET");
    expectWholeTrace(spans);
  });

  it("keeps the trace when a span callback throws", async ({ expect }) => {
    const { run, spans, summary } = await measure(OTEL_FIXED, { DEMO_FAIL: "retrieval" });
    expect(run.exitCode).toBe(1);
    expect(summary.names.toSorted()).toEqual(["rag_pipeline", "retrieve_documents"]);
    expectRecordedError(byName(spans, "retrieve_documents"), "vector index unavailable");
    expectRecordedError(byName(spans, "rag_pipeline"), "vector index unavailable");
    expectWholeTrace(spans);
  });
});
