// A Langfuse 5 observation and a child started from it (`parent.startObservation`), both ended on success
// only: each gets its own try, the inner one recording on the child, the outer one on the parent.
import { startObservation } from "@langfuse/tracing";
import { SpanStatusCode, trace } from "@opentelemetry/api";

// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,
// because this SDK's wrapper ends the span only on success. A span that has ended is left alone.
function endSpanWithError(error: unknown, span = trace.getActiveSpan()): unknown {
  if (span?.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }
  return error;
}

declare function search(question: string): Promise<string[]>;

export async function rag(question: string): Promise<string[]> {
  const root = startObservation("rag");
  try {
    const retrieval = root.startObservation("retrieve", { input: question });
    try {
      const docs = await search(question);
      retrieval.update({ output: docs });
      retrieval.end();
      root.end();
      return docs;
    } catch (error) {
      throw endSpanWithError(error, retrieval.otelSpan);
    }
  } catch (error) {
    throw endSpanWithError(error, root.otelSpan);
  }
}
