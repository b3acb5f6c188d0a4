import * as traceloop from "@traceloop/node-server-sdk";
import { SpanStatusCode, trace } from "@opentelemetry/api";

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

// Helpers reached through members: an object literal's method and a class's static method.
const guard = {
  requireKey(name: string): string {
    const value = process.env[name];
    if (!value) {
      console.error(`${name} is not set`);
      throw Object.assign(new Error(`${name} is not set`), { exitCode: 2 });
    }
    return value;
  },
};

class Limits {
  static check(count: number): void {
    if (count > 100) {
      console.error("too many documents");
      throw Object.assign(new Error("too many documents"), { exitCode: 3 });
    }
  }
}

export function ingest(count: number): Promise<void> {
  return traceloop.withWorkflow({ name: "ingest" }, recordSpanErrors(async () => {
    guard.requireKey("OPENAI_API_KEY");
    Limits.check(count);
  }));
}
