// Decorators in JavaScript (Babel): ESLint's default parser does not take them yet, so the
// engine parses this file with typescript-eslint's parser.
import * as traceloop from "@traceloop/node-server-sdk";
import { SpanStatusCode, trace } from "@opentelemetry/api";

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

export class Indexer {
  @traceloop.workflow({ name: "reindex" })
  async reindex() {
    try {
      if (!process.env.INDEX) {
        console.error("INDEX is not set");
        throw Object.assign(new Error("INDEX is not set"), { exitCode: 1 });
      }
    } catch (error) {
      throw endSpanWithError(error);
    }
  }
}
