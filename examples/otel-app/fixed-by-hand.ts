// examples/otel-app/index.ts fixed by hand in exactly the shape the codemods emit; the runtime tests check
// that this shape exports every started span, marks the failing ones ERROR with an `exception` event, and
// still exits with code 1. Changes from index.ts:
//   - every startActiveSpan callback is wrapped in recordSpanErrors(), which records the error on the active
//     span, sets ERROR, ends the span and rethrows (the span.end() calls on the success path stay);
//   - process.exit(1) inside the span callback became a throw carrying the exit code;
//   - the entry sets process.exitCode from the error and shuts the provider down (flush) on both paths.
//
// Same knobs as index.ts: DEMO_FAIL=credentials|retrieval, DEMO_BEDROCK_LATENCY_MS.
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { setTimeout as delay } from "node:timers/promises";
import { FakeBedrockClient } from "../support/fake-bedrock";

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ "service.name": "otel-rag-demo" }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
provider.register();
const tracer = trace.getTracer("otel-rag-demo");

const bedrock = new FakeBedrockClient({
  failWith: process.env.DEMO_FAIL,
  latencyMs: Number(process.env.DEMO_BEDROCK_LATENCY_MS ?? 10),
});

function endSpanWithError(error: unknown, span = trace.getActiveSpan()): unknown {
  if (span?.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }
  return error;
}

// The callback's result is returned as it is: a thenable other than a plain Promise (a Promise subclass,
// a lazy query) keeps its identity and methods, and its then() records a rejection before passing it on.
// F's arguments are `any` (JSON.parse's return type), so that a callback given to a tracer typed `any`
// keeps untyped parameters instead of `never` ones; a typed tracer's callback type is still inferred.
function recordSpanErrors<F extends (...args: ReturnType<typeof JSON.parse>[]) => unknown>(fn: F): F {
  return function (this: unknown, ...args: Parameters<F>) {
    const span = trace.getActiveSpan();
    try {
      const result = fn.apply(this, args);
      if (result instanceof Promise && result.constructor === Promise) {
        return result.then(undefined, (error: unknown) => {
          throw endSpanWithError(error, span);
        });
      }
      const then = (result as PromiseLike<unknown> | null | undefined)?.then;
      if (typeof then === "function" && Object.isExtensible(result)) {
        Object.defineProperty(result, "then", {
          configurable: true,
          writable: true,
          value(this: unknown, onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) {
            return then.call(this, onFulfilled, (error: unknown) => {
              endSpanWithError(error, span);
              if (onRejected) return onRejected(error);
              throw error;
            });
          },
        });
      }
      return result;
    } catch (error) {
      throw endSpanWithError(error, span);
    }
  } as F;
}

async function answer(question: string): Promise<string> {
  return tracer.startActiveSpan("rag_pipeline", recordSpanErrors(async (span) => {
    const documents = await tracer.startActiveSpan("retrieve_documents", recordSpanErrors(async (child) => {
      await delay(5);
      if (process.env.DEMO_FAIL === "retrieval") throw new Error("vector index unavailable");
      child.end();
      return ["refund-policy.md", "shipping.md"];
    }));

    const completion = await tracer.startActiveSpan("bedrock_completion", recordSpanErrors(async (child) => {
      try {
        const result = await bedrock.invokeModel({
          modelId: "anthropic.claude-3-haiku",
          region: "us-east-1",
          prompt: `${documents.join(", ")}\n\n${question}`,
        });
        child.end();
        return result.completion;
      } catch (error) {
        console.error("Bedrock call failed, check AWS credentials:", (error as Error).message);
        throw Object.assign(new Error("Bedrock call failed, check AWS credentials:"), { exitCode: 1 });
      }
    }));

    span.end();
    return completion;
  }));
}

async function main(): Promise<void> {
  console.log(await answer("What is our refund policy?"));
  await provider.shutdown();
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = error?.exitCode ?? 1;
  })
  .finally(() => provider.shutdown());
