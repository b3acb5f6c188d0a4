/**
 * traced-exit/require-span-error-recording: scopes whose SDK ends the span only on success
 * (Traceloop 0.27 with* and decorators; startActiveSpan / context.with callbacks) must record
 * errors and end the span. Suggestion outputs are asserted in full.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import dedent from "dedent";
import { describe, expect, it } from "vitest";
import rule from "../../src/rules/require-span-error-recording";
import type { MessageId } from "../../src/rules/require-span-error-recording";
import { createEngine } from "../../src/codemods/engine";
import { createRuleTester } from "./rule-tester";
import { OTEL_IMPORT, OTEL_WHY, SPAN_HELPERS_JS, unhandledSpan, withHelpers } from "./span-helpers";

const ruleTester = createRuleTester();
// Same shape at run time; rule-tester 8.72 resolves its own @typescript-eslint/utils (see no-process-exit.test.ts).
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];

const TRACELOOP = 'import * as traceloop from "@traceloop/node-server-sdk";';
/** Traceloop as installed for this repository (its devDependency), read from node_modules/@traceloop/node-server-sdk. */
const TRACELOOP_WHY = "ends its span only when the callback succeeds (Traceloop 0.27.0, installed)";
/** @opentelemetry/api's experimental SugaredTracer, the file as installed. */
const SUGARED_TRACER_JS = readFileSync(path.join(path.dirname(require.resolve("@opentelemetry/api")), "experimental/trace/SugaredTracer.js"), "utf8");
const wrap = (output: string) => [{ messageId: "wrapCallback" as const, output }];

/**
 * The shape of @inkeep/agents-run-api 0.37.2's `agentSessionManager.recordEvent(…)` (dist/index.js): a bundler's
 * `var` instance of a manager whose Map holds sessions made by `new Session()`, read back behind a guard; the session
 * starts an async send without awaiting it, schedules work on timers, and makes a Set field on first use. Nothing
 * there throws before the caller's `span.end()`. The invalid cases below change one link each.
 */
const SESSION_MANAGER = dedent`
  declare function post(event: object): Promise<void>;
  class Session {
    events: object[] = [];
    pending = new Set<string>();
    timeouts: Set<ReturnType<typeof setTimeout>> | undefined;
    emit = false;
    async send(event: object) {
      await post(event);
    }
    record(event: object) {
      if (this.emit) {
        this.send(event);
      }
      this.events.push(event);
      this.pending.add("x");
      setImmediate(() => {
        this.pending.delete("x");
      });
      this.schedule();
    }
    schedule() {
      const id = setTimeout(async () => {
        await post({});
      }, 0);
      if (!this.timeouts) {
        this.timeouts = new Set();
      }
      this.timeouts.add(id);
    }
  }
  class Manager {
    sessions = new Map<string, Session>();
    create(id: string) {
      const session = new Session();
      this.sessions.set(id, session);
    }
    record(id: string, event: object) {
      const session = this.sessions.get(id);
      if (!session) {
        logger.warn({ id }, "no session");
        return;
      }
      session.record(event);
    }
  }
  var manager = new Manager();
`;
const SESSION_CALLBACK = '(span) => {\n  span.recordException(new Error("0 tools"));\n  manager.record(id, { code: "no_tools_available" });\n  span.end();\n}';
/** The manager fixture with `from` replaced by `to` (which must be there), then the span whose callback records an event. */
const sessionCase = (from: string, to: string) => {
  if (!SESSION_MANAGER.includes(from)) throw new Error(`not in the fixture: ${from}`);
  const body = `${SESSION_MANAGER.replace(from, to)}\ntracer.startActiveSpan("s", ${SESSION_CALLBACK});`;
  return unhandledSpan(body, body.slice(0, body.lastIndexOf("tracer.startActiveSpan")).split("\n").length, SESSION_CALLBACK);
};

