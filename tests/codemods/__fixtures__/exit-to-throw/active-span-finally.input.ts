import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("billing");

// Two exits in one try/finally: one catch records before the finally ends the span.
export function charge(amount: number, currency: string): Promise<number> {
  return tracer.startActiveSpan("charge", async (span) => {
    try {
      if (amount <= 0) {
        process.exit(3);
      }
      if (!currency) process.exit(4);
      return amount * 100;
    } finally {
      span.end();
    }
  });
}

// A catch that rethrows: it records first.
export function refund(id: string): string {
  return tracer.startActiveSpan("refund", (span) => {
    try {
      if (!id) process.exit(2);
      return id;
    } catch (error) {
      span.setAttribute("refund.failed", true);
      throw error;
    } finally {
      span.end();
    }
  });
}

// An exit in the catch: its error is recorded as it is thrown.
export function parse(raw: string): unknown {
  return tracer.startActiveSpan("parse", (span) => {
    try {
      return JSON.parse(raw);
    } catch (error) {
      console.error("bad input:", String(error));
      process.exit(5);
    } finally {
      span.end();
    }
  });
}

// An exit before the try: nothing ends the span on that path, so the callback is wrapped.
export function check(value: number): number {
  return tracer.startActiveSpan("check", (span) => {
    if (value > 2) process.exit(6);
    try {
      return value * 2;
    } finally {
      span.end();
    }
  });
}
