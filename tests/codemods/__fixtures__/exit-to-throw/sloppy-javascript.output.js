// Not a valid ES module (an octal escape), so ESLint's default parser rejects it as a
// module; the engine parses it with typescript-eslint's parser instead.
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

const RED = "\033[31m";

traceloop.withTask({ name: "check" }, recordSpanErrors(() => {
  if (!process.env.API_KEY) {
    console.error(RED + "API_KEY is missing");
    throw Object.assign(new Error(String(RED + "API_KEY is missing")), { exitCode: 2 });
  }
}));
