// Issue 14, new-user report 1a: the entry's `.catch` handler logs and sets a constant exit code, and a
// `.finally` flushes. The span's exit(5) ended the program with 5, without running the handler; once it is
// a throw, the handler would turn it into 1 (and print "failed"). The handler gets a guard: an error carrying
// an exit code sets that code and skips the rest of the handler; the `.finally` still flushes. The span ends
// in the callback's `finally`: the try gets a catch that records the error before that `finally` ends it.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeSDK } from "@opentelemetry/sdk-node";

const sdk = new NodeSDK({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
sdk.start();
const tracer = trace.getTracer("runnable");

async function step(n: number): Promise<number> {
  return tracer.startActiveSpan("step", async (span) => {
    try {
          if (n > 10) {
        console.error("too big");
        process.exit(5);
      }
      return n + 1;
    } finally {
      span.end();
    }
  });
}

async function main(): Promise<void> {
  const n = Number(process.env.RUNNABLE_N ?? "42");
  console.log("result", await step(n));
}

main()
  .catch((err) => {
    console.log("failed:", String(err));
    process.exitCode = 1;
  })
  .finally(() => sdk.shutdown());
