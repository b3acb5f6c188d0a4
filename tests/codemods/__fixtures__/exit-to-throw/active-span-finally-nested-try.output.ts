import { trace, SpanStatusCode } from "@opentelemetry/api";

// Added by eslint-plugin-traced-exit: record an error on the span and mark it ERROR, without ending it:
// the code's own `finally` ends the span just after, which would otherwise export it with no error.
function recordSpanError(error: unknown, span = trace.getActiveSpan()): unknown {
  if (span?.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  return error;
}

// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,
// because this SDK's wrapper ends the span only on success. A span that has ended is left alone.
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

const tracer = trace.getTracer("sync");

// The span is ended on the success path only, and also by a try/finally inside an `if`: the callback is
// wrapped (for the exit outside that try), and that try gets a catch that records before its finally ends
// the span (for the exit inside it).
export function sync(items: string[], dryRun: boolean): number {
  return tracer.startActiveSpan("sync", recordSpanErrors((span) => {
    if (items.length === 0) throw Object.assign(new Error("process.exit() in span 'sync'"), { exitCode: 2 });
    if (dryRun) {
      try {
        if (items.includes("")) throw Object.assign(new Error("process.exit() in span 'sync'"), { exitCode: 3 });
        return 0;
      } catch (error) {
        throw recordSpanError(error, span);
      } finally {
        span.end();
      }
    }
    span.end();
    return items.length;
  }));
}
