/**
 * traced-exit/require-span-error-recording: who else ends a span on the error path (issue 13, "who owns the span").
 * - error-handling helpers of the catalogue (ERROR_HANDLERS), recognised by import binding: `safeExecuteInTheMiddle`
 *   and `safeExecuteInTheMiddleAsync` of @opentelemetry/instrumentation, `handleCallbackErrors` of @sentry/core;
 * - an `exit` listener that ends the active span synchronously, with a pipeline that exports on end, synchronously
 *   (src/scopes/exit-listeners.ts).
 * Each valid case has an invalid near-miss that must still be reported.
 */
import * as path from "node:path";
import dedent from "dedent";
import rule from "../../src/rules/require-span-error-recording";
import type { MessageId } from "../../src/rules/require-span-error-recording";
import { createRuleTester } from "./rule-tester";
import { OTEL_WHY, SPAN_HELPERS_JS, unhandledSpan, withHelpers } from "./span-helpers";

const ruleTester = createRuleTester();
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];

const INSTRUMENTATION = 'import { safeExecuteInTheMiddle, safeExecuteInTheMiddleAsync } from "@opentelemetry/instrumentation";';
const SENTRY_CORE = 'import { handleCallbackErrors } from "@sentry/core";';
const API = 'import { context, trace } from "@opentelemetry/api";';

// --- error-handling helpers ------------------------------------------------------------------------------------

/** instrumentation-http's shape: the request is made in safeExecuteInTheMiddle, and handed with its span to a method that ends it later. */
const HTTP_LIKE = (onError: string) => dedent`
  ${API}
  ${INSTRUMENTATION}
  export class Instrumentation {
    _outgoing(original) {
      const instrumentation = this;
      return function outgoing(options) {
        const span = instrumentation.tracer.startSpan("GET");
        const requestContext = trace.setSpan(context.active(), span);
        return context.with(requestContext, () => {
          const request = safeExecuteInTheMiddle(() => original.apply(this, [options]), (error) => {
            if (error) {
              ${onError}
              throw error;
            }
          });
          return instrumentation._trace(request, span);
        });
      };
    }
    _onError(span, error) {
      span.recordException(error);
      this._close(span);
    }
    _close(span) {
      span.end();
    }
    _trace(request, span) {
      request.on("error", (error) => this._onError(span, error));
      request.on("close", () => this._close(span));
      return request;
    }
  }
`;

/**
 * A `startActiveSpan` whose callback keeps safeExecuteInTheMiddle's result, ends the span on a synchronous throw, then
 * runs `tail` with the result (`after`: code below it): reported, since the result may be a promise that rejects later.
 */
function syncHelperResult(tail: string, after = "") {
  const callback = `(span) => {\n  const result = safeExecuteInTheMiddle(() => client.create(), (error) => {\n    if (error) span.end();\n  });\n  ${tail}\n}`;
  return unhandledSpan(`tracer.startActiveSpan("s", ${callback});${after}`, 2, callback, INSTRUMENTATION);
}

/** HTTP_LIKE's finding: its `context.with`, whose suggestion wraps the callback and adds SpanStatusCode to the api import. */
function httpLikeError(code: string) {
  const [api, instrumentation, ...rest] = code.split("\n");
  const wrapped = rest.join("\n").replace("context.with(requestContext, () => {", "context.with(requestContext, recordSpanErrors(() => {").replace("      });\n    };", "      }));\n    };");
  const head = `${api?.replace("{ context, trace }", "{ context, trace, SpanStatusCode }")}\n${instrumentation}`;
  return {
    code,
    errors: [
      {
        messageId: "spanNotEndedOnError" as const,
        data: { scope: "A span", why: OTEL_WHY },
        line: 9,
        column: 14,
        endColumn: 26,
        suggestions: [{ messageId: "wrapCallback" as const, output: withHelpers(head, wrapped) }],
      },
    ],
  };
}

// --- an exit listener that ends the active span ----------------------------------------------------------------

