import * as traceloop from "@traceloop/node-server-sdk";
import { SpanStatusCode, trace } from "@opentelemetry/api";

// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,
// because this SDK's wrapper ends the span only on success.
function endSpanWithError(error: unknown): unknown {
  const span = trace.getActiveSpan();
  if (span) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }
  return error;
}

function recordSpanErrors<F extends (...args: never[]) => unknown>(fn: F): F {
  return function (this: unknown, ...args: Parameters<F>) {
    try {
      const result = fn.apply(this, args);
      if (result && typeof (result as PromiseLike<unknown>).then === "function") {
        return (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {
          throw endSpanWithError(error);
        });
      }
      return result;
    } catch (error) {
      throw endSpanWithError(error);
    }
  } as F;
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
