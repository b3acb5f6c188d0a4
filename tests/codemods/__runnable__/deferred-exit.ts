// Issue 14, case 4: the exit is in a timer callback started inside a task. A throw there would run after the
// task's call, as an uncaught exception: exit code 1 instead of 6, no entry handler, no flush. The rewrite
// keeps the exit: each scope notes its span as it starts; in the timer callback the spans are ended with
// the error, Traceloop flushes, and the process exits 6 once the flush settles; the callback returns at
// once, so resolve() does not run and the workflow never goes on (as when the process ended there).
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
      console.log("polled");
    });
    console.log("job done");
  });
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
