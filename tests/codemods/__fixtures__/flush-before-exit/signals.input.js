const traceloop = require("@traceloop/node-server-sdk");

traceloop.initialize({ appName: "worker" });

process.on("SIGTERM", () => process.exit(0));
process.once("SIGINT", () => {
  console.log("interrupted");
  process.exit(130);
});
process.on("uncaughtException", (error) => {
  console.error(error);
  process.exit(1);
});
