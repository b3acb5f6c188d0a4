// Issue 14, case 10: a tracer typed `any` (as a wrapper library may hand out). The callback's parameter is
// untyped before the fix (tsc: implicit any); the wrapped callback must not make it `never`.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer: any = trace.getTracer("runnable");

async function main(): Promise<void> {
  await tracer.startActiveSpan("sync", async (span) => {
    if (!process.env.RUNNABLE_TARGET) {
      console.log("no target");
      process.exit(4);
    }
    span.setAttribute("target", process.env.RUNNABLE_TARGET);
    span.end();
  });
  await provider.shutdown();
}

main().catch(() => process.exit(1));
