// Issue 16: the traced function an OpenInference wrapper returns, called at once at top level.
// Its promise is the program's: same shape as `main();`, so the same chain.
import { traceAgent } from "@arizeai/openinference-core";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
declare function plan(): Promise<void>;

async function main(): Promise<void> {
  await plan();
}

traceAgent(main, { name: "planner" })();
