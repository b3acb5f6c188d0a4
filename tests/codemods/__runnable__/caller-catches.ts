// Issue 14, new-user report 1b: a same-file loop calls the workflow inside a `try` whose `catch` logs and goes
// on. The workflow's exit(3) stopped the whole run, and its exit(0) ended it after "nothing to do"; a throw
// (or a return) would reach that catch, which prints "skipping …" and handles the next item: exit 0, and
// lines the original never printed. Both exits are left for manual review; only the entry gets its flush.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function handleOne(item: string): Promise<string> {
  return traceloop.withWorkflow({ name: "handle_item" }, async () => {
    if (!item) {
      console.log("nothing to do");
      process.exit(0);
    }
    try {
      if (item === "boom") throw new Error("boom");
      return item.length > 5 ? "long" : "short";
    } catch (error) {
      console.log("fatal:", (error as Error).message);
      process.exit(3);
    }
  });
}

async function main(): Promise<void> {
  const items = (process.env.RUNNABLE_ITEMS ?? "hello,boom,worldwide").split(",");
  for (const item of items) {
    try {
      console.log(item, "=>", await handleOne(item));
    } catch (error) {
      console.log("skipping", item, (error as Error).message);
    }
  }
  await traceloop.forceFlush();
}

main();
