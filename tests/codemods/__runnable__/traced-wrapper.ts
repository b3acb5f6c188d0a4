// Issue 16: an OpenInference agent wrapper called at once at top level; its promise is the program's.
// Nothing flushes: a natural end drops the batched spans, and a rejection crashes with them queued.
import { traceAgent, traceTool } from "@arizeai/openinference-core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();

const lookup = traceTool(async (city: string) => `sunny in ${city}`, { name: "lookup" });

async function main(): Promise<void> {
  const answer = await lookup(process.env.RUNNABLE_CITY ?? "Paris");
  if (process.env.RUNNABLE_FAIL) throw new Error("planner failed");
  console.log(answer);
}

traceAgent(main, { name: "planner" })();
