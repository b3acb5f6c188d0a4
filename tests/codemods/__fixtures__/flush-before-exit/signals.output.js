const traceloop = require("@traceloop/node-server-sdk");

traceloop.initialize({ appName: "worker" });

process.on("SIGTERM", async () => { await traceloop.forceFlush(); process.exit(0); });
process.once("SIGINT", async () => {
  console.log("interrupted");
  await traceloop.forceFlush();
  process.exit(130);
});
process.on("uncaughtException", async (error) => {
  console.error(error);
  await traceloop.forceFlush();
  process.exit(1);
});
