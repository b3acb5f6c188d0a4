import * as traceloop from "@traceloop/node-server-sdk";

async function work(): Promise<void> {}

// Awaited, returned, or given a rejection handler: nothing floats.
export const run = () =>
  traceloop.withWorkflow({ name: "w" }, async () => {
    await work();
    work().catch((error) => console.error(error));
    return work();
  });
