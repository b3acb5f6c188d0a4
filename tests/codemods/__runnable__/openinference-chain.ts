// OpenInference: traceChain() records an error on its span, sets ERROR and ends it (node_modules/
// @arizeai/openinference-core, withSpan). A chain exits 4 on an empty query: the batch is lost. The rewrite
// throws, with no helper (the SDK records), and the entry keeps the code and shuts the provider down.
import { traceChain } from "@arizeai/openinference-core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();

const retrieve = traceChain(
  async (query: string) => {
    if (!query) {
      console.error("empty query");
      process.exit(4);
    }
    return [`document about ${query}`];
  },
  { name: "retrieve" },
);

const answer = traceChain(
  async (query: string) => {
    const documents = await retrieve(query);
    console.log("answer from", documents.join(", "));
    return documents.length;
  },
  { name: "answer" },
);

async function main(): Promise<void> {
  await answer(process.env.RUNNABLE_QUERY ?? "");
  await provider.shutdown();
}

main().catch(() => process.exit(1));
