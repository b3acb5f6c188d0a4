// Langfuse 5: an observed function exits 3 on a missing setting; the entry's .catch exits 1 too. Langfuse
// sets the observation's level to ERROR and ends it when the function throws, so the throw alone records it;
// before the fix the batch is lost.
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { observe } from "@langfuse/tracing";

// Batched (Langfuse's default) to $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, the test's receiver.
const langfuseSpanProcessor = new LangfuseSpanProcessor({ exporter: new OTLPTraceExporter() });
new NodeTracerProvider({ spanProcessors: [langfuseSpanProcessor] }).register();

const retrieve = observe(async (question: string) => [`${question}.md`], { name: "retrieve" });

const answer = observe(
  async (question: string) => {
    const documents = await retrieve(question);
    if (!process.env.RUNNABLE_MODEL) {
      console.error("no model configured");
      process.exit(3);
    }
    return `${question}: ${documents.join(", ")}`;
  },
  { name: "answer" },
);

async function main(): Promise<void> {
  console.log(await answer("refunds"));
  await langfuseSpanProcessor.forceFlush();
}

main().catch(() => process.exit(1));
