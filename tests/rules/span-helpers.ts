/** The text our span-recording fixes add to a file (src/fixes/span-helper.ts), for exact suggestion outputs. */

/** The two helpers the throw suggestion adds once per TypeScript file (src/fixes/span-helper.ts), as text. */
export const SPAN_HELPERS = [
  "// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,",
  "// because this SDK's wrapper ends the span only on success. A span that has ended is left alone.",
  "function endSpanWithError(error: unknown, span = trace.getActiveSpan()): unknown {",
  "  if (span?.isRecording()) {",
  "    span.recordException(error instanceof Error ? error : String(error));",
  "    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });",
  "    span.end();",
  "  }",
  "  return error;",
  "}",
  "",
  "// The callback's result is returned as it is: a thenable other than a plain Promise (a Promise subclass,",
  "// a lazy query) keeps its identity and methods, and its then() records a rejection before passing it on.",
  "// F's arguments are `any` (JSON.parse's return type), so that a callback given to a tracer typed `any`",
  "// keeps untyped parameters instead of `never` ones; a typed tracer's callback type is still inferred.",
  "function recordSpanErrors<F extends (...args: ReturnType<typeof JSON.parse>[]) => unknown>(fn: F): F {",
  "  return function (this: unknown, ...args: Parameters<F>) {",
  "    const span = trace.getActiveSpan();",
  "    try {",
  "      const result = fn.apply(this, args);",
  "      if (result instanceof Promise && result.constructor === Promise) {",
  "        return result.then(undefined, (error: unknown) => {",
  "          throw endSpanWithError(error, span);",
  "        });",
  "      }",
  "      const then = (result as PromiseLike<unknown> | null | undefined)?.then;",
  "      if (typeof then === \"function\" && Object.isExtensible(result)) {",
  "        Object.defineProperty(result, \"then\", {",
  "          configurable: true,",
  "          writable: true,",
  "          value(this: unknown, onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) {",
  "            return then.call(this, onFulfilled, (error: unknown) => {",
  "              endSpanWithError(error, span);",
  "              if (onRejected) return onRejected(error);",
  "              throw error;",
  "            });",
  "          },",
  "        });",
  "      }",
  "      return result;",
  "    } catch (error) {",
  "      throw endSpanWithError(error, span);",
  "    }",
  "  } as F;",
  "}",
].join("\n");

/** `recordSpanError`, which a catch added before a `finally` that ends the span calls (src/fixes/record-before-finally.ts). */
export const RECORD_HELPER = [
  "// Added by eslint-plugin-traced-exit: record an error on the span and mark it ERROR, without ending it:",
  "// the code's own `finally` ends the span just after, which would otherwise export it with no error.",
  "function recordSpanError(error: unknown, span = trace.getActiveSpan()): unknown {",
  "  if (span?.isRecording()) {",
  "    span.recordException(error instanceof Error ? error : String(error));",
  "    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });",
  "  }",
  "  return error;",
  "}",
].join("\n");

/** The same helpers in a JavaScript file: no type annotations. */
export const SPAN_HELPERS_JS = [
  "// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,",
  "// because this SDK's wrapper ends the span only on success. A span that has ended is left alone.",
  "function endSpanWithError(error, span = trace.getActiveSpan()) {",
  "  if (span?.isRecording()) {",
  "    span.recordException(error instanceof Error ? error : String(error));",
  "    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });",
  "    span.end();",
  "  }",
  "  return error;",
  "}",
  "",
  "// The callback's result is returned as it is: a thenable other than a plain Promise (a Promise subclass,",
  "// a lazy query) keeps its identity and methods, and its then() records a rejection before passing it on.",
  "function recordSpanErrors(fn) {",
  "  return function (...args) {",
  "    const span = trace.getActiveSpan();",
  "    try {",
  "      const result = fn.apply(this, args);",
  "      if (result instanceof Promise && result.constructor === Promise) {",
  "        return result.then(undefined, (error) => {",
  "          throw endSpanWithError(error, span);",
  "        });",
  "      }",
  "      const then = result?.then;",
  "      if (typeof then === \"function\" && Object.isExtensible(result)) {",
  "        Object.defineProperty(result, \"then\", {",
  "          configurable: true,",
  "          writable: true,",
  "          value(onFulfilled, onRejected) {",
  "            return then.call(this, onFulfilled, (error) => {",
  "              endSpanWithError(error, span);",
  "              if (onRejected) return onRejected(error);",
  "              throw error;",
  "            });",
  "          },",
  "        });",
  "      }",
  "      return result;",
  "    } catch (error) {",
  "      throw endSpanWithError(error, span);",
  "    }",
  "  };",
  "}",
].join("\n");

/** The import the throw suggestion adds for the helpers when the file has no named import of `@opentelemetry/api`. */
export const OTEL_IMPORT = 'import { SpanStatusCode, trace } from "@opentelemetry/api";';

/**
 * A file after a recording suggestion: `head` (imports, ending with the one the fix adds), a blank line, the helpers,
 * a blank line, `rest`. The helpers are those `rest` calls (issue 14, new-user report 4: an unused one fails
 * `--noUnusedLocals` and no-unused-vars): `endSpanWithError` alone, unless `rest` wraps a callback in `recordSpanErrors`.
 */
export function withHelpers(head: string, rest: string, helpers = SPAN_HELPERS): string {
  return `${head}\n\n${rest.includes("recordSpanErrors(") ? helpers : endHelperOf(helpers)}\n\n${rest}`;
}

/** The `endSpanWithError` part of `helpers`. */
export function endHelperOf(helpers: string): string {
  const at = helpers.indexOf("\n\n// The callback's");
  return at < 0 ? helpers : helpers.slice(0, at);
}

/** Why a `startActiveSpan` callback that ends its span on success only is reported. */
export const OTEL_WHY = "is ended by its callback on the success path only";

/**
 * An invalid case whose one finding is `tracer.startActiveSpan("s", …)` at the start of `line` (of the whole code:
 * `imports`, when given, then `body`); its suggestion wraps `callback`, as written in `body`, in recordSpanErrors() and adds
 * `helpers` (the TypeScript ones unless a `.js` file's are given).
 */
export function unhandledSpan(body: string, line: number, callback: string, imports?: string, helpers = SPAN_HELPERS) {
  const head = imports ? `${imports}\n` : "";
  if (!body.includes(callback)) throw new Error(`callback not in body: ${callback}`);
  return {
    code: `${head}${body}`,
    errors: [
      {
        messageId: "spanNotEndedOnError" as const,
        data: { scope: "Span 's'", why: OTEL_WHY },
        line,
        column: 1,
        endLine: line,
        endColumn: 23,
        suggestions: [{ messageId: "wrapCallback" as const, output: withHelpers(`${head}${OTEL_IMPORT}`, body.replace(callback, `recordSpanErrors(${callback})`), helpers) }],
      },
    ],
  };
}

