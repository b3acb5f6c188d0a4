// Issue 14, case 1 again: the entry is a top-level `try { await main(); } catch (error) { … }` whose catch
// only logs. The task's exit(1) set the exit code; once it is a throw, that catch would swallow it and the
// program would end with 0. The catch gets a guard: an error carrying an exit code sets it and skips the
// handler (which the original never ran, so "sync failed" is not printed); other errors are logged as before.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "sync" }, async () => {
    await traceloop.withTask({ name: "fetch" }, async () => {
      console.log("fetching");
      if (!process.env.RUNNABLE_TOKEN) {
        console.error("no token");
        process.exit(1);
      }
    });
  });
  await traceloop.forceFlush();
}

try {
  await main();
} catch (error) {
  console.log("sync failed");
  console.error(error);
}
