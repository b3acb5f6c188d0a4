// Issue 14, case 5: a task stops the program by signalling itself; the program's own SIGTERM listener prints
// its goodbye and exits 143. A throw in place of the kill would bypass that listener and exit 1. The kill
// stays; the listener gets the flush (require-flush-before-exit), and a listener put before it ends the spans
// of the scopes around the kill when the signal arrives (no-process-exit's `endSpansOnSignal`): the workflow is
// still open then, and was lost. A span that has ended by then (the task's, when it returned) is left alone.
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
      if (process.env.RUNNABLE_UNDER_BUDGET) return;
      console.log("budget exceeded");
      process.kill(process.pid, "SIGTERM");
      // With RUNNABLE_TASK_WAITS, the signal arrives while the task is still open too.
      if (process.env.RUNNABLE_TASK_WAITS) await new Promise((resolve) => setTimeout(resolve, 2000));
    });
    // The signal arrives while the workflow waits here (unless the task returned under budget).
    await new Promise((resolve) => setTimeout(resolve, process.env.RUNNABLE_UNDER_BUDGET ? 10 : 2000));
    console.log("watched");
  });
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
