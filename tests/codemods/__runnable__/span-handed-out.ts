// Issue 14, case 7, with OpenTelemetry: a startActiveSpan callback opens a stream and hands its span out
// with it; the caller ends the span when the stream is done. The callback exits 3 when the source is
// missing, before the caller ever has the span; the exit loses the batch.
import { trace, type Span } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer = trace.getTracer("runnable");

function openStream(source: string | undefined): { lines: string[]; span: Span } {
  return tracer.startActiveSpan("stream", (span) => {
    if (!source) {
      console.error("no source");
      process.exit(3);
    }
    span.setAttribute("source", source);
    return { lines: source.split(","), span };
  });
}

async function main(): Promise<void> {
  await tracer.startActiveSpan("report", async (report) => {
    const { lines, span } = openStream(process.env.RUNNABLE_SOURCE);
    for (const line of lines) console.log("line", line);
    // The caller owns the stream's span: it ends it once the stream is read.
    span.end();
    report.end();
  });
  await provider.shutdown();
}

main().catch(() => process.exit(1));
