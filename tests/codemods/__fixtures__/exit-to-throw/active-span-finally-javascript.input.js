const { trace } = require("@opentelemetry/api");

const tracer = trace.getTracer("billing");

// The outer span ends in its finally too: the inner scope's throw is recorded on both.
function run(items) {
  return tracer.startActiveSpan("run", (span) => {
    try {
      return tracer.startActiveSpan("count", (inner) => {
        try {
          if (items.length === 0) process.exit(1);
          return items.length;
        } finally {
          inner.end();
        }
      });
    } finally {
      span.end();
    }
  });
}

module.exports = { run };
