// Issue 14, case 4 with event listeners, inside two startActiveSpan callbacks reading a stream. A throw in
// either listener would be an uncaught exception (exit code 1), so the exits stay, after the spans are ended:
// - the 'end' listener, registered with once(), exits 5 when too few lines came. The callbacks' own spans
//   (their parameters) are ended with the error, the provider flushes (its shutdown(), the flush this file
//   already runs), then the process exits 5; the listener returns at once.
// - a 'data' listener, registered with on(), exits 3 on a bad line (an `if` without braces). The same, and
//   first `stream.removeAllListeners()`: the stream would go on delivering lines while the flush is in flight
//   (measured without the detach: "line c" and "too few lines: 2" printed, which the original never prints).
import { Readable } from "node:stream";
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer = trace.getTracer("runnable");
const minimum = Number(process.env.RUNNABLE_MIN ?? "4");

async function main(): Promise<void> {
  await tracer.startActiveSpan("batch", async (batch) => {
    const count = await tracer.startActiveSpan("import", (span) => {
      return new Promise<number>((resolve) => {
        let imported = 0;
        const stream = Readable.from(["a", "# note", "bad", "c"]);
        stream.on("data", (line: string) => {
          if (line.startsWith("#")) return;
          if (line === "bad" && !process.env.RUNNABLE_LENIENT) process.exit(3);
          console.log("line", line);
          imported++;
        });
        stream.once("end", () => {
          if (imported < minimum) {
            console.log("too few lines:", imported);
            process.exit(5);
          }
          span.end();
          resolve(imported);
        });
      });
    });
    console.log("imported", count);
    batch.end();
  });
  await provider.shutdown();
}

main().catch(() => process.exit(1));
