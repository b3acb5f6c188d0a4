// Spans started by hand and ended on the success path only: the rest of each block goes into a try whose
// catch records the error on the span, sets ERROR, ends it and rethrows.
import { trace } from "@opentelemetry/api";
import { startObservation } from "@langfuse/tracing";

const tracer = trace.getTracer("shop");

export async function checkout(cart) {
  const span = tracer.startSpan("checkout", { attributes: { items: cart.length } });
  // Price first: it throws on an unknown item.
  const total = price(cart);
  await charge(total);
  span.end();
  return total;
}

export async function answer(question) {
  const generation = startObservation("answer", { input: question }, { asType: "generation" });
  const output = await complete(question);
  generation.update({ output });
  generation.end();
  return output;
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