ruleTester.run("require-span-error-recording", testedRule, {
  valid: [
    // The program's own set-up switches tracing off: the span is non-recording, an open one loses nothing.
    dedent`
      import * as traceloop from "@traceloop/node-server-sdk";

      traceloop.initialize({ appName: "jobs", tracingEnabled: false });

      await traceloop.withWorkflow({ name: "nightly" }, async () => {
        await fetch("https://example.com");
      });
    `,
    // A callback that cannot throw: the span ends the same way on the one path there is.
    dedent`
      declare const tracer: import("@opentelemetry/api").Tracer;
      tracer.startActiveSpan("mark", (span) => span.end());
      tracer.startActiveSpan("tag", (span) => {
        span.setAttribute("stage", "start");
        span.end();
      });
    `,
    // Callbacks that end their span themselves after statements that cannot throw (issue 13; the shape read in
    // @inkeep/agents-run-api's tool-approval spans): a log call, span methods, then end(); after it, anything.
    dedent`
      import { SpanStatusCode } from "@opentelemetry/api";
      declare const tracer: import("@opentelemetry/api").Tracer;
      declare const logger: { info(fields: object, message: string): void };
      export function denied(toolName: string, reason: string) {
        return tracer.startActiveSpan("tool.approval_denied", { attributes: { "tool.name": toolName } }, (denialSpan) => {
          logger.info({ toolName, reason }, "Tool execution denied by user");
          denialSpan.setStatus({ code: SpanStatusCode.OK });
          denialSpan.end();
          return \`User denied approval to run this tool: \${reason}\`;
        });
      }
    `,
    // console by its global binding, a logger on \`this\`, a ternary and an \`instanceof\` in the arguments.
    dedent`
      declare const tracer: import("@opentelemetry/api").Tracer;
      export class Agent {
        constructor(private readonly logger: { warn(...args: unknown[]): void }, private readonly id: string) {}
        skip(error: unknown) {
          tracer.startActiveSpan("skip", (span) => {
            console.warn("skipping", this.id);
            this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, "skipped");
            span.addEvent("skipped");
            span.end();
          });
        }
      }
    `,
    // A same-file class instance whose method only looks up and updates native collections, logs, and starts an
    // un-awaited async function whose every failure is caught; the helpers are read by binding, three calls deep.
    dedent`
      declare const tracer: import("@opentelemetry/api").Tracer;
      declare const logger: { warn(...args: unknown[]): void; error(...args: unknown[]): void };
      declare function send(event: object): Promise<void>;
      async function publish(event: object) {
        try {
          await send(event);
        } catch (error) {
          logger.error({ error }, "publish failed");
        }
      }
      function stamp(event: object) {
        return { ...event, at: Date.now() };
      }
      class Sessions {
        sessions = new Map<string, number>();
        events: object[] = [];
        record(id: string, event: object) {
          if (!this.sessions.has(id)) {
            logger.warn({ id }, "no such session");
            return;
          }
          this.sessions.set(id, (this.sessions.get(id) ?? 0) + 1);
          this.events.push(stamp(event));
          publish(event);
        }
      }
      const sessions = new Sessions();
      export function noTools(id: string) {
        tracer.startActiveSpan("ai.toolCall", (span) => {
          span.recordException(new Error(\`0 tools for \${id}\`));
          sessions.record(id, { code: "no_tools_available" });
          span.end();
        });
      }
    `,
    // A field the constructor makes a Set before any method can run is a native Set.
    dedent`
      declare const tracer: import("@opentelemetry/api").Tracer;
      class Seen {
        private readonly ids: Set<string>;
        constructor() {
          this.ids = new Set();
        }
        mark(id: string) {
          this.ids.add(id);
        }
      }
      const seen = new Seen();
      tracer.startActiveSpan("seen", (span) => {
        seen.mark("a");
        span.end();
      });
    `,
    // Four same-file calls deep is still read (a manager's method, a session's method, two of the session's own).
    dedent`
      declare const tracer: import("@opentelemetry/api").Tracer;
      declare const logger: { debug(message: string): void };
      function one() { two(); }
      function two() { three(); }
      function three() { four(); }
      function four() { logger.debug("deep"); }
      tracer.startActiveSpan("deep", (span) => {
        one();
        span.end();
      });
    `,
    // Inkeep's shape (SESSION_MANAGER): instance of a same-file class in a \`var\`, a Map's values made by one class,
    // an un-awaited async call, timers given functions, a Set field made on first use.
    `declare const tracer: import("@opentelemetry/api").Tracer;\n${SESSION_MANAGER}\ntracer.startActiveSpan("s", ${SESSION_CALLBACK});`,
    // The same session read with an optional call, or inside \`if (session)\`: it is never called on undefined.
    `declare const tracer: import("@opentelemetry/api").Tracer;\n${SESSION_MANAGER.replace("session.record(event);", "session?.record(event);")}\ntracer.startActiveSpan("s", ${SESSION_CALLBACK});`,
    `declare const tracer: import("@opentelemetry/api").Tracer;\n${SESSION_MANAGER.replace('    if (!session) {\n      logger.warn({ id }, "no session");\n      return;\n    }\n    session.record(event);', "    if (session) {\n      session.record(event);\n    }")}\ntracer.startActiveSpan("s", ${SESSION_CALLBACK});`,
    // Traceloop ends the span when the callback returns, and this one cannot throw.
    dedent`
      ${TRACELOOP}
      declare const logger: { info(message: string): void };
      traceloop.withTask({ name: "mark" }, () => {
        logger.info("marked");
        return { marked: true };
      });
    `,
    // Sentry's startSpanManual callback ends its span by calling its finishing parameter.
    dedent`
      import * as Sentry from "@sentry/node";
      Sentry.startSpanManual({ name: "mark" }, (span, finish) => {
        console.info("marked");
        finish();
      });
    `,
    // A Traceloop workflow whose body catches every error and rethrows none: the callback always returns, and
    // Traceloop ends the span when it does.
    dedent`
      ${TRACELOOP}
      declare function sync(): Promise<void>;
      traceloop.withWorkflow({ name: "nightly" }, async () => {
        try {
          await sync();
        } catch (error) {
          console.error("sync failed", error);
        }
      });
    `,
    // An expression body is judged as the block body with its one return: `() => 42` runs as `() => { return 42; }`,
    // which cannot throw (issue 13, found by a new user). `async () => invoke()` below still may.
    dedent`
      ${TRACELOOP}
      traceloop.withWorkflow({ name: "a" }, () => 42);
      traceloop.withWorkflow({ name: "b" }, () => {
        return 42;
      });
      traceloop.withTask({ name: "c" }, () => ({ ok: true, at: Date.now() }));
    `,
    // Who owns the span (issue 13; the shapes read in @langfuse/tracing, @arizeai/openinference-core, langsmith).
    // The try that records and ends the span is one inline callback down, in a context helper run synchronously.
    dedent`
      declare const tracer: import("@opentelemetry/api").Tracer;
      import { context, SpanStatusCode } from "@opentelemetry/api";
      export function observe(name: string, fn: () => unknown, endOnExit: boolean) {
        return tracer.startActiveSpan(name, (span) => {
          const ctx = context.active();
          return context.with(ctx, () => {
            try {
              const result = fn();
              if (endOnExit) span.end();
              return result;
            } catch (error) {
              span.setStatus({ code: SpanStatusCode.ERROR });
              if (endOnExit) span.end();
              throw error;
            }
          });
        });
      }
    `,
    // A tracer wrapper hands the span (here wrapped) with the work to the function its caller passed: the caller owns it.
    dedent`
      import type { Span, Tracer } from "@opentelemetry/api";
      class Labelled { constructor(readonly span: Span) {} }
      export class LabellingTracer {
        constructor(private readonly tracer: Tracer) {}
        startActiveSpan<T>(name: string, fn: (span: Labelled) => T): T {
          return this.tracer.startActiveSpan(name, (span) => fn(new Labelled(span)));
        }
        startActiveSpanWith<T>(name: string, ...args: [(span: Labelled) => T] | [object, (span: Labelled) => T]): T {
          const { run } = args.length === 1 ? { run: args[0] } : { run: args[1] };
          return this.tracer.startActiveSpan(name, (span) => {
            const labelled = new Labelled(span);
            return run(labelled);
          });
        }
      }
    `,
    // Issue 13: the callback lets its span go and never ends it: returned or stored. The receiver owns it (runtime:
    // tests/e2e/runtime-classes.test.ts, span-returned-to-caller). A span only handed to a function, or ended by a
    // closure of the callback, is not let go (invalid below; tests/codemods/__runnable__/returned-thenables.ts).
    dedent`
      declare const tracer: import("@opentelemetry/api").Tracer;
      declare const current: { span?: unknown };
      declare function parse(text: string): string[];
      export const returned = () => tracer.startActiveSpan("a", (span) => span);
      export const inObject = (text: string) => tracer.startActiveSpan("b", (span) => ({ span, lines: parse(text) }));
      export const stored = (id: string) =>
        tracer.startActiveSpan("c", (span) => {
          current.span = span;
          return parse(id);
        });
    `,
    // A library's wrapper runs the caller's function inside the span it opens and leaves the span to it.
    dedent`
      declare const tracer: import("@opentelemetry/api").Tracer;
      declare function tagRun(): void;
      export const traced = (fn: () => unknown) => () =>
        tracer.startActiveSpan("run", () => {
          tagRun();
          return fn();
        });
    `,
    // Already wrapped by our helper: the span records the error and ends.
    dedent`
      ${TRACELOOP}
      function recordSpanErrors<F>(fn: F): F { return fn; }
      traceloop.withTask({ name: "t" }, recordSpanErrors(async () => work()));
    `,
    // Sentry's startSpan records and ends the span itself.
    dedent`
      import * as Sentry from "@sentry/node";
      Sentry.startSpan({ name: "s" }, () => work());
    `,
    // Langfuse, OpenInference and LangSmith wrappers record errors themselves.
    dedent`
      import { startActiveObservation } from "@langfuse/tracing";
      import { traceChain } from "@arizeai/openinference-core";
      import { traceable } from "langsmith/traceable";
      startActiveObservation("o", async () => work());
      traceChain(async () => work(), { name: "c" });
      traceable(async () => work(), { name: "r" });
    `,
    // The callback hands its span to a private method that records and ends it (vitest's own tracing does
    // this), or its catch hands the error to a method that ends the span.
    dedent`
      import { trace } from "@opentelemetry/api";

      class Traces {
        run(callback: () => unknown) {
          return trace.getTracer("x").startActiveSpan("s", (span) => this.#callActiveSpan(span, callback));
        }

        #callActiveSpan(span: { end(): void; recordException(e: unknown): void }, callback: () => unknown) {
          try {
            return callback();
          } catch (error) {
            span.recordException(error);
            throw error;
          } finally {
            span.end();
          }
        }
      }

      const helpers = {
        fail(error: unknown) {
          trace.getActiveSpan()?.end();
          return error;
        },
      };
      trace.getTracer("x").startActiveSpan("t", async () => {
        try {
          await work();
        } catch (error) {
          throw helpers.fail(error);
        }
      });
    `,
    // Sentry's startSpanManual callback that takes `finish` may end its span through it: not "never ended".
    dedent`
      import * as Sentry from "@sentry/node";
      Sentry.startSpanManual({ name: "bridge" }, (span, finish) => {
        try {
          return run();
        } finally {
          finish();
        }
      });
    `,
    // A catch that records, then calls something this file cannot resolve, in one expression.
    dedent`
      import { trace } from "@opentelemetry/api";
      trace.getTracer("x").startActiveSpan("s", async (span) => {
        try {
          await work();
        } catch (error) {
          span.recordException(error as Error), span.setStatus({ code: 2 });
          throw error;
        }
        span.end();
      });
    `,
    // The callback owns its span and deals with errors itself: try/catch records, finally ends.
    dedent`
      import { trace } from "@opentelemetry/api";
      trace.getTracer("x").startActiveSpan("s", async (span) => {
        try {
          await work();
        } catch (error) {
          span.recordException(error as Error);
          throw error;
        } finally {
          span.end();
        }
      });
    `,
    // A finally that ends the span is enough: the span is exported (without the exception event).
    dedent`
      const tracer = getTracer();
      tracer.startActiveSpan("s", (span) => {
        try {
          work();
        } finally {
          span.end();
        }
      });
    `,
    // @opentelemetry/api's SugaredTracer: the callback hands its span to a same-file function whose
    // catch calls an error handler that records the exception and ends the span.
    dedent`
      import type { Span, SpanOptions, Tracer } from "@opentelemetry/api";
      type OnException = (e: Error, span: Span) => void;
      const defaultOnException: OnException = (e, span) => span.recordException(e);
      export class SugaredTracer {
        constructor(private readonly tracer: Tracer) {}
        withActiveSpan(name: string, opts: SpanOptions & { onException?: OnException }, fn: (span: Span) => unknown) {
          return this.tracer.startActiveSpan(name, opts, (span) => handleFn(span, opts, fn));
        }
      }
      function handleFn(span: Span, opts: { onException?: OnException }, fn: (span: Span) => unknown) {
        const onException = opts.onException ?? defaultOnException;
        const errorHandler = (e: Error) => {
          onException(e, span);
          span.end();
          throw e;
        };
        try {
          const ret = fn(span);
          if (typeof (ret as PromiseLike<unknown> | undefined)?.then === "function") {
            return (ret as PromiseLike<unknown>).then((val) => {
              span.end();
              return val;
            }, errorHandler);
          }
          span.end();
          return ret;
        } catch (e) {
          throw errorHandler(e as Error);
        }
      }
    `,
    // The same, as shipped: the CommonJS that tsc emits for it.
    { code: SUGARED_TRACER_JS, filename: "SugaredTracer.js" },
    // An arrow helper, receiving the span as its second parameter.
    dedent`
      const tracer = getTracer();
      const traced = async <T>(work: () => Promise<T>, span: Span) => {
        try {
          const result = await work();
          span.end();
          return result;
        } catch (error) {
          span.recordException(error as Error);
          span.end();
          throw error;
        }
      };
      tracer.startActiveSpan("charge", async (span) => {
        span.setAttribute("amount", amount);
        return await traced(charge, span);
      });
    `,
    // A function declaration, reached through another one (two hops).
    dedent`
      const tracer = getTracer();
      tracer.startActiveSpan("charge", (span) => step(span));
      function step(span: Span) {
        return endWhenDone(span);
      }
      function endWhenDone(span: Span) {
        try {
          return charge();
        } finally {
          span.end();
        }
      }
    `,
    // A decorated method whose body is already in our try/catch.
    dedent`
      ${TRACELOOP}
      function endSpanWithError(error: unknown): unknown { return error; }
      class Job {
        @traceloop.workflow({ name: "w" })
        async run() {
          try {
            await work();
          } catch (error) {
            throw endSpanWithError(error);
          }
        }
      }
    `,
    // A local function named like the SDK's is not the SDK.
    dedent`
      function withTask(config: unknown, fn: () => void) { fn(); }
      withTask({ name: "t" }, () => work());
    `,
    // Nothing traced.
    "work().then(() => done());",
  ],
  invalid: [
    // Before its end() the callback calls a function of another module: it may throw, and the span stays open.
    unhandledSpan(
      dedent`
        tracer.startActiveSpan("s", (span) => {
          logger.info("auditing");
          audit(span);
          span.end();
        });
      `,
      2,
      '(span) => {\n  logger.info("auditing");\n  audit(span);\n  span.end();\n}',
      'import { audit, logger } from "./audit";',
    ),
    // A same-file helper that throws.
    unhandledSpan(
      dedent`
        function check(id: string) {
          if (!id) throw new Error("no id");
        }
        tracer.startActiveSpan("s", (span) => {
          check(input);
          span.end();
        });
      `,
      4,
      "(span) => {\n  check(input);\n  span.end();\n}",
    ),
    // JSON.parse throws on bad input, also inside a log call's arguments.
    unhandledSpan(
      dedent`
        tracer.startActiveSpan("s", (span) => {
          logger.info({ body: JSON.parse(raw) }, "received");
          span.end();
        });
      `,
      1,
      '(span) => {\n  logger.info({ body: JSON.parse(raw) }, "received");\n  span.end();\n}',
    ),
    // An awaited promise may reject before the end.
    unhandledSpan(
      dedent`
        tracer.startActiveSpan("s", async (span) => {
          logger.info("waiting");
          await ready;
          span.end();
        });
      `,
      1,
      'async (span) => {\n  logger.info("waiting");\n  await ready;\n  span.end();\n}',
    ),
    // Five same-file calls deep is past the bound: what cannot be read may throw.
    unhandledSpan(
      dedent`
        function one() { two(); }
        function two() { three(); }
        function three() { four(); }
        function four() { five(); }
        function five() { logger.debug("deep"); }
        tracer.startActiveSpan("s", (span) => {
          one();
          span.end();
        });
      `,
      6,
      "(span) => {\n  one();\n  span.end();\n}",
    ),
    // Inkeep's shape, one link broken at a time (SESSION_MANAGER):
    // the session is read without a guard: \`undefined.record()\` throws;
    sessionCase('    if (!session) {\n      logger.warn({ id }, "no session");\n      return;\n    }\n', ""),
    // the guard logs and goes on, so the session may still be missing;
    sessionCase('      logger.warn({ id }, "no session");\n      return;', '      logger.warn({ id }, "no session");'),
    // the Map also holds what another function made;
    sessionCase("this.sessions.set(id, session);", "this.sessions.set(id, session);\n    this.sessions.set(\"default\", load());"),
    // the Map leaves its class, so anything may be put in it;
    sessionCase("  create(id: string) {", "  all() {\n    return this.sessions;\n  }\n  create(id: string) {"),
    // forEach hands the Map itself to its callback, which may put anything in it;
    sessionCase("  create(id: string) {", "  each() {\n    this.sessions.forEach((session, id, all) => all.set(id, load()));\n  }\n  create(id: string) {"),
    // the \`var\` is assigned again, so it may hold another object;
    sessionCase("var manager = new Manager();", "var manager = new Manager();\nmanager = load();"),
    // a session replaces its own method on the instance;
    sessionCase("  emit = false;", "  emit = false;\n  constructor() {\n    this.record = load();\n  }"),
    // a timer given something that is not a function throws at once (ERR_INVALID_ARG_TYPE);
    sessionCase("this.schedule();", "setTimeout(load(), 0);"),
    // the Set field is used without the first-use guard before it: it may still be undefined;
    sessionCase("    if (!this.timeouts) {\n      this.timeouts = new Set();\n    }\n", ""),
    // the async send's promise is kept rather than left: judged by its body, whose await may reject.
    sessionCase("      this.send(event);", "      const sent = this.send(event);\n      this.events.push(sent);"),
    // A method named like a log level whose value is used is not taken for a log call.
    unhandledSpan(
      dedent`
        tracer.startActiveSpan("s", (span) => {
          const failure = validator.error(input);
          span.setAttribute("failed", !!failure);
          span.end();
        });
      `,
      1,
      '(span) => {\n  const failure = validator.error(input);\n  span.setAttribute("failed", !!failure);\n  span.end();\n}',
    ),
    // A field made a Map only by a method that may not have run yet may still be undefined.
    unhandledSpan(
      dedent`
        class Cache {
          entries: Map<string, string> | undefined;
          init() {
            this.entries = new Map();
          }
          has(key: string) {
            return this.entries.has(key);
          }
        }
        const cache = new Cache();
        tracer.startActiveSpan("s", (span) => {
          cache.has(key);
          span.end();
        });
      `,
      11,
      "(span) => {\n  cache.has(key);\n  span.end();\n}",
    ),
    // A log-named method given a function is not a log call: dd-trace's \`tracer.trace(name, fn)\` runs fn.
    unhandledSpan(
      dedent`
        tracer.startActiveSpan("s", (span) => {
          ddTracer.trace("inner", () => work());
          span.end();
        });
      `,
      1,
      '(span) => {\n  ddTracer.trace("inner", () => work());\n  span.end();\n}',
    ),
    // A field that is not only ever a Map: its get() may be anything.
    unhandledSpan(
      dedent`
        class Cache {
          entries = new Map<string, string>();
          load() {
            this.entries = loadEntries();
          }
          lookup(key: string) {
            return this.entries.get(key);
          }
        }
        const cache = new Cache();
        tracer.startActiveSpan("s", (span) => {
          cache.lookup(key);
          span.end();
        });
      `,
      11,
      "(span) => {\n  cache.lookup(key);\n  span.end();\n}",
    ),
    // A startActiveSpan callback that catches every error still owns its span: here the span is ended on success only.
    unhandledSpan(
      dedent`
        tracer.startActiveSpan("s", (span) => {
          try {
            work();
            span.end();
          } catch (error) {
            console.error(error);
          }
        });
      `,
      1,
      `(span) => {
  try {
    work();
    span.end();
  } catch (error) {
    console.error(error);
  }
}`,
    ),
    // Handing the work to the caller's function does not hand over a span the callback ends itself, on success only.
    (() => {
      const body = dedent`
        const tracer = getTracer();
        export function traced<T>(fn: () => T): T {
          return tracer.startActiveSpan("s", (span) => {
            const result = fn();
            span.end();
            return result;
          });
        }
      `;
      const callback = "(span) => {\n    const result = fn();\n    span.end();\n    return result;\n  }";
      return {
        code: body,
        errors: [
          {
            messageId: "spanNotEndedOnError" as const,
            data: { scope: "Span 's'", why: OTEL_WHY },
            line: 3,
            column: 10,
            endLine: 3,
            endColumn: 32,
            suggestions: wrap(withHelpers(OTEL_IMPORT, body.replace(callback, `recordSpanErrors(${callback})`))),
          },
        ],
      };
    })(),
    // A callback that never uses its span (LangSmith's OpenTelemetry bridge has this shape) leaves it open on
    // every path: that is what the message says, and wrapping would only end it on errors, so no suggestion.
    ...[
      `trace.getTracer("x").startActiveSpan("bridge", () => run());`,
      `trace.getTracer("x").startActiveSpan("bridge", async (span) => {\n  await run();\n});`,
      `Sentry.startSpanManual({ name: "bridge" }, (span) => run());`,
      // reading from the active span (LangSmith reads its span id) does not end it
      `trace.getTracer("x").startActiveSpan("bridge", () => run(trace.getActiveSpan()?.spanContext().spanId));`,
    ].map((body) => {
      const code = `import { trace } from "@opentelemetry/api";\nimport * as Sentry from "@sentry/node";\n${body}`;
      const callee = body.startsWith("Sentry") ? "Sentry.startSpanManual" : `trace.getTracer("x").startActiveSpan`;
      return {
        code,
        errors: [
          {
            messageId: "spanNeverEnded" as const,
            data: { scope: "Span 'bridge'" },
            line: 3,
            column: 1,
            endLine: 3,
            endColumn: 1 + callee.length,
            suggestions: [],
          },
        ],
      };
    }),
    {
      // The incident's shape: a Traceloop task whose callback can fail.
      code: dedent`
        ${TRACELOOP}
        export const run = () => traceloop.withTask({ name: "bedrock_completion" }, async () => invoke());
      `,
      errors: [
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "Task 'bedrock_completion'", why: TRACELOOP_WHY },
          line: 2,
          column: 26,
          endLine: 2,
          endColumn: 44,
          suggestions: wrap(
            withHelpers(`${TRACELOOP}\n${OTEL_IMPORT}`, 'export const run = () => traceloop.withTask({ name: "bedrock_completion" }, recordSpanErrors(async () => invoke()));'),
          ),
        },
      ],
    },
    {
      // Nested scopes: each one is reported on its own callee, outer first.
      code: dedent`
        import { withTask, withWorkflow } from "@traceloop/node-server-sdk";
        export const run = () =>
          withWorkflow({ name: "rag" }, async () => {
            await withTask({ name: "retrieve" }, async () => search());
          });
      `,
      errors: [
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "Workflow 'rag'", why: TRACELOOP_WHY },
          line: 3,
          column: 3,
          endLine: 3,
          endColumn: 15,
          suggestions: wrap(
            withHelpers(
              `import { withTask, withWorkflow } from "@traceloop/node-server-sdk";\n${OTEL_IMPORT}`,
              dedent`
                export const run = () =>
                  withWorkflow({ name: "rag" }, recordSpanErrors(async () => {
                    await withTask({ name: "retrieve" }, async () => search());
                  }));
              `,
            ),
          ),
        },
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "Task 'retrieve'", why: TRACELOOP_WHY },
          line: 4,
          column: 11,
          endLine: 4,
          endColumn: 19,
          suggestions: wrap(
            withHelpers(
              `import { withTask, withWorkflow } from "@traceloop/node-server-sdk";\n${OTEL_IMPORT}`,
              dedent`
                export const run = () =>
                  withWorkflow({ name: "rag" }, async () => {
                    await withTask({ name: "retrieve" }, recordSpanErrors(async () => search()));
                  });
              `,
            ),
          ),
        },
      ],
    },
    {
      // startActiveSpan: the callback ends the span on the happy path only.
      code: dedent`
        import { trace } from "@opentelemetry/api";
        const tracer = trace.getTracer("billing");
        tracer.startActiveSpan("charge", async (span) => {
          await charge();
          span.end();
        });
      `,
      errors: [
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "Span 'charge'", why: OTEL_WHY },
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 23,
          suggestions: wrap(
            withHelpers(
              'import { trace, SpanStatusCode } from "@opentelemetry/api";',
              dedent`
                const tracer = trace.getTracer("billing");
                tracer.startActiveSpan("charge", recordSpanErrors(async (span) => {
                  await charge();
                  span.end();
                }));
              `,
            ),
          ),
        },
      ],
    },
    // The callback returns its span, but ends it first on the success path: it owns it, and a throw leaves it open.
    unhandledSpan(
      dedent`
        const tracer = getTracer();
        tracer.startActiveSpan("s", (span) => {
          work();
          span.end();
          return span;
        });
      `,
      2,
      "(span) => {\n  work();\n  span.end();\n  return span;\n}",
    ),
    // The span goes to an imported function: it may record the error without ending the span (Inkeep's
    // setSpanWithError, labelled true in bench/accuracy), so a function of another module does not take it over.
    unhandledSpan(
      dedent`
        const tracer = getTracer();
        tracer.startActiveSpan("s", (span) => handleFn(span, work));
      `,
      3,
      "(span) => handleFn(span, work)",
      'import { handleFn } from "./handle";',
    ),
    // The span goes to a same-file helper that ends it on success only: the hole is still there.
    unhandledSpan(
      dedent`
        const tracer = getTracer();
        function finish(span: Span) {
          work();
          span.end();
        }
        tracer.startActiveSpan("s", (span) => finish(span));
      `,
      6,
      "(span) => finish(span)",
    ),
    // The callback ignores its span parameter but a same-file function it calls ends the active span on
    // success: ended on the success path only, not "never ended".
    unhandledSpan(
      dedent`
        const tracer = getTracer();
        function finishActive<T>(result: T): T {
          getApi().trace.getActiveSpan()?.end();
          return result;
        }
        tracer.startActiveSpan("s", () => finishActive(work()));
      `,
      6,
      "() => finishActive(work())",
    ),
    // The helper's finally ends something, but the span is not handed to it.
    unhandledSpan(
      dedent`
        const tracer = getTracer();
        function guarded(fn: () => void, stream: Writable) {
          try {
            fn();
          } finally {
            stream.end();
          }
        }
        tracer.startActiveSpan("s", (span) => {
          guarded(work, output);
          span.end();
        });
      `,
      9,
      "(span) => {\n  guarded(work, output);\n  span.end();\n}",
    ),
    // Helpers that hand the span to each other in a cycle: followed a few hops, then reported.
    unhandledSpan(
      dedent`
        const tracer = getTracer();
        function ping(span: Span): unknown {
          return pong(span);
        }
        function pong(span: Span): unknown {
          return ping(span);
        }
        tracer.startActiveSpan("s", (span) => ping(span));
      `,
      8,
      "(span) => ping(span)",
    ),
    {
      // A callback passed by name is wrapped where it is passed.
      code: dedent`
        ${TRACELOOP}
        const step = async () => work();
        traceloop.withTool({ name: "search" }, step);
      `,
      errors: [
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "Tool 'search'", why: TRACELOOP_WHY },
          line: 3,
          column: 1,
          endLine: 3,
          endColumn: 19,
          suggestions: wrap(withHelpers(`${TRACELOOP}\n${OTEL_IMPORT}`, 'const step = async () => work();\ntraceloop.withTool({ name: "search" }, recordSpanErrors(step));')),
        },
      ],
    },
    {
      // A decorated method: the body goes into a try whose catch records and rethrows; the decorator is underlined.
      // In an async method a returned promise is awaited there, or its rejection would leave the try unseen.
      code: dedent`
        ${TRACELOOP}
        export class Pipeline {
          @traceloop.agent({ name: "planner" })
          async plan(goal: string) {
            return think(goal);
          }
        }
      `,
      errors: [
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "Agent 'planner'", why: TRACELOOP_WHY },
          line: 3,
          column: 3,
          endLine: 3,
          endColumn: 40,
          suggestions: wrap(
            withHelpers(
              `${TRACELOOP}\n${OTEL_IMPORT}`,
              dedent`
                export class Pipeline {
                  @traceloop.agent({ name: "planner" })
                  async plan(goal: string) {
                    try {
                      return await think(goal);
                    } catch (error) {
                      throw endSpanWithError(error);
                    }
                  }
                }
              `,
            ),
          ),
        },
      ],
    },
    {
      // CommonJS in a .js file: the helpers have no types and the import is a require.
      code: dedent`
        const traceloop = require("@traceloop/node-server-sdk");
        exports.run = () => traceloop.withAgent({ name: "a" }, () => act());
      `,
      filename: "agent.js",
      errors: [
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "Agent 'a'", why: TRACELOOP_WHY },
          line: 2,
          column: 21,
          endLine: 2,
          endColumn: 40,
          suggestions: wrap(
            withHelpers(
              'const traceloop = require("@traceloop/node-server-sdk");\nconst { SpanStatusCode, trace } = require("@opentelemetry/api");',
              'exports.run = () => traceloop.withAgent({ name: "a" }, recordSpanErrors(() => act()));',
              SPAN_HELPERS_JS,
            ),
          ),
        },
      ],
    },
    {
      // An unnamed conversation: the message says so.
      code: dedent`
        ${TRACELOOP}
        traceloop.withConversation(id, async () => reply());
      `,
      errors: [
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "A conversation", why: TRACELOOP_WHY },
          line: 2,
          column: 1,
          endLine: 2,
          endColumn: 27,
          suggestions: wrap(withHelpers(`${TRACELOOP}\n${OTEL_IMPORT}`, "traceloop.withConversation(id, recordSpanErrors(async () => reply()));")),
        },
      ],
    },
  ],
});

