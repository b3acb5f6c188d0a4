import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "rag", disableBatch: false });

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "rag_pipeline" }, async () => "done");
}

// The incident's entry: the error path exits before the batch queue is exported.
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
