// startActiveSpan: the callback owns its span and ends it on the happy path only; an exit 2 in a child loses
// the batch, and with it both spans.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer = trace.getTracer("runnable");

function parse(raw: string): number {
  return tracer.startActiveSpan("parse", (span) => {
    const value = Number(raw);
    if (Number.isNaN(value)) {
      console.error(`not a number: ${raw}`);
      process.exit(2);
    }
    span.end();
    return value;
  });
}

async function main(): Promise<void> {
  await tracer.startActiveSpan("job", async (span) => {
    console.log("sum", parse("1") + parse("x"));
    span.end();
  });
  await provider.shutdown();
}

main().catch(() => process.exit(1));
