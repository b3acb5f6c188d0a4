import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("billing");

// The callback ends its span in a finally: the span is exported on every path, so nothing is reported nor
// rewritten. The program's own throw arrives with the span ended and UNSET: a wrapper would see the error only
// after the finally has ended the span (docs/codemods/record-span-errors.md).
export function charge(amount: number): Promise<number> {
  return tracer.startActiveSpan("charge", async (span) => {
    try {
      if (amount <= 0) throw new Error("nothing to charge");
      return amount * 100;
    } finally {
      span.end();
    }
  });
}
