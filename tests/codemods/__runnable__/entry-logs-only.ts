// Issue 14, case 1 again: the entry's catch only logs, in a block; the task's exit(1) set the exit code.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function run(): Promise<void> {
  await traceloop.withWorkflow({ name: "nightly" }, async () => {
    await traceloop.withTask({ name: "check" }, async () => {
      console.log("checking");
      process.exit(1);
    });
  });
  await traceloop.forceFlush();
}

run().catch((error) => {
  console.log("run failed");
  console.error(error);
});