/**
 * The same code judged by the SDK release installed next to it: each case is linted as `file.ts` of a fixture
 * project (tests/rules/fixtures/versions/<project>/) whose node_modules holds a fake package.json of the SDK.
 */
const inProject = (project: string) => path.join(__dirname, "fixtures/versions", project, "file.ts");
const OPENINFERENCE = 'import { traceChain } from "@arizeai/openinference-core";';
/** A synchronous callback that can throw (bad JSON): OpenInference before 2.0.7 leaves its span open then. */
const SYNC_CHAIN = 'export const parse = traceChain((text) => JSON.parse(text), { name: "parse" });';
const OPENINFERENCE_SYNC_WHY = "ends its span when the callback's promise rejects but not when the callback throws";
const TASK = 'export const run = () => traceloop.withTask({ name: "t" }, async () => invoke());';

/** The one finding on line 2, `callee` underlined from `column`, whose suggestion writes `wrapped` after the imports. */
function lineTwoError(scope: string, why: string, column: number, callee: string, imports: string, wrapped: string) {
  return {
    messageId: "spanNotEndedOnError" as const,
    data: { scope, why },
    line: 2,
    column,
    endLine: 2,
    endColumn: column + callee.length,
    suggestions: wrap(withHelpers(`${imports}\n${OTEL_IMPORT}`, wrapped)),
  };
}
const syncChainError = (why: string) =>
  lineTwoError("Chain 'parse'", why, 22, "traceChain", OPENINFERENCE, 'export const parse = traceChain(recordSpanErrors((text) => JSON.parse(text)), { name: "parse" });');
