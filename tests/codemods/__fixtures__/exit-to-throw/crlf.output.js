const traceloop = require("@traceloop/node-server-sdk");
const { SpanStatusCode, trace } = require("@opentelemetry/api");

// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,
// because this SDK's wrapper ends the span only on success.
function endSpanWithError(error) {
  const span = trace.getActiveSpan();
  if (span) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }
  return error;
}

function recordSpanErrors(fn) {
  return function (...args) {
    try {
      const result = fn.apply(this, args);
      if (result && typeof result.then === "function") {
        return result.then(undefined, (error) => {
          throw endSpanWithError(error);
        });
      }
      return result;
    } catch (error) {
      throw endSpanWithError(error);
    }
  };
}

// CRLF line endings are kept, and the helper is written with them.
exports.run = () =>
  traceloop.withTask({ name: "crlf" }, recordSpanErrors(() => {
    if (!process.env.KEY) {
      throw Object.assign(new Error("process.exit() in task 'crlf'"), { exitCode: 1 });
    }
  }));
