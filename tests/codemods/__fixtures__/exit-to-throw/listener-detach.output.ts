// An exit in a repeating listener inside traced scopes (issue 14, case 4): the emitter, a `const` of this file,
// is detached (`lines.removeAllListeners()`) after the spans are ended, so that no more lines reach any of its
// listeners while the flush is in flight; then the process exits with the same code. An exit in a
// `setInterval` callback has nothing to detach and is left for manual review.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
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

export async function ingest(file: string): Promise<number> {
  return traceloop.withWorkflow({ name: "ingest" }, async () => {
    const ingestSpan = trace.getActiveSpan();
    return traceloop.withTask({ name: "parse" }, () => {
      const parseSpan = trace.getActiveSpan();
      return new Promise<number>((resolve) => {
        let count = 0;
        const lines = createInterface({ input: createReadStream(file) });
        const ticker = setInterval(() => {
          if (count > 1_000_000) process.exit(9);
        }, 1000);
        lines.on("line", (line) => {
          if (line.length === 0) {
            console.error(`empty line after ${count} records`);
            const exitError = Object.assign(new Error(`empty line after ${count} records`), { exitCode: 4 });
            endSpanWithError(exitError, parseSpan);
            endSpanWithError(exitError, ingestSpan);
            lines.removeAllListeners().on("error", () => undefined);
            traceloop.forceFlush().then(() => process.exit(4), () => process.exit(4));
            return;
          }
          count++;
        });
        lines.on("close", () => {
          clearInterval(ticker);
          resolve(count);
        });
      });
    });
  });
}
