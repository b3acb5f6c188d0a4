// Issue 14, case 3: process.exit(0) means "nothing to do, stop successfully", inside a startActiveSpan
// callback that ends its span further down and returns a value the caller uses.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer = trace.getTracer("runnable");

function countItems(items: string[]): number {
  return tracer.startActiveSpan("count", (span) => {
    if (items.length === 0) {
      console.log("nothing to do");
      process.exit(0);
    }
    span.end();
    return items.length;
  });
}

async function main(): Promise<void> {
  const total: number = countItems([]);
  console.log("total", total);
  await provider.shutdown();
}

main().catch(() => process.exit(1));
