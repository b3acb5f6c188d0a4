// Issue 14, case 5: a task stops the program by signalling itself; the program's own SIGTERM listener prints
// its goodbye and exits 143. A throw in place of the kill would bypass that listener and exit 1. The kill
// stays; the listener gets the flush. Known limit: the workflow is still open when the listener exits, so
// its span is still lost (stillLost in kill-self.json).
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

process.on("SIGTERM", () => {
  console.log("terminating");
  process.exit(143);
});

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "watch" }, async () => {
    await traceloop.withTask({ name: "budget" }, async () => {
      console.log("budget exceeded");
      process.kill(process.pid, "SIGTERM");
    });
    // The signal arrives while the workflow waits here.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    console.log("not reached");
  });
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
