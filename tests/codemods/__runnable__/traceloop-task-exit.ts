// A task exits 1 on a missing setting; the entry's .catch exits 1 too. Before the fix no span arrives.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function answer(question: string): Promise<string> {
  return traceloop.withWorkflow({ name: "rag" }, async () => {
    const documents = await traceloop.withTask({ name: "retrieve" }, async () => ["a.md", "b.md"]);
    return traceloop.withTask({ name: "complete" }, async () => {
      if (!process.env.RUNNABLE_REGION) {
        console.error("no region configured");
        process.exit(1);
      }
      return `${question}: ${documents.join(", ")}`;
    });
  });
}

async function main(): Promise<void> {
  console.log(await answer("refunds"));
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
