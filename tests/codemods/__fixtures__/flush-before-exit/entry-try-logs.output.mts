// A top-level catch that only logs: the flush joins a finally, and an error carrying an exit code (what
// exit-to-throw writes for process.exit(N) in a traced scope) keeps that code instead of ending with 0.
import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "nightly" });
declare function sync(): Promise<void>;

async function main() {
  await traceloop.withWorkflow({ name: "nightly" }, async () => sync());
}

try {
  await main();
} catch (e) {
  if ((e as { exitCode?: number })?.exitCode !== undefined) {
    process.exitCode = (e as { exitCode?: number })?.exitCode;
  } else {
    console.log("sync failed");
    console.error(e);
  }
} finally {
  await traceloop.forceFlush();
}
