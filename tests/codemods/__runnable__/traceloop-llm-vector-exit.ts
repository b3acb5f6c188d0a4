// Traceloop's manual spans: withVectorDBCall (an active span) and withLLMCall (a span never made active), both
// ended on success only (0.27). A missing setting exits inside each; before the fix no span arrives.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function answer(question: string): Promise<string> {
  return traceloop.withWorkflow({ name: "rag" }, async () => {
    const documents = await traceloop.withVectorDBCall({ vendor: "pinecone", type: "query" }, async () => {
      if (!process.env.RUNNABLE_INDEX) {
        console.error("no index configured");
        process.exit(1);
      }
      return ["a.md", "b.md"];
    });
    return traceloop.withLLMCall({ vendor: "openai", type: "chat" }, async () => {
      if (!process.env.RUNNABLE_KEY) {
        console.error("no key configured");
        process.exit(2);
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
