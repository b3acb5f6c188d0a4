const traceloop = require("@traceloop/node-server-sdk");

async function notify() {}

// The callback is not async: await is impossible, so the rejection is recorded on the span instead.
exports.run = () =>
  traceloop.withTask({ name: "notify" }, () => {
    notify();
    return "queued";
  });
