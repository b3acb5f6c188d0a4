/**
 * traced-exit/require-flush-before-exit: in a module that traces, every way the process ends outside a
 * traced scope (exits, ending handlers, the entry's two paths) must run the SDK's flush first.
 * Positions and every suggestion's output are asserted in full; a last block checks that the first
 * suggestion (the one `traced-exit fix` applies) leaves nothing for the rule to report.
 */
import * as path from "node:path";
import dedent from "dedent";
import globals from "globals";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it } from "vitest";
import rule from "../../src/rules/require-flush-before-exit";
import type { MessageId } from "../../src/rules/require-flush-before-exit";
import type { TestLanguageOptions } from "@typescript-eslint/rule-tester";
import { createEngine } from "../../src/codemods/engine";
import { createRuleTester } from "./rule-tester";

/** dedent, with multi-line values (a whole fixed entry) aligned to where they are written. */
const code = dedent.withOptions({ alignValues: true });

const TRACELOOP = `import * as traceloop from "@traceloop/node-server-sdk";`;
const TRACELOOP_INIT = `${TRACELOOP}\n\ntraceloop.initialize({ appName: "rag" });`;
const NODE_SDK = `import { NodeSDK } from "@opentelemetry/sdk-node";\n\nconst sdk = new NodeSDK({});\nsdk.start();`;
const OTEL_PROVIDER = code`
  import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
  import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";

  const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
`;

/** The data of an exit report: "{{exit}}{{where}} ends the process before the {{sdk}} span queue is flushed: await {{flush}} first." */
function exitData(exit: string, sdk: string, flush: string, where = "") {
  return { exit, where, sdk, flush };
}

/** "{{entry}} lets the program end on {{paths}} without flushing the {{sdk}} span queue, … run {{flush}} on both paths." */
function entryData(entry: string, paths: string, sdk: string, flush: string) {
  return { entry, paths, sdk, flush };
}

/** The entry as the fix writes it: `.catch` keeping the error's exit code, then the flush in `.finally`. */
function fixedChain(call: string, flush: string, indent = ""): string {
  return [
    `${indent}${call}`,
    `${indent}  .catch((error) => {`,
    `${indent}    console.error(error);`,
    `${indent}    process.exitCode = error?.exitCode ?? 1;`,
    `${indent}  })`,
    `${indent}  .finally(() => ${flush});`,
  ].join("\n");
}

type Suggestion = { messageId: MessageId; output: string };
const suggestion = (messageId: MessageId, output: string): Suggestion => ({ messageId, output });

const ruleTester = createRuleTester();
// ESLint's `sourceType`, which the RuleTester passes through although its type does not list it: the engine parses .cjs so.
const commonjs = { sourceType: "commonjs" } as unknown as TestLanguageOptions;
// @typescript-eslint/rule-tester resolves its own @typescript-eslint/utils (see no-process-exit.test.ts): same shape, other classes.
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];

