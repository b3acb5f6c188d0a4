// process.exit(0) directly in a Traceloop workflow that returns nothing: "stop here, successfully" becomes
// `return;`, and Traceloop ends the span as on any success. What follows the workflow in the caller now runs
// (here: only the flush), which the original skipped.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function digest(items: string[]): Promise<void> {
  await traceloop.withWorkflow({ name: "digest" }, async () => {
    if (items.length === 0) {
      console.log("no items");
      process.exit(0);
    }
    console.log(items.join("\n"));
  });
}

async function main(): Promise<void> {
  await digest((process.env.RUNNABLE_ITEMS ?? "").split(",").filter(Boolean));
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
