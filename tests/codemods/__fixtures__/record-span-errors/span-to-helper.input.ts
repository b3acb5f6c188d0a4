import { trace } from "@opentelemetry/api";
import type { Span } from "@opentelemetry/api";

declare function submit(order: string): string;
declare function cancel(id: string): void;

const tracer = trace.getTracer("orders");

// The callbacks hand their span to a same-file helper that records the error and ends the span: nothing to do.
export const placeOrder = (order: string) => tracer.startActiveSpan("place-order", (span) => endSpanAfter(span, () => submit(order)));

export const cancelOrder = (id: string) =>
  tracer.startActiveSpan("cancel-order", (span) => {
    span.setAttribute("order.id", id);
    return endSpanAfter(span, () => cancel(id));
  });

function endSpanAfter<T>(span: Span, work: () => T): T {
  try {
    return work();
  } catch (error) {
    span.recordException(error as Error);
    throw error;
  } finally {
    span.end();
  }
}
