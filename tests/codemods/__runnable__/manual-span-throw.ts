// Issue 16: a span started by hand (`tracer.startSpan`) and ended by hand on the success path only. A load
// that throws skips `span.end()`: the span is never ended, so never exported, though the program flushes.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer = trace.getTracer("runnable");

async function load(key: string): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (key === "missing") throw new Error(`no such key: ${key}`);
  return key.length;
}

async function fetchAll(keys: string[]): Promise<number> {
  const span = tracer.startSpan("fetch_all");
  let total = 0;
  for (const key of keys) total += await load(key);
  span.setAttribute("total", total);
  span.end();
  return total;
}

async function main(): Promise<void> {
  try {
    const keys = (process.env.RUNNABLE_KEYS ?? "a,missing").split(",");
    console.log("total:", await fetchAll(keys));
  } catch (error) {
    console.log("failed:", (error as Error).message);
    process.exitCode = 3;
  } finally {
    await provider.shutdown();
  }
}

main();
