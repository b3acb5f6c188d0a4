import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "nightly" });

async function main(): Promise<void> {}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = (error as { exitCode?: number })?.exitCode ?? 1;
} finally {
  await traceloop.forceFlush();
}
