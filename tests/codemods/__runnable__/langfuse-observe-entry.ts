// Issue 16: a Langfuse observe() wrapper called at once at top level; its promise is the program's. Nothing
// flushes: a natural end drops the batched observations (the processor's timer does not keep the process
// alive), and a rejection crashes with them queued. Langfuse records the error on the observation itself.
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { observe } from "@langfuse/tracing";

// Batched (Langfuse's default) to $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, the test's receiver.
const langfuseSpanProcessor = new LangfuseSpanProcessor({ exporter: new OTLPTraceExporter() });
new NodeTracerProvider({ spanProcessors: [langfuseSpanProcessor] }).register();

const retrieve = observe(async (question: string) => [`${question}.md`], { name: "retrieve" });

async function main(): Promise<void> {
  const documents = await retrieve(process.env.RUNNABLE_QUESTION ?? "refunds");
  if (process.env.RUNNABLE_FAIL) throw new Error("no model configured");
  console.log(documents.join(", "));
}

observe(main, { name: "answer" })();
