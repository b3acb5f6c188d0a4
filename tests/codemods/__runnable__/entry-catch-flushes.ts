// Issue 14, new-user report 1a with a handler that flushes: the entry's `.catch` logs, sets a constant exit
// code and then shuts the provider down (the success path shuts it down inside `main`). The guard that keeps
// the task's exit code must not skip the flush: the spans the throw records are exported by it.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer = trace.getTracer("runnable");

async function main(): Promise<void> {
  const total = await tracer.startActiveSpan("sum", async (span) => {
    const parts = (process.env.RUNNABLE_PARTS ?? "").split(",").filter(Boolean);
    if (parts.length === 0) {
      console.log("nothing to add");
      process.exit(4);
    }
    span.end();
    return parts.reduce((sum, part) => sum + part.length, 0);
  });
  console.log("total", total);
  await provider.shutdown();
}

main().catch(async (error) => {
  console.log("sum failed");
  console.error(error);
  process.exitCode = 2;
  await provider.shutdown();
});
