// Issue 16: the whole program inside withAssociationProperties, neither awaited nor caught. A natural end
// drops the batched spans; the task's exit(4) drops them too. After the fix: the entry's chain keeps the
// exit code the thrown error carries and flushes on both paths.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

traceloop.withAssociationProperties({ userId: "u1" }, async () => {
  await traceloop.withWorkflow({ name: "answer" }, async () => {
    await traceloop.withTask({ name: "read" }, async () => {
      if (!process.env.RUNNABLE_QUESTION) {
        console.log("no question");
        process.exit(4);
      }
      console.log("question", process.env.RUNNABLE_QUESTION);
    });
  });
});