/** A CLI in tests/rules/fixtures/exit-listener/<program>/: the modules it imports are read from there. */
const cliIn = (program: string) => path.join(__dirname, "fixtures/exit-listener", program, "cli.js");
const ESM_IMPORTS = 'import { startTelemetry } from "./telemetry.js";\nimport { exitWithError } from "./exit.js";';
/** The command's error is caught inside the span, and the catch exits there. */
const CLI_CALLBACK = dedent`
  async (span) => {
    try {
      await runCommand();
    } catch (error) {
      exitWithError(error);
    }
    span.end();
  }
`;
const CLI = `startTelemetry();\ntracer.startActiveSpan("s", ${CLI_CALLBACK});`;
/** Redwood's CLI as esbuild publishes it (CommonJS, `(0, ns.f)(…)` calls); esbuild/index.js is its telemetry module. */
const ESBUILD_CLI = dedent`
  var import_telemetry = require("./index");
  var import_exit = require("./exit");
  (0, import_telemetry.startTelemetry)();
  tracer.startActiveSpan("s", async (span) => {
    try {
      await runCommand();
    } catch (error) {
      (0, import_exit.exitWithError)(error);
    }
    span.end();
  });
`;

/** CLI, linted as `cli.js` of `program`, reported: its exit listener or its pipeline does not keep the span. */
const reportedCli = (program: string, code = CLI, callback = CLI_CALLBACK) => ({ ...unhandledSpan(code, 4, callback, ESM_IMPORTS, SPAN_HELPERS_JS), filename: cliIn(program) });