const taskError = (why: string) =>
  lineTwoError("Task 't'", why, 26, "traceloop.withTask", TRACELOOP, 'export const run = () => traceloop.withTask({ name: "t" }, recordSpanErrors(async () => invoke()));');

ruleTester.run("require-span-error-recording, by installed SDK version", testedRule, {
  valid: [
    // 2.0.7 and later (2.7.1 is this repository's own devDependency) record a synchronous throw too.
    { code: `${OPENINFERENCE}\n${SYNC_CHAIN}`, filename: inProject("openinference-2.0.7") },
    `${OPENINFERENCE}\n${SYNC_CHAIN}`,
    // Before 2.0.7, an async callback is fine: its throw is a rejection, which withSpan recorded already.
    { code: `${OPENINFERENCE}\nexport const load = traceChain(async (url) => fetch(url), { name: "load" });`, filename: inProject("openinference-2.0.6") },
    // Sentry before 7.69 has no startSpanManual: the call throws and the callback never runs, so no span is left open.
    // (With this repository's 10.x the same line is reported: see "never uses its span" above.)
    { code: 'import * as Sentry from "@sentry/node";\nSentry.startSpanManual({ name: "bridge" }, (span) => run());', filename: inProject("sentry-7.68.0") },
    // Sentry 7.x's startActiveSpan records and ends (7.68.0 here); 8.0.0 and later (10.x, this repository's) do not export
    // it, so the callback never runs. Either way it is not OpenTelemetry's tracer.startActiveSpan, whose callback owns the span.
    { code: 'import * as Sentry from "@sentry/node";\nSentry.startActiveSpan({ name: "s" }, () => work());', filename: inProject("sentry-7.68.0") },
    'import * as Sentry from "@sentry/node";\nSentry.startActiveSpan({ name: "s" }, () => work());',
    // A version pinned in settings wins over the installed one.
    { code: `${OPENINFERENCE}\n${SYNC_CHAIN}`, filename: inProject("openinference-2.0.6"), settings: { "traced-exit": { versions: { "@arizeai/openinference-core": "2.0.7" } } } },
  ],
  invalid: [
    { code: `${OPENINFERENCE}\n${SYNC_CHAIN}`, filename: inProject("openinference-2.0.6"), errors: [syncChainError(`${OPENINFERENCE_SYNC_WHY} (OpenInference 2.0.6, installed)`)] },
    {
      code: `${OPENINFERENCE}\n${SYNC_CHAIN}`,
      settings: { "traced-exit": { versions: { "@arizeai/openinference-core": "2.0.6" } } },
      errors: [syncChainError(`${OPENINFERENCE_SYNC_WHY} (OpenInference 2.0.6, from settings)`)],
    },
    {
      // The SDK names this span after the function (`fn.name`): wrapping it would rename the span, so no suggestion.
      code: `${OPENINFERENCE}\nfunction parse(text) {\n  return JSON.parse(text);\n}\nexport const traced = traceChain(parse);`,
      filename: inProject("openinference-2.0.6"),
      errors: [{ messageId: "spanNotEndedOnError", data: { scope: "Chain 'parse'", why: `${OPENINFERENCE_SYNC_WHY} (OpenInference 2.0.6, installed)` }, line: 5, column: 23, endColumn: 33, suggestions: [] }],
    },
    // A package.json without a version: the conservative assumption, said in the message.
    { code: `${TRACELOOP}\n${TASK}`, filename: inProject("traceloop-no-version"), errors: [taskError(`${TRACELOOP_WHY.replace(/ \(.*/u, "")} (Traceloop version not found; assuming the behaviour of <=0.27.0)`)] },
    // Newer than any release whose source was read: judged by the newest one that was, and the message says so.
    {
      code: `${TRACELOOP}\n${TASK}`,
      filename: inProject("traceloop-0.28.0"),
      errors: [taskError(`${TRACELOOP_WHY.replace(/ \(.*/u, "")} (Traceloop 0.28.0, installed; newer than 0.27.0, the latest checked: assuming the behaviour of <=0.27.0)`)],
    },
    { code: `${TRACELOOP}\n${TASK}`, errors: [taskError(TRACELOOP_WHY)] },
  ],
});

