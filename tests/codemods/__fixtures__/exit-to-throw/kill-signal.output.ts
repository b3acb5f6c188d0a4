// A task stops the program by signalling itself, and every SIGTERM listener of the file ends the process (issue
// 14, case 5). The kill stays (a throw would bypass the listener and exit 1); a listener put before the program's
// ends the spans of the scopes still open when the signal arrives, noted as each scope starts. In a listener that
// may return, or under an `if` without braces, nothing is written: the first is not reported, the second is left
// for manual review.
import { trace, SpanStatusCode } from "@opentelemetry/api";
import * as traceloop from "@traceloop/node-server-sdk";

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

const tracer = trace.getTracer("watch");

process.once("SIGTERM", async () => {
  console.log("terminating");
  await traceloop.forceFlush();
  process.exit(143);
});

export async function watch(limit: number): Promise<void> {
  await traceloop.withWorkflow({ name: "watch" }, async () => {
    const watchSpan = trace.getActiveSpan();
    await tracer.startActiveSpan("budget", async (span) => {
      if (limit < 0) process.kill(process.pid, "SIGTERM");
      if (limit === 0) {
        console.log("budget exceeded");
        const killError = Object.assign(new Error("process.kill() in span 'budget'"), { signal: "SIGTERM" });
        process.prependOnceListener("SIGTERM", () => {
          endSpanWithError(killError, span);
          endSpanWithError(killError, watchSpan);
        });
        process.kill(process.pid);
      }
      span.end();
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
  });
}
