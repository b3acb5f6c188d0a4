// Exits in callbacks that run later, inside a traced scope (issue 14, case 4): a throw there would be an
// uncaught exception. A timer's and a once() listener's exit end the scope's spans with the error, flush, and
// exit once the flush settles; an on() listener, which runs again while a flush is in flight, is left as it is.
const { trace } = require("@opentelemetry/api");
const traceloop = require("@traceloop/node-server-sdk");

const tracer = trace.getTracer("jobs");

function watch(rl) {
  return traceloop.withWorkflow({ name: "watch" }, () => {
    tracer.startActiveSpan("idle", (span) => {
      setImmediate(() => process.exit(7));
      rl.once("close", () => {
        console.log("closed early");
        process.exit(2);
      });
      rl.on("line", (line) => {
        if (!line) process.exit(3);
      });
      span.end();
    });
  });
}

module.exports = { watch };
