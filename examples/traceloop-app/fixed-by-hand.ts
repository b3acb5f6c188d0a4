// examples/traceloop-app/index.ts fixed by hand in exactly the shape the codemods emit; the runtime tests
// check that this shape exports every started span, marks the failing ones ERROR with an `exception` event,
// and still exits with code 1. Changes from index.ts:
//   - every scope callback is wrapped in recordSpanErrors(), which records the error on the active span,
//     sets ERROR, ends the span and rethrows (Traceloop 0.27's withEntity ends the span only on success);
//   - process.exit(1) inside a scope, or in a helper a scope calls, became a throw carrying the exit code;
//   - the floating record_request task is awaited;
//   - the entry sets process.exitCode from the error and flushes on both paths.
//
// Same knobs as index.ts: DEMO_FAIL=credentials|region|retrieval|audit, DEMO_BEDROCK_LATENCY_MS.
import { SpanStatusCode, trace } from "@opentelemetry/api";
import * as traceloop from "@traceloop/node-server-sdk";
import { setTimeout as delay } from "node:timers/promises";
import { FakeBedrockClient } from "../support/fake-bedrock";

traceloop.initialize({
  appName: "rag-demo",
  baseUrl: process.env.TRACELOOP_BASE_URL,
  apiKey: "local",
  // Batching stays on: it is what production uses, and why an early exit loses spans.
  disableBatch: false,
  silenceInitializationMessage: true,
  traceloopSyncEnabled: false,
});

const bedrock = new FakeBedrockClient({
  failWith: process.env.DEMO_FAIL,
  latencyMs: Number(process.env.DEMO_BEDROCK_LATENCY_MS ?? 10),
});
const auditLog: string[] = [];

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

function requireRegion(): string {
  const region = process.env.DEMO_FAIL === "region" ? undefined : (process.env.AWS_REGION ?? "us-east-1");
  if (!region) {
    console.error("AWS_REGION is not set");
    throw Object.assign(new Error("AWS_REGION is not set"), { exitCode: 1 });
  }
  return region;
}

async function answer(question: string): Promise<string> {
  return traceloop.withWorkflow({ name: "rag_pipeline" }, recordSpanErrors(async () => {
    const config = await traceloop.withTask({ name: "load_config" }, recordSpanErrors(async () => {
      return { region: requireRegion(), modelId: "anthropic.claude-3-haiku" };
    }));

    const documents: string[] = await traceloop.withTask({ name: "retrieve_documents" }, recordSpanErrors(async () => {
      await delay(5);
      if (process.env.DEMO_FAIL === "retrieval") throw new Error("vector index unavailable");
      return ["refund-policy.md", "shipping.md"];
    }));

    await traceloop.withTask({ name: "record_request" }, recordSpanErrors(async () => {
      if (process.env.DEMO_FAIL === "audit") throw new Error("audit log rejected the record");
      auditLog.push(question);
    }));

    return traceloop.withTask({ name: "bedrock_completion" }, recordSpanErrors(async () => {
      try {
        const { completion } = await bedrock.invokeModel({
          ...config,
          prompt: `${documents.join(", ")}\n\n${question}`,
        });
        return completion;
      } catch (error) {
        console.error("Bedrock call failed, check AWS credentials:", (error as Error).message);
        throw Object.assign(new Error("Bedrock call failed, check AWS credentials:"), { exitCode: 1 });
      }
    }));
  }));
}

async function main(): Promise<void> {
  console.log(await answer("What is our refund policy?"));
  await traceloop.forceFlush();
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = error?.exitCode ?? 1;
  })
  .finally(() => traceloop.forceFlush());
