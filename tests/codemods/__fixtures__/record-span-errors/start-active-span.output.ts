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

const tracer = trace.getTracer("billing");

export function charge(amount: number): Promise<void> {
  return tracer.startActiveSpan("charge", recordSpanErrors(async (span) => {
    if (amount <= 0) throw new RangeError("amount must be positive");
    span.end();
  }));
}

// Already handles its span: untouched.
export function refund(): void {
  tracer.startActiveSpan("refund", (span) => {
    try {
      console.log("refund");
    } finally {
      span.end();
    }
  });
}
