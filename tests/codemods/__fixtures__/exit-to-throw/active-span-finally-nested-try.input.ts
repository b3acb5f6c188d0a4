import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("sync");

// The span is ended on the success path only, and also by a try/finally inside an `if`: the callback is
// wrapped (for the exit outside that try), and that try gets a catch that records before its finally ends
// the span (for the exit inside it).
export function sync(items: string[], dryRun: boolean): number {
  return tracer.startActiveSpan("sync", (span) => {
    if (items.length === 0) process.exit(2);
    if (dryRun) {
      try {
        if (items.includes("")) process.exit(3);
        return 0;
      } finally {
        span.end();
      }
    }
    span.end();
    return items.length;
  });
}
