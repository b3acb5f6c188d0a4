// Sloppy-mode CommonJS. Inside `with (config)`, `process` is `config.process` when config has
// one, so the call cannot be resolved statically: neither reported nor rewritten.
const traceloop = require("@traceloop/node-server-sdk");

function load(config) {
  return traceloop.withTask({ name: "load" }, () => {
    with (config) {
      if (!ready) process.exit(1);
    }
  });
}

module.exports = { load };
