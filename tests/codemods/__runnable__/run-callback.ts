// Issue 16: `run(async () => { …; await traceloop.forceFlush(); })` flushes only on success. A throw
// before the flush crashes the process with the workflow's span still queued. After the fix the flush
// is in a finally: the same crash (exit 1, from run's unhandled rejection), with the spans exported.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

function run(program: () => Promise<void>): Promise<void> {
  return program();
}

run(async () => {
  const total = await traceloop.withWorkflow({ name: "count" }, async () => 3);
  if (process.env.RUNNABLE_FAIL) throw new Error(`cannot store ${total}`);
  console.log("total", total);
  await traceloop.forceFlush();
});
