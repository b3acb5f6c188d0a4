// Issue 14: a same-file caller runs the workflow inside a `try` whose `catch` prints to standard output and then
// rethrows. The exit(4) ended the program before that catch could run; a throw would run it on the way out
// ("failed: …" on stdout, a line the original never printed), so the exit is left for manual review and stdout
// stays as it was. Only the entry gets its flush.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function handleOne(item: string): Promise<string> {
  return traceloop.withWorkflow({ name: "handle_item" }, async () => {
    if (item === "stop") process.exit(4);
    return item.toUpperCase();
  });
}

async function main(): Promise<void> {
  const items = (process.env.RUNNABLE_ITEMS ?? "a,stop,b").split(",");
  for (const item of items) {
    try {
      console.log(item, "=>", await handleOne(item));
    } catch (error) {
      console.log("failed:", item);
      throw error;
    }
  }
  await traceloop.forceFlush();
}

main();
