/** The text our span-recording fixes add to a file (src/fixes/span-helper.ts), for exact suggestion outputs. */

/** The two helpers the throw suggestion adds once per TypeScript file (src/fixes/span-helper.ts), as text. */
export const SPAN_HELPERS = [
  "// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,",
  "// because this SDK's wrapper ends the span only on success.",
  "function endSpanWithError(error: unknown): unknown {",
  "  const span = trace.getActiveSpan();",
  "  if (span) {",
  "    span.recordException(error instanceof Error ? error : String(error));",
  "    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });",
  "    span.end();",
  "  }",
  "  return error;",
  "}",
  "",
  "function recordSpanErrors<F extends (...args: never[]) => unknown>(fn: F): F {",
  "  return function (this: unknown, ...args: Parameters<F>) {",
  "    try {",
  "      const result = fn.apply(this, args);",
  '      if (result && typeof (result as PromiseLike<unknown>).then === "function") {',
  "        return (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {",
  "          throw endSpanWithError(error);",
  "        });",
  "      }",
  "      return result;",
  "    } catch (error) {",
  "      throw endSpanWithError(error);",
  "    }",
  "  } as F;",
  "}",
].join("\n");

/** The same helpers in a JavaScript file: no type annotations. */
export const SPAN_HELPERS_JS = [
  "// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,",
  "// because this SDK's wrapper ends the span only on success.",
  "function endSpanWithError(error) {",
  "  const span = trace.getActiveSpan();",
  "  if (span) {",
  "    span.recordException(error instanceof Error ? error : String(error));",
  "    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });",
  "    span.end();",
  "  }",
  "  return error;",
  "}",
  "",
  "function recordSpanErrors(fn) {",
  "  return function (...args) {",
  "    try {",
  "      const result = fn.apply(this, args);",
  '      if (result && typeof result.then === "function") {',
  "        return result.then(undefined, (error) => {",
  "          throw endSpanWithError(error);",
  "        });",
  "      }",
  "      return result;",
  "    } catch (error) {",
  "      throw endSpanWithError(error);",
  "    }",
  "  };",
  "}",
].join("\n");

/** The import the throw suggestion adds for the helpers when the file has no named import of `@opentelemetry/api`. */
export const OTEL_IMPORT = 'import { SpanStatusCode, trace } from "@opentelemetry/api";';

/** A file after the recording throw suggestion: `head` (imports, ending with the one the fix adds), a blank line, the helpers, a blank line, `rest`. */
export function withHelpers(head: string, rest: string, helpers = SPAN_HELPERS): string {
  return `${head}\n\n${helpers}\n\n${rest}`;
}

