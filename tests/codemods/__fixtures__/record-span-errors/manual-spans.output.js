// Spans started by hand and ended on the success path only: the rest of each block goes into a try whose
// catch records the error on the span, sets ERROR, ends it and rethrows.
import { trace, SpanStatusCode } from "@opentelemetry/api";
import { startObservation } from "@langfuse/tracing";

// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,
// because this SDK's wrapper ends the span only on success. A span that has ended is left alone.
function endSpanWithError(error, span = trace.getActiveSpan()) {
  if (span?.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }
  return error;
}

const tracer = trace.getTracer("shop");

export async function checkout(cart) {
  const span = tracer.startSpan("checkout", { attributes: { items: cart.length } });
  try {
    // Price first: it throws on an unknown item.
    const total = price(cart);
    await charge(total);
    span.end();
    return total;
  } catch (error) {
    throw endSpanWithError(error, span);
  }
}

export async function answer(question) {
  const generation = startObservation("answer", { input: question }, { asType: "generation" });
  try {
    const output = await complete(question);
    generation.update({ output });
    generation.end();
    return output;
  } catch (error) {
    throw endSpanWithError(error, generation.otelSpan);
  }
}

// Already safe: ended in a finally.
export async function refund(order) {
  const span = tracer.startSpan("refund");
  try {
    await reverse(order);
  } finally {
    span.end();
  }
}
