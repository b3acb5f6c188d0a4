import * as traceloop from "@traceloop/node-server-sdk";
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

export class Pipeline {
  @traceloop.workflow({ name: "ingest" })
  async ingest(path: string): Promise<number> {
    try {
      if (!path) {
        console.error("no path");
        throw Object.assign(new Error("no path"), { exitCode: 1 });
      }
      const banner = `ingesting
${path}`;
      return await banner.length;
    } catch (error) {
      throw endSpanWithError(error);
    }
  }
}
