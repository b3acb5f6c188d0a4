// The same incident with plain OpenTelemetry: NodeTracerProvider + BatchSpanProcessor + OTLP/protobuf exporter.
// startActiveSpan() leaves the span to the caller: it is ended only where the code calls span.end(), so an
// exit (or a throw) before that line loses it, and the batch still in memory is lost with the process.
//
// Happy path: 3 spans, rag_pipeline with children retrieve_documents and bedrock_completion.
// DEMO_FAIL=credentials makes Bedrock reject; the span callback logs and calls process.exit(1).
// DEMO_FAIL=retrieval makes retrieve_documents throw; main() rejects and the entry calls process.exit(1).
// DEMO_BEDROCK_LATENCY_MS (default 10) makes the Bedrock call slow.
//
// The exporter reads OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (default http://localhost:4318/v1/traces).
// Run: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4318/v1/traces DEMO_FAIL=credentials \
//        node --import tsx examples/otel-app/index.ts
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { setTimeout as delay } from "node:timers/promises";
import { FakeBedrockClient } from "../support/fake-bedrock";

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ "service.name": "otel-rag-demo" }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
provider.register();
const tracer = trace.getTracer("otel-rag-demo");

const bedrock = new FakeBedrockClient({
  failWith: process.env.DEMO_FAIL,
  latencyMs: Number(process.env.DEMO_BEDROCK_LATENCY_MS ?? 10),
});

async function answer(question: string): Promise<string> {
  return tracer.startActiveSpan("rag_pipeline", async (span) => {
    const documents = await tracer.startActiveSpan("retrieve_documents", async (child) => {
      await delay(5);
      if (process.env.DEMO_FAIL === "retrieval") throw new Error("vector index unavailable");
      child.end();
      return ["refund-policy.md", "shipping.md"];
    });

    const completion = await tracer.startActiveSpan("bedrock_completion", async (child) => {
      try {
        const result = await bedrock.invokeModel({
          modelId: "anthropic.claude-3-haiku",
          region: "us-east-1",
          prompt: `${documents.join(", ")}\n\n${question}`,
        });
        child.end();
        return result.completion;
      } catch (error) {
        console.error("Bedrock call failed, check AWS credentials:", (error as Error).message);
        process.exit(1);
      }
    });

    span.end();
    return completion;
  });
}

async function main(): Promise<void> {
  console.log(await answer("What is our refund policy?"));
  await provider.shutdown();
}

main().catch(() => process.exit(1));
