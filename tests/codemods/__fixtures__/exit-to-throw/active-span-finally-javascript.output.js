const { trace } = require("@opentelemetry/api");
const { SpanStatusCode, trace: otelTrace } = require("@opentelemetry/api");

// Added by eslint-plugin-traced-exit: record an error on the span and mark it ERROR, without ending it:
// the code's own `finally` ends the span just after, which would otherwise export it with no error.
function recordSpanError(error, span = otelTrace.getActiveSpan()) {
  if (span?.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  return error;
}

const tracer = trace.getTracer("billing");

// The outer span ends in its finally too: the inner scope's throw is recorded on both.
function run(items) {
  return tracer.startActiveSpan("run", (span) => {
    try {
      return tracer.startActiveSpan("count", (inner) => {
        try {
          if (items.length === 0) throw Object.assign(new Error("process.exit() in span 'count'"), { exitCode: 1 });
          return items.length;
        } catch (error) {
          throw recordSpanError(error, inner);
        } finally {
          inner.end();
        }
      });
    } catch (error) {
      throw recordSpanError(error, span);
    } finally {
      span.end();
    }
  });
}

module.exports = { run };
