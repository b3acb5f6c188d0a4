import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("billing");

export function charge(amount: number): Promise<void> {
  return tracer.startActiveSpan("charge", async (span) => {
    if (amount <= 0) {
      process.exit(3);
    }
    span.end();
  });
}
