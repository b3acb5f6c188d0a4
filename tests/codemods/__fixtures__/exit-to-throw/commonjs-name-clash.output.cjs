// CommonJS: ESLint's default parser wraps the file in a function scope. The helper's
// import must not declare `trace` a second time.
const traceloop = require("@traceloop/node-server-sdk");
const { trace } = require("@opentelemetry/api");
const { SpanStatusCode, trace: otelTrace } = require("@opentelemetry/api");

// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,
// because this SDK's wrapper ends the span only on success. A span that has ended is left alone.
function endSpanWithError(error, span = otelTrace.getActiveSpan()) {
  if (span?.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }
  return error;
}

// The callback's result is returned as it is: a thenable other than a plain Promise (a Promise subclass,
// a lazy query) keeps its identity and methods, and its then() records a rejection before passing it on.
function recordSpanErrors(fn) {
  return function (...args) {
    const span = otelTrace.getActiveSpan();
    try {
      const result = fn.apply(this, args);
      if (result instanceof Promise && result.constructor === Promise) {
        return result.then(undefined, (error) => {
          throw endSpanWithError(error, span);
        });
      }
      const then = result?.then;
      if (typeof then === "function" && Object.isExtensible(result)) {
        Object.defineProperty(result, "then", {
          configurable: true,
          writable: true,
          value(onFulfilled, onRejected) {
            return then.call(this, onFulfilled, (error) => {
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
  };
}

const tracer = trace.getTracer("ingest");

async function main() {
  await traceloop.withWorkflow({ name: "ingest" }, recordSpanErrors(async () => {
    if (!process.env.BUCKET) {
      console.error("BUCKET is not set");
      throw Object.assign(new Error("BUCKET is not set"), { exitCode: 1 });
    }
    tracer.startSpan("noop").end();
  }));
}

module.exports = { main };
