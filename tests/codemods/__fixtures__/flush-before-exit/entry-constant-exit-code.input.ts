// An exit outside any scope, in a helper of the entry: the flush codemod turns it into a throw carrying its
// code. The entry flushes on both paths, but its handler sets a constant code: the program that exited 5
// would end with 1. The handler gets the guard (once: the second pass sees a code taken from the error).
import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "planner" });

function fail(message: string): never {
  console.error(message);
  process.exit(5);
}

async function main(): Promise<void> {
  const plan = await traceloop.withWorkflow({ name: "plan" }, async () => ["fetch", "rank"]);
  if (process.env.TOO_LONG) fail(`plan too long: ${plan.length} steps`);
  console.log(plan.join(" > "));
}

main()
  .catch((err) => {
    console.error("failed:", err);
    process.exitCode = 1;
  })
  .finally(() => traceloop.forceFlush());