describe("require-span-error-recording: the codemod", () => {
  const engine = createEngine({ transforms: ["record-span-errors"] });

  it("wraps every non-recording scope once, and a second run changes nothing", () => {
    const source = `${TRACELOOP}\ntraceloop.withWorkflow({ name: "w" }, async () => {\n  await traceloop.withTask({ name: "a" }, async () => a());\n  await traceloop.withTask({ name: "b" }, async () => b());\n});\n`;
    const result = engine.transform(source, "w.ts");
    expect(result.output).toBe(
      withHelpers(
        `${TRACELOOP}\n${OTEL_IMPORT}`,
        'traceloop.withWorkflow({ name: "w" }, recordSpanErrors(async () => {\n  await traceloop.withTask({ name: "a" }, recordSpanErrors(async () => a()));\n  await traceloop.withTask({ name: "b" }, recordSpanErrors(async () => b()));\n}));\n',
      ),
    );
    expect(result.output?.match(/function recordSpanErrors/gu)).toHaveLength(1);
    expect(engine.transform(result.output as string, "w.ts").output).toBeUndefined();
  });

  it("leaves scopes whose SDK records errors untouched", () => {
    expect(engine.transform('import * as Sentry from "@sentry/node";\nSentry.startSpan({ name: "s" }, () => work());\n', "s.ts").output).toBeUndefined();
  });
});

