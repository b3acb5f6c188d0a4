// Issue 14, case 4: the exit is in a timer callback started inside a task. A throw there would run after the
// task's call, as an uncaught exception: exit code 1 instead of 6, no entry handler, no flush. The exit is
// left for manual review; the rest of the program is still rewritten. Known limit: the spans stay lost.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "job" }, async () => {
    await traceloop.withTask({ name: "poll" }, async () => {
      await new Promise<void>((resolve) => {
        setTimeout(() => {
          if (!process.env.RUNNABLE_READY) {
            console.log("not ready in time");
            process.exit(6);
          }
          resolve();
        }, 10);
      });
    });
  });
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
