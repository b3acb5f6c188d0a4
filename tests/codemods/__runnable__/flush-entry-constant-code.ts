// Issue 14, the flush codemod alone (`traced-exit fix -t flush-before-exit`): an exit outside any scope, in
// a helper the entry function calls, becomes a throw carrying its code; the entry's handler sets a constant
// exit code (`process.exitCode = 1`) and flushes in `.finally`. Does the program still end with 5?
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

function fail(message: string): never {
  console.error(message);
  process.exit(5);
}

async function main(): Promise<void> {
  const plan = await traceloop.withWorkflow({ name: "plan" }, async () => ["fetch", "rank", "answer"]);
  if (process.env.RUNNABLE_TOO_LONG) fail(`plan too long: ${plan.length} steps`);
  console.log("plan", plan.join(" > "));
}

main()
  .catch((err) => {
    console.error("failed:", err);
    process.exitCode = 1;
  })
  .finally(() => traceloop.forceFlush());
