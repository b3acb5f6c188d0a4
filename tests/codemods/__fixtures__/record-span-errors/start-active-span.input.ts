import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("billing");

export function charge(amount: number): Promise<void> {
  return tracer.startActiveSpan("charge", async (span) => {
    if (amount <= 0) throw new RangeError("amount must be positive");
    span.end();
  });
}

// Already handles its span: untouched.
export function refund(): void {
  tracer.startActiveSpan("refund", (span) => {
    try {
      console.log("refund");
    } finally {
      span.end();
    }
  });
}
