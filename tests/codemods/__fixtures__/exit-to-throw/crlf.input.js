const traceloop = require("@traceloop/node-server-sdk");

// CRLF line endings are kept, and the helper is written with them.
exports.run = () =>
  traceloop.withTask({ name: "crlf" }, () => {
    if (!process.env.KEY) {
      process.exit(1);
    }
  });
