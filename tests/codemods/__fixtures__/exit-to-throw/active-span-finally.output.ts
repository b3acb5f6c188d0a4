import { trace, SpanStatusCode } from "@opentelemetry/api";

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

// Added by eslint-plugin-traced-exit: record an error on the span and mark it ERROR, without ending it:
// the code's own `finally` ends the span just after, which would otherwise export it with no error.
function recordSpanError(error: unknown, span = trace.getActiveSpan()): unknown {
  if (span?.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  return error;
}

const tracer = trace.getTracer("billing");

// Two exits in one try/finally: one catch records before the finally ends the span.
export function charge(amount: number, currency: string): Promise<number> {
  return tracer.startActiveSpan("charge", async (span) => {
    try {
      if (amount <= 0) {
        throw Object.assign(new Error("process.exit() in span 'charge'"), { exitCode: 3 });
      }
      if (!currency) throw Object.assign(new Error("process.exit() in span 'charge'"), { exitCode: 4 });
      return amount * 100;
    } catch (error) {
      throw recordSpanError(error, span);
    } finally {
      span.end();
    }
  });
}

// A catch that rethrows: it records first.
export function refund(id: string): string {
  return tracer.startActiveSpan("refund", (span) => {
    try {
      if (!id) throw Object.assign(new Error("process.exit() in span 'refund'"), { exitCode: 2 });
      return id;
    } catch (error) {
      recordSpanError(error, span);
      span.setAttribute("refund.failed", true);
      throw error;
    } finally {
      span.end();
    }
  });
}

// An exit in the catch: its error is recorded as it is thrown.
export function parse(raw: string): unknown {
  return tracer.startActiveSpan("parse", (span) => {
    try {
      return JSON.parse(raw);
    } catch (error) {
      console.error("bad input:", String(error));
      throw recordSpanError(Object.assign(new Error("bad input: " + (error instanceof Error ? error.message : String(error))), { exitCode: 5, cause: error }), span);
    } finally {
      span.end();
    }
  });
}

// An exit before the try: nothing ends the span on that path, so the callback is wrapped.
export function check(value: number): number {
  return tracer.startActiveSpan("check", recordSpanErrors((span) => {
    if (value > 2) throw Object.assign(new Error("process.exit() in span 'check'"), { exitCode: 6 });
    try {
      return value * 2;
    } finally {
      span.end();
    }
  }));
}
