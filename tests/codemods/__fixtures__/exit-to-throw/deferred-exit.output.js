// Exits in callbacks that run later, inside a traced scope (issue 14, case 4): a throw there would be an
// uncaught exception. A timer's and a once() listener's exit end the scope's spans with the error, flush, and
// exit once the flush settles; an on() listener, which runs again while a flush is in flight, is left as it is.
const { trace } = require("@opentelemetry/api");
const traceloop = require("@traceloop/node-server-sdk");
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

const tracer = trace.getTracer("jobs");

function watch(rl) {
  return traceloop.withWorkflow({ name: "watch" }, () => {
    const watchSpan = otelTrace.getActiveSpan();
    tracer.startActiveSpan("idle", (span) => {
      setImmediate(() => {
        const exitError = Object.assign(new Error("process.exit() in span 'idle'"), { exitCode: 7 });
        endSpanWithError(exitError, span);
        endSpanWithError(exitError, watchSpan);
        traceloop.forceFlush().then(() => process.exit(7), () => process.exit(7));
      });
      rl.once("close", () => {
        console.log("closed early");
        const exitError = Object.assign(new Error("process.exit() in span 'idle'"), { exitCode: 2 });
        endSpanWithError(exitError, span);
        endSpanWithError(exitError, watchSpan);
        traceloop.forceFlush().then(() => process.exit(2), () => process.exit(2));
      });
      rl.on("line", (line) => {
        if (!line) process.exit(3);
      });
      span.end();
    });
  });
}

module.exports = { watch };
