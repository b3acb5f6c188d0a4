// Issue 14, case 1: the entry only logs a rejection (`main().catch(console.error)`), so a task's exit(3) was
// the only thing that made the program fail. After the fix the exit code must still be 3.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function load(): Promise<string[]> {
  return traceloop.withTask({ name: "load" }, async () => {
    if (!process.env.RUNNABLE_INPUT) {
      console.log("no input");
      process.exit(3);
    }
    return process.env.RUNNABLE_INPUT.split(",");
  });
}

async function main(): Promise<void> {
  const items = await traceloop.withWorkflow({ name: "import" }, () => load());
  console.log(items.length);
  await traceloop.forceFlush();
}

main().catch(console.error);
