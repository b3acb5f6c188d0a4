// The incident, reduced to its shape: a RAG workflow traced with Traceloop (OpenLLMetry) calls process.exit(1)
// inside a task when Bedrock has no credentials. Spans are batched, so they sit in memory until a flush;
// process.exit() ends the process first and the whole trace is lost.
//
// Happy path: 5 spans, workflow `rag_pipeline` with tasks load_config, retrieve_documents, record_request,
// bedrock_completion. DEMO_FAIL chooses what goes wrong:
//   credentials  Bedrock rejects; the task logs and calls process.exit(1)            (the incident)
//   region       requireRegion(), a helper called from a task, calls process.exit(1)
//   retrieval    a task throws; main() rejects and the entry calls process.exit(1)
//   audit        the un-awaited record_request task rejects: an unhandled rejection ends the process
// DEMO_BEDROCK_LATENCY_MS (default 10) makes the Bedrock call slow, like a real credential chain timing out.
//
// Run: TRACELOOP_BASE_URL=http://127.0.0.1:4318 DEMO_FAIL=credentials node --import tsx examples/traceloop-app/index.ts
import * as traceloop from "@traceloop/node-server-sdk";
import { setTimeout as delay } from "node:timers/promises";
import { FakeBedrockClient } from "../support/fake-bedrock";

traceloop.initialize({
  appName: "rag-demo",
  baseUrl: process.env.TRACELOOP_BASE_URL,
  apiKey: "local",
  // Batching stays on: it is what production uses, and why an early exit loses spans.
  disableBatch: false,
  silenceInitializationMessage: true,
  traceloopSyncEnabled: false,
});

const bedrock = new FakeBedrockClient({
  failWith: process.env.DEMO_FAIL,
  latencyMs: Number(process.env.DEMO_BEDROCK_LATENCY_MS ?? 10),
});
const auditLog: string[] = [];

function requireRegion(): string {
  const region = process.env.DEMO_FAIL === "region" ? undefined : (process.env.AWS_REGION ?? "us-east-1");
  if (!region) {
    console.error("AWS_REGION is not set");
    process.exit(1);
  }
  return region;
}

async function answer(question: string): Promise<string> {
  return traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
    const config = await traceloop.withTask({ name: "load_config" }, async () => {
      return { region: requireRegion(), modelId: "anthropic.claude-3-haiku" };
    });

    const documents: string[] = await traceloop.withTask({ name: "retrieve_documents" }, async () => {
      await delay(5);
      if (process.env.DEMO_FAIL === "retrieval") throw new Error("vector index unavailable");
      return ["refund-policy.md", "shipping.md"];
    });

    // Fire-and-forget: nobody awaits this task.
    traceloop.withTask({ name: "record_request" }, async () => {
      if (process.env.DEMO_FAIL === "audit") throw new Error("audit log rejected the record");
      auditLog.push(question);
    });

    return traceloop.withTask({ name: "bedrock_completion" }, async () => {
      try {
        const { completion } = await bedrock.invokeModel({
          ...config,
          prompt: `${documents.join(", ")}\n\n${question}`,
        });
        return completion;
      } catch (error) {
        console.error("Bedrock call failed, check AWS credentials:", (error as Error).message);
        process.exit(1);
      }
    });
  });
}

async function main(): Promise<void> {
  console.log(await answer("What is our refund policy?"));
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
