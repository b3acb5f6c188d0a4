const traceloop = require("@traceloop/node-server-sdk");
const { SpanStatusCode, trace } = require("@opentelemetry/api");

// Added by eslint-plugin-traced-exit: record an error nobody awaits on the active span and mark it ERROR.
// The span's owner still ends it; the rejection stops here instead of ending the process.
function recordErrorOnSpan(error) {
  const span = trace.getActiveSpan();
  if (span) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
}

async function notify() {}

// The callback is not async: await is impossible, so the rejection is recorded on the span instead.
exports.run = () =>
  traceloop.withTask({ name: "notify" }, () => {
    notify().catch(recordErrorOnSpan);
    return "queued";
  });
