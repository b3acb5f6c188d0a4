// Not a valid ES module (an octal escape), so ESLint's default parser rejects it as a
// module; the engine parses it with typescript-eslint's parser instead.
const traceloop = require("@traceloop/node-server-sdk");

const RED = "\033[31m";

traceloop.withTask({ name: "check" }, () => {
  if (!process.env.API_KEY) {
    console.error(RED + "API_KEY is missing");
    process.exit(2);
  }
});
