// The entry in a top-level try whose catch only logs, flushed after it. The task's exit(3) becomes a
// throw carrying exitCode 3 (exit-to-throw); the catch must keep that code instead of ending with 0.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "sync" }, async () => {
    await traceloop.withTask({ name: "fetch" }, async () => {
      if (!process.env.RUNNABLE_SOURCE) {
        console.log("no source");
        process.exit(3);
      }
      console.log("fetched", process.env.RUNNABLE_SOURCE);
    });
  });
}

try {
  await main();
} catch (e) {
  console.log("sync failed");
  console.error(e);
}
await traceloop.forceFlush();
