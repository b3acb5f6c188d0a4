import * as traceloop from "@traceloop/node-server-sdk";
import { trace, SpanStatusCode } from "@opentelemetry/api";

// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,
// because this SDK's wrapper ends the span only on success.
function endSpanWithError(error: unknown): unknown {
  const span = trace.getActiveSpan();
  if (span) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }
  return error;
}

function recordSpanErrors<F extends (...args: never[]) => unknown>(fn: F): F {
  return function (this: unknown, ...args: Parameters<F>) {
    try {
      const result = fn.apply(this, args);
      if (result && typeof (result as PromiseLike<unknown>).then === "function") {
        return (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
          throw endSpanWithError(error);
        });
      }
      return result;
    } catch (error) {
      throw endSpanWithError(error);
    }
  } as F;
}

// Every Traceloop scope can fail: each gets its callback wrapped, the helpers come once.
export async function answer(question: string): Promise<string> {
  return traceloop.withWorkflow({ name: "rag_pipeline" }, recordSpanErrors(async () => {
    const documents = await traceloop.withTask({ name: "retrieve_documents" }, recordSpanErrors(async () => {
      if (question.length === 0) throw new Error("empty question");
      return ["refund-policy.md"];
    }));
    return traceloop.withTask({ name: "bedrock_completion" }, recordSpanErrors(async () => `${documents.join(", ")}: ${question}`));
  }));
}

export const active = () => trace.getActiveSpan();