ruleTester.run("require-flush-before-exit", testedRule, {
  valid: [
    // How spans leave the process (src/scopes/pipeline.ts; measured in tests/e2e/runtime-pipeline.test.ts).
    // disableBatch: each span is exported as it ends and the request keeps the process alive, so a natural end loses nothing.
    code`
      ${TRACELOOP}

      traceloop.initialize({ appName: "rag", disableBatch: true });
      async function main() {
        await traceloop.withWorkflow({ name: "nightly" }, async () => run());
      }
      main().catch((error) => {
        console.error(error);
        process.exitCode = 1;
      });
    `,
    // A SimpleSpanProcessor, also built in a const: the same.
    code`
      import { NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
      import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";

      const processor = new SimpleSpanProcessor(new OTLPTraceExporter());
      const provider = new NodeTracerProvider({ spanProcessors: [processor] });
      provider.register();
      async function main() {}
      main().catch(() => {
        process.exitCode = 1;
      });
    `,
    // Spans kept in memory (a test set-up) never leave the process: an exit loses nothing that would have.
    code`
      import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";

      const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new InMemorySpanExporter())] });
      process.on("SIGTERM", () => process.exit(0));
    `,
    // A provider with no processor exports nothing (OpenTelemetry SDK 2.x).
    code`
      import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

      const provider = new NodeTracerProvider();
      provider.register();
      process.on("SIGTERM", () => process.exit(0));
    `,
    // Tracing switched off: Traceloop makes no spans to lose.
    code`
      ${TRACELOOP}

      traceloop.initialize({ appName: "rag", tracingEnabled: false });
      process.on("SIGTERM", () => process.exit(0));
    `,
    // Sentry sends a transaction when its root span ends, on a timer that keeps the process alive, and captures
    // unhandled rejections itself: the entry's natural end and its crash lose nothing (its explicit exits still do).
    // The framework and serverless packages start @sentry/node's SDK (their `sdk.ts`), so the same holds for them.
    ...["@sentry/node", "@sentry/nextjs", "@sentry/aws-serverless", "@sentry/nestjs"].map(
      (module) => code`
        import * as Sentry from "${module}";

        Sentry.init({ dsn: process.env.SENTRY_DSN, tracesSampleRate: 1 });
        async function main() {
          await Sentry.startSpan({ name: "nightly" }, async () => run());
        }
        main();
      `,
    ),
    // An exit before anything can have started a span: the set-up check at the top of the program.
    code`
      ${TRACELOOP}

      traceloop.initialize({ appName: "rag" });
      if (!process.env.OPENAI_API_KEY) {
        console.error("OPENAI_API_KEY is not set");
        process.exit(1);
      }
      export {};
    `,
    // The same under OpenTelemetry (issue 13): the provider built with its processor and exporter, registered,
    // and a tracer taken, start no span yet (runtime: tests/e2e/runtime-classes.test.ts, exit-before-any-span).
    code`
      import { trace } from "@opentelemetry/api";
      ${OTEL_PROVIDER}
      const tracer = trace.getTracer("app");
      if (!process.env.OPENAI_API_KEY) {
        console.error("OPENAI_API_KEY is not set");
        process.exit(1);
      }
      export { tracer };
    `,
    // Nothing here starts tracing: exits and entries are none of this rule's business.
    code`
      process.on("SIGTERM", () => process.exit(0));
      async function main() {}
      main().catch(() => process.exit(1));
    `,
    // dd-trace has no flush in the catalogue, so there is nothing to ask for.
    {
      code: code`
        const tracer = require("dd-trace").init();
        process.on("SIGTERM", () => process.exit(0));
      `,
      filename: "server.cjs",
      languageOptions: commonjs,
    },
    // Both branches of an if flush, so the exit after it is flushed; one branch alone is not enough (see invalid).
    code`
      ${NODE_SDK}

      process.on("SIGTERM", async () => {
        if (process.env.FAST_EXIT) {
          await Promise.race([sdk.shutdown(), new Promise((resolve) => setTimeout(resolve, 500))]);
        } else await sdk.shutdown();
        process.exit(0);
      });
    `,
    // A flush through a same-file method: `await this.flush()` where flush awaits the SDK's shutdown.
    code`
      ${NODE_SDK}

      class App {
        async flush() {
          await sdk.shutdown();
        }
        install() {
          process.on("SIGTERM", async () => {
            await this.flush();
            process.exit(0);
          });
        }
      }
      new App().install();
    `,
    // A method of a const object whose every call comes after a flush.
    code`
      ${NODE_SDK}

      const helpers = {
        die(exitCode: number) {
          process.exit(exitCode);
        },
      };

      process.on("SIGTERM", async () => {
        await sdk.shutdown();
        helpers.die(0);
      });
    `,
    // The shape from OpenTelemetry's docs: shut down, then exit whatever happened.
    code`
      ${NODE_SDK}

      process.on("SIGTERM", () => {
        sdk.shutdown().finally(() => process.exit(0));
      });
    `,
    code`
      ${NODE_SDK}

      process.on("SIGTERM", () => sdk.shutdown().then(() => process.exit(0), () => process.exit(1)));
    `,
    code`
      ${TRACELOOP_INIT}

      process.on("SIGINT", async () => {
        await traceloop.forceFlush();
        process.exit(130);
      });
    `,
    // An exit inside a traced scope is no-process-exit's finding, never this rule's.
    code`
      ${TRACELOOP_INIT}

      traceloop.withWorkflow({ name: "nightly" }, async () => {
        process.exit(1);
      });
    `,
    // ... also when a helper called from the scope exits.
    code`
      ${TRACELOOP_INIT}

      function requireRegion() {
        if (!process.env.AWS_REGION) process.exit(1);
        return process.env.AWS_REGION;
      }
      traceloop.withTask({ name: "load_config" }, () => requireRegion());
    `,
    // The entry in the shape the fix writes (examples/traceloop-app/fixed-by-hand.ts).
    code`
      ${TRACELOOP_INIT}

      async function main() {}

      ${fixedChain("main()", "traceloop.forceFlush()")}
    `,
    // main() flushes in its own finally: both paths are covered, and it never rejects.
    code`
      ${NODE_SDK}

      async function main() {
        try {
          await run();
        } catch (error) {
          console.error(error);
          process.exitCode = 1;
        } finally {
          await sdk.shutdown();
        }
      }
      main();
    `,
    // Top-level await wrapped as the fix writes it.
    code`
      ${TRACELOOP_INIT}

      async function main() {}
      try {
        await main();
      } catch (error) {
        console.error(error);
        process.exitCode = 1;
      } finally {
        await traceloop.forceFlush();
      }
    `,
    // The success path ends at main's own flush; errors flush in the catch callback before exiting.
    code`
      ${TRACELOOP_INIT}

      async function main() {
        await run();
        await traceloop.forceFlush();
      }
      main()
        .then(() => process.exit(0))
        .catch(async (error) => {
          console.error(error);
          await traceloop.forceFlush();
          process.exit(1);
        });
    `,
    // A watchdog: the timer's exit only fires when the flush hangs.
    code`
      ${NODE_SDK}

      process.on("SIGTERM", async () => {
        setTimeout(() => process.exit(1), 10_000).unref();
        await sdk.shutdown();
        process.exit(0);
      });
    `,
    // 'exit' listeners cannot await anything: nothing to ask for there.
    code`
      ${TRACELOOP_INIT}

      process.on("exit", (code) => {
        if (code !== 0) process.exit(code);
      });
    `,
    // A configuration check before the SDK starts has nothing queued to lose.
    code`
      ${TRACELOOP}

      if (!process.env.TRACELOOP_API_KEY) {
        console.error("TRACELOOP_API_KEY is not set");
        process.exit(1);
      }
      traceloop.initialize({ appName: "rag" });
    `,
    // A local `process` is not the global.
    code`
      ${TRACELOOP_INIT}

      function stop(process: { exit(code: number): void }) {
        process.exit(1);
      }
    `,
    code`
      ${TRACELOOP_INIT}

      process.on("SIGTERM", async () => {
        await Promise.all([traceloop.forceFlush(), closeDatabase()]);
        process.exit(0);
      });
    `,
    // A same-file function that flushes counts as a flush where it is awaited.
    code`
      ${NODE_SDK}

      async function shutdownTracing() {
        await sdk.shutdown();
      }
      process.on("SIGTERM", async () => {
        await shutdownTracing();
        process.exit(0);
      });
    `,
    // die() is only ever called after a flush.
    code`
      ${NODE_SDK}

      function die(code: number) {
        process.exit(code);
      }
      process.on("SIGTERM", async () => {
        await sdk.shutdown();
        die(0);
      });
    `,
    code`
      import * as Sentry from "@sentry/node";

      Sentry.init({ dsn: process.env.SENTRY_DSN });
      process.on("uncaughtException", async (error) => {
        Sentry.captureException(error);
        await Sentry.flush(2000);
        process.exit(1);
      });
    `,
    code`
      import { LangfuseSpanProcessor } from "@langfuse/otel";

      export const langfuseSpanProcessor = new LangfuseSpanProcessor();
      process.on("SIGTERM", async () => {
        await langfuseSpanProcessor.forceFlush();
        process.exit(0);
      });
    `,
    code`
      import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

      const provider = new NodeTracerProvider();
      provider.register();
      async function main() {
        try {
          await run();
        } finally {
          await provider.forceFlush();
        }
      }
      main().catch((error) => {
        console.error(error);
        process.exitCode = 1;
      });
    `,
    // The user's own tracing module and flush, from settings.
    {
      code: code`
        import { shutdownTracing } from "./tracing";

        process.on("SIGTERM", async () => {
          await shutdownTracing();
          process.exit(0);
        });
      `,
      settings: { "traced-exit": { initializers: [{ module: "./tracing" }], flushes: [{ module: "./tracing", export: "shutdownTracing" }] } },
    },
    code`
      ${TRACELOOP_INIT}
      import readline from "node:readline";

      const rl = readline.createInterface({ input: process.stdin });
      rl.on("close", () => traceloop.forceFlush().finally(() => process.exit(0)));
    `,
    // An uncaughtException handler that does not exit keeps the process alive.
    code`
      ${TRACELOOP_INIT}

      process.on("uncaughtException", (error) => console.error(error));
    `,
    {
      code: code`
        const { NodeSDK } = require("@opentelemetry/sdk-node");

        const sdk = new NodeSDK({});
        sdk.start();
        process.on("SIGTERM", () => {
          sdk.shutdown().then(() => process.exit(0));
        });
      `,
      filename: "server.cjs",
      languageOptions: commonjs,
    },
  ],
  invalid: [
    // disableBatch: the natural end is safe, but an unhandled rejection crashes the process with exports in flight
    // (measured in tests/e2e/runtime-pipeline.test.ts); the message says that, not "the export timer".
    {
      code: code`
        ${TRACELOOP}

        traceloop.initialize({ appName: "rag", disableBatch: true });
        async function main() {
          await traceloop.withWorkflow({ name: "nightly" }, async () => run());
        }
        main();
      `,
      errors: [
        {
          messageId: "entryCrashWithoutFlush",
          data: { entry: "main()", sdk: "Traceloop", flush: "traceloop.forceFlush()" },
          line: 7,
          column: 1,
          endLine: 7,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP}

                traceloop.initialize({ appName: "rag", disableBatch: true });
                async function main() {
                  await traceloop.withWorkflow({ name: "nightly" }, async () => run());
                }
                main()
                  .catch((error) => {
                    console.error(error);
                    process.exitCode = error?.exitCode ?? 1;
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A span may have started before the set-up check: a tracer's span, or a method of the provider other than its
    // set-up (`register()`, `start()`) might, so the queue may hold spans.
    {
      code: code`
        import { trace } from "@opentelemetry/api";
        ${OTEL_PROVIDER}
        trace.getTracer("app").startSpan("boot").end();
        if (!process.env.OPENAI_API_KEY) process.exit(1);
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(1)", "OpenTelemetry", "provider.shutdown()"),
          line: 8,
          column: 34,
          endLine: 8,
          endColumn: 49,
          suggestions: [
            suggestion(
              "flushThenExit",
              code`
                import { trace } from "@opentelemetry/api";
                ${OTEL_PROVIDER}
                trace.getTracer("app").startSpan("boot").end();
                if (!process.env.OPENAI_API_KEY) provider.shutdown().finally(() => process.exit(1));
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The classic: a SIGTERM handler that exits at once.
    {
      code: code`
        ${TRACELOOP_INIT}

        process.on("SIGTERM", () => process.exit(0));
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "Traceloop", "traceloop.forceFlush()", " in the 'SIGTERM' handler"),
          line: 5,
          column: 29,
          endLine: 5,
          endColumn: 44,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                process.on("SIGTERM", async () => { await traceloop.forceFlush(); process.exit(0); });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${TRACELOOP_INIT}

        process.once("SIGINT", () => {
          console.log("interrupted");
          process.exit(130);
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(130)", "Traceloop", "traceloop.forceFlush()", " in the 'SIGINT' handler"),
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 20,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                process.once("SIGINT", async () => {
                  console.log("interrupted");
                  await traceloop.forceFlush();
                  process.exit(130);
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${NODE_SDK}

        process.on("uncaughtException", function (error) {
          console.error(error);
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(1)", "OpenTelemetry", "sdk.shutdown()", " in the 'uncaughtException' handler"),
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 18,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${NODE_SDK}

                process.on("uncaughtException", async function (error) {
                  console.error(error);
                  await sdk.shutdown();
                  process.exit(1);
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${NODE_SDK}

        process.prependOnceListener("unhandledRejection", (reason) => {
          console.error(reason);
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(1)", "OpenTelemetry", "sdk.shutdown()", " in the 'unhandledRejection' handler"),
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 18,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${NODE_SDK}

                process.prependOnceListener("unhandledRejection", async (reason) => {
                  console.error(reason);
                  await sdk.shutdown();
                  process.exit(1);
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Only one branch of the if flushes: the other path still exits with the queue full.
    {
      code: code`
        ${NODE_SDK}

        process.on("SIGTERM", async () => {
          if (process.env.FLUSH_ON_EXIT) await sdk.shutdown();
          process.exit(0);
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "OpenTelemetry", "sdk.shutdown()", " in the 'SIGTERM' handler"),
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 18,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${NODE_SDK}

                process.on("SIGTERM", async () => {
                  if (process.env.FLUSH_ON_EXIT) await sdk.shutdown();
                  await sdk.shutdown();
                  process.exit(0);
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A handler that is a method: of a const object literal, or a static one (computed key). It becomes
    // async when every use of it can be seen, which is only the registration.
    ...[
      { holder: "const handlers = {\n  onTerm() {\n    process.exit(0);\n  },\n};", async: "const handlers = {\n  async onTerm() {", listener: "handlers.onTerm" },
      { holder: "class Shutdown {\n  static [\"onTerm\"]() {\n    process.exit(0);\n  }\n}", async: "class Shutdown {\n  static async [\"onTerm\"]() {", listener: "Shutdown.onTerm" },
      { holder: "class Shutdown {\n  static [(\"onTerm\")]() {\n    process.exit(0);\n  }\n}", async: "class Shutdown {\n  static async [(\"onTerm\")]() {", listener: "Shutdown.onTerm" },
    ].map(({ holder, async, listener }) => {
      const program = (methods: string) => `${NODE_SDK}\n\n${methods}\n\nprocess.on("SIGTERM", ${listener});`;
      const [head, ...rest] = holder.split("\n");
      const fixed = `${async}\n    await sdk.shutdown();\n${rest.slice(1).join("\n")}`;
      expect(head).toBe(async.split("\n")[0]);
      return {
        code: program(holder),
        errors: [
          {
            messageId: "exitWithoutFlush" as const,
            data: exitData("process.exit(0)", "OpenTelemetry", "sdk.shutdown()", " in the 'SIGTERM' handler"),
            line: 8,
            column: 5,
            endLine: 8,
            endColumn: 20,
            suggestions: [suggestion("awaitFlush", program(fixed))],
          },
        ],
        output: null,
      };
    }),
    // A method handler whose holder is exported, or that is also called directly, keeps its signature;
    // so does an exported function.
    ...[
      `export function onTerm() {\n  if (process.env.CI) {\n    process.exit(0);\n  }\n}\n\nprocess.on("SIGTERM", onTerm);`,
      // an exported class expression, a holder read with a computed key, a holder that hands out `this`
      `export const Stop = class {\n  static onTerm() {\n    process.exit(0);\n  }\n};\n\nprocess.on("SIGTERM", Stop.onTerm);`,
      `const handlers = {\n  onTerm() {\n    process.exit(0);\n  },\n};\n\nprocess.on("SIGTERM", handlers.onTerm);\nexport const call = (name: "onTerm") => handlers[name]();`,
      `const handlers = {\n  onTerm() {\n    process.exit(0);\n  },\n  self() {\n    return this;\n  },\n};\n\nprocess.on("SIGTERM", handlers.onTerm);`,
      `export const handlers = {\n  onTerm() {\n    process.exit(0);\n  },\n};\n\nprocess.on("SIGTERM", handlers.onTerm);`,
      `const handlers = {\n  onTerm() {\n    process.exit(0);\n  },\n};\n\nprocess.on("SIGTERM", handlers.onTerm);\nhandlers.onTerm();`,
    ].map((body) => ({
      code: `${NODE_SDK}\n\n${body}`,
      errors: [{ messageId: "exitWithoutFlush" as const, line: 8, column: 5, endLine: 8, endColumn: 20, suggestions: [] }],
      output: null,
    })),
    // `process` imported from node:process, and a signal other than SIGTERM/SIGINT.
    {
      code: code`
        ${TRACELOOP_INIT}
        import proc from "node:process";

        proc.addListener("SIGHUP", () => {
          proc.exit(129);
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(129)", "Traceloop", "traceloop.forceFlush()", " in the 'SIGHUP' handler"),
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 17,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}
                import proc from "node:process";

                proc.addListener("SIGHUP", async () => {
                  await traceloop.forceFlush();
                  proc.exit(129);
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${TRACELOOP_INIT}

        process.on("SIGTERM", () => {
          globalThis.process.exit(0);
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 29,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                process.on("SIGTERM", async () => {
                  await traceloop.forceFlush();
                  globalThis.process.exit(0);
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A readline interface that ends the program when stdin closes.
    {
      code: code`
        import * as Sentry from "@sentry/node";
        import { createInterface } from "node:readline/promises";

        Sentry.init({ dsn: process.env.SENTRY_DSN });
        const rl = createInterface({ input: process.stdin });
        rl.on("line", (line) => console.log(line)).on("close", () => {
          process.exit(0);
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "Sentry", "Sentry.flush()", " in the readline 'close' handler"),
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 18,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                import * as Sentry from "@sentry/node";
                import { createInterface } from "node:readline/promises";

                Sentry.init({ dsn: process.env.SENTRY_DSN });
                const rl = createInterface({ input: process.stdin });
                rl.on("line", (line) => console.log(line)).on("close", async () => {
                  await Sentry.flush();
                  process.exit(0);
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A named handler used only as a listener may become async.
    {
      code: code`
        ${NODE_SDK}

        function onSignal(signal: string) {
          console.log(\`received \${signal}\`);
          process.exit(0);
        }
        process.on("SIGTERM", onSignal);
        process.on("SIGINT", onSignal);
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 18,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${NODE_SDK}

                async function onSignal(signal: string) {
                  console.log(\`received \${signal}\`);
                  await sdk.shutdown();
                  process.exit(0);
                }
                process.on("SIGTERM", onSignal);
                process.on("SIGINT", onSignal);
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Also called directly: making it async would change what its callers get, so no suggestion.
    {
      code: code`
        ${NODE_SDK}

        function shutdown() {
          process.exit(0);
        }
        process.on("SIGTERM", shutdown);
        export { shutdown };
      `,
      errors: [{ messageId: "exitWithoutFlush", line: 7, column: 3, endLine: 7, endColumn: 18, suggestions: [] }],
      output: null,
    },
    // The flush is there but nothing waits for it: the exit wins the race.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function shutdown(signal: string) {
          console.log(signal);
          traceloop.forceFlush();
          process.exit(0);
        }
        process.on("SIGTERM", shutdown);
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 18,
          suggestions: [
            suggestion(
              "awaitExisting",
              code`
                ${TRACELOOP_INIT}

                async function shutdown(signal: string) {
                  console.log(signal);
                  await traceloop.forceFlush();
                  process.exit(0);
                }
                process.on("SIGTERM", shutdown);
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The incident's entry (examples/traceloop-app): main() flushes on success, the catch exits without.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {
          await run();
          await traceloop.forceFlush();
        }

        main().catch(() => process.exit(1));
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "its failure path", "Traceloop", "traceloop.forceFlush()"),
          line: 10,
          column: 1,
          endLine: 10,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {
                  await run();
                  await traceloop.forceFlush();
                }

                ${fixedChain("main()", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Traceloop started with tracing off: its wrappers' spans go through the NodeSDK, whose shutdown is the
    // flush (traceloop.forceFlush() has nothing to flush, issue 14, case 9).
    {
      code: code`
        import * as traceloop from "@traceloop/node-server-sdk";
        import { NodeSDK } from "@opentelemetry/sdk-node";

        traceloop.initialize({ appName: "rag", tracingEnabled: false });
        const sdk = new NodeSDK({});
        sdk.start();
        async function main() {
          await traceloop.withWorkflow({ name: "wf" }, async () => run());
        }
        main();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "OpenTelemetry", "sdk.shutdown()"),
          line: 10,
          column: 1,
          endLine: 10,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import * as traceloop from "@traceloop/node-server-sdk";
                import { NodeSDK } from "@opentelemetry/sdk-node";

                traceloop.initialize({ appName: "rag", tracingEnabled: false });
                const sdk = new NodeSDK({});
                sdk.start();
                async function main() {
                  await traceloop.withWorkflow({ name: "wf" }, async () => run());
                }
                ${fixedChain("main()", "sdk.shutdown()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Neither path flushes; CommonJS.
    {
      code: code`
        const { NodeSDK } = require("@opentelemetry/sdk-node");

        const sdk = new NodeSDK({});
        sdk.start();
        async function main() {
          await run();
        }
        main();
      `,
      filename: "main.cjs",
      languageOptions: commonjs,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "OpenTelemetry", "sdk.shutdown()"),
          line: 8,
          column: 1,
          endLine: 8,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                const { NodeSDK } = require("@opentelemetry/sdk-node");

                const sdk = new NodeSDK({});
                sdk.start();
                async function main() {
                  await run();
                }
                ${fixedChain("main()", "sdk.shutdown()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {}
        void main();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          line: 6,
          column: 6,
          endLine: 6,
          endColumn: 12,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {}
                ${fixedChain("main()", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Top-level await in TypeScript: the caught error is `unknown`, so the exit code is read through a cast.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {}
        await main();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 13,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {}
                try {
                  await main();
                } catch (error) {
                  console.error(error);
                  process.exitCode = (error as { exitCode?: number })?.exitCode ?? 1;
                } finally {
                  await traceloop.forceFlush();
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {}
        await main();
      `,
      filename: "main.mjs",
      errors: [
        {
          messageId: "entryWithoutFlush",
          line: 6,
          column: 7,
          endLine: 6,
          endColumn: 13,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {}
                try {
                  await main();
                } catch (error) {
                  console.error(error);
                  process.exitCode = error?.exitCode ?? 1;
                } finally {
                  await traceloop.forceFlush();
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Already in a try without finally: the flush becomes its finally.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {}
        try {
          await main();
        } catch (error) {
          console.error(error);
          process.exitCode = 1;
        }
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 15,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {}
                try {
                  await main();
                } catch (error) {
                  console.error(error);
                  process.exitCode = 1;
                } finally {
                  await traceloop.forceFlush();
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A finally that closes other things gets the flush as its last step.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {}
        try {
          await main();
        } finally {
          await db.close();
        }
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          line: 7,
          column: 9,
          endLine: 7,
          endColumn: 15,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {}
                try {
                  await main();
                } finally {
                  await db.close();
                  await traceloop.forceFlush();
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The catch callback's own logging stays; a typed parameter reads the exit code through a cast.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {}
        main().catch((reason: unknown) => {
          console.error("fatal:", reason);
          process.exit(2);
        });
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          line: 6,
          column: 1,
          endLine: 6,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {}
                main()
                  .catch((reason: unknown) => {
                    console.error("fatal:", reason);
                    process.exitCode = (reason as { exitCode?: number })?.exitCode ?? 2;
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // `.then(ok, onError)`: the success exit is dropped (ending is the default), onError becomes the catch.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {}
        main().then(
          () => process.exit(0),
          (error) => {
            console.error(error);
            process.exit(1);
          },
        );
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 6,
          column: 1,
          endLine: 6,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {}
                ${fixedChain("main()", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // An exit code on the success path stays, as process.exitCode.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {}
        main()
          .then(() => {
            report();
            process.exit(2);
          })
          .finally(() => traceloop.forceFlush());
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "its success path", "Traceloop", "traceloop.forceFlush()"),
          line: 6,
          column: 1,
          endLine: 6,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {}
                main()
                  .then(() => {
                    report();
                    process.exitCode = 2;
                  })
                  .catch((error) => {
                    console.error(error);
                    process.exitCode = error?.exitCode ?? 1;
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${TRACELOOP_INIT}

        (async () => {
          await run();
        })();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("The async entry function", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 5,
          column: 1,
          endLine: 7,
          endColumn: 5,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                (async () => {
                  await run();
                })()
                  .catch((error) => {
                    console.error(error);
                    process.exitCode = error?.exitCode ?? 1;
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The CommonJS entry guard, with the catch's exit code kept as the fallback.
    {
      code: code`
        const traceloop = require("@traceloop/node-server-sdk");

        traceloop.initialize({ appName: "rag" });
        async function main() {}
        if (require.main === module) {
          main().catch((error) => {
            console.error(error);
            process.exit(3);
          });
        }
      `,
      filename: "cli.cjs",
      languageOptions: commonjs,
      errors: [
        {
          messageId: "entryWithoutFlush",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 9,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                const traceloop = require("@traceloop/node-server-sdk");

                traceloop.initialize({ appName: "rag" });
                async function main() {}
                if (require.main === module) {
                  main()
                    .catch((error) => {
                      console.error(error);
                      process.exitCode = error?.exitCode ?? 3;
                    })
                    .finally(() => traceloop.forceFlush());
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // An early exit in an async main: the statement becomes a block; throwing to the entry is the alternative.
    {
      code: code`
        import { initialize } from "@traceloop/node-server-sdk";

        initialize({ appName: "rag" });
        async function main() {
          const config = await loadConfig();
          if (!config) process.exit(2);
          await run(config);
        }
        main().catch(() => process.exit(1)).finally(() => forceFlush());
        import { forceFlush } from "@traceloop/node-server-sdk";
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(2)", "Traceloop", "forceFlush()"),
          line: 6,
          column: 16,
          endLine: 6,
          endColumn: 31,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                import { initialize } from "@traceloop/node-server-sdk";

                initialize({ appName: "rag" });
                async function main() {
                  const config = await loadConfig();
                  if (!config) { await forceFlush(); process.exit(2); }
                  await run(config);
                }
                main().catch(() => process.exit(1)).finally(() => forceFlush());
                import { forceFlush } from "@traceloop/node-server-sdk";
              `,
            ),
            suggestion(
              "throwInstead",
              code`
                import { initialize } from "@traceloop/node-server-sdk";

                initialize({ appName: "rag" });
                async function main() {
                  const config = await loadConfig();
                  if (!config) { throw Object.assign(new Error("process.exit(2)"), { exitCode: 2 }); }
                  await run(config);
                }
                main().catch(() => process.exit(1)).finally(() => forceFlush());
                import { forceFlush } from "@traceloop/node-server-sdk";
              `,
            ),
          ],
        },
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "its failure path", "Traceloop", "forceFlush()"),
          line: 9,
          column: 1,
          endLine: 9,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import { initialize } from "@traceloop/node-server-sdk";

                initialize({ appName: "rag" });
                async function main() {
                  const config = await loadConfig();
                  if (!config) process.exit(2);
                  await run(config);
                }
                ${fixedChain("main()", "forceFlush()")}
                import { forceFlush } from "@traceloop/node-server-sdk";
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A sync helper that never returns: a throw keeps that, and the entry flushes and keeps the code.
    {
      code: code`
        ${TRACELOOP_INIT}

        function fail(message: string): never {
          console.error(message);
          process.exit(1);
        }
        async function main() {
          if (!process.env.INDEX) fail("INDEX is not set");
        }
        ${fixedChain("main()", "traceloop.forceFlush()")}
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 18,
          suggestions: [
            suggestion(
              "throwInstead",
              code`
                ${TRACELOOP_INIT}

                function fail(message: string): never {
                  console.error(message);
                  throw Object.assign(new Error(String(message)), { exitCode: 1 });
                }
                async function main() {
                  if (!process.env.INDEX) fail("INDEX is not set");
                }
                ${fixedChain("main()", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The end of a CommonJS script, which cannot await: the exit waits for the flush instead.
    {
      code: code`
        const traceloop = require("@traceloop/node-server-sdk");

        traceloop.initialize({ appName: "rag" });
        runBatch();
        process.exit(0);
      `,
      filename: "batch.cjs",
      languageOptions: commonjs,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 16,
          suggestions: [
            suggestion(
              "flushThenExit",
              code`
                const traceloop = require("@traceloop/node-server-sdk");

                traceloop.initialize({ appName: "rag" });
                runBatch();
                traceloop.forceFlush().finally(() => process.exit(0));
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // An ES module can await at top level.
    {
      code: code`
        ${TRACELOOP_INIT}

        await runBatch();
        process.exit(0);
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 6,
          column: 1,
          endLine: 6,
          endColumn: 16,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                await runBatch();
                await traceloop.forceFlush();
                process.exit(0);
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The exit skips main's own finally: an exit code lets the finally flush, and main return.
    {
      code: code`
        ${NODE_SDK}

        async function main() {
          try {
            await run();
          } catch (error) {
            console.error(error);
            process.exit(1);
          } finally {
            await sdk.shutdown();
          }
        }
        main();
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 11,
          column: 5,
          endLine: 11,
          endColumn: 20,
          suggestions: [
            suggestion(
              "exitCodeInstead",
              code`
                ${NODE_SDK}

                async function main() {
                  try {
                    await run();
                  } catch (error) {
                    console.error(error);
                    process.exitCode = 1;
                  } finally {
                    await sdk.shutdown();
                  }
                }
                main();
              `,
            ),
            suggestion(
              "awaitFlush",
              code`
                ${NODE_SDK}

                async function main() {
                  try {
                    await run();
                  } catch (error) {
                    console.error(error);
                    await sdk.shutdown();
                    process.exit(1);
                  } finally {
                    await sdk.shutdown();
                  }
                }
                main();
              `,
            ),
            suggestion(
              "throwInstead",
              code`
                ${NODE_SDK}

                async function main() {
                  try {
                    await run();
                  } catch (error) {
                    console.error(error);
                    throw Object.assign(new Error(error instanceof Error ? error.message : String(error)), { exitCode: 1, cause: error });
                  } finally {
                    await sdk.shutdown();
                  }
                }
                main();
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A flush inside an `if` does not run on every path to the exit.
    {
      code: code`
        ${TRACELOOP_INIT}

        process.on("SIGTERM", async () => {
          if (process.env.FLUSH_ON_EXIT) {
            await traceloop.forceFlush();
          }
          process.exit(0);
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 9,
          column: 3,
          endLine: 9,
          endColumn: 18,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                process.on("SIGTERM", async () => {
                  if (process.env.FLUSH_ON_EXIT) {
                    await traceloop.forceFlush();
                  }
                  await traceloop.forceFlush();
                  process.exit(0);
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Sentry with named imports: `flush` joins the existing import.
    {
      code: code`
        import { init } from "@sentry/node";

        init({ dsn: process.env.SENTRY_DSN });
        process.on("SIGTERM", () => process.exit(0));
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "Sentry", "flush()", " in the 'SIGTERM' handler"),
          line: 4,
          column: 29,
          endLine: 4,
          endColumn: 44,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                import { init, flush } from "@sentry/node";

                init({ dsn: process.env.SENTRY_DSN });
                process.on("SIGTERM", async () => { await flush(); process.exit(0); });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // CommonJS destructuring: the flush gets its own require.
    {
      code: code`
        const { initialize } = require("@traceloop/node-server-sdk");

        initialize({ appName: "rag" });
        process.on("SIGTERM", () => process.exit(0));
      `,
      filename: "server.cjs",
      languageOptions: commonjs,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "Traceloop", "forceFlush()", " in the 'SIGTERM' handler"),
          line: 4,
          column: 29,
          endLine: 4,
          endColumn: 44,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                const { initialize } = require("@traceloop/node-server-sdk");
                const { forceFlush } = require("@traceloop/node-server-sdk");

                initialize({ appName: "rag" });
                process.on("SIGTERM", async () => { await forceFlush(); process.exit(0); });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

        const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
        provider.register();
        process.on("SIGTERM", () => process.exit(0));
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "OpenTelemetry", "provider.shutdown()", " in the 'SIGTERM' handler"),
          line: 5,
          column: 29,
          endLine: 5,
          endColumn: 44,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

                const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
                provider.register();
                process.on("SIGTERM", async () => { await provider.shutdown(); process.exit(0); });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        import { LangfuseSpanProcessor } from "@langfuse/otel";

        export const langfuseSpanProcessor = new LangfuseSpanProcessor();
        process.on("SIGTERM", () => process.exit(0));
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "Langfuse", "langfuseSpanProcessor.forceFlush()", " in the 'SIGTERM' handler"),
          line: 4,
          column: 29,
          endLine: 4,
          endColumn: 44,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                import { LangfuseSpanProcessor } from "@langfuse/otel";

                export const langfuseSpanProcessor = new LangfuseSpanProcessor();
                process.on("SIGTERM", async () => { await langfuseSpanProcessor.forceFlush(); process.exit(0); });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // `new NodeSDK(…).start()` keeps no handle to shut down: the finding says what to do, without a rewrite.
    {
      code: code`
        import { NodeSDK } from "@opentelemetry/sdk-node";

        new NodeSDK({}).start();
        process.on("SIGTERM", () => process.exit(0));
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "OpenTelemetry", "shutdown() of the NodeSDK", " in the 'SIGTERM' handler"),
          line: 4,
          column: 29,
          endLine: 4,
          endColumn: 44,
          suggestions: [],
        },
      ],
      output: null,
    },
    // Tracing started by a module of the user's, with its flush declared in settings.
    {
      code: code`
        import "./tracing";

        process.on("SIGTERM", () => process.exit(0));
      `,
      settings: { "traced-exit": { initializers: [{ module: "./tracing" }], flushes: [{ module: "./tracing", export: "shutdownTracing" }] } },
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "./tracing", "shutdownTracing()", " in the 'SIGTERM' handler"),
          line: 3,
          column: 29,
          endLine: 3,
          endColumn: 44,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                import "./tracing";
                import { shutdownTracing } from "./tracing";

                process.on("SIGTERM", async () => { await shutdownTracing(); process.exit(0); });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // ... and without a declared flush: the finding says where one is missing.
    {
      code: code`
        require("./tracing");

        process.on("SIGTERM", () => process.exit(0));
      `,
      filename: "server.cjs",
      languageOptions: commonjs,
      settings: { "traced-exit": { initializers: [{ module: "./tracing" }] } },
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "./tracing", 'the flush that ./tracing exports (settings "flushes")', " in the 'SIGTERM' handler"),
          line: 3,
          column: 29,
          endLine: 3,
          endColumn: 44,
          suggestions: [],
        },
      ],
      output: null,
    },
    // An entry file marked in settings: tracing starts with `node --import ./instrumentation.mjs`.
    {
      code: code`
        async function main() {}
        main();
      `,
      settings: { "traced-exit": { entry: true, flushes: [{ module: "./instrumentation", export: "flushTraces" }] } },
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "./instrumentation", "flushTraces()"),
          line: 2,
          column: 1,
          endLine: 2,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import { flushTraces } from "./instrumentation";
                async function main() {}
                ${fixedChain("main()", "flushTraces()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${TRACELOOP_INIT}

        process.on("uncaughtException", (error) => {
          console.error(error);
          process.abort();
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.abort()", "Traceloop", "traceloop.forceFlush()", " in the 'uncaughtException' handler"),
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 18,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                process.on("uncaughtException", async (error) => {
                  console.error(error);
                  await traceloop.forceFlush();
                  process.abort();
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    {
      code: code`
        ${TRACELOOP_INIT}

        process.on("SIGUSR2", async () => {
          process.kill(process.pid, "SIGTERM");
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData('process.kill(process.pid, "SIGTERM")', "Traceloop", "traceloop.forceFlush()", " in the 'SIGUSR2' handler"),
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 39,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                process.on("SIGUSR2", async () => {
                  await traceloop.forceFlush();
                  process.kill(process.pid, "SIGTERM");
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A timer callback's return value is ignored: it may become async.
    {
      code: code`
        ${TRACELOOP_INIT}

        export function exitAfter(ms: number) {
          setTimeout(() => {
            process.exit(0);
          }, ms);
        }
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 20,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                export function exitAfter(ms: number) {
                  setTimeout(async () => {
                    await traceloop.forceFlush();
                    process.exit(0);
                  }, ms);
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A promise callback after something that is not a flush.
    {
      code: code`
        ${TRACELOOP_INIT}

        export function stopServer() {
          server.close().then(() => process.exit(0));
        }
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 6,
          column: 29,
          endLine: 6,
          endColumn: 44,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                export function stopServer() {
                  server.close().then(async () => { await traceloop.forceFlush(); process.exit(0); });
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A file that only opens Traceloop scopes (tracing started elsewhere) still queues spans.
    {
      code: code`
        ${TRACELOOP}

        export async function answer(question: string) {
          const result = await traceloop.withWorkflow({ name: "rag" }, () => search(question));
          if (!result) process.exit(1);
          return result;
        }
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 5,
          column: 16,
          endLine: 5,
          endColumn: 31,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP}

                export async function answer(question: string) {
                  const result = await traceloop.withWorkflow({ name: "rag" }, () => search(question));
                  if (!result) { await traceloop.forceFlush(); process.exit(1); }
                  return result;
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The exit inside the workflow is no-process-exit's; this rule reports only the entry.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {
          await traceloop.withWorkflow({ name: "rag" }, async () => {
            if (!process.env.INDEX) process.exit(1);
          });
        }
        main();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          line: 10,
          column: 1,
          endLine: 10,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {
                  await traceloop.withWorkflow({ name: "rag" }, async () => {
                    if (!process.env.INDEX) process.exit(1);
                  });
                }
                ${fixedChain("main()", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // An exit in a switch case of an async function.
    {
      code: code`
        ${TRACELOOP_INIT}

        export async function command(name: string) {
          switch (name) {
            case "quit":
              process.exit(0);
            default:
              await run(name);
          }
        }
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 8,
          column: 7,
          endLine: 8,
          endColumn: 22,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${TRACELOOP_INIT}

                export async function command(name: string) {
                  switch (name) {
                    case "quit":
                      await traceloop.forceFlush();
                      process.exit(0);
                    default:
                      await run(name);
                  }
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // CRLF files get CRLF in the inserted line.
    {
      code: `${TRACELOOP}\r\ntraceloop.initialize({});\r\nprocess.once("SIGINT", () => {\r\n  process.exit(130);\r\n});\r\n`,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 20,
          suggestions: [
            suggestion(
              "awaitFlush",
              `${TRACELOOP}\r\ntraceloop.initialize({});\r\nprocess.once("SIGINT", async () => {\r\n  await traceloop.forceFlush();\r\n  process.exit(130);\r\n});\r\n`,
            ),
          ],
        },
      ],
      output: null,
    },
    // An imported entry with a catch that only logs: an exit the imported code had, now a throw carrying
    // its exit code, must still end the program with that code and without the handler's output (the
    // original never ran it); other errors are logged as before.
    {
      code: code`
        ${TRACELOOP}
        import { main } from "./app";

        traceloop.initialize({ appName: "rag" });
        main().catch(console.error);
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP}
                import { main } from "./app";

                traceloop.initialize({ appName: "rag" });
                main()
                  .catch((error) => {
                    if (error?.exitCode !== undefined) {
                      process.exitCode = error?.exitCode;
                      return;
                    }
                    console.error(error);
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A logging arrow handler keeps its statements, after the guard for an error that carries an exit code.
    {
      code: code`
        ${TRACELOOP}
        import { main } from "./app";

        traceloop.initialize({ appName: "rag" });
        main().catch((failure: unknown) => console.log("failed", failure));
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP}
                import { main } from "./app";

                traceloop.initialize({ appName: "rag" });
                main()
                  .catch((failure: unknown) => {
                    if ((failure as { exitCode?: number })?.exitCode !== undefined) {
                      process.exitCode = (failure as { exitCode?: number })?.exitCode;
                      return;
                    }
                    console.log("failed", failure);
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A handler that rethrows does not swallow the exit code: it stays as written.
    {
      code: code`
        ${TRACELOOP}
        import { main } from "./app";

        traceloop.initialize({ appName: "rag" });
        main().catch((error) => { console.error("failed"); throw error; });
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP}
                import { main } from "./app";

                traceloop.initialize({ appName: "rag" });
                main()
                  .catch((error) => { console.error("failed"); throw error; })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // An awaited chain keeps its await.
    {
      code: code`
        ${TRACELOOP}
        import { main } from "./app";

        traceloop.initialize({ appName: "rag" });
        await main().then(() => console.log("done"));
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 5,
          column: 7,
          endLine: 5,
          endColumn: 13,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP}
                import { main } from "./app";

                traceloop.initialize({ appName: "rag" });
                await main()
                  .then(() => console.log("done"))
                  .catch((error) => {
                    console.error(error);
                    process.exitCode = error?.exitCode ?? 1;
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
  ],
});

/**
 * Type-aware mode: a call of another file's function that exits, where an exit written here would be reported.
 * Linted as tests/rules/fixtures/file.ts, importing tests/rules/fixtures/helpers.ts.
 */
const typed = new RuleTester({
  languageOptions: {
    globals: { ...globals.node },
    parserOptions: { projectService: true, tsconfigRootDir: path.join(__dirname, "fixtures") },
  },
});

typed.run("require-flush-before-exit (type-aware, exits in other files)", testedRule, {
  valid: [
    // Flushed first.
    code`
      ${NODE_SDK}
      import { fail } from "./helpers.js";

      process.on("SIGTERM", async () => {
        await sdk.shutdown();
        fail("terminated");
      });
    `,
    // A helper that flushes before it exits.
    code`
      ${NODE_SDK}
      import { shutdownAndExit } from "./helpers.js";

      process.on("SIGTERM", () => shutdownAndExit(sdk));
    `,
    // A helper that awaits a flush whose failure it ignores (await sdk.shutdown().catch(…)) before it exits.
    code`
      ${NODE_SDK}
      import { flushQuietlyAndExit } from "./helpers.js";

      process.on("SIGTERM", () => flushQuietlyAndExit(sdk));
    `,
    // A helper that does not end the process.
    code`
      ${NODE_SDK}
      import { safe } from "./helpers.js";

      process.on("SIGTERM", () => safe());
    `,
    // A lookup table its own file changes (PLUGINS.set): what its get() returns is not known (src/scopes/lookup-tables.ts).
    code`
      ${NODE_SDK}
      import { PLUGINS } from "./commands.js";

      process.on("SIGTERM", () => PLUGINS.get("tail")?.());
    `,
    // Before this file's initializer nothing is queued yet.
    code`
      import { NodeSDK } from "@opentelemetry/sdk-node";
      import { requireRegion } from "./helpers.js";

      requireRegion();
      const sdk = new NodeSDK({});
      sdk.start();
    `,
  ],
  invalid: [
    {
      code: code`
        ${NODE_SDK}
        import { fail, loadConfig } from "./helpers.js";

        process.on("SIGTERM", () => fail("terminated"));
        loadConfig();
      `,
      errors: [
        {
          messageId: "exitInOtherFileWithoutFlush",
          data: { callee: "fail", exit: "process.exit()", location: "helpers.ts:13", via: "", where: " in the 'SIGTERM' handler", sdk: "OpenTelemetry", flush: "sdk.shutdown()" },
          line: 7,
          column: 29,
          endLine: 7,
          endColumn: 33,
          suggestions: [],
        },
        {
          messageId: "exitInOtherFileWithoutFlush",
          data: { callee: "loadConfig", exit: "process.exit()", location: "helpers.ts:6", via: " (via requireRegion())", where: "", sdk: "OpenTelemetry", flush: "sdk.shutdown()" },
          line: 8,
          column: 1,
          endLine: 8,
          endColumn: 11,
          suggestions: [],
        },
      ],
    },
    {
      // A command run from a Map of handlers of another file: the entry of its static key exits.
      code: code`
        ${NODE_SDK}
        import { COMMANDS } from "./commands.js";

        process.on("SIGTERM", () => COMMANDS.get("help")?.([]));
      `,
      errors: [
        {
          messageId: "exitInOtherFileWithoutFlush",
          data: { callee: 'COMMANDS.get("help")', exit: "process.exit()", location: "commands.ts:7", via: "", where: " in the 'SIGTERM' handler", sdk: "OpenTelemetry", flush: "sdk.shutdown()" },
          line: 7,
          column: 29,
          endLine: 7,
          endColumn: 49,
          suggestions: [],
        },
      ],
    },
  ],
});

// @sentry/wizard's shape (lib/Setup.js): the program runs in withTelemetry(…), a wrapper of tests/rules/fixtures/telemetry.ts
// whose span callback runs it through Sentry.withIsolationScope(callback), among other statements. An exit reached in
// there leaves the span open: no-process-exit's finding, which a flush before the call would not fix.
/** The program in a callback handed to `wrapper` of tests/rules/fixtures/telemetry.ts; it reaches an exit of helpers.ts. */
const programIn = (wrapper: string) => code`
  import * as Sentry from "@sentry/node";
  import { ${wrapper} } from "./telemetry.js";
  import { requireRegion } from "./helpers.js";

  export const run = () =>
    ${wrapper}(true, async () => {
      const region = requireRegion();
      await Sentry.flush(3000);
      return region;
    });
`;

typed.run("require-flush-before-exit (type-aware, wrappers of another file)", testedRule, {
  valid: [programIn("withTelemetry")],
  invalid: [
    {
      // Not a wrapper (it also runs the callback outside its span): the exit is outside any span, and unflushed.
      code: programIn("maybeTraced"),
      errors: [
        {
          messageId: "exitInOtherFileWithoutFlush",
          data: { callee: "requireRegion", exit: "process.exit()", location: "helpers.ts:6", via: "", where: "", sdk: "Sentry", flush: "Sentry.flush(3000)" },
          line: 7,
          column: 20,
          endLine: 7,
          endColumn: 33,
          suggestions: [],
        },
      ],
    },
  ],
});

describe("require-flush-before-exit: settings", () => {
  const linter = new Linter({ configType: "flat" });
  const lint = (settings: Record<string, unknown>) =>
    linter.verify("async function main() {}\nmain();\n", [
      { files: ["**/*.ts"], plugins: { "traced-exit": { rules: { "require-flush-before-exit": rule } } as never }, languageOptions: { parser: tsParser as never }, settings, rules: { "traced-exit/require-flush-before-exit": "error" } },
    ], "main.ts");

  it("rejects an entry flag that is not a boolean", () => {
    expect(() => lint({ "traced-exit": { entry: "yes" } })).toThrow(/entry must be a boolean/u);
  });

  it("treats a file as an entry only when marked", () => {
    expect(lint({ "traced-exit": { entry: false } })).toEqual([]);
    expect(lint({ "traced-exit": { entry: true } }).map((message) => message.messageId)).toEqual(["entryWithoutFlush"]);
  });
});

describe("require-flush-before-exit: the first suggestion is what `traced-exit fix` applies", () => {
  const engine = createEngine({ transforms: ["flush-before-exit"] });
  // Each file after the codemod: no finding with a rewrite is left (idempotent, and in parity with the rule).
  const files: [name: string, code: string][] = [
    ["signal.ts", `${TRACELOOP_INIT}\nprocess.on("SIGTERM", () => process.exit(0));\nprocess.on("SIGINT", () => { process.exit(130); });\n`],
    ["entry.ts", `${TRACELOOP_INIT}\nasync function main() { await run(); await traceloop.forceFlush(); }\nmain().catch(() => process.exit(1));\n`],
    ["entry-then.mjs", `${TRACELOOP_INIT}\nasync function main() {}\nmain().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });\n`],
    ["tla.ts", `${TRACELOOP_INIT}\nasync function main() {}\nawait main();\nprocess.exit(0);\n`],
    ["early.ts", `${NODE_SDK}\nasync function main() { if (!ok()) process.exit(2); }\nmain().catch(() => process.exit(1));\n`],
    ["named.ts", `import { init } from "@sentry/node";\ninit({});\nprocess.on("SIGTERM", () => process.exit(0));\nprocess.on("SIGINT", () => process.exit(1));\n`],
    // Issue 16's entry shapes.
    ["runner.ts", `${TRACELOOP_INIT}\ntraceloop.withAssociationProperties({ userId: "u1" }, async () => {\n  await run();\n});\n`],
    ["wrapped.ts", `import { traceAgent } from "@arizeai/openinference-core";\n${OTEL_PROVIDER}\nasync function main() {\n  await run();\n}\ntraceAgent(main)();\n`],
    ["callback.ts", `${NODE_SDK}\nrun(async () => {\n  await work();\n  await sdk.shutdown();\n});\n`],
    ["try-logs.ts", `${TRACELOOP_INIT}\nasync function main() {\n  await run();\n}\ntry {\n  await main();\n} catch (e) {\n  console.error(e);\n}\n`],
    ["drops-code.ts", `${TRACELOOP_INIT}\nasync function main() {\n  throw Object.assign(new Error("x"), { exitCode: 3 });\n}\nmain().catch(console.error).finally(() => traceloop.forceFlush());\n`],
  ];
  it.each(files)("%s", (name, code) => {
    const result = engine.transform(code, name);
    expect(result.output).toBeDefined();
    expect(result.manual).toEqual([]);
    expect(engine.transform(result.output as string, name).output).toBeUndefined();
  });
});

describe("require-flush-before-exit: top-level await only where the file surely runs as an ES module", () => {
  const engine = createEngine({ transforms: ["flush-before-exit"] });
  // `runNightly()` may start spans (an exit before anything could is not reported: see the "before any span" cases).
  const program = `${TRACELOOP_INIT}\nrunNightly();\nif (!process.env.KEY) {\n  console.error("no key");\n  process.exit(1);\n}\n`;

  // A .ts file with `import` syntax may well be compiled to CommonJS, where top-level await does not compile.
  it("writes flush().finally(exit) in a .ts file", () => {
    expect(engine.transform(program, "main.ts").output).toBe(program.replace("  process.exit(1);", "  traceloop.forceFlush().finally(() => process.exit(1));"));
  });

  it("awaits the flush in a .mts file", () => {
    expect(engine.transform(program, "main.mts").output).toBe(program.replace("  process.exit(1);", "  await traceloop.forceFlush();\n  process.exit(1);"));
  });

  it("awaits the flush in a .ts file that already awaits at top level", () => {
    const awaiting = program.replace("if (!process.env.KEY)", "await Promise.resolve();\nif (!process.env.KEY)");
    expect(engine.transform(awaiting, "main.ts").output).toBe(awaiting.replace("  process.exit(1);", "  await traceloop.forceFlush();\n  process.exit(1);"));
  });
});

// ---- Issue 16 (branch sdks): Sentry's other packages, the OpenAI Agents SDK, @vercel/otel with the AI SDK.
ruleTester.run("require-flush-before-exit: Sentry packages, OpenAI Agents, registerOTel", testedRule, {
  valid: [
    // The Agents SDK's trace provider shuts down on `beforeExit` and on an unhandled rejection by itself
    // (agents-core tracing/provider.mjs): the entry's natural end and its crash lose nothing.
    code`
      import { withTrace } from "@openai/agents";

      async function main() {
        await withTrace("nightly", async () => work());
      }
      main();
    `,
    // The provider's flush, through a variable, before the exit.
    code`
      import { withTrace, getGlobalTraceProvider } from "@openai/agents";

      const provider = getGlobalTraceProvider();
      process.on("SIGTERM", async () => {
        await provider.shutdown();
        process.exit(0);
      });
      await withTrace("x", async () => work());
    `,
    // ... and called on the result directly.
    code`
      import { withTrace, getGlobalTraceProvider } from "@openai/agents-core";

      await withTrace("x", async () => work());
      await getGlobalTraceProvider().forceFlush();
      process.exit(0);
    `,
    // Sentry's documented set-up: init() in instrument.js, imported first. The file takes Sentry's API from its
    // Node SDK only, so whichever module calls init(), the spans self-flush (Spotlight's CLI, dist/run.js).
    code`
      import { startSpan } from "@sentry/node";
      import "./instrument.js";

      startSpan({ name: "CLI", op: "cli" }, async () => {
        await startSpan({ name: "Setup" }, async () => main());
      });
    `,
    code`
      const Sentry = require("@sentry/nextjs");
      require("./instrument");

      async function main() {
        await Sentry.startSpan({ name: "nightly" }, async () => work());
      }
      main();
    `,
    // @sentry/core's flush before the exit, on both paths (a top-level awaited scope is the program's entry).
    code`
      import { startSpan, flush } from "@sentry/core";

      try {
        await startSpan({ name: "job" }, async () => work());
      } finally {
        await flush(2000);
      }
      process.exit(0);
    `,
    // The AI SDK makes its spans on the global provider: a file that starts none has nothing of its own to flush
    // (the file that calls registerOTel() or builds the NodeSDK is judged).
    code`
      import { generateText } from "ai";

      await generateText({ model, prompt: "hi", experimental_telemetry: { isEnabled: true } });
      process.exit(0);
    `,
    // registerOTel() with processors that keep the spans in memory: nothing leaves the process.
    code`
      import { registerOTel } from "@vercel/otel";
      import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

      registerOTel({ serviceName: "test", spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())] });
      process.on("SIGTERM", () => process.exit(0));
    `,
    // A lookalike getGlobalTraceProvider is no flush, but nothing traces here either.
    code`
      import { getGlobalTraceProvider } from "./agents";

      process.on("SIGTERM", () => process.exit(0));
      getGlobalTraceProvider();
    `,
    // Sentry for browsers: not a Node SDK.
    code`
      import * as Sentry from "@sentry/browser";

      Sentry.init({ dsn: "x" });
      process.on("SIGTERM", () => process.exit(0));
    `,
  ],
  invalid: [
    // An exit after the trace: the batch the provider holds is cut. The flush joins the existing import.
    {
      code: code`
        import { withTrace, run } from "@openai/agents";

        await withTrace("nightly", async () => run(agent, "hi"));
        process.exit(1);
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(1)", "OpenAI Agents", "getGlobalTraceProvider().forceFlush()"),
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 16,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                import { withTrace, run, getGlobalTraceProvider } from "@openai/agents";

                await withTrace("nightly", async () => run(agent, "hi"));
                await getGlobalTraceProvider().forceFlush();
                process.exit(1);
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The SDK's own SIGINT listener flushes only when it is alone: a listener of ours that exits cuts its flush.
    {
      code: code`
        const { withTrace } = require("@openai/agents-core");

        process.on("SIGINT", () => process.exit(130));
        withTrace("x", async () => work());
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(130)", "OpenAI Agents", "getGlobalTraceProvider().forceFlush()", " in the 'SIGINT' handler"),
          line: 3,
          column: 28,
          endLine: 3,
          endColumn: 45,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                const { withTrace } = require("@openai/agents-core");
                const { getGlobalTraceProvider } = require("@openai/agents-core");

                process.on("SIGINT", async () => { await getGlobalTraceProvider().forceFlush(); process.exit(130); });
                withTrace("x", async () => work());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // @sentry/bun sends with fetch: nothing proves its natural end keeps the transaction, so the entry flushes;
    // also with init() in another module: @sentry/bun's API means @sentry/bun's client.
    ...["Sentry.init({ dsn: process.env.SENTRY_DSN });", 'import "./instrument.js";'].map((setUp) => ({
      code: code`
        import * as Sentry from "@sentry/bun";
        ${setUp}
        async function main() {
          await Sentry.startSpan({ name: "nightly" }, async () => work());
        }
        main();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush" as const,
          data: entryData("main()", "either path", "Sentry", "Sentry.flush()"),
          line: 6,
          column: 1,
          endLine: 6,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import * as Sentry from "@sentry/bun";
                ${setUp}
                async function main() {
                  await Sentry.startSpan({ name: "nightly" }, async () => work());
                }
                ${fixedChain("main()", "Sentry.flush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    })),
    // registerOTel() batches and returns no provider: the AI SDK's spans are queued, and the flush can only be named.
    {
      code: code`
        import { registerOTel } from "@vercel/otel";
        import { generateText } from "ai";

        registerOTel({ serviceName: "chat" });
        async function main() {
          await generateText({ model, prompt: "hi", experimental_telemetry: { isEnabled: true } });
        }
        main();
        process.on("SIGTERM", () => process.exit(0));
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "OpenTelemetry", "forceFlush() of the tracer provider that registerOTel() registered"),
          line: 8,
          column: 1,
          endLine: 8,
          endColumn: 7,
          suggestions: [],
        },
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "OpenTelemetry", "forceFlush() of the tracer provider that registerOTel() registered", " in the 'SIGTERM' handler"),
          line: 9,
          column: 29,
          endLine: 9,
          endColumn: 44,
          suggestions: [],
        },
      ],
      output: null,
    },
  ],
});

// ---- Issue 16 (branch sdks): Mastra, whose `shutdown()` shuts its observability exporters down.
ruleTester.run("require-flush-before-exit: Mastra", testedRule, {
  valid: [
    // Without `observability` Mastra makes no span.
    code`
      import { Mastra } from "@mastra/core";

      export const mastra = new Mastra({ agents: { weather } });
      process.on("SIGTERM", () => process.exit(0));
    `,
    code`
      const { Mastra } = require("@mastra/core/mastra");

      const mastra = new Mastra({ workflows });
      async function main() {
        await mastra.getAgent("weather").generate("hi");
      }
      main();
    `,
    // The shutdown runs before the exit.
    code`
      import { Mastra } from "@mastra/core/mastra";

      export const mastra = new Mastra({ agents: { weather }, observability });
      process.on("SIGTERM", async () => {
        await mastra.shutdown();
        process.exit(0);
      });
    `,
    // A lookalike class of another module.
    code`
      import { Mastra } from "./mastra-lookalike";

      export const mastra = new Mastra({ observability });
      process.on("SIGTERM", () => process.exit(0));
    `,
    // Another object's shutdown() is no flush, but nothing traces here either.
    code`
      import { Mastra } from "@mastra/core";

      const mastra = new Mastra({ agents: { weather } });
      await server.shutdown();
      process.exit(0);
    `,
    // A Mastra whose options spread a base: it may trace, and it flushes before the exit.
    code`
      import { Mastra } from "@mastra/core";

      const mastra = new Mastra({ ...base, agents: { weather } });
      await mastra.getAgent("weather").generate("hi");
      await mastra.shutdown();
      process.exit(0);
    `,
    code`
      import { Mastra } from "@mastra/core";

      const config = { agents: { weather } };
      const mastra = new Mastra(config);
      process.on("SIGINT", () => process.exit(130));
    `,
    code`
      import { Mastra } from "@mastra/core";

      const mastra = new Mastra();
      process.on("SIGINT", () => process.exit(130));
    `,
    code`
      import { Mastra } from "@mastra/core";

      const mastra = new Mastra({ observability });
      async function main() {
        try {
          await mastra.getAgent("weather").generate("hi");
        } finally {
          await mastra.shutdown();
        }
      }
      await main();
    `,
    code`
      import * as core from "@mastra/core";

      const mastra = new core.Mastra({ storage });
      process.exit(0);
    `,
  ],
  invalid: [
    {
      code: code`
        import { Mastra } from "@mastra/core/mastra";
        import { Observability } from "@mastra/observability";

        export const mastra = new Mastra({ agents: { weather }, observability: new Observability({ default: { enabled: true } }) });
        process.on("SIGTERM", () => process.exit(0));
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "Mastra", "mastra.shutdown()", " in the 'SIGTERM' handler"),
          line: 5,
          column: 29,
          endLine: 5,
          endColumn: 44,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                import { Mastra } from "@mastra/core/mastra";
                import { Observability } from "@mastra/observability";

                export const mastra = new Mastra({ agents: { weather }, observability: new Observability({ default: { enabled: true } }) });
                process.on("SIGTERM", async () => { await mastra.shutdown(); process.exit(0); });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Options from a const that holds `observability`. Its exporters' batch timer keeps the process alive, so the
    // natural end sends it (measured on 0.24.9: tests/e2e/runtime-releases.test.ts); the crash of the unhandled
    // rejection loses it.
    {
      code: code`
        const { Mastra } = require("@mastra/core");

        const config = { agents: { weather }, observability };
        const mastra = new Mastra(config);
        async function main() {
          await mastra.getAgent("weather").generate("hi");
        }
        main();
      `,
      errors: [
        {
          messageId: "entryCrashWithoutFlush",
          data: { entry: "main()", sdk: "Mastra", flush: "mastra.shutdown()" },
          line: 8,
          column: 1,
          endLine: 8,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                const { Mastra } = require("@mastra/core");

                const config = { agents: { weather }, observability };
                const mastra = new Mastra(config);
                async function main() {
                  await mastra.getAgent("weather").generate("hi");
                }
                ${fixedChain("main()", "mastra.shutdown()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
  ],
});

// Issue 16: program shapes other than `main();` that run the whole program, recognised by binding.

ruleTester.run("require-flush-before-exit (issue 16: entry shapes)", testedRule, {
  valid: [
    // A local function of the same name is not Traceloop's: no entry (and its callback does not flush last).
    code`
      ${TRACELOOP_INIT}

      function withAssociationProperties(props: object, fn: () => Promise<void>) {
        return fn();
      }
      withAssociationProperties({ userId: "u1" }, async () => run());
    `,
    // The program inside a runner, flushed on both paths by the chain.
    code`
      ${TRACELOOP_INIT}

      traceloop
        .withAssociationProperties({ userId: "u1" }, async () => run())
        .catch((error) => {
          console.error(error);
          process.exitCode = 1;
        })
        .finally(() => traceloop.forceFlush());
    `,
    // Each span exported as it ends: a natural end loses nothing, and the rejection is handled.
    code`
      ${TRACELOOP}

      traceloop.initialize({ appName: "rag", disableBatch: true });
      traceloop.withWorkflow({ name: "nightly" }, async () => run()).catch((error) => {
        console.error(error);
        process.exitCode = 1;
      });
    `,
    // A wrapper of another module (a local traceAgent) is not OpenInference's.
    code`
      ${OTEL_PROVIDER}
      const traceAgent = (fn: () => Promise<void>) => fn;
      async function main() {
        await run();
      }
      traceAgent(main)().finally(() => provider.shutdown());
    `,
    // The callback flushes in a finally: both paths.
    code`
      ${NODE_SDK}

      run(async () => {
        try {
          await work();
        } finally {
          await sdk.shutdown();
        }
      });
    `,
    // A signal handler that flushes last is an ending handler, not the program.
    code`
      ${NODE_SDK}

      process.on("SIGTERM", async () => {
        await server.close();
        await sdk.shutdown();
      });
    `,
    // Spans exported as they end: whether run() lets the rejection crash or end naturally is unknown, so no finding.
    code`
      import { NodeTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
      import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";

      const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter())] });
      run(async () => {
        await work();
        await provider.shutdown();
      });
    `,
    // A catch that only logs, but no error in this file carries an exit code: ending with 0 is the program's own choice.
    code`
      ${TRACELOOP_INIT}

      async function main() {
        await run();
      }
      try {
        await main();
      } catch (error) {
        console.error(error);
      }
      await traceloop.forceFlush();
    `,
    // The catch keeps the exit code itself.
    code`
      ${TRACELOOP_INIT}

      async function main() {
        throw Object.assign(new Error("no input"), { exitCode: 3 });
      }
      try {
        await main();
      } catch (error) {
        console.error(error);
        process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
      }
      await traceloop.forceFlush();
    `,
  ],
  invalid: [
    // 1. The whole program inside withAssociationProperties, neither awaited nor caught: the same shape as `main();`.
    {
      code: code`
        ${TRACELOOP_INIT}

        traceloop.withAssociationProperties({ userId: "u1" }, async () => {
          await run();
        });
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("traceloop.withAssociationProperties()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 5,
          column: 1,
          endLine: 7,
          endColumn: 3,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                traceloop.withAssociationProperties({ userId: "u1" }, async () => {
                  await run();
                ${fixedChain("})", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // … imported by name and renamed; the callback flushes, but only when it succeeds.
    {
      code: code`
        import { initialize, forceFlush, withAssociationProperties as withProps } from "@traceloop/node-server-sdk";

        initialize({ appName: "rag" });
        withProps({ userId: "u1" }, async () => {
          await run();
          await forceFlush();
        });
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("withProps()", "its failure path", "Traceloop", "forceFlush()"),
          line: 4,
          column: 1,
          endLine: 7,
          endColumn: 3,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import { initialize, forceFlush, withAssociationProperties as withProps } from "@traceloop/node-server-sdk";

                initialize({ appName: "rag" });
                withProps({ userId: "u1" }, async () => {
                  await run();
                  await forceFlush();
                ${fixedChain("})", "forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The other with* wrappers: a workflow as the program. Its own flush runs while its span is open, so it does not count.
    {
      code: code`
        ${TRACELOOP_INIT}

        traceloop.withWorkflow({ name: "nightly" }, async () => {
          await run();
          await traceloop.forceFlush();
        });
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("traceloop.withWorkflow()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 5,
          column: 1,
          endLine: 8,
          endColumn: 3,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                traceloop.withWorkflow({ name: "nightly" }, async () => {
                  await run();
                  await traceloop.forceFlush();
                ${fixedChain("})", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // disableBatch: a natural end is fine, the crash of the unhandled rejection is not.
    {
      code: code`
        ${TRACELOOP}

        traceloop.initialize({ appName: "rag", disableBatch: true });
        traceloop.withWorkflow({ name: "nightly" }, async () => run());
      `,
      errors: [
        {
          messageId: "entryCrashWithoutFlush",
          data: { entry: "traceloop.withWorkflow()", sdk: "Traceloop", flush: "traceloop.forceFlush()" },
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 63,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP}

                traceloop.initialize({ appName: "rag", disableBatch: true });
                ${fixedChain("traceloop.withWorkflow({ name: \"nightly\" }, async () => run())", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // 2. A traced wrapper invoked at once: the function it returns is the traced program (OpenInference).
    {
      code: code`
        import { traceAgent } from "@arizeai/openinference-core";
        ${OTEL_PROVIDER}
        async function main() {
          await run();
        }
        traceAgent(main, { name: "agent" })();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("traceAgent(…)()", "either path", "OpenTelemetry", "provider.shutdown()"),
          line: 10,
          column: 1,
          endLine: 10,
          endColumn: 38,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import { traceAgent } from "@arizeai/openinference-core";
                ${OTEL_PROVIDER}
                async function main() {
                  await run();
                }
                ${fixedChain("traceAgent(main, { name: \"agent\" })()", "provider.shutdown()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The wrapper held in a const and awaited at top level.
    {
      code: code`
        import { traceChain } from "@arizeai/openinference-core";
        ${OTEL_PROVIDER}
        const pipeline = traceChain(async () => run(), { name: "pipeline" });
        await pipeline();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("pipeline()", "either path", "OpenTelemetry", "provider.shutdown()"),
          line: 8,
          column: 7,
          endLine: 8,
          endColumn: 17,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import { traceChain } from "@arizeai/openinference-core";
                ${OTEL_PROVIDER}
                const pipeline = traceChain(async () => run(), { name: "pipeline" });
                try {
                  await pipeline();
                } catch (error) {
                  console.error(error);
                  process.exitCode = (error as { exitCode?: number })?.exitCode ?? 1;
                } finally {
                  await provider.shutdown();
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // LangSmith's traceable, under a NodeSDK; main's own flush runs inside the run's span.
    {
      code: code`
        import { traceable } from "langsmith/traceable";
        ${NODE_SDK}
        const main = async () => {
          await run();
          await sdk.shutdown();
        };
        void traceable(main, { name: "pipeline" })();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("traceable(…)()", "either path", "OpenTelemetry", "sdk.shutdown()"),
          line: 10,
          column: 6,
          endLine: 10,
          endColumn: 45,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import { traceable } from "langsmith/traceable";
                ${NODE_SDK}
                const main = async () => {
                  await run();
                  await sdk.shutdown();
                };
                ${fixedChain("traceable(main, { name: \"pipeline\" })()", "sdk.shutdown()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Langfuse's observe, with its span processor.
    {
      code: code`
        import { observe } from "@langfuse/tracing";
        import { LangfuseSpanProcessor } from "@langfuse/otel";

        const langfuseSpanProcessor = new LangfuseSpanProcessor();
        observe(async () => run(), { name: "job" })();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("observe(…)()", "either path", "Langfuse", "langfuseSpanProcessor.forceFlush()"),
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 46,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                import { observe } from "@langfuse/tracing";
                import { LangfuseSpanProcessor } from "@langfuse/otel";

                const langfuseSpanProcessor = new LangfuseSpanProcessor();
                ${fixedChain("observe(async () => run(), { name: \"job\" })()", "langfuseSpanProcessor.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // 3. run(…) whose callback flushes last: only a throw before the shutdown loses the spans, and the message says so.
    {
      code: code`
        ${NODE_SDK}

        run(async () => {
          await work();
          await sdk.shutdown();
        });
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("run(async () => …)", "its failure path", "OpenTelemetry", "sdk.shutdown()"),
          line: 6,
          column: 1,
          endLine: 9,
          endColumn: 3,
          suggestions: [
            suggestion(
              "flushInFinally",
              code`
                ${NODE_SDK}

                run(async () => {
                  try {
                    await work();
                  } finally {
                    await sdk.shutdown();
                  }
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // … also when `run` is a same-file async function: the callback is the program, not run's body.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function run(program: () => Promise<void>) {
          await program();
        }
        run(async () => {
          const items = await load();
          console.log(items.length);
          await traceloop.forceFlush();
        });
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("run(async () => …)", "its failure path", "Traceloop", "traceloop.forceFlush()"),
          line: 8,
          column: 1,
          endLine: 12,
          endColumn: 3,
          suggestions: [
            suggestion(
              "flushInFinally",
              code`
                ${TRACELOOP_INIT}

                async function run(program: () => Promise<void>) {
                  await program();
                }
                run(async () => {
                  try {
                    const items = await load();
                    console.log(items.length);
                  } finally {
                    await traceloop.forceFlush();
                  }
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // main() flushing only on success, not caught: the failure path only.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {
          await run();
          await traceloop.forceFlush();
        }
        main();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "its failure path", "Traceloop", "traceloop.forceFlush()"),
          line: 9,
          column: 1,
          endLine: 9,
          endColumn: 7,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {
                  await run();
                  await traceloop.forceFlush();
                }
                ${fixedChain("main()", "traceloop.forceFlush()")}
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A top-level catch that only logs: the fix adds the flush and keeps an error's exit code.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {
          await run();
        }
        try {
          await main();
        } catch (e) {
          console.error(e);
        }
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: entryData("main()", "either path", "Traceloop", "traceloop.forceFlush()"),
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 15,
          suggestions: [
            suggestion(
              "flushAtEntry",
              code`
                ${TRACELOOP_INIT}

                async function main() {
                  await run();
                }
                try {
                  await main();
                } catch (e) {
                  if ((e as { exitCode?: number })?.exitCode !== undefined) {
                    process.exitCode = (e as { exitCode?: number })?.exitCode;
                  } else {
                    console.error(e);
                  }
                } finally {
                  await traceloop.forceFlush();
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // Flushed after the try, but an error carrying an exit code (no-process-exit's rewrite) ends in a catch that only logs.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {
          if (!process.env.INPUT) throw Object.assign(new Error("no input"), { exitCode: 3 });
        }
        try {
          await main();
        } catch (e) {
          console.error(e);
        }
        await traceloop.forceFlush();
      `,
      errors: [
        {
          messageId: "entryDropsExitCode",
          data: { entry: "main()" },
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 15,
          suggestions: [
            suggestion(
              "keepExitCode",
              code`
                ${TRACELOOP_INIT}

                async function main() {
                  if (!process.env.INPUT) throw Object.assign(new Error("no input"), { exitCode: 3 });
                }
                try {
                  await main();
                } catch (e) {
                  if ((e as { exitCode?: number })?.exitCode !== undefined) {
                    process.exitCode = (e as { exitCode?: number })?.exitCode;
                  } else {
                    console.error(e);
                  }
                }
                await traceloop.forceFlush();
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A catch without a parameter gets one to read the code from; a JavaScript module reads it without a cast.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {
          throw Object.assign(new Error("no input"), { exitCode: 3 });
        }
        try {
          await main();
        } catch {
          console.log("failed");
        } finally {
          await traceloop.forceFlush();
        }
      `,
      filename: "main.mjs",
      errors: [
        {
          messageId: "entryDropsExitCode",
          data: { entry: "main()" },
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 15,
          suggestions: [
            suggestion(
              "keepExitCode",
              code`
                ${TRACELOOP_INIT}

                async function main() {
                  throw Object.assign(new Error("no input"), { exitCode: 3 });
                }
                try {
                  await main();
                } catch (error) {
                  if (error?.exitCode !== undefined) {
                    process.exitCode = error?.exitCode;
                  } else {
                    console.log("failed");
                  }
                } finally {
                  await traceloop.forceFlush();
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The same with `.catch(console.error)` in a chain that flushes.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {
          if (!process.env.INPUT) throw Object.assign(new Error("no input"), { exitCode: 3 });
        }
        main().catch(console.error).finally(() => traceloop.forceFlush());
      `,
      errors: [
        {
          messageId: "entryDropsExitCode",
          data: { entry: "main()" },
          line: 8,
          column: 1,
          endLine: 8,
          endColumn: 7,
          suggestions: [
            suggestion(
              "keepExitCode",
              code`
                ${TRACELOOP_INIT}

                async function main() {
                  if (!process.env.INPUT) throw Object.assign(new Error("no input"), { exitCode: 3 });
                }
                main()
                  .catch((error) => {
                    if (error?.exitCode !== undefined) {
                      process.exitCode = error?.exitCode;
                      return;
                    }
                    console.error(error);
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A handler that sets a constant code drops the error's too: exit 5 would end with 1 (measured with the flush codemod
    // alone, tests/codemods/__runnable__/flush-entry-constant-code.ts). The guard goes first; the handler runs for other errors.
    {
      code: code`
        ${TRACELOOP_INIT}

        function fail(message: string): never {
          console.error(message);
          throw Object.assign(new Error(String(message)), { exitCode: 5 });
        }
        async function main() {
          if (!process.env.INPUT) fail("no input");
        }
        main()
          .catch((err) => {
            console.error("failed:", err);
            process.exitCode = 1;
          })
          .finally(() => traceloop.forceFlush());
      `,
      errors: [
        {
          messageId: "entryDropsExitCode",
          data: { entry: "main()" },
          line: 12,
          column: 1,
          endLine: 12,
          endColumn: 7,
          suggestions: [
            suggestion(
              "keepExitCode",
              code`
                ${TRACELOOP_INIT}

                function fail(message: string): never {
                  console.error(message);
                  throw Object.assign(new Error(String(message)), { exitCode: 5 });
                }
                async function main() {
                  if (!process.env.INPUT) fail("no input");
                }
                main()
                  .catch((err) => {
                    if (err?.exitCode !== undefined) {
                      process.exitCode = err?.exitCode;
                      return;
                    }
                    console.error("failed:", err);
                    process.exitCode = 1;
                  })
                  .finally(() => traceloop.forceFlush());
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // The same in a top-level catch.
    {
      code: code`
        ${TRACELOOP_INIT}

        async function main() {
          if (!process.env.INPUT) throw Object.assign(new Error("no input"), { exitCode: 3 });
        }
        try {
          await main();
        } catch (e) {
          process.exitCode = 1;
        } finally {
          await traceloop.forceFlush();
        }
      `,
      errors: [
        {
          messageId: "entryDropsExitCode",
          data: { entry: "main()" },
          line: 9,
          column: 9,
          endLine: 9,
          endColumn: 15,
          suggestions: [
            suggestion(
              "keepExitCode",
              code`
                ${TRACELOOP_INIT}

                async function main() {
                  if (!process.env.INPUT) throw Object.assign(new Error("no input"), { exitCode: 3 });
                }
                try {
                  await main();
                } catch (e) {
                  if ((e as { exitCode?: number })?.exitCode !== undefined) {
                    process.exitCode = (e as { exitCode?: number })?.exitCode;
                  } else {
                    process.exitCode = 1;
                  }
                } finally {
                  await traceloop.forceFlush();
                }
              `,
            ),
          ],
        },
      ],
      output: null,
    },
  ],
});

// Issue 13, found by a new user on the packed tarball (items 6, 7 and 9 of the report).
ruleTester.run("require-flush-before-exit (issue 13: a new user's false and doubled findings)", testedRule, {
  valid: [
    // Between `tracer.startSpan()` and `span.end()` the exit also loses the open span: no-process-exit reports it
    // (exitInScope), and the two rules never report the same call.
    code`
      ${NODE_SDK}
      import { trace } from "@opentelemetry/api";

      const tracer = trace.getTracer("cli");
      export function loadConfig(path) {
        const span = tracer.startSpan("load_config");
        if (!path) {
          console.error("no config path");
          process.exit(2);
        }
        span.end();
        return path;
      }
    `,
    // The same through a same-file function called between the start and the end (no-process-exit: "via requireConfig()").
    code`
      ${NODE_SDK}
      import { trace } from "@opentelemetry/api";

      function requireConfig(path) {
        if (!path) process.exit(2);
      }
      export function loadConfig(path) {
        const span = trace.getTracer("cli").startSpan("load_config");
        requireConfig(path);
        span.end();
      }
    `,
    // The finally of a try that first awaits the flush runs once it has settled; a failed flush was still run,
    // as \`try { await flush(); } catch {}\` before an exit counts.
    code`
      ${NODE_SDK}

      process.on("SIGINT", async () => {
        try {
          await sdk.shutdown();
        } finally {
          process.exit(0);
        }
      });
    `,
    // Its catch too, with console output before the flush (which cannot throw).
    code`
      ${NODE_SDK}

      process.on("SIGTERM", async () => {
        try {
          console.log("shutting down");
          await sdk.shutdown();
        } catch (error) {
          console.error(error);
          process.exit(1);
        }
        process.exit(0);
      });
    `,
    // What the try block does after the flush does not matter: the flush has run.
    code`
      ${NODE_SDK}

      process.on("SIGHUP", async () => {
        try {
          await sdk.shutdown();
          await closeDatabase();
        } finally {
          process.exit(0);
        }
      });
    `,
    // The error handler's form: the error logged first.
    code`
      ${NODE_SDK}

      process.on("uncaughtException", async (error) => {
        try {
          console.error(error);
          await sdk.shutdown();
        } finally {
          process.exit(1);
        }
      });
    `,
    // Killing our own process with a signal this file listens to runs that listener, which is judged itself
    // (here it flushes): \`process.once\`, and a listener registered after the kill is written.
    code`
      ${NODE_SDK}

      export function stop() {
        process.kill(process.pid, "SIGTERM");
      }
      process.once("SIGTERM", async () => {
        await sdk.shutdown();
        process.exit(0);
      });
    `,
    // No signal argument: kill sends SIGTERM.
    code`
      ${NODE_SDK}

      process.on("SIGTERM", () => sdk.shutdown().finally(() => process.exit(0)));
      export const stop = () => process.kill(process.pid);
    `,
  ],
  invalid: [
    // Something before the flush may throw: then the finally exits with nothing flushed.
    {
      code: code`
        ${NODE_SDK}

        process.on("SIGINT", async () => {
          try {
            await drain();
            await sdk.shutdown();
          } finally {
            process.exit(0);
          }
        });
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData("process.exit(0)", "OpenTelemetry", "sdk.shutdown()", " in the 'SIGINT' handler"),
          line: 11,
          column: 5,
          endLine: 11,
          endColumn: 20,
          suggestions: [
            suggestion(
              "awaitFlush",
              code`
                ${NODE_SDK}

                process.on("SIGINT", async () => {
                  try {
                    await drain();
                    await sdk.shutdown();
                  } finally {
                    await sdk.shutdown();
                    process.exit(0);
                  }
                });
              `,
            ),
          ],
        },
      ],
      output: null,
    },
    // A signal nobody here listens to ends the process: the message names the signal sent.
    {
      code: code`
        ${NODE_SDK}

        process.once("SIGTERM", async () => {
          await sdk.shutdown();
          process.exit(0);
        });
        export function interrupt() {
          process.kill(process.pid, "SIGINT");
        }
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: exitData('process.kill(process.pid, "SIGINT")', "OpenTelemetry", "sdk.shutdown()"),
          line: 11,
          column: 3,
          endLine: 11,
          endColumn: 38,
          suggestions: [],
        },
      ],
      output: null,
    },
  ],
});