ruleTester.run("require-span-error-recording: who ends the span", testedRule, {
  valid: [
    // A synchronous throw reaches onFinish, which ends the span (through `const instrumentation = this`, two methods
    // deep); a later failure of the request reaches the listener of _trace, which it is handed to with the span.
    HTTP_LIKE("instrumentation._onError(span, error);"),
    // safeExecuteInTheMiddleAsync awaits the callback: a rejection reaches onFinish too.
    dedent`
      ${INSTRUMENTATION}
      tracer.startActiveSpan("s", (span) =>
        safeExecuteInTheMiddleAsync(
          () => fetch("https://example.com"),
          (error) => {
            if (error) span.end();
          },
        ),
      );
    `,
    // handleCallbackErrors calls onError on a throw and on a rejection, and onFinally on every path.
    dedent`
      ${SENTRY_CORE}
      tracer.startActiveSpan("s", (span) => handleCallbackErrors(() => work(), (error) => span.recordException(error), () => span.end()));
      tracer.startActiveSpan("t", (span) => {
        return handleCallbackErrors(() => work(), (error) => {
          span.recordException(error);
          span.end();
        });
      });
    `,
    // telemetry.js: process.on("exit") ends the active span; SimpleSpanProcessor over an exporter that appends with
    // appendFileSync. exitWithError (exit.js) calls process.exit() inside the span, so the span is written on exit.
    { code: `${ESM_IMPORTS}\n${CLI}`, filename: cliIn("sync") },
    // The same program in TypeScript: `./telemetry.js` names telemetry.ts; a `const` processor, a named listener.
    { code: `${ESM_IMPORTS}\n${CLI}`, filename: cliIn("typescript").replace(/\.js$/u, ".ts") },
    // The same program as esbuild's CommonJS output (Redwood's CLI): `let` exporter assigned once, addSpanProcessor.
    { code: ESBUILD_CLI, filename: cliIn("esbuild") },
    // All in one file: process.exit() in the catch, the listener and an InMemorySpanExporter here.
    dedent`
      import { trace } from "@opentelemetry/api";
      import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
      new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] }).register();
      process.on("exit", () => trace.getActiveSpan()?.end());
      trace.getTracer("cli").startActiveSpan("s", async (span) => {
        try {
          await runCommand();
        } catch (error) {
          process.exit(1);
        }
        span.end();
      });
    `,
  ],
  invalid: [
    // The error callback only logs: nothing ends the span when the request throws.
    httpLikeError(HTTP_LIKE('instrumentation._diag.error("request failed", error);')),
    // A helper of the same name that is not the library's (a local function): nothing says what it does.
    unhandledSpan(
      dedent`
        function handleCallbackErrors(fn, onError) {
          return fn();
        }
        tracer.startActiveSpan("s", (span) => handleCallbackErrors(() => work(), () => span.end()));
      `,
      5,
      "(span) => handleCallbackErrors(() => work(), () => span.end())",
      'import { work } from "./work.js";',
    ),
    // safeExecuteInTheMiddle sees a synchronous throw only: an async callback's rejection, awaited here, passes it by.
    unhandledSpan(
      dedent`
        tracer.startActiveSpan("s", async (span) => {
          const response = await safeExecuteInTheMiddle(async () => fetch("https://example.com"), (error) => {
            if (error) span.end();
          });
          span.end();
          return response;
        });
      `,
      2,
      `async (span) => {
  const response = await safeExecuteInTheMiddle(async () => fetch("https://example.com"), (error) => {
    if (error) span.end();
  });
  span.end();
  return response;
}`,
      INSTRUMENTATION,
    ),
    // … and a result returned as it is may be a promise that rejects later, with nothing to end the span.
    syncHelperResult("return result.then((value) => {\n    span.end();\n    return value;\n  });"),
    // … and handed with the span to a function that ends it on success only: a rejection still leaves it open.
    syncHelperResult("return finish(result, span);", "\nfunction finish(result, span) {\n  return result.then(() => span.end());\n}"),
    // handleCallbackErrors whose onFinally ends something else: the HTTP response, not the span.
    unhandledSpan(
      'tracer.startActiveSpan("s", (span) => handleCallbackErrors(() => render(span), (error) => log(error), () => response.end()));',
      2,
      "(span) => handleCallbackErrors(() => render(span), (error) => log(error), () => response.end())",
      SENTRY_CORE,
    ),
    // handleCallbackErrors whose callbacks end nothing.
    unhandledSpan(
      dedent`
        tracer.startActiveSpan("s", (span) => {
          return handleCallbackErrors(() => work(span), (error) => console.error(error));
        });
      `,
      2,
      `(span) => {
  return handleCallbackErrors(() => work(span), (error) => console.error(error));
}`,
      SENTRY_CORE,
    ),
    // A BatchSpanProcessor queues the span the listener ends, and the exit drops the queue.
    reportedCli("batch"),
    // The listener reads the active span but does not end it.
    reportedCli("no-end"),
    // The exporter sends with fetch(): the request started in the listener is cut by the exit.
    reportedCli("async-exporter"),
    // The catch does not exit, and what it calls may throw: the span is left open, with no exit to end it.
    // (A catch that only logs is another class: nothing can throw before span.end(), src/scopes/cannot-throw.ts.)
    reportedCli(
      "sync",
      CLI.replace("exitWithError(error);", "notify(error);"),
      CLI_CALLBACK.replace("exitWithError(error);", "notify(error);"),
    ),
    // Nothing on disk next to the file: no listener is proven.
    reportedCli("missing"),
    // The catch exits only on some errors: the others go on with the span open.
    reportedCli(
      "sync",
      CLI.replace("exitWithError(error);", "if (error.fatal) exitWithError(error);"),
      CLI_CALLBACK.replace("exitWithError(error);", "if (error.fatal) exitWithError(error);"),
    ),
    // A second processor, built elsewhere, may batch: the pipeline is not proven synchronous.
    unhandledSpan(
      [
        "new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter()), otherProcessor] }).register();",
        'process.on("exit", () => api.trace.getActiveSpan()?.end());',
        `tracer.startActiveSpan("s", ${CLI_CALLBACK.replace("exitWithError(error);", "process.exit(1);")});`,
      ].join("\n"),
      6,
      CLI_CALLBACK.replace("exitWithError(error);", "process.exit(1);"),
      'import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";\nimport { otherProcessor } from "./processors.js";\nimport * as api from "./api.js";',
    ),
  ],
});
