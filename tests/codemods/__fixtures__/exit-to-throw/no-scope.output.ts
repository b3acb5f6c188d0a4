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

// An exit outside every traced scope is require-flush-before-exit's business, not this codemod's.
export function parseArgs(argv: string[]): string {
  if (argv.length === 0) throw Object.assign(new Error("process.exit() in workflow 'cli'"), { exitCode: 64 });
  return argv[0] ?? "";
}

export const run = () => traceloop.withWorkflow({ name: "cli" }, recordSpanErrors(async () => parseArgs(process.argv)));
