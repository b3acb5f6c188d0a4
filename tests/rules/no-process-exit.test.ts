/**
 * traced-exit/no-process-exit: every process-ending call reached from a traced scope is reported,
 * with the scope chain in the message and suggestions (never autofix) whose outputs are asserted in full.
 */
import * as path from "node:path";
import dedent from "dedent";
import { PACKAGE_VERSION } from "../../src/meta";
import { Linter } from "eslint";
import { RuleTester } from "@typescript-eslint/rule-tester";
import * as tsParser from "@typescript-eslint/parser";
import globals from "globals";
import { describe, expect, it } from "vitest";
import rule from "../../src/rules/no-process-exit";
import type { MessageId } from "../../src/rules/no-process-exit";
import { createRuleTester } from "./rule-tester";
import { OTEL_IMPORT, RECORD_HELPER, SPAN_HELPERS, SPAN_HELPERS_JS, withHelpers } from "./span-helpers";

/** The throw suggestion. `recording`: it also wraps a scope callback so the span records the error and ends. */
function throwing(code: string, output: string, recording = true) {
  return { messageId: "throwInstead" as const, data: { code, recording: recording ? ", recorded on the span" : "" }, output };
}

/** The return suggestion, offered for a successful exit written directly in the scope callback. */
function returning(kind: string, output: string) {
  return { messageId: "returnInstead" as const, data: { kind }, output };
}

/**
 * Issue 14 (new-user report 1a, 1c): an entry whose error handler only logs or sets a constant exit code would
 * swallow the code of the error that replaces `process.exit(2)`. Each: the entry, and the entry as the throw's
 * suggestion rewrites it, with the `main()` below.
 */
const ENTRY_GUARDS: [entry: string, fixed: string][] = [
  // An expression-bodied handler keeps returning its value (the chain passes it on or waits for it), and an
  // object literal keeps the parentheses it needs (review of the merged change).
  [
    "main().catch((err) => ({ ok: false, err })).then((result) => console.log(result));",
    dedent`
      main().catch((err) => {
        if (err?.exitCode !== undefined) {
          process.exitCode = err?.exitCode;
        } else {
          return ({ ok: false, err });
        }
      }).then((result) => console.log(result));
    `,
  ],
  [
    "main().catch((err) => report(err)).finally(() => Sentry.flush());\nfunction report(e: unknown) { console.error(e); }",
    dedent`
      main().catch((err) => {
        if (err?.exitCode !== undefined) {
          process.exitCode = err?.exitCode;
        } else {
          return report(err);
        }
      }).finally(() => Sentry.flush());
      function report(e: unknown) { console.error(e); }
    `,
  ],
  // The chain's own .catch sees the rejection before the top-level try's catch: it is the one guarded.
  [
    "try {\n  await main().catch(console.error);\n} catch (e) {\n  console.error(e);\n}",
    dedent`
      try {
        await main().catch((error) => {
          if (error?.exitCode !== undefined) {
            process.exitCode = error?.exitCode;
          } else {
            console.error(error);
          }
        });
      } catch (e) {
        console.error(e);
      }
    `,
  ],
  // Issue 14, report 1a: a `.catch` handler that logs and sets a constant exit code would turn exit 2 into 1: the
  // guard sets the error's code and skips the handler; the `.finally` flush is not in it and still runs.
  [
    dedent`
      main()
        .catch((err) => {
          console.error("failed:", err);
          process.exitCode = 1;
        })
        .finally(() => Sentry.flush());
    `,
    dedent`
      main()
        .catch((err) => {
          if (err?.exitCode !== undefined) {
            process.exitCode = err?.exitCode;
          } else {
            console.error("failed:", err);
            process.exitCode = 1;
          }
        })
        .finally(() => Sentry.flush());
    `,
  ],
  // A handler that flushes keeps its flush after the guard, run on both branches.
  [
    dedent`
      main().catch(async (error: unknown) => {
        console.log("failed");
        process.exitCode = 3;
        await Sentry.flush();
      });
    `,
    dedent`
      main().catch(async (error: unknown) => {
        if ((error as { exitCode?: number })?.exitCode !== undefined) {
          process.exitCode = (error as { exitCode?: number })?.exitCode;
        } else {
          console.log("failed");
          process.exitCode = 3;
        }
        await Sentry.flush();
      });
    `,
  ],
  // Issue 14, report 1c: `.catch(console.error)` gets the guard with the throw itself, so `-t exit-to-throw` alone keeps the code.
  [
    dedent`
      main().catch(console.error);
    `,
    dedent`
      main().catch((error) => {
        if (error?.exitCode !== undefined) {
          process.exitCode = error?.exitCode;
        } else {
          console.error(error);
        }
      });
    `,
  ],
  // A reference to a function of this file that only logs: called as the promise called it, its result returned.
  [
    dedent`
      function report(error: unknown) {
        console.error("failed", error);
      }

      main().catch(report);
    `,
    dedent`
      function report(error: unknown) {
        console.error("failed", error);
      }

      main().catch((error) => {
        if (error?.exitCode !== undefined) {
          process.exitCode = error?.exitCode;
        } else {
          return report(error);
        }
      });
    `,
  ],
  // A top-level catch that logs (and here sets a constant exit code) would swallow the error's code: an error carrying
  // one sets it and skips the handler, which the original never ran; other errors are handled as before.
  [
    dedent`
      try {
        await main();
      } catch (error) {
        console.error(error);
        process.exitCode = 1;
      }
    `,
    dedent`
      try {
        await main();
      } catch (error) {
        if ((error as { exitCode?: number })?.exitCode !== undefined) {
          process.exitCode = (error as { exitCode?: number })?.exitCode;
        } else {
          console.error(error);
          process.exitCode = 1;
        }
      }
    `,
  ],
  // A handler that takes the code from the error (a guard, or the flush codemod's handler) keeps it: left alone, no second guard.
  [
    dedent`
      main().catch((error) => {
        console.error(error);
        process.exitCode = error?.exitCode ?? 1;
      });
    `,
    dedent`
      main().catch((error) => {
        console.error(error);
        process.exitCode = error?.exitCode ?? 1;
      });
    `,
  ],
  // A reference to a same-file function that flushes: a guard would skip its flush, so the handler is left as it is.
  [
    dedent`
      async function stop(error: unknown) {
        console.error(error);
        await Sentry.flush();
      }

      main().catch(stop);
    `,
    dedent`
      async function stop(error: unknown) {
        console.error(error);
        await Sentry.flush();
      }

      main().catch(stop);
    `,
  ],
];

/** `main()` whose Sentry span exits 2, then `entry`; the throw's suggestion rewrites the exit and the entry into `fixed`. */
function entryGuardCase([entry, fixed]: [string, string]) {
  const program = (exit: string, tail: string) =>
    `import * as Sentry from "@sentry/node";\n\nasync function main() {\n  await Sentry.startSpan({ name: "s" }, async () => {\n    ${exit}\n  });\n}\n\n${tail}`;
  const thrown = `throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });`;
  return {
    code: program("process.exit(2);", entry),
    errors: [{ messageId: "exitInScope" as const, data: { exit: "process.exit()", where: "span 's'", lost: "that span" }, suggestions: [throwing("2", program(thrown, fixed), false)] }],
  };
}

/** A dd-trace scope in a function that returns a value, for the cases on where its throw surfaces. */
const DD_PLAN = dedent`
  import tracer from "dd-trace";

  tracer.init();

  function plan(items: string[]): number {
    return tracer.trace("plan", () => {
      if (items.length === 0) process.exit(0);
      return items.length;
    });
  }
`;
const DD_PLAN_TRY = dedent`
  try {
    console.log("planned", plan([]));
  } catch (error) {
    process.exitCode = 2;
  }
`;

/**
 * The report at a call, in a scope, of a same-file function that exits (at `exitLine`): the call loses the scope's
 * spans as a call of another file's function does; the rewrite stays with the exit's own report.
 */
const calledExit = (callee: string, exitLine: number, where: string, line: number, column: number, via = "", width = callee.length, lost = "that span") => ({
  messageId: "exitInCalledFunction" as const,
  data: { callee, exit: "process.exit()", line: exitLine, via, where, lost },
  line,
  column,
  endLine: line,
  endColumn: column + width,
  suggestions: [],
});
/** A Traceloop workflow with two exits, called by a same-file loop whose catch logs and goes on (issue 14, report 1b). */
const CALLER_LOOP = dedent`
  import * as traceloop from "@traceloop/node-server-sdk";

  async function handleOne(item: string): Promise<string> {
    return traceloop.withWorkflow({ name: "handle_item" }, async () => {
      if (!item) process.exit(0);
      if (item === "boom") {
        process.exit(3);
      }
      return item;
    });
  }

  async function main() {
    for (const item of ["a", "", "boom"]) {
      try {
        console.log(await handleOne(item));
      } catch (error) {
        console.log("skipping", item, error);
      }
    }
    await traceloop.forceFlush();
  }
`;

/** A Sentry span that exits 3, called by `main()` in a try whose catch prints to standard error and rethrows. */
const SENTRY_RETHROW = dedent`
  import * as Sentry from "@sentry/node";

  async function handleOne(item: string) {
    return Sentry.startSpan({ name: "s" }, async () => {
      if (!item) process.exit(3);
      return item;
    });
  }

  async function main() {
    try {
      console.log(await handleOne(""));
    } catch (error) {
      console.error("failed");
      throw error;
    }
  }
`;

const ruleTester = createRuleTester();
// @typescript-eslint/rule-tester 8.72 resolves its own @typescript-eslint/utils, whose classes have private fields,
// so the rule built with utils 8.73 does not type-check against it although it is the same shape at run time.
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];

/**
 * Sentry 7.65–7.68's `startSpan(context)` took no callback (the callback form was `startActiveSpan`): the
 * function given to it never runs, so an exit written there is not inside a span. From 7.69 it is. Each case
 * is linted in a fixture project whose node_modules holds that @sentry/node (tests/rules/fixtures/versions/).
 */
const SENTRY_EXIT = 'import * as Sentry from "@sentry/node";\n\nSentry.startSpan({ name: "s" }, () => {\n  process.exit(1);\n});';
const sentryProject = (version: string) => path.join(__dirname, "fixtures/versions", `sentry-${version}`, "file.ts");

/**
 * OpenInference before 2.0.7 records a rejection but not a synchronous throw: the throw that replaces an exit in a
 * synchronous callback is wrapped so the span is recorded and ended; from 2.0.7 (this repository's 2.7.1) the throw
 * alone is enough.
 */
const OPENINFERENCE_IMPORT = 'import { traceChain } from "@arizeai/openinference-core";';
const CHAIN_EXIT = 'export const parse = traceChain((text) => {\n  if (!text) process.exit(1);\n  return JSON.parse(text);\n}, { name: "parse" });';
const CHAIN_THROW = CHAIN_EXIT.replace("process.exit(1);", `throw Object.assign(new Error("process.exit() in chain 'parse'"), { exitCode: 1 });`);
const chainExitError = (suggestion: ReturnType<typeof throwing>) => ({
  messageId: "exitInScope" as const,
  data: { exit: "process.exit()", where: "chain 'parse'", lost: "that span" },
  line: 3,
  column: 14,
  endLine: 3,
  endColumn: 29,
  suggestions: [suggestion],
});
const OPENINFERENCE_VERSION_INVALID = [
  {
    code: `${OPENINFERENCE_IMPORT}\n${CHAIN_EXIT}`,
    filename: path.join(__dirname, "fixtures/versions/openinference-2.0.6/file.ts"),
    errors: [chainExitError(throwing("1", withHelpers(`${OPENINFERENCE_IMPORT}\n${OTEL_IMPORT}`, CHAIN_THROW.replace("traceChain((text) => {", "traceChain(recordSpanErrors((text) => {").replace("}, { name", "}), { name"))))],
  },
  { code: `${OPENINFERENCE_IMPORT}\n${CHAIN_EXIT}`, errors: [chainExitError(throwing("1", `${OPENINFERENCE_IMPORT}\n${CHAIN_THROW}`, false))] },
];

/** Sentry 7.65–7.x's `startActiveSpan` records and ends like `startSpan`; 8.0.0 and later (10.x here) do not export it. */
const SENTRY_ACTIVE_EXIT = SENTRY_EXIT.replace("startSpan", "startActiveSpan");
const SENTRY_VERSION_VALID = [
  { code: SENTRY_EXIT, filename: sentryProject("7.68.0") },
  { code: SENTRY_EXIT, settings: { "traced-exit": { versions: { "@sentry/node": "7.68.0" } } } },
  // Not OpenTelemetry's `tracer.startActiveSpan` either: with 10.x the call throws and the callback never runs.
  SENTRY_ACTIVE_EXIT,
];
/** The one finding of SENTRY_EXIT or SENTRY_ACTIVE_EXIT where the callback runs in a span that records: the throw alone. */
const sentryExitInSpan = (code: string, version: string) => ({
  code,
  filename: sentryProject(version),
  errors: [
    {
      messageId: "exitInScope" as const,
      data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
      line: 4,
      column: 3,
      endLine: 4,
      endColumn: 18,
      suggestions: [throwing("1", code.replace("process.exit(1);", `throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 1 });`), false)],
    },
  ],
});
const SENTRY_VERSION_INVALID = [sentryExitInSpan(SENTRY_ACTIVE_EXIT, "7.68.0"), sentryExitInSpan(SENTRY_EXIT, "7.69.0")];


/**
 * An un-awaited top-level async Sentry scope is the program's entry, and Sentry's Node SDK captures its rejection
 * (the program would end with 0): the throw's suggestion also makes the entry keep the exit code, rethrowing so
 * Sentry still captures it (src/fixes/entry-exit-code.ts).
 */
const sentryEntryGuarded = (text: string) => text.replace(/\n\}\);$/u, "\n}).catch((error) => {\n  process.exitCode = error?.exitCode ?? 1;\n  throw error;\n});");
ruleTester.run("no-process-exit", testedRule, {
  valid: [
    ...SENTRY_VERSION_VALID,
    // The program's own set-up switches tracing off (issue 13: "tracingEnabled: false: nothing is traced"): the
    // workflow's span is non-recording, so the exit loses nothing (tests/e2e/runtime-classes.test.ts, "exit inside
    // a workflow, tracing switched off by the program's own set-up").
    dedent`
      import * as traceloop from "@traceloop/node-server-sdk";

      traceloop.initialize({ appName: "jobs", tracingEnabled: false });

      await traceloop.withWorkflow({ name: "nightly" }, async () => {
        if (!process.env.TOKEN) process.exit(3);
      });
    `,
    // Outside any traced scope: the entry-point rules deal with these, not this one.
    dedent`
      import { withWorkflow } from "@traceloop/node-server-sdk";

      await withWorkflow({ name: "wf" }, async () => work());
      process.exit(0);
    `,
    "process.exit(1);",
    dedent`
      function fail(message: string): never {
        console.error(message);
        process.exit(1);
      }
    `,
    // Setting the exit code lets the event loop drain, so the batch processor still exports.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      withTask({ name: "t" }, () => {
        process.exitCode = 1;
      });
    `,
    // Killing another process does not end this one.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      withTask({ name: "t" }, () => {
        process.kill(child.pid, "SIGTERM");
      });
    `,
    // A signal this file listens to runs the listener, which decides how the process ends (issue 14, case 5:
    // a throw here would bypass it); require-flush-before-exit checks that the listener flushes.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      process.on("SIGTERM", () => shutdown());
      withTask({ name: "t" }, () => {
        process.kill(process.pid, "SIGTERM");
      });
      withTask({ name: "u" }, () => {
        process.kill(process.pid);
      });
    `,
    // Not every SIGTERM listener ends the process (one may return): a span ended when the signal arrives could be
    // ended again by its scope afterwards, so the kill is left to the listener, unreported.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      process.on("SIGTERM", () => {
        if (draining) return;
        process.exit(143);
      });
      withTask({ name: "t" }, async () => {
        process.kill(process.pid, "SIGTERM");
      });
    `,
    // A listener registered later than the entry, or by a function: it may not be there when the kill runs, and a
    // listener added to a signal nobody listens to would stop the signal's default end of the process.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      function listen() {
        process.on("SIGTERM", () => process.exit(143));
      }
      await withTask({ name: "t" }, async () => {
        process.kill(process.pid, "SIGTERM");
      });
      listen();
      process.on("SIGTERM", () => {
        process.exit(143);
      });
    `,
    // The rewrite below, linted again: its own listener does not end the process, so nothing is reported.
    withHelpers(
      dedent`
        import { withTask } from "@traceloop/node-server-sdk";
        ${OTEL_IMPORT}
      `,
      dedent`
        process.on("SIGTERM", () => {
          console.log("terminating");
          process.exit(143);
        });
        withTask({ name: "t" }, async () => {
          const tSpan = trace.getActiveSpan();
          const killError = Object.assign(new Error("process.kill() in task 't'"), { signal: "SIGTERM" });
          process.prependOnceListener("SIGTERM", () => {
            endSpanWithError(killError, tSpan);
          });
          process.kill(process.pid, "SIGTERM");
        });
      `,
    ),
    // Signal 0 only checks that the process exists.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      withTask({ name: "t" }, () => {
        process.kill(process.pid, 0);
      });
    `,
    // A listener for the exit event is not an exit.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      withTask({ name: "t" }, () => {
        process.on("exit", () => console.log("bye"));
      });
    `,
    // Reading process.exit without calling it ends nothing.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      withTask({ name: "t" }, () => {
        const original = process.exit;
        return original;
      });
    `,
    // A parameter named process shadows the global.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      export function run(process: { exit(code: number): void }) {
        return withTask({ name: "t" }, () => {
          process.exit(1);
        });
      }
    `,
    // A module-level local named process shadows the global.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      const process = { exit(code: number) { return code; } };
      withTask({ name: "t" }, () => {
        process.exit(1);
      });
    `,
    // `exit` destructured from something other than process.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      const { exit } = app;
      withTask({ name: "t" }, () => {
        exit(1);
      });
    `,
    // A module whose name merely contains "process".
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";
      import { exit } from "./process";

      withTask({ name: "t" }, () => {
        exit(1);
      });
    `,
    // An exit method of some other object.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      withTask({ name: "t" }, () => {
        app.exit(1);
        worker.kill(process.pid);
      });
    `,
    // A local function named like a Traceloop wrapper is not one.
    dedent`
      function withWorkflow(config: { name: string }, fn: () => void) {
        return fn();
      }

      withWorkflow({ name: "wf" }, () => {
        process.exit(1);
      });
    `,
    // A parameter named withTask shadows the import.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      export function run(withTask: (config: object, fn: () => void) => void) {
        withTask({ name: "t" }, () => {
          process.exit(1);
        });
      }
    `,
    // Same export name, different module.
    dedent`
      import { withTask } from "traceloop-lookalike";

      withTask({ name: "t" }, () => {
        process.exit(1);
      });
    `,
    // Only the Node SDKs are catalogued: @sentry/browser does not run in a Node process.
    dedent`
      import { startSpan } from "@sentry/browser";

      startSpan({ name: "s" }, () => {
        process.exit(1);
      });
    `,
    // context.with opens a span scope only when its context carries a span from trace.setSpan.
    dedent`
      import { context } from "@opentelemetry/api";

      context.with(context.active(), () => {
        process.exit(1);
      });
    `,
    // `trace` is a dd-trace method only on the dd-trace tracer.
    dedent`
      const tracer = createTracer();

      tracer.trace("op", () => {
        process.exit(1);
      });
    `,
    // The scope ends before the exit runs: the exit is after the awaited scope, not inside it.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      async function main() {
        const ok = await withTask({ name: "t" }, async () => check());
        if (!ok) process.exit(1);
      }
    `,
    // A helper that exits but is only called outside scopes.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      function bail(): never {
        process.exit(1);
      }

      withTask({ name: "t" }, () => "ok");
      if (!configured) bail();
    `,
    // Mutual recursion outside any scope: the search over callers terminates and finds nothing.
    dedent`
      function ping(n: number): number {
        if (n > 10) process.exit(1);
        return pong(n + 1);
      }

      function pong(n: number): number {
        return ping(n + 1);
      }

      ping(0);
    `,
    // The scope calls its own local `bail`, not the module-level one that exits.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      function bail() {
        process.exit(1);
      }

      withTask({ name: "t" }, () => {
        const bail = () => "handled";
        bail();
      });
    `,
    // helpers.bail() calls the bail of the object it names: another object's, or a parameter's, is not reached.
    dedent`
      import * as Sentry from "@sentry/node";

      const helpers = {
        bail() {
          process.exit(1);
        },
      };
      const other = { bail() {} };

      Sentry.startSpan({ name: "s" }, () => other.bail());
      Sentry.startSpan({ name: "s" }, (span, helpers = other) => helpers.bail());
    `,
    // An instance method is not what `Job.fail()` calls; another class's static or instance `fail` is not Job's.
    dedent`
      import * as Sentry from "@sentry/node";

      class Job {
        fail() {
          process.exit(1);
        }
      }
      class Other {
        static fail() {}
        fail() {}
      }

      Sentry.startSpan({ name: "s" }, () => Other.fail());
      Sentry.startSpan({ name: "s" }, () => (Job as any).fail?.());
      Sentry.startSpan({ name: "s" }, () => new Other().fail());
    `,
    // `this` is what holds the method only where it is that holder, on the same side: not inside a nested
    // object's method, and not from an instance method to a static one.
    dedent`
      import * as Sentry from "@sentry/node";

      class Runner {
        stop() {
          process.exit(1);
        }
        static halt() {
          process.exit(1);
        }
        run() {
          return Sentry.startSpan({ name: "t" }, () => {
            const it = { stop() {}, next() { return this.stop(); } };
            it.next();
            return (this as unknown as { halt(): void }).halt();
          });
        }
      }
    `,
    // Lookup tables whose entries are not surely the functions written (src/scopes/lookup-tables.ts): a table its
    // file changes with set(), a spread after the entry (it may replace it), a `let` table, and a static key that
    // picks the entry that does not exit.
    dedent`
      import * as Sentry from "@sentry/node";

      function stop() {
        process.exit(1);
      }
      function go() {}
      const overrides: Record<string, () => void> = {};
      const COMMANDS = new Map([["stop", stop]]);
      COMMANDS.set("stop", go);
      const ACTIONS = { stop, ...overrides };
      let LATER = { stop };
      LATER = { stop: go };
      const PICKED = new Map([["stop", stop], ["go", go]]);

      Sentry.startSpan({ name: "s" }, () => {
        const cmd = process.argv[2] as string;
        COMMANDS.get(cmd)?.();
        ACTIONS[cmd]?.();
        LATER[cmd as "stop"]();
        PICKED.get("go")?.();
      });
    `,
    // A member assigned after the object is made: calls through the holder may run either function.
    dedent`
      import * as Sentry from "@sentry/node";

      const helpers = {
        bail() {
          process.exit(1);
        },
      };
      helpers.bail = () => undefined;

      Sentry.startSpan({ name: "s" }, () => helpers.bail());
    `,
    // this.stop() in class A calls A's stop, not B's.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      class A {
        run() {
          return withTask({ name: "t" }, () => this.stop());
        }

        stop() {}
      }

      class B {
        stop() {
          process.exit(1);
        }
      }
    `,
    // Another method of the same class is not a scope just because a sibling is decorated.
    dedent`
      import { workflow } from "@traceloop/node-server-sdk";

      class Pipeline {
        @workflow({ name: "pipeline" })
        async run() {
          return "ok";
        }

        shutdown() {
          process.exit(0);
        }
      }
    `,
    // A custom wrapper from settings counts only for calls that resolve to its module.
    {
      code: dedent`
        import { traced } from "./other-tracing";

        traced("job", () => {
          process.exit(1);
        });
      `,
      settings: { "traced-exit": { wrappers: [{ module: "./tracing", export: "traced", callback: 1 }] } },
    },
    // A settings method wrapper is only a scope for that method name.
    {
      code: dedent`
        telemetry.runOutsideSpan("sync", () => {
          process.exit(1);
        });
      `,
      settings: { "traced-exit": { wrappers: [{ method: "runInSpan" }] } },
    },
    // No exit-like word at all: the file is skipped before the model is built.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";

      withTask({ name: "t" }, () => console.log("done"));
    `,
  ],
  invalid: [
    ...SENTRY_VERSION_INVALID,
    ...OPENINFERENCE_VERSION_INVALID,
    // ---- Exit forms, inside a Sentry span (Sentry records and ends the span on a throw: the throw alone is suggested).
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          process["exit"](2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 21,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // The optional chain is part of the statement the suggestion replaces.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          process?.exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 19,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          globalThis.process.exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 29,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // Destructured from the global: the binding, not the name, is what counts.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        const { exit } = process;
        Sentry.startSpan({ name: "s" }, () => {
          exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 10,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                const { exit } = process;
                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // Destructured and renamed.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        const { exit: quit } = process;
        Sentry.startSpan({ name: "s" }, () => {
          quit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 10,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                const { exit: quit } = process;
                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import * as Sentry from "@sentry/node";
        import { exit } from "node:process";

        Sentry.startSpan({ name: "s" }, () => {
          exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 10,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";
                import { exit } from "node:process";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import * as Sentry from "@sentry/node";
        import { exit as bye } from "process";

        Sentry.startSpan({ name: "s" }, () => {
          bye(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 9,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";
                import { exit as bye } from "process";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // The default import of "process" is the process object under another name.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";
        import proc from "process";

        Sentry.startSpan({ name: "s" }, () => {
          proc.exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 15,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";
                import proc from "process";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A default import named process shadows the global with the same object.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";
        import process from "process";

        Sentry.startSpan({ name: "s" }, () => {
          process.exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 18,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";
                import process from "process";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A namespace import named process shadows the global but is the same module.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";
        import * as process from "node:process";

        Sentry.startSpan({ name: "s" }, () => {
          process.exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 18,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";
                import * as process from "node:process";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        const Sentry = require("@sentry/node");

        Sentry.startSpan({ name: "s" }, () => {
          require("node:process").exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 34,
          suggestions: [
            throwing(
              "2",
              dedent`
                const Sentry = require("@sentry/node");

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        const { startSpan } = require("@sentry/node");
        const { exit } = require("process");

        startSpan({ name: "s" }, () => {
          exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 10,
          suggestions: [
            throwing(
              "2",
              dedent`
                const { startSpan } = require("@sentry/node");
                const { exit } = require("process");

                startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // An alias of the global, then a method read into a variable.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        const proc = process;
        const quit = proc.exit;
        Sentry.startSpan({ name: "s" }, () => {
          quit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 10,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                const proc = process;
                const quit = proc.exit;
                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // abort() has no exit code: the throw carries 1.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          process.abort();
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.abort()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.abort() in span 's'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // Killing our own pid ends this process.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          process.kill(process.pid, "SIGTERM");
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: 'process.kill(process.pid, "SIGTERM")', where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 39,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.kill() in span 's'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // Our own pid read through the imported module.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";
        import proc from "node:process";

        Sentry.startSpan({ name: "s" }, () => {
          proc.kill(proc.pid);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.kill(process.pid)", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 22,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";
                import proc from "node:process";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.kill() in span 's'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // reallyExit is the internal exit that skips the exit event.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          process.reallyExit(3);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.reallyExit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 24,
          suggestions: [
            throwing(
              "3",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.reallyExit() in span 's'"), { exitCode: 3 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // The exit code is kept as written.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          process.exit(code);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 21,
          suggestions: [
            throwing(
              "code",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: code });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // exit(0) directly in the callback means "stop here, successfully": return comes first.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          if (done) process.exit(0);
          work();
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 13,
          endLine: 4,
          endColumn: 28,
          suggestions: [
            returning(
              "span",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  if (done) return;
                  work();
                });
              `,
            ),
            throwing(
              "0",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  if (done) throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 0 });
                  work();
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A callback that returns a value elsewhere: a bare return would change its type for every caller
    // (issue 14, case 3), so exit(0) becomes the throw carrying code 0.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          if (done) process.exit(0);
          return work();
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 13,
          endLine: 4,
          endColumn: 28,
          suggestions: [
            throwing(
              "0",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  if (done) throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 0 });
                  return work();
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A startActiveSpan callback ends its span itself, further down: a return would skip that span.end()
    // and leave the span open (issue 14, case 3). The throw is recorded and ends it.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        trace.getTracer("jobs").startActiveSpan("count", (span) => {
          if (empty) {
            process.exit(0);
          }
          span.end();
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'count'", lost: "that span" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 20,
          suggestions: [
            throwing(
              "0",
              withHelpers(
                'import { trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  trace.getTracer("jobs").startActiveSpan("count", recordSpanErrors((span) => {
                    if (empty) {
                      throw Object.assign(new Error("process.exit() in span 'count'"), { exitCode: 0 });
                    }
                    span.end();
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // exit() without a code is a success unless process.exitCode was set: the throw keeps that.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          return process.exit();
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 24,
          suggestions: [
            returning(
              "span",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  return;
                });
              `,
            ),
            throwing(
              "0",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: process.exitCode ?? 0 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // An expression-bodied arrow gets a block around the throw.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => process.exit(2));
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 3,
          column: 39,
          endLine: 3,
          endColumn: 54,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => { throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 }); });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // Inside an expression a throw statement cannot stand: reported without suggestions.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          const port = env.PORT ?? process.exit(2);
          listen(port);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 28,
          endLine: 4,
          endColumn: 43,
          suggestions: [],
        },
      ],
    },
    // A try around the exit would catch the throw and carry on: no throw suggestion.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          try {
            process.exit(2);
          } catch {
            recover();
          }
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 20,
          suggestions: [],
        },
      ],
    },
    // In a try, a successful exit can still become a return (a return is not caught).
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          try {
            process.exit(0);
          } catch {
            recover();
          }
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 20,
          suggestions: [
            returning(
              "span",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  try {
                    return;
                  } catch {
                    recover();
                  }
                });
              `,
            ),
          ],
        },
      ],
    },
    // A catch that does what the exit never did before rethrowing (a call of the program's own) would run on the
    // exit's path: no throw is offered.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          try {
            process.exit(2);
          } catch (error) {
            log(error);
            throw error;
          }
        });
      `,
      errors: [{ messageId: "exitInScope", data: { exit: "process.exit()", where: "span 's'", lost: "that span" }, line: 5, suggestions: [] }],
    },
    // A catch that rethrows the error it caught, after only recording it and printing it to standard error, does
    // not swallow the throw: it is offered (issue 14, case 2, where the catch is the one the span-error rewrite
    // gives a decorated method).
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          try {
            process.exit(2);
          } catch (error) {
            console.error(error);
            throw error;
          }
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 20,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  try {
                    throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                  } catch (error) {
                    console.error(error);
                    throw error;
                  }
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A catch that throws another error, or may leave without throwing, loses the exit code: no throw.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          try {
            process.exit(2);
          } catch (error) {
            throw new Error("wrapped", { cause: error });
          }
        });
        Sentry.startSpan({ name: "t" }, () => {
          for (const item of items) {
            try {
              process.exit(3);
            } catch (error) {
              if (item) continue;
              throw error;
            }
          }
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 20,
          suggestions: [],
        },
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 't'", lost: "that span" },
          line: 13,
          column: 7,
          endLine: 13,
          endColumn: 22,
          suggestions: [],
        },
      ],
    },
    // In the catch clause the throw propagates, so it is offered; it carries the caught error as its cause, and its message.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, async () => {
          try {
            await call();
          } catch (error) {
            process.exit(2);
          }
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 20,
          suggestions: [
            throwing(
              "2",
              sentryEntryGuarded(dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, async () => {
                  try {
                    await call();
                  } catch (error) {
                    throw Object.assign(new Error("process.exit() in span 's': " + (error instanceof Error ? error.message : String(error))), { exitCode: 2, cause: error });
                  }
                });
              `),
              false,
            ),
          ],
        },
      ],
    },
    // The message of a console.error just before becomes the Error's message; the console.error stays.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          console.error(\`missing \${key}\`);
          process.exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 18,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  console.error(\`missing \${key}\`);
                  throw Object.assign(new Error(\`missing \${key}\`), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A non-text console.error argument is stringified.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          console.error(error);
          process.exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 18,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  console.error(error);
                  throw Object.assign(new Error(String(error)), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // With several arguments, the leading text is the message.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          console.error("Bedrock call failed:", error.message);
          process.exit(2);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 18,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  console.error("Bedrock call failed:", error.message);
                  throw Object.assign(new Error("Bedrock call failed:"), { exitCode: 2 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // ---- Traceloop: with* and decorators end the span only on success, so the throw suggestion also records the error.
    // The incident: exit(1) inside a task of a workflow; both callbacks are wrapped, the helpers are added once.
    {
      code: dedent`
        import { withTask, withWorkflow } from "@traceloop/node-server-sdk";

        await withWorkflow({ name: "rag_pipeline" }, async () => {
          await withTask({ name: "bedrock_completion" }, async () => {
            if (!region) {
              console.error("AWS_REGION is not set");
              process.exit(1);
            }
          });
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 'bedrock_completion' of workflow 'rag_pipeline'", lost: "both spans" },
          line: 7,
          column: 7,
          endLine: 7,
          endColumn: 22,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { withTask, withWorkflow } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  await withWorkflow({ name: "rag_pipeline" }, recordSpanErrors(async () => {
                    await withTask({ name: "bedrock_completion" }, recordSpanErrors(async () => {
                      if (!region) {
                        console.error("AWS_REGION is not set");
                        throw Object.assign(new Error("AWS_REGION is not set"), { exitCode: 1 });
                      }
                    }));
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import { withAgent } from "@traceloop/node-server-sdk";

        withAgent({ name: "planner" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "agent 'planner'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { withAgent } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  withAgent({ name: "planner" }, recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in agent 'planner'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import { withTool } from "@traceloop/node-server-sdk";

        withTool({ name: "search" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "tool 'search'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { withTool } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  withTool({ name: "search" }, recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in tool 'search'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // withConversation(id, fn): the id is the first argument, not a config object.
    {
      code: dedent`
        import { withConversation } from "@traceloop/node-server-sdk";

        withConversation("support-42", () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "conversation 'support-42'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { withConversation } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  withConversation("support-42", recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in conversation 'support-42'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Renamed import; a successful exit directly in the callback gets return first.
    {
      code: dedent`
        import { withWorkflow as workflowScope } from "@traceloop/node-server-sdk";

        workflowScope({ name: "wf" }, () => {
          process.exit(0);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "workflow 'wf'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            returning(
              "workflow",
              dedent`
                import { withWorkflow as workflowScope } from "@traceloop/node-server-sdk";

                workflowScope({ name: "wf" }, () => {
                  return;
                });
              `,
            ),
            throwing(
              "0",
              withHelpers(
                dedent`
                  import { withWorkflow as workflowScope } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  workflowScope({ name: "wf" }, recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in workflow 'wf'"), { exitCode: 0 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Namespace import.
    {
      code: dedent`
        import * as traceloop from "@traceloop/node-server-sdk";

        traceloop.withTask({ name: "t" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 't'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import * as traceloop from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  traceloop.withTask({ name: "t" }, recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in task 't'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Default import of a CommonJS package: the module object.
    {
      code: dedent`
        import traceloop from "@traceloop/node-server-sdk";

        traceloop.withTask({ name: "t" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 't'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import traceloop from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  traceloop.withTask({ name: "t" }, recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in task 't'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // require of the module object.
    {
      code: dedent`
        const traceloop = require("@traceloop/node-server-sdk");

        traceloop.withTask({ name: "t" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 't'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  const traceloop = require("@traceloop/node-server-sdk");
                  const { SpanStatusCode, trace } = require("@opentelemetry/api");
                `,
                dedent`
                  traceloop.withTask({ name: "t" }, recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in task 't'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // require with renaming destructuring; in a .cjs file the helpers are plain JavaScript.
    {
      filename: "job.cjs",
      code: dedent`
        const { withWorkflow: wf } = require("@traceloop/node-server-sdk");

        wf({ name: "nightly" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "workflow 'nightly'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  const { withWorkflow: wf } = require("@traceloop/node-server-sdk");
                  const { SpanStatusCode, trace } = require("@opentelemetry/api");
                `,
                dedent`
                  wf({ name: "nightly" }, recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in workflow 'nightly'"), { exitCode: 1 });
                  }));
                `,
                SPAN_HELPERS_JS,
              ),
            ),
          ],
        },
      ],
    },
    // A module-level `trace` is taken: the added import is aliased.
    {
      code: dedent`
        import { withTask } from "@traceloop/node-server-sdk";

        const trace = loadTrace();
        withTask({ name: "t" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 't'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { withTask } from "@traceloop/node-server-sdk";
                  import { SpanStatusCode, trace as otelTrace } from "@opentelemetry/api";
                `,
                dedent`
                  const trace = loadTrace();
                  withTask({ name: "t" }, recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in task 't'"), { exitCode: 1 });
                  }));
                `,
                SPAN_HELPERS.replaceAll("trace.getActiveSpan()", "otelTrace.getActiveSpan()"),
              ),
            ),
          ],
        },
      ],
    },
    // The callback passed by name: the function declaration is the scope body, and the wrap goes on the argument.
    {
      code: dedent`
        import { withTask } from "@traceloop/node-server-sdk";

        async function body() {
          process.exit(1);
        }

        withTask({ name: "t" }, body);
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 't'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { withTask } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  async function body() {
                    throw Object.assign(new Error("process.exit() in task 't'"), { exitCode: 1 });
                  }

                  withTask({ name: "t" }, recordSpanErrors(body));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Already wrapped (a previous suggestion, or by hand) and helpers present: the throw alone.
    {
      code: dedent`
        import { SpanStatusCode, trace } from "@opentelemetry/api";
        import { withTask } from "@traceloop/node-server-sdk";

        function endSpanWithError(error: unknown): unknown {
          return error;
        }

        function recordSpanErrors<F>(fn: F): F {
          return fn;
        }

        withTask({ name: "t" }, recordSpanErrors(async () => {
          process.exit(1);
        }));
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 't'", lost: "that span" },
          line: 13,
          column: 3,
          endLine: 13,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { SpanStatusCode, trace } from "@opentelemetry/api";
                import { withTask } from "@traceloop/node-server-sdk";

                function endSpanWithError(error: unknown): unknown {
                  return error;
                }

                function recordSpanErrors<F>(fn: F): F {
                  return fn;
                }

                withTask({ name: "t" }, recordSpanErrors(async () => {
                  throw Object.assign(new Error("process.exit() in task 't'"), { exitCode: 1 });
                }));
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A CRLF file keeps its line endings in everything the fix adds.
    {
      code: 'import { withTask } from "@traceloop/node-server-sdk";\r\n\r\nwithTask({ name: "t" }, () => {\r\n  process.exit(1);\r\n});\r\n',
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 't'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                `import { withTask } from "@traceloop/node-server-sdk";\n${OTEL_IMPORT}`,
                `withTask({ name: "t" }, recordSpanErrors(() => {\n  throw Object.assign(new Error("process.exit() in task 't'"), { exitCode: 1 });\n}));\n`,
              ).replaceAll("\n", "\r\n"),
            ),
          ],
        },
      ],
    },
    // ---- Traceloop decorators: the method body goes into a try whose catch records the error on the span.
    {
      code: dedent`
        import * as traceloop from "@traceloop/node-server-sdk";

        class Pipeline {
          @traceloop.workflow({ name: "rag_pipeline" })
          async run() {
            await this.prepare();
            process.exit(1);
          }
        }
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "workflow 'rag_pipeline'", lost: "that span" },
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 20,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import * as traceloop from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  class Pipeline {
                    @traceloop.workflow({ name: "rag_pipeline" })
                    async run() {
                      try {
                        await this.prepare();
                        throw Object.assign(new Error("process.exit() in workflow 'rag_pipeline'"), { exitCode: 1 });
                      } catch (error) {
                        throw endSpanWithError(error);
                      }
                    }
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Named decorator import without a name in the config: Traceloop names the span after the method.
    {
      code: dedent`
        import { task } from "@traceloop/node-server-sdk";

        class Steps {
          @task({})
          load() { process.exit(1); }
        }
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 'load'", lost: "that span" },
          line: 5,
          column: 12,
          endLine: 5,
          endColumn: 27,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { task } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  class Steps {
                    @task({})
                    load() {
                      try {
                        throw Object.assign(new Error("process.exit() in task 'load'"), { exitCode: 1 });
                      } catch (error) {
                        throw endSpanWithError(error);
                      }
                    }
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    // @workflow() with no config at all.
    {
      code: dedent`
        import { workflow } from "@traceloop/node-server-sdk";

        class Nightly {
          @workflow()
          async sync() {
            process.exit(1);
          }
        }
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "workflow 'sync'", lost: "that span" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { workflow } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  class Nightly {
                    @workflow()
                    async sync() {
                      try {
                        throw Object.assign(new Error("process.exit() in workflow 'sync'"), { exitCode: 1 });
                      } catch (error) {
                        throw endSpanWithError(error);
                      }
                    }
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Config as a function of the call: the name is only known at run time, so the method's name stands in.
    {
      code: dedent`
        import { agent } from "@traceloop/node-server-sdk";

        class Assistant {
          @agent((self, topic) => ({ name: \`agent_\${topic}\` }))
          async answer(topic: string) {
            process.exit(1);
          }
        }
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "agent 'answer'", lost: "that span" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { agent } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  class Assistant {
                    @agent((self, topic) => ({ name: \`agent_\${topic}\` }))
                    async answer(topic: string) {
                      try {
                        throw Object.assign(new Error("process.exit() in agent 'answer'"), { exitCode: 1 });
                      } catch (error) {
                        throw endSpanWithError(error);
                      }
                    }
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import { tool } from "@traceloop/node-server-sdk";

        class Tools {
          @tool({ name: "web_search" })
          search() {
            process.exit(1);
          }
        }
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "tool 'web_search'", lost: "that span" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { tool } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  class Tools {
                    @tool({ name: "web_search" })
                    search() {
                      try {
                        throw Object.assign(new Error("process.exit() in tool 'web_search'"), { exitCode: 1 });
                      } catch (error) {
                        throw endSpanWithError(error);
                      }
                    }
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    // @conversation takes the conversation id itself.
    {
      code: dedent`
        import * as traceloop from "@traceloop/node-server-sdk";

        class Chat {
          @traceloop.conversation("support")
          reply() {
            process.exit(0);
          }
        }
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "conversation 'support'", lost: "that span" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            returning(
              "conversation",
              dedent`
                import * as traceloop from "@traceloop/node-server-sdk";

                class Chat {
                  @traceloop.conversation("support")
                  reply() {
                    return;
                  }
                }
              `,
            ),
            throwing(
              "0",
              withHelpers(
                dedent`
                  import * as traceloop from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  class Chat {
                    @traceloop.conversation("support")
                    reply() {
                      try {
                        throw Object.assign(new Error("process.exit() in conversation 'support'"), { exitCode: 0 });
                      } catch (error) {
                        throw endSpanWithError(error);
                      }
                    }
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    // ---- OpenTelemetry: the startActiveSpan callback owns its span; nothing ends it on a throw unless we do.
    // Two arguments, callback last; the helpers' names join the existing named import.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        const tracer = trace.getTracer("jobs");
        tracer.startActiveSpan("import", (span) => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'import'", lost: "that span" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                'import { trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  const tracer = trace.getTracer("jobs");
                  tracer.startActiveSpan("import", recordSpanErrors((span) => {
                    throw Object.assign(new Error("process.exit() in span 'import'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Issue 14: the callback ends its span in a `finally`. As a throw, the exit would leave the try and the
    // `finally` would end the span before anything outside records the error: the span would arrive with no
    // error. A catch of that same try records it first (without ending it); the `finally` ends it once.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        const tracer = trace.getTracer("jobs");
        tracer.startActiveSpan("import", async (span) => {
          try {
            if (!process.env.DATA) process.exit(2);
            await load();
          } finally {
            span.end();
          }
        });
        async function load() {}
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'import'", lost: "that span" },
          line: 6,
          column: 28,
          endLine: 6,
          endColumn: 43,
          suggestions: [
            throwing(
              "2",
              withHelpers(
                'import { trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  const tracer = trace.getTracer("jobs");
                  tracer.startActiveSpan("import", async (span) => {
                    try {
                      if (!process.env.DATA) throw Object.assign(new Error("process.exit() in span 'import'"), { exitCode: 2 });
                      await load();
                    } catch (error) {
                      throw recordSpanError(error, span);
                    } finally {
                      span.end();
                    }
                  });
                  async function load() {}
                `,
                RECORD_HELPER,
              ),
            ),
          ],
        },
      ],
    },
    // A catch that rethrows records as its first statement; one that already records (`recordException`) is left
    // as it is, and the exit's suggestion still says the error is recorded.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        const tracer = trace.getTracer("jobs");
        tracer.startActiveSpan("import", (span) => {
          try {
            if (!process.env.DATA) process.exit(2);
          } catch (error) {
            span.setAttribute("failed", true);
            throw error;
          } finally {
            span.end();
          }
        });
        tracer.startActiveSpan("export", (span) => {
          try {
            if (!process.env.OUT) process.exit(3);
          } catch (error) {
            span.recordException(error as Error);
            throw error;
          } finally {
            span.end();
          }
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          line: 6,
          suggestions: [
            throwing(
              "2",
              withHelpers(
                'import { trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  const tracer = trace.getTracer("jobs");
                  tracer.startActiveSpan("import", (span) => {
                    try {
                      if (!process.env.DATA) throw Object.assign(new Error("process.exit() in span 'import'"), { exitCode: 2 });
                    } catch (error) {
                      recordSpanError(error, span);
                      span.setAttribute("failed", true);
                      throw error;
                    } finally {
                      span.end();
                    }
                  });
                  tracer.startActiveSpan("export", (span) => {
                    try {
                      if (!process.env.OUT) process.exit(3);
                    } catch (error) {
                      span.recordException(error as Error);
                      throw error;
                    } finally {
                      span.end();
                    }
                  });
                `,
                RECORD_HELPER,
              ),
            ),
          ],
        },
        {
          messageId: "exitInScope",
          line: 16,
          suggestions: [
            throwing(
              "3",
              dedent`
                import { trace } from "@opentelemetry/api";

                const tracer = trace.getTracer("jobs");
                tracer.startActiveSpan("import", (span) => {
                  try {
                    if (!process.env.DATA) process.exit(2);
                  } catch (error) {
                    span.setAttribute("failed", true);
                    throw error;
                  } finally {
                    span.end();
                  }
                });
                tracer.startActiveSpan("export", (span) => {
                  try {
                    if (!process.env.OUT) throw Object.assign(new Error("process.exit() in span 'export'"), { exitCode: 3 });
                  } catch (error) {
                    span.recordException(error as Error);
                    throw error;
                  } finally {
                    span.end();
                  }
                });
              `,
            ),
          ],
        },
      ],
    },
    // An exit in the catch of such a try: the error it becomes is recorded as it is thrown. An exit before the try,
    // where nothing ends the span, gets the callback wrapped, as a callback with no try does.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        const tracer = trace.getTracer("jobs");
        tracer.startActiveSpan("parse", (span) => {
          try {
            return JSON.parse(process.argv[2] ?? "");
          } catch {
            process.exit(5);
          } finally {
            span.end();
          }
        });
        tracer.startActiveSpan("check", (span) => {
          if (!process.env.DATA) process.exit(6);
          try {
            return process.env.DATA.length;
          } finally {
            span.end();
          }
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          line: 8,
          suggestions: [
            throwing(
              "5",
              withHelpers(
                'import { trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  const tracer = trace.getTracer("jobs");
                  tracer.startActiveSpan("parse", (span) => {
                    try {
                      return JSON.parse(process.argv[2] ?? "");
                    } catch {
                      throw recordSpanError(Object.assign(new Error("process.exit() in span 'parse'"), { exitCode: 5 }), span);
                    } finally {
                      span.end();
                    }
                  });
                  tracer.startActiveSpan("check", (span) => {
                    if (!process.env.DATA) process.exit(6);
                    try {
                      return process.env.DATA.length;
                    } finally {
                      span.end();
                    }
                  });
                `,
                RECORD_HELPER,
              ),
            ),
          ],
        },
        {
          messageId: "exitInScope",
          line: 14,
          suggestions: [
            throwing(
              "6",
              withHelpers(
                'import { trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  const tracer = trace.getTracer("jobs");
                  tracer.startActiveSpan("parse", (span) => {
                    try {
                      return JSON.parse(process.argv[2] ?? "");
                    } catch {
                      process.exit(5);
                    } finally {
                      span.end();
                    }
                  });
                  tracer.startActiveSpan("check", recordSpanErrors((span) => {
                    if (!process.env.DATA) throw Object.assign(new Error("process.exit() in span 'check'"), { exitCode: 6 });
                    try {
                      return process.env.DATA.length;
                    } finally {
                      span.end();
                    }
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // An exit in the `finally`, before its `span.end()`: the throw skips the end, so the callback is wrapped (its
    // wrapper ends the span only if it is still open); no catch would be on the throw's way.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        const tracer = trace.getTracer("jobs");
        tracer.startActiveSpan("close", (span) => {
          try {
            return 1;
          } finally {
            if (!process.env.OK) process.exit(4);
            span.end();
          }
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          line: 8,
          suggestions: [
            throwing(
              "4",
              withHelpers(
                'import { trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  const tracer = trace.getTracer("jobs");
                  tracer.startActiveSpan("close", recordSpanErrors((span) => {
                    try {
                      return 1;
                    } finally {
                      if (!process.env.OK) throw Object.assign(new Error("process.exit() in span 'close'"), { exitCode: 4 });
                      span.end();
                    }
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Three arguments (name, options, fn).
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        trace.getTracer("jobs").startActiveSpan("import", { attributes: { batch: 1 } }, (span) => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'import'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                'import { trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  trace.getTracer("jobs").startActiveSpan("import", { attributes: { batch: 1 } }, recordSpanErrors((span) => {
                    throw Object.assign(new Error("process.exit() in span 'import'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Four arguments (name, options, context, fn), on a tracer from anywhere: no import in the file at all.
    {
      code: dedent`
        getTracer().startActiveSpan("import", {}, parentContext, (span) => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'import'", lost: "that span" },
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              `${OTEL_IMPORT}\n\n${SPAN_HELPERS}\n\n${dedent`
                getTracer().startActiveSpan("import", {}, parentContext, recordSpanErrors((span) => {
                  throw Object.assign(new Error("process.exit() in span 'import'"), { exitCode: 1 });
                }));
              `}`,
            ),
          ],
        },
      ],
    },
    // context.with(trace.setSpan(...), fn) makes the span active for fn: an unnamed span scope.
    {
      code: dedent`
        import { context, trace } from "@opentelemetry/api";

        context.with(trace.setSpan(context.active(), span), () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "a span", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                'import { context, trace, SpanStatusCode } from "@opentelemetry/api";',
                dedent`
                  context.with(trace.setSpan(context.active(), span), recordSpanErrors(() => {
                    throw Object.assign(new Error("process.exit() in a span"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // ---- SDKs whose wrapper records the error and ends the span: the throw alone.
    {
      code: dedent`
        import { startActiveObservation } from "@langfuse/tracing";

        await startActiveObservation("retrieve", async (span) => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "observation 'retrieve'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { startActiveObservation } from "@langfuse/tracing";

                await startActiveObservation("retrieve", async (span) => {
                  throw Object.assign(new Error("process.exit() in observation 'retrieve'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // observe(fn, { name }): the callback comes first, the name from the options.
    {
      code: dedent`
        import { observe } from "@langfuse/tracing";

        const answer = observe(async (question: string) => {
          process.exit(1);
        }, { name: "answer" });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "observation 'answer'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { observe } from "@langfuse/tracing";

                const answer = observe(async (question: string) => {
                  throw Object.assign(new Error("process.exit() in observation 'answer'"), { exitCode: 1 });
                }, { name: "answer" });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // observe without a name: Langfuse uses the function's name.
    {
      code: dedent`
        import { observe } from "@langfuse/tracing";

        const rank = observe(function rankDocuments() {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "observation 'rankDocuments'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { observe } from "@langfuse/tracing";

                const rank = observe(function rankDocuments() {
                  throw Object.assign(new Error("process.exit() in observation 'rankDocuments'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import { startSpan } from "@sentry/node";

        startSpan({ name: "checkout" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'checkout'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { startSpan } from "@sentry/node";

                startSpan({ name: "checkout" }, () => {
                  throw Object.assign(new Error("process.exit() in span 'checkout'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // startSpanManual sets ERROR on a throw but leaves span.end() to the callback: the throw must end it too.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpanManual({ name: "upload" }, (span) => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'upload'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import * as Sentry from "@sentry/node";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  Sentry.startSpanManual({ name: "upload" }, recordSpanErrors((span) => {
                    throw Object.assign(new Error("process.exit() in span 'upload'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import { withSpan } from "@arizeai/openinference-core";

        const retrieve = withSpan(async () => {
          process.exit(1);
        }, { name: "retrieve" });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'retrieve'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { withSpan } from "@arizeai/openinference-core";

                const retrieve = withSpan(async () => {
                  throw Object.assign(new Error("process.exit() in span 'retrieve'"), { exitCode: 1 });
                }, { name: "retrieve" });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import { traceChain } from "@arizeai/openinference-core";

        const chain = traceChain(async () => {
          process.exit(1);
        }, { name: "rag_chain" });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "chain 'rag_chain'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { traceChain } from "@arizeai/openinference-core";

                const chain = traceChain(async () => {
                  throw Object.assign(new Error("process.exit() in chain 'rag_chain'"), { exitCode: 1 });
                }, { name: "rag_chain" });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // traceAgent without options: the function's own name.
    {
      code: dedent`
        import { traceAgent } from "@arizeai/openinference-core";

        const plan = traceAgent(async function planner() {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "agent 'planner'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { traceAgent } from "@arizeai/openinference-core";

                const plan = traceAgent(async function planner() {
                  throw Object.assign(new Error("process.exit() in agent 'planner'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // An anonymous tool: the scope has a kind but no name.
    {
      code: dedent`
        const { traceTool } = require("@arizeai/openinference-core");

        module.exports = traceTool(() => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "a tool", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                const { traceTool } = require("@arizeai/openinference-core");

                module.exports = traceTool(() => {
                  throw Object.assign(new Error("process.exit() in a tool"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    {
      code: dedent`
        import { traceable } from "langsmith/traceable";

        export const summarize = traceable(async (text: string) => {
          process.exit(1);
        }, { name: "summarize" });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "run 'summarize'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { traceable } from "langsmith/traceable";

                export const summarize = traceable(async (text: string) => {
                  throw Object.assign(new Error("process.exit() in run 'summarize'"), { exitCode: 1 });
                }, { name: "summarize" });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // dd-trace's default export is the tracer.
    {
      code: dedent`
        import tracer from "dd-trace";

        tracer.trace("web.request", () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'web.request'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import tracer from "dd-trace";

                tracer.trace("web.request", () => {
                  throw Object.assign(new Error("process.exit() in span 'web.request'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // tracer.wrap(name, options, fn): callback last.
    {
      code: dedent`
        import tracer from "dd-trace";

        export const handle = tracer.wrap("queue.handle", { resource: "jobs" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'queue.handle'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import tracer from "dd-trace";

                export const handle = tracer.wrap("queue.handle", { resource: "jobs" }, () => {
                  throw Object.assign(new Error("process.exit() in span 'queue.handle'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // The tracer returned by require("dd-trace").init().
    {
      code: dedent`
        const tracer = require("dd-trace").init();

        tracer.trace("cron.run", () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'cron.run'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                const tracer = require("dd-trace").init();

                tracer.trace("cron.run", () => {
                  throw Object.assign(new Error("process.exit() in span 'cron.run'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // ---- settings["traced-exit"].wrappers: the user's own scope openers.
    // A module export with the callback second and a string name first; by default it does not record errors.
    {
      code: dedent`
        import { traced } from "./tracing";

        traced("nightly_sync", async () => {
          process.exit(1);
        });
      `,
      settings: { "traced-exit": { wrappers: [{ module: "./tracing", export: "traced", callback: 1, kind: "job" }] } },
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "job 'nightly_sync'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { traced } from "./tracing";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  traced("nightly_sync", recordSpanErrors(async () => {
                    throw Object.assign(new Error("process.exit() in job 'nightly_sync'"), { exitCode: 1 });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // A nested export path through a namespace import; recordsErrors: the throw alone. Kind defaults to "scope", callback to "last".
    {
      code: dedent`
        import * as obs from "@acme/observability";

        obs.spans.run({ name: "reindex" }, () => {
          process.exit(1);
        });
      `,
      settings: { "traced-exit": { wrappers: [{ module: "@acme/observability", export: "spans.run", recordsErrors: true }] } },
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "scope 'reindex'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as obs from "@acme/observability";

                obs.spans.run({ name: "reindex" }, () => {
                  throw Object.assign(new Error("process.exit() in scope 'reindex'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // nameArg: where the name is when it is not the first argument.
    {
      code: dedent`
        const { runTraced } = require("@acme/observability");

        runTraced(() => {
          process.exit(1);
        }, "compact");
      `,
      settings: { "traced-exit": { wrappers: [{ module: "@acme/observability", export: "runTraced", callback: 0, nameArg: 1, recordsErrors: true }] } },
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "scope 'compact'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                const { runTraced } = require("@acme/observability");

                runTraced(() => {
                  throw Object.assign(new Error("process.exit() in scope 'compact'"), { exitCode: 1 });
                }, "compact");
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A method wrapper counts on any object, like startActiveSpan.
    {
      code: dedent`
        telemetry.runInSpan("sync", () => {
          process.exit(1);
        });
      `,
      settings: { "traced-exit": { wrappers: [{ method: "runInSpan", kind: "operation", recordsErrors: true }] } },
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "operation 'sync'", lost: "that span" },
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                telemetry.runInSpan("sync", () => {
                  throw Object.assign(new Error("process.exit() in operation 'sync'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A custom decorator factory; the method body is wrapped like a Traceloop decorator's.
    {
      code: dedent`
        import { Traced } from "./tracing";

        class Sync {
          @Traced({ name: "sync_accounts" })
          run() {
            process.exit(1);
          }
        }
      `,
      settings: { "traced-exit": { wrappers: [{ module: "./tracing", export: "Traced", decorator: true, kind: "operation" }] } },
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "operation 'sync_accounts'", lost: "that span" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { Traced } from "./tracing";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  class Sync {
                    @Traced({ name: "sync_accounts" })
                    run() {
                      try {
                        throw Object.assign(new Error("process.exit() in operation 'sync_accounts'"), { exitCode: 1 });
                      } catch (error) {
                        throw endSpanWithError(error);
                      }
                    }
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    // ---- Reach through same-file functions.
    // Transitively, through two helpers; the message names the chain, and the fix wraps every Traceloop scope on the way.
    {
      code: dedent`
        import { withTask, withWorkflow } from "@traceloop/node-server-sdk";

        function requireRegion(): string {
          const region = process.env.AWS_REGION;
          if (!region) {
            process.exit(1);
          }
          return region;
        }

        const loadConfig = () => ({ region: requireRegion() });

        withWorkflow({ name: "rag_pipeline" }, async () => {
          await withTask({ name: "load_config" }, async () => loadConfig());
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 'load_config' of workflow 'rag_pipeline' (via loadConfig() → requireRegion())", lost: "both spans" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { withTask, withWorkflow } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  function requireRegion(): string {
                    const region = process.env.AWS_REGION;
                    if (!region) {
                      throw Object.assign(new Error("process.exit() in task 'load_config'"), { exitCode: 1 });
                    }
                    return region;
                  }

                  const loadConfig = () => ({ region: requireRegion() });

                  withWorkflow({ name: "rag_pipeline" }, recordSpanErrors(async () => {
                    await withTask({ name: "load_config" }, recordSpanErrors(async () => loadConfig()));
                  }));
                `,
              ),
            ),
          ],
        },
        calledExit("loadConfig", 6, "task 'load_config' of workflow 'rag_pipeline'", 14, 55, " (via requireRegion())", 10, "both spans"),
      ],
    },
    // this.method() in a class reaches the method.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        class Job {
          run() {
            return Sentry.startSpan({ name: "job" }, () => this.fail());
          }

          fail() {
            process.exit(2);
          }
        }
      `,
      errors: [
        calledExit("this.fail", 9, "span 'job'", 5, 52, "", 9),
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'job' (via fail())", lost: "that span" },
          line: 9,
          column: 5,
          endLine: 9,
          endColumn: 20,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                class Job {
                  run() {
                    return Sentry.startSpan({ name: "job" }, () => this.fail());
                  }

                  fail() {
                    throw Object.assign(new Error("process.exit() in span 'job'"), { exitCode: 2 });
                  }
                }
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A class field holding an arrow is called the same way.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        class Job {
          fail = () => {
            process.exit(2);
          };

          run() {
            return Sentry.startSpan({ name: "job" }, () => this.fail());
          }
        }
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'job' (via fail())", lost: "that span" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 20,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                class Job {
                  fail = () => {
                    throw Object.assign(new Error("process.exit() in span 'job'"), { exitCode: 2 });
                  };

                  run() {
                    return Sentry.startSpan({ name: "job" }, () => this.fail());
                  }
                }
              `,
              false,
            ),
          ],
        },
        calledExit("this.fail", 5, "span 'job'", 9, 52, "", 9),
      ],
    },
    // A decorated method reaching a sibling through this: the decorated body is wrapped, the helper throws.
    {
      code: dedent`
        import { workflow } from "@traceloop/node-server-sdk";

        class Pipeline {
          @workflow({ name: "pipeline" })
          async run() {
            this.check();
          }

          check() {
            process.exit(1);
          }
        }
      `,
      errors: [
        calledExit("this.check", 10, "workflow 'pipeline'", 6, 5, "", 10),
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "workflow 'pipeline' (via check())", lost: "that span" },
          line: 10,
          column: 5,
          endLine: 10,
          endColumn: 20,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { workflow } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  class Pipeline {
                    @workflow({ name: "pipeline" })
                    async run() {
                      try {
                        this.check();
                      } catch (error) {
                        throw endSpanWithError(error);
                      }
                    }

                    check() {
                      throw Object.assign(new Error("process.exit() in workflow 'pipeline'"), { exitCode: 1 });
                    }
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    // A function passed as a callback from inside the scope runs there too.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        function onError(error: unknown) {
          process.exit(1);
        }

        Sentry.startSpan({ name: "fetch" }, async () => {
          await download().catch(onError);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'fetch' (via onError())", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              sentryEntryGuarded(dedent`
                import * as Sentry from "@sentry/node";

                function onError(error: unknown) {
                  throw Object.assign(new Error("process.exit() in span 'fetch'"), { exitCode: 1 });
                }

                Sentry.startSpan({ name: "fetch" }, async () => {
                  await download().catch(onError);
                });
              `),
              false,
            ),
          ],
        },
      ],
    },
    // fn.call(...) is a call of fn.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        function bail(this: unknown) {
          process.exit(1);
        }

        Sentry.startSpan({ name: "fetch" }, () => bail.call(null));
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'fetch' (via bail())", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                function bail(this: unknown) {
                  throw Object.assign(new Error("process.exit() in span 'fetch'"), { exitCode: 1 });
                }

                Sentry.startSpan({ name: "fetch" }, () => bail.call(null));
              `,
              false,
            ),
          ],
        },
        calledExit("bail", 4, "span 'fetch'", 7, 43, "", 9),
      ],
    },
    // A helper also called outside the scope is still reported: one call in a scope is enough to lose it.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        function bail() {
          process.exit(1);
        }

        if (!configured) bail();
        Sentry.startSpan({ name: "s" }, () => bail());
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's' (via bail())", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                function bail() {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 1 });
                }

                if (!configured) bail();
                Sentry.startSpan({ name: "s" }, () => bail());
              `,
              false,
            ),
          ],
        },
        calledExit("bail", 4, "span 's'", 8, 39, "", 4),
      ],
    },
    // A function that calls itself inside its own task reaches that task twice (directly and through the call):
    // the suggestion wraps the callback once, not recordSpanErrors(recordSpanErrors(…)).
    {
      code: dedent`
        import { withTask } from "@traceloop/node-server-sdk";

        export function walk(depth: number): Promise<void> {
          return withTask({ name: "walk" }, async () => {
            if (depth > 9) process.exit(1);
            await walk(depth + 1);
          });
        }
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 'walk' of task 'walk'", lost: "both spans" },
          line: 5,
          column: 20,
          endLine: 5,
          endColumn: 35,
          suggestions: [
            throwing(
              "1",
              withHelpers(
                dedent`
                  import { withTask } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  export function walk(depth: number): Promise<void> {
                    return withTask({ name: "walk" }, recordSpanErrors(async () => {
                      if (depth > 9) throw Object.assign(new Error("process.exit() in task 'walk'"), { exitCode: 1 });
                      await walk(depth + 1);
                    }));
                  }
                `,
              ),
            ),
          ],
        },
      ],
    },
    // Mutual recursion: the search over callers terminates and still reports.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        function ping(n: number): number {
          if (n > 10) process.exit(1);
          return pong(n + 1);
        }

        function pong(n: number): number {
          return ping(n + 1);
        }

        Sentry.startSpan({ name: "s" }, () => ping(0));
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's' (via ping())", lost: "that span" },
          line: 4,
          column: 15,
          endLine: 4,
          endColumn: 30,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                function ping(n: number): number {
                  if (n > 10) throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 1 });
                  return pong(n + 1);
                }

                function pong(n: number): number {
                  return ping(n + 1);
                }

                Sentry.startSpan({ name: "s" }, () => ping(0));
              `,
              false,
            ),
          ],
        },
        calledExit("ping", 4, "span 's'", 12, 39, "", 4),
      ],
    },
    // Both ends of a cycle exit: c() is reached only through b(), whose search was still running when c() was first
    // met (a depth-first search with a "pending" mark cached c() as unreachable and missed the second report).
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        function b() { process.exit(1); c(); }
        function c() { b(); process.exit(2); }
        function a() { b(); }

        Sentry.startSpan({ name: "s" }, () => a());
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's' (via a() → b())", lost: "that span" },
          line: 3,
          column: 16,
          endLine: 3,
          endColumn: 31,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                function b() { throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 1 }); c(); }
                function c() { b(); process.exit(2); }
                function a() { b(); }

                Sentry.startSpan({ name: "s" }, () => a());
              `,
              false,
            ),
          ],
        },
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's' (via a() → b() → c())", lost: "that span" },
          line: 4,
          column: 21,
          endLine: 4,
          endColumn: 36,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                function b() { process.exit(1); c(); }
                function c() { b(); throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 }); }
                function a() { b(); }

                Sentry.startSpan({ name: "s" }, () => a());
              `,
              false,
            ),
          ],
        },
        calledExit("a", 3, "span 's'", 7, 39, " (via b())", 1),
      ],
    },
    // A function declared and called inside the scope callback.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          function stop() {
            process.exit(0);
          }
          stop();
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's' (via stop())", lost: "that span" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 20,
          suggestions: [
            throwing(
              "0",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  function stop() {
                    throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 0 });
                  }
                  stop();
                });
              `,
              false,
            ),
          ],
        },
        calledExit("stop", 5, "span 's'", 7, 3, "", 4),
      ],
    },
    // Nested callbacks run inside the scope too; exit(0) there is not "directly in the callback", so no return.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          items.forEach((item) => {
            if (!item) process.exit(0);
          });
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 16,
          endLine: 5,
          endColumn: 31,
          suggestions: [
            throwing(
              "0",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  items.forEach((item) => {
                    if (!item) throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 0 });
                  });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // The throw reaches the entry (issue 14, cases 1 and 8). A bare `main();` in a Sentry program: Sentry
    // captures the rejection itself and keeps the process alive, so the program would end with 0; the entry
    // sets the code and rethrows, so the error still reaches Sentry's own capture.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.init({ tracesSampleRate: 1 });

        async function main() {
          await Sentry.startSpan({ name: "s" }, async () => {
            process.exit(2);
          });
        }

        main();
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 20,
          suggestions: [
            throwing(
              "2",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.init({ tracesSampleRate: 1 });

                async function main() {
                  await Sentry.startSpan({ name: "s" }, async () => {
                    throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                  });
                }

                main().catch((error) => {
                  process.exitCode = error?.exitCode ?? 1;
                  throw error;
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    ...ENTRY_GUARDS.map(entryGuardCase),
    // A timer started in the scope keeps its context: its exit is reported (the span's children are lost with it).
    // No throw is offered: it would run after the scope's call, an uncaught exception (issue 14, case 4). The
    // scope notes its span as it starts; the timer ends it with the error, flushes, and exits once the flush settles.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          setTimeout(() => process.exit(1), 1000);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 20,
          endLine: 4,
          endColumn: 35,
          suggestions: [
            {
              messageId: "endSpansThenExit",
              data: { where: "span 's'", flush: "Sentry.flush()" },
              output: withHelpers(
                dedent`
                  import * as Sentry from "@sentry/node";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  Sentry.startSpan({ name: "s" }, () => {
                    const sSpan = trace.getActiveSpan();
                    setTimeout(() => {
                      const exitError = Object.assign(new Error("process.exit() in span 's'"), { exitCode: 1 });
                      endSpanWithError(exitError, sSpan);
                      Sentry.flush().then(() => process.exit(1), () => process.exit(1));
                    }, 1000);
                  });
                `,
              ),
            },
          ],
        },
      ],
    },
    // The same in nested Traceloop scopes, under an `if` without braces and before more code of the timer
    // callback, which must not run: each scope notes its span (a second exit reuses the names), the callback
    // returns after the exit. A listener registered with on() runs again while a flush is in flight, and the
    // program goes on: no rewrite (tests/codemods/__runnable__/deferred-listener.ts).
    {
      code: dedent`
        import * as traceloop from "@traceloop/node-server-sdk";

        await traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
          await traceloop.withTask({ name: "poll" }, async () => {
            setTimeout(() => {
              if (late) process.exit(6);
              done();
            }, 10);
            emitter.on("line", () => process.exit(2));
          });
        });
        await traceloop.forceFlush();
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 'poll' of workflow 'rag_pipeline'", lost: "both spans" },
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 32,
          suggestions: [
            {
              messageId: "endSpansThenExit",
              data: { where: "task 'poll' of workflow 'rag_pipeline'", flush: "traceloop.forceFlush()" },
              output: withHelpers(
                dedent`
                  import * as traceloop from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  await traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
                    const ragPipelineSpan = trace.getActiveSpan();
                    await traceloop.withTask({ name: "poll" }, async () => {
                      const pollSpan = trace.getActiveSpan();
                      setTimeout(() => {
                        if (late) {
                          const exitError = Object.assign(new Error("process.exit() in task 'poll'"), { exitCode: 6 });
                          endSpanWithError(exitError, pollSpan);
                          endSpanWithError(exitError, ragPipelineSpan);
                          traceloop.forceFlush().then(() => process.exit(6), () => process.exit(6));
                          return;
                        }
                        done();
                      }, 10);
                      emitter.on("line", () => process.exit(2));
                    });
                  });
                  await traceloop.forceFlush();
                `,
              ),
            },
          ],
        },
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "task 'poll' of workflow 'rag_pipeline'", lost: "both spans" },
          line: 9,
          column: 30,
          endLine: 9,
          endColumn: 45,
          suggestions: [],
        },
      ],
    },
    // Every listener of the signal ends the process (issue 14, case 5): the scopes still open when the signal arrives
    // lose their spans. The kill stays (a throw would bypass the listener); a listener put before the program's ends
    // the spans of the scopes around the kill, noted as each starts, when the signal arrives
    // (tests/codemods/__runnable__/kill-self.ts).
    {
      code: dedent`
        import * as traceloop from "@traceloop/node-server-sdk";

        process.on("SIGTERM", () => {
          console.log("terminating");
          process.exit(143);
        });
        await traceloop.withWorkflow({ name: "watch" }, async () => {
          await traceloop.withTask({ name: "budget" }, async () => {
            if (over) process.kill(process.pid, "SIGTERM");
            process.kill(process.pid);
          });
          await sleep(1000);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.kill(process.pid, \"SIGTERM\")", where: "task 'budget' of workflow 'watch'", lost: "both spans" },
          line: 9,
          column: 15,
          endLine: 9,
          endColumn: 51,
          suggestions: [],
        },
        {
          messageId: "exitInScope",
          data: { exit: "process.kill(process.pid)", where: "task 'budget' of workflow 'watch'", lost: "both spans" },
          line: 10,
          column: 5,
          endLine: 10,
          endColumn: 30,
          suggestions: [
            {
              messageId: "endSpansOnSignal",
              data: { where: "task 'budget' of workflow 'watch'", signal: "SIGTERM" },
              output: withHelpers(
                dedent`
                  import * as traceloop from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  process.on("SIGTERM", () => {
                    console.log("terminating");
                    process.exit(143);
                  });
                  await traceloop.withWorkflow({ name: "watch" }, async () => {
                    const watchSpan = trace.getActiveSpan();
                    await traceloop.withTask({ name: "budget" }, async () => {
                      const budgetSpan = trace.getActiveSpan();
                      if (over) process.kill(process.pid, "SIGTERM");
                      const killError = Object.assign(new Error("process.kill() in task 'budget'"), { signal: "SIGTERM" });
                      process.prependOnceListener("SIGTERM", () => {
                        endSpanWithError(killError, budgetSpan);
                        endSpanWithError(killError, watchSpan);
                      });
                      process.kill(process.pid);
                    });
                    await sleep(1000);
                  });
                `,
              ),
            },
          ],
        },
      ],
    },
    // A repeating listener on a `const` emitter of this file (issue 14, case 4): the same rewrite, and first the
    // emitter detached, so that no later line (nor 'close') reaches any listener while the flush is in flight
    // (tests/codemods/__runnable__/readline-listener.ts). Not for `process` (its listeners include the SDKs' exit
    // hooks), a `let`, an emitter shadowed in the listener, nor `setInterval` (nothing to detach).
    {
      code: dedent`
        import * as Sentry from "@sentry/node";
        import { createInterface } from "node:readline";

        Sentry.startSpan({ name: "s" }, () => {
          const rl = createInterface({ input: process.stdin });
          rl.on("line", (line) => {
            if (!line) process.exit(2);
            console.log(line);
          });
          rl.on("close", (rl) => process.exit(5));
          let other = rl;
          other.on("line", () => process.exit(6));
          process.on("message", () => process.exit(3));
          setInterval(() => process.exit(4), 10);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 7,
          column: 16,
          endLine: 7,
          endColumn: 31,
          suggestions: [
            {
              messageId: "endSpansThenExit",
              data: { where: "span 's'", flush: "Sentry.flush()" },
              output: withHelpers(
                dedent`
                  import * as Sentry from "@sentry/node";
                  import { createInterface } from "node:readline";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  Sentry.startSpan({ name: "s" }, () => {
                    const sSpan = trace.getActiveSpan();
                    const rl = createInterface({ input: process.stdin });
                    rl.on("line", (line) => {
                      if (!line) {
                        const exitError = Object.assign(new Error("process.exit() in span 's'"), { exitCode: 2 });
                        endSpanWithError(exitError, sSpan);
                        rl.removeAllListeners().on("error", () => undefined);
                        Sentry.flush().then(() => process.exit(2), () => process.exit(2));
                        return;
                      }
                      console.log(line);
                    });
                    rl.on("close", (rl) => process.exit(5));
                    let other = rl;
                    other.on("line", () => process.exit(6));
                    process.on("message", () => process.exit(3));
                    setInterval(() => process.exit(4), 10);
                  });
                `,
              ),
            },
          ],
        },
        ...[[10, 26, 41], [12, 26, 41], [13, 31, 46], [14, 21, 36]].map(([line, column, endColumn]) => ({
          messageId: "exitInScope" as const,
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line,
          column,
          endLine: line,
          endColumn,
          suggestions: [],
        })),
      ],
    },
    // An event listener runs later too (issue 14, case 4); a callback run during the call (forEach) does not.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          rl.on("line", (line) => {
            if (!line) process.exit(2);
          });
          items.forEach((item) => {
            if (!item) process.exit(3);
          });
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 16,
          endLine: 5,
          endColumn: 31,
          suggestions: [],
        },
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 8,
          column: 16,
          endLine: 8,
          endColumn: 31,
          suggestions: [
            throwing(
              "3",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  rl.on("line", (line) => {
                    if (!line) process.exit(2);
                  });
                  items.forEach((item) => {
                    if (!item) throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 3 });
                  });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // ---- Nested scopes: the message names the inner scope and what it runs in.
    // Sentry records its own span; only the enclosing Traceloop workflow needs the helper.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";
        import { withWorkflow } from "@traceloop/node-server-sdk";

        withWorkflow({ name: "wf" }, async () => {
          await Sentry.startSpan({ name: "fetch" }, async () => {
            process.exit(4);
          });
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'fetch' of workflow 'wf'", lost: "both spans" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            throwing(
              "4",
              withHelpers(
                dedent`
                  import * as Sentry from "@sentry/node";
                  import { withWorkflow } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  withWorkflow({ name: "wf" }, recordSpanErrors(async () => {
                    await Sentry.startSpan({ name: "fetch" }, async () => {
                      throw Object.assign(new Error("process.exit() in span 'fetch'"), { exitCode: 4 });
                    });
                  }));
                `,
              ),
            ),
          ],
        },
      ],
    },
    // A scope opened in a helper called from another scope: the outer scope is found through the helper.
    {
      code: dedent`
        import { startActiveObservation } from "@langfuse/tracing";
        import * as Sentry from "@sentry/node";

        function retrieve() {
          return startActiveObservation("retrieve", () => {
            process.exit(1);
          });
        }

        Sentry.startSpan({ name: "request" }, () => retrieve());
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "observation 'retrieve' of span 'request'", lost: "both spans" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 20,
          suggestions: [
            throwing(
              "1",
              dedent`
                import { startActiveObservation } from "@langfuse/tracing";
                import * as Sentry from "@sentry/node";

                function retrieve() {
                  return startActiveObservation("retrieve", () => {
                    throw Object.assign(new Error("process.exit() in observation 'retrieve'"), { exitCode: 1 });
                  });
                }

                Sentry.startSpan({ name: "request" }, () => retrieve());
              `,
              false,
            ),
          ],
        },
      ],
    },
    // Two exits in one scope: two reports, each with its own suggestion.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        Sentry.startSpan({ name: "s" }, () => {
          if (a) process.exit(1);
          if (b) process.abort();
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 4,
          column: 10,
          endLine: 4,
          endColumn: 25,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  if (a) throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 1 });
                  if (b) process.abort();
                });
              `,
              false,
            ),
          ],
        },
        {
          messageId: "exitInScope",
          data: { exit: "process.abort()", where: "span 's'", lost: "that span" },
          line: 5,
          column: 10,
          endLine: 5,
          endColumn: 25,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                Sentry.startSpan({ name: "s" }, () => {
                  if (a) process.exit(1);
                  if (b) throw Object.assign(new Error("process.abort() in span 's'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A local `process` elsewhere in the file does not hide the global inside the scope.
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        function simulate(process: { exit(): void }) {
          process.exit();
        }

        Sentry.startSpan({ name: "s" }, () => {
          process.exit(1);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 18,
          suggestions: [
            throwing(
              "1",
              dedent`
                import * as Sentry from "@sentry/node";

                function simulate(process: { exit(): void }) {
                  process.exit();
                }

                Sentry.startSpan({ name: "s" }, () => {
                  throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 1 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    ...[
      // Reached through members: a method of a same-file object literal, called as `helpers.bail()`.
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          const helpers = {
            bail() {
              process.exit(3);
            },
          };

          Sentry.startSpan({ name: "s" }, () => helpers.bail());
        `,
        where: "span 's' (via bail())",
        line: 5,
        calls: [calledExit("helpers.bail", 5, "span 's'", 9, 39)],
      },
      // An arrow property passed as a callback, and a string key.
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          const handlers = {
            "onError": () => {
              process.exit(3);
            },
          };

          Sentry.startSpan({ name: "s" }, async () => {
            await download().catch(handlers.onError);
          });
        `,
        where: "span 's' (via onError())",
        line: 5,
      },
      // A sibling method of an object literal, called through `this`.
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          export const job = {
            run() {
              return Sentry.startSpan({ name: "s" }, () => this.check());
            },
            check() {
              this.stop();
            },
            stop() {
              process.exit(3);
            },
          };
        `,
        where: "span 's' (via check() → stop())",
        line: 11,
        calls: [calledExit("this.check", 11, "span 's'", 5, 50, " (via stop())")],
      },
      // A static method, called through its class (also with `.call`).
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          class Config {
            static require(name: string) {
              if (!process.env[name]) process.exit(3);
            }
          }

          Sentry.startSpan({ name: "s" }, () => Config.require.call(Config, "KEY"));
        `,
        where: "span 's' (via require())",
        line: 5,
        column: 29,
        calls: [calledExit("Config.require", 5, "span 's'", 9, 39, "", "Config.require.call".length)],
      },
      // A static arrow field of a class expression held in a const.
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          const Exit = class {
            static now = () => {
              process.exit(3);
            };
          };

          Sentry.startSpan({ name: "s" }, () => Exit.now());
        `,
        where: "span 's' (via now())",
        line: 5,
        calls: [calledExit("Exit.now", 5, "span 's'", 9, 39)],
      },
      // A private method, and a method passed as `this.fail` rather than called.
      // An instance method, called on a same-file instance: held in a const, or made in place.
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          class Guard {
            require(name: string) {
              if (!process.env[name]) process.exit(3);
            }
            limit(count: number) {
              if (count > 100) process.exit(3);
            }
          }

          const guard = new Guard();
          Sentry.startSpan({ name: "s" }, () => guard.require("KEY"));
          Sentry.startSpan({ name: "t" }, () => new Guard().limit(1));
        `,
        where: ["span 's' (via require())", "span 't' (via limit())"],
        line: [5, 8],
        column: [29, 22],
        calls: [calledExit("guard.require", 5, "span 's'", 13, 39), calledExit("new Guard().limit", 8, "span 't'", 14, 39)],
      },
      // A command picked from a Map of handlers (the fallback too), called through the const that holds it:
      // the call may run any of them (src/scopes/lookup-tables.ts).
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          function help() {
            process.exit(3);
          }
          function serve(args: string[]) {
            if (args.length > 1) process.exit(3);
          }
          const COMMANDS = new Map([["serve", serve]]);

          Sentry.startSpan({ name: "cli" }, () => {
            const handler = COMMANDS.get(process.argv[2]) ?? help;
            handler?.(process.argv.slice(3));
          });
        `,
        where: ["span 'cli' (via help())", "span 'cli' (via serve())"],
        line: [4, 7],
        column: [3, 24],
      },
      // An object of actions indexed by a computed key: a shorthand entry and an arrow written in the table.
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          function stop() {
            process.exit(3);
          }
          const ACTIONS = {
            stop,
            crash: () => {
              process.exit(3);
            },
          };

          Sentry.startSpan({ name: "s" }, () => ACTIONS[process.argv[2] as keyof typeof ACTIONS]());
        `,
        where: ["span 's' (via stop())", "span 's' (via crash())"],
        line: [4, 9],
        column: [3, 5],
      },
      // A method passed by name as the scope callback is the scope's callback.
      {
        code: dedent`
          import * as Sentry from "@sentry/node";

          const jobs = {
            nightly() {
              process.exit(3);
            },
          };

          Sentry.startSpan({ name: "s" }, jobs.nightly);
        `,
        where: "span 's'",
        line: 5,
      },
    ].map(({ code, where, line, column, calls = [] }: { code: string; where: string | string[]; line: number | number[]; column?: number | number[]; calls?: ReturnType<typeof calledExit>[] }) => {
      const exit = "process.exit(3)";
      const thrown = (scope: string) => `throw Object.assign(new Error("process.exit() in ${scope}"), { exitCode: 3 })`;
      const wheres = Array.isArray(where) ? where : [where];
      const lines = Array.isArray(line) ? line : [line];
      const columns = Array.isArray(column) ? column : [column ?? 5];
      const codeLines = code.split("\n");
      const exits = wheres.map((at, i) => {
          const errorLine = lines[i] as number;
          const errorColumn = columns[i] as number;
          expect(codeLines[errorLine - 1]?.indexOf(exit)).toBe(errorColumn - 1);
          const rewritten = [...codeLines];
          const scope = at.split(" (via")[0] as string;
          rewritten[errorLine - 1] = (rewritten[errorLine - 1] as string).replace(exit, thrown(scope));
          return {
            messageId: "exitInScope" as const,
            data: { exit: "process.exit()", where: at, lost: "that span" },
            line: errorLine,
            column: errorColumn,
            endLine: errorLine,
            endColumn: errorColumn + exit.length,
            suggestions: [throwing("3", /^Sentry\.startSpan\(.*async/mu.test(code) ? sentryEntryGuarded(rewritten.join("\n")) : rewritten.join("\n"), false)],
          };
        });
      // Reports come in source order: the exits and the calls in scopes that reach them.
      return { code, errors: [...exits, ...calls].sort((a, b) => a.line - b.line || a.column - b.column) };
    }),
  ],
});

/** Lints `code` with the rule and these settings, the way a user's flat config would. */
function lintWithSettings(settings: Record<string, unknown>, code = "process.exit(1);") {
  const linter = new Linter({ configType: "flat" });
  return linter.verify(
    code,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tsParser, globals: { ...globals.node } },
        plugins: { "traced-exit": { rules: { "no-process-exit": rule as never } } },
        rules: { "traced-exit/no-process-exit": "error" },
        settings,
      },
    ],
    "file.ts",
  );
}


/**
 * Type-aware mode: an exit in a function of another file, found through the program. Every case is linted as
 * tests/rules/fixtures/file.ts and imports tests/rules/fixtures/helpers.ts.
 */
const typed = new RuleTester({
  languageOptions: {
    globals: { ...globals.node },
    parserOptions: { projectService: true, tsconfigRootDir: path.join(__dirname, "fixtures") },
  },
});

const foreign = (callee: string, exit: string, line: number, where: string, via = "", lost = "that span") => ({
  messageId: "exitInOtherFile" as const,
  data: { callee, exit, location: `helpers.ts:${line}`, via, where, lost },
  suggestions: [],
});

typed.run("no-process-exit (type-aware, exits in other files)", testedRule, {
  valid: [
    // Called outside any traced scope: require-flush-before-exit's business, not this rule's.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";
      import { requireRegion } from "./helpers.js";

      requireRegion();
      export const run = () => withTask({ name: "t" }, async () => 1);
    `,
    // Signal 0 only checks that the process exists, also when it is a named constant.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";
      import { probeSelf } from "./helpers.js";

      export const run = () => withTask({ name: "t" }, async () => probeSelf());
    `,
    // A helper that only registers a listener: the exit is in the listener, which this call does not run.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";
      import { installSignals } from "./helpers.js";

      export const run = () => withTask({ name: "t" }, async () => installSignals());
    `,
    // Helpers that do not end this process: none at all, and `kill(pid, 0)` of another process.
    dedent`
      import { withTask } from "@traceloop/node-server-sdk";
      import { probe, safe } from "./helpers.js";

      export const run = () => withTask({ name: "t" }, async () => probe(safe()));
    `,
    // Lookup tables of another file that say nothing sure: one its file changes (PLUGINS.set), a static key no
    // entry has, and a table of functions that do not exit.
    dedent`
      import * as Sentry from "@sentry/node";
      import { COMMANDS, PLUGINS, VERSION_ONLY } from "./commands.js";

      Sentry.startSpan({ name: "s" }, () => {
        PLUGINS.get("tail")?.();
        COMMANDS.get("version")?.([]);
        VERSION_ONLY[process.argv[2] as "help"]();
      });
    `,
  ],
  invalid: [
    {
      // Commands dispatched from a Map of handlers: looked up here with a static key, and in the other file's
      // main() through \`const handler = COMMANDS.get(command) ?? version\` (src/scopes/lookup-tables.ts).
      code: dedent`
        import * as Sentry from "@sentry/node";
        import { COMMANDS, main } from "./commands.js";

        Sentry.startSpan({ name: "cli" }, async () => {
          await COMMANDS.get("server")?.(process.argv.slice(3));
          await main(process.argv[2], process.argv.slice(3));
        });
      `,
      errors: [
        {
          messageId: "exitInOtherFile" as const,
          data: { callee: 'COMMANDS.get("server")', exit: "process.exit()", location: "commands.ts:13", via: "", where: "span 'cli'", lost: "that span" },
          suggestions: [],
          line: 5,
          column: 9,
          endLine: 5,
          endColumn: 31,
        },
        {
          messageId: "exitInOtherFile" as const,
          data: { callee: "main", exit: "process.exit()", location: "commands.ts:7", via: " (via showHelp())", where: "span 'cli'", lost: "that span" },
          suggestions: [],
          line: 6,
          column: 9,
          endLine: 6,
          endColumn: 13,
        },
      ],
    },
    {
      // The incident's shape: the exit is in a helper module that opens no scope.
      code: dedent`
        import { withTask, withWorkflow } from "@traceloop/node-server-sdk";
        import { fail, requireRegion } from "./helpers.js";

        export const run = () =>
          withWorkflow({ name: "rag" }, async () => {
            await withTask({ name: "bedrock_completion" }, async () => requireRegion());
            if (!process.env.OK) fail("not ok");
          });
      `,
      errors: [
        { ...foreign("requireRegion", "process.exit()", 6, "task 'bedrock_completion' of workflow 'rag'", "", "both spans"), line: 6, column: 64, endLine: 6, endColumn: 77 },
        { ...foreign("fail", "process.exit()", 13, "workflow 'rag'"), line: 7, column: 26, endLine: 7, endColumn: 30 },
      ],
    },
    {
      // `process` imported from node:process, a shorthand property of an exported object, a default export.
      code: dedent`
        import * as Sentry from "@sentry/node";
        import exitNow, { tools } from "./helpers.js";
        import { quit } from "./node-process.js";

        Sentry.startSpan({ name: "s" }, () => {
          quit();
          tools.quitNow();
          exitNow();
        });
      `,
      errors: [
        { messageId: "exitInOtherFile" as const, data: { callee: "quit", exit: "process.exit()", location: "node-process.ts:5", via: "", where: "span 's'", lost: "that span" }, suggestions: [], line: 6, column: 3, endLine: 6, endColumn: 7 },
        { ...foreign("tools.quitNow", "process.exit()", 50, "span 's'"), line: 7, column: 3, endLine: 7, endColumn: 16 },
        { ...foreign("exitNow", "process.exit()", 53, "span 's'"), line: 8, column: 3, endLine: 8, endColumn: 10 },
      ],
    },
    {
      // An overloaded function: the signatures have no body, the implementation does.
      code: dedent`
        import * as Sentry from "@sentry/node";
        import { abortWith } from "./helpers.js";

        Sentry.startSpan({ name: "s" }, () => abortWith("no"));
      `,
      errors: [{ ...foreign("abortWith", "process.abort()", 38, "span 's'"), line: 4, column: 39, endLine: 4, endColumn: 48 }],
    },
    {
      // Through a same-file helper, a namespace import, a renamed import, another helper in that file, and a method.
      code: dedent`
        import * as Sentry from "@sentry/node";
        import * as helpers from "./helpers.js";
        import { loadConfig as load } from "./helpers.js";

        function prepare() {
          return load();
        }

        Sentry.startSpan({ name: "s" }, () => {
          prepare();
          helpers.guard.stop();
        });
      `,
      errors: [
        { ...foreign("load", "process.exit()", 6, "span 's' (via prepare())", " (via requireRegion())"), line: 6, column: 10, endLine: 6, endColumn: 14 },
        { ...foreign("helpers.guard.stop", 'process.kill(process.pid, "SIGTERM")', 22, "span 's'"), line: 11, column: 3, endLine: 11, endColumn: 21 },
      ],
    },
  ],
});

const STOP_IN_STEPS = dedent`
  import { traceStep } from "./telemetry.js";

  function stop(): never {
    process.exit(1);
  }

  export const ask = () => traceStep("ask", () => stop());
  export const install = () => traceStep("install", () => stop());
`;

/** A report at a call of tests/rules/fixtures/telemetry.ts's exits (abort() at line 58, bail() at line 64). */
const telemetryExit = (callee: string, line: number, where: string) => ({
  messageId: "exitInOtherFile" as const,
  data: { callee, exit: "process.exit()", location: `telemetry.ts:${line}`, via: "", where, lost: where.includes(" of ") ? "both spans" : "that span" },
  suggestions: [],
});

typed.run("no-process-exit (type-aware, wrappers of another file, telemetry.ts)", testedRule, {
  valid: [
    // The root span's wrapper (it initializes the SDK first), and an exit that ends the root span and flushes first:
    // the root is the only span open, so nothing is lost.
    dedent`
      import { abort, withTelemetry } from "./telemetry.js";

      export const run = () => withTelemetry(true, async () => { await abort(); });
    `,
    // A wrapper that also runs its callback outside the span, and one that runs it in the span only on a condition:
    // neither says the callback runs inside its span.
    dedent`
      import { bail, maybeTraced, sometimes } from "./telemetry.js";

      export const run = () => maybeTraced(true, async () => { await bail(); });
      export const later = () => sometimes(() => { void bail(); });
    `,
  ],
  invalid: [
    {
      // The root span's callback runs through Sentry.withIsolationScope(callback), a statement among others:
      // an exit that leaves the root span open loses the whole trace.
      code: dedent`
        import { bail, withTelemetry } from "./telemetry.js";

        export const run = () => withTelemetry(true, async () => { await bail(); });
      `,
      errors: [{ ...telemetryExit("bail", 64, "span 'wizard-run'"), line: 3, column: 66, endLine: 3, endColumn: 70 }],
    },
    {
      // Ending the root span saves the root, not the step span still open inside it.
      code: dedent`
        import { abort, traceStep, withTelemetry } from "./telemetry.js";

        export const run = () => withTelemetry(true, async () => { await traceStep("install", () => abort()); });
      `,
      errors: [{ ...telemetryExit("abort", 58, "span 'install' of span 'wizard-run'"), line: 3, column: 93, endLine: 3, endColumn: 98 }],
    },
    {
      // A step span whose root is not seen from here: ending "the root" may end another span than this one.
      code: dedent`
        import { abort, traceStep } from "./telemetry.js";

        export const ask = () => traceStep("ask", () => abort());
      `,
      errors: [{ ...telemetryExit("abort", 58, "span 'ask'"), line: 3, column: 49, endLine: 3, endColumn: 54 }],
    },
    {
      // A same-file function that exits, called in the step's callback and again in another step: each call is
      // reported where it loses its step's span, the exit once (with the rewrite).
      code: STOP_IN_STEPS,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'ask' (via stop())", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [throwing("1", STOP_IN_STEPS.replace("process.exit(1);", `throw Object.assign(new Error("process.exit() in span 'ask'"), { exitCode: 1 });`), false)],
        },
        calledExit("stop", 4, "span 'ask'", 7, 49),
        calledExit("stop", 4, "span 'install'", 8, 57),
      ],
    },
  ],
});

describe("invalid settings[\"traced-exit\"] fail with a SettingsError naming the problem", () => {
  // The settings page of the installed release, like the rules' own doc links.
  const docs = `See https://github.com/traced-exit/eslint-plugin-traced-exit/blob/v${PACKAGE_VERSION}/docs/settings.md`;

  it.each([
    // The allowed keys are listed after this prefix.
    [{ wrapers: [] }, 'settings has unknown property "wrapers" (allowed: wrappers, flushes, initializers'],
    [[], "must be an object"],
    [{ wrappers: {} }, "wrappers must be an array"],
    [{ wrappers: ["withJob"] }, "wrappers[0] must be an object"],
    [{ wrappers: [{ module: "./tracing", export: "traced", callback: -1 }] }, 'wrappers[0].callback must be a non-negative integer or "last"'],
    [{ wrappers: [{ module: "./tracing" }] }, "wrappers[0].export must be a non-empty string"],
    [{ wrappers: [{ method: "runInSpan", module: "./tracing" }] }, 'wrappers[0] takes either "method" or "module" + "export", not both'],
    [{ wrappers: [{ method: "runInSpan", recordsErrors: "yes" }] }, "wrappers[0].recordsErrors must be a boolean"],
    [{ wrappers: [{ method: "runInSpan", name: "x" }] }, 'wrappers[0] has unknown property "name"'],
    [{ flushes: [{ export: "flush" }] }, "flushes[0].module must be a non-empty string"],
    [{ initializers: [{ module: "" }] }, "initializers[0].module must be a non-empty string"],
    [{ initializers: [{ module: "./tracing", export: "Provider", construct: "yes" }] }, "initializers[0].construct must be a boolean"],
    [{ entry: "yes" }, "entry must be a boolean"],
  ])("%j", (value, problem) => {
    const expected = `Invalid settings["traced-exit"]: ${problem}`;
    expect(() => lintWithSettings({ "traced-exit": value })).toThrow(expected);
    expect(() => lintWithSettings({ "traced-exit": value })).toThrow(docs);
  });

  // Checked on every file, not only on files that mention an exit: a typo must not pass silently.
  it("throws on a file without any exit", () => {
    expect(() => lintWithSettings({ "traced-exit": { wrapers: [] } }, "const answer = 42;")).toThrow('unknown property "wrapers"');
  });

  it("accepts valid settings", () => {
    const settings = {
      "traced-exit": {
        wrappers: [{ module: "./tracing", export: "traced", callback: 1, kind: "job", recordsErrors: false, nameArg: 0 }, { method: "runInSpan", callback: "last" }],
        flushes: [{ module: "./tracing", export: "shutdownTracing" }, { method: "flushTraces" }],
        initializers: [{ module: "./tracing" }, { module: "./tracing", export: "Provider", construct: true }],
      },
    };
    expect(lintWithSettings(settings, 'import { traced } from "./tracing";\ntraced("job", () => process.exit(1));')).toMatchObject([
      { ruleId: "traced-exit/no-process-exit", messageId: "exitInScope", message: "process.exit() inside job 'job' ends the process before that span can be ended and exported." },
    ]);
  });
});

describe("process inside a `with` statement", () => {
  // Sloppy-mode CommonJS with ESLint's default parser: the only place `with` is allowed.
  const lintScript = (code: string) =>
    new Linter({ configType: "flat" }).verify(
      code,
      [
        {
          files: ["**/*.cjs"],
          languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
          plugins: { "traced-exit": { rules: { "no-process-exit": rule as never } } },
          rules: { "traced-exit/no-process-exit": "error" },
        },
      ],
      "file.cjs",
    );
  const inTask = (body: string) => dedent`
    const traceloop = require("@traceloop/node-server-sdk");
    traceloop.withTask({ name: "t" }, (config) => {
      ${body}
    });
  `;

  it("is not reported: `process` there may be a property of the object", () => {
    expect(lintScript(inTask("with (config) { process.exit(1); }"))).toEqual([]);
    // Functions declared inside the body see the object's properties too.
    expect(lintScript(inTask("with (config) { const stop = () => process.exit(1); stop(); }"))).toEqual([]);
  });

  it("is reported in the object expression and after the statement, which `with` does not cover", () => {
    const messages = lintScript(inTask("with (process.exit(1), config) {}\n  process.exit(2);"));
    expect(messages.map((message) => [message.messageId, message.line])).toEqual([
      ["exitInScope", 3],
      ["exitInScope", 4],
    ]);
  });
});

// ---- Issue 16 (branch sdks): Sentry's other packages, the OpenAI Agents SDK, the Vercel AI SDK's telemetry callbacks.
const SENTRY_SPAN_PACKAGES = [
  "@sentry/core",
  "@sentry/node-core",
  "@sentry/nextjs",
  "@sentry/remix",
  "@sentry/sveltekit",
  "@sentry/astro",
  "@sentry/nuxt",
  "@sentry/react-router",
  "@sentry/solidstart",
  "@sentry/tanstackstart-react",
  "@sentry/nestjs",
  "@sentry/aws-serverless",
  "@sentry/google-cloud-serverless",
  "@sentry/bun",
  "@sentry/deno",
  "@sentry/cloudflare",
  "@sentry/vercel-edge",
];

/** `startSpan` from `module`, bound by a renamed import, a namespace import or a `require` (by index), with an exit in it. */
function sentrySpanExit(module: string, index: number) {
  const [binding, call] = [
    [`import { startSpan as span } from "${module}";`, "span"],
    [`import * as Sentry from "${module}";`, "Sentry.startSpan"],
    [`const Sentry = require("${module}");`, "Sentry.startSpan"],
  ][index % 3] as [string, string];
  const program = (body: string) => `${binding}\n\n${call}({ name: "job" }, () => {\n  ${body}\n});`;
  return {
    code: program("process.exit(1);"),
    errors: [
      {
        messageId: "exitInScope" as const,
        data: { exit: "process.exit()", where: "span 'job'", lost: "that span" },
        line: 4,
        column: 3,
        endLine: 4,
        endColumn: 18,
        suggestions: [throwing("1", program(`throw Object.assign(new Error("process.exit() in span 'job'"), { exitCode: 1 });`), false)],
      },
    ],
  };
}

ruleTester.run("no-process-exit: Sentry packages, OpenAI Agents, Vercel AI SDK", testedRule, {
  valid: [
    // Without `experimental_telemetry` the AI SDK uses a no-op tracer: its callbacks run in no span.
    dedent`
      import { generateText } from "ai";

      await generateText({ model, prompt: "hi", onFinish: () => process.exit(1) });
    `,
    // Telemetry statically off.
    dedent`
      import { streamText } from "ai";

      streamText({ model, prompt: "hi", experimental_telemetry: { isEnabled: false }, onFinish() { process.exit(1); } });
    `,
    // A telemetry object without isEnabled: the AI SDK's default is off.
    dedent`
      import { generateText } from "ai";

      const telemetry = { functionId: "chat" };
      await generateText({ model, prompt: "hi", experimental_telemetry: telemetry, tools: { t: { execute: () => process.exit(1) } } });
    `,
    // Same export name, another module.
    dedent`
      import { generateText } from "ai-lookalike";

      await generateText({ experimental_telemetry: { isEnabled: true }, onFinish: () => process.exit(1) });
    `,
    // A property that is not one of the AI SDK's callbacks runs outside its spans.
    dedent`
      import { generateText } from "ai";

      await generateText({ model, experimental_telemetry: { isEnabled: true }, transform: () => process.exit(1) });
    `,
    // \`withTrace\` shadowed by a parameter.
    dedent`
      import { withTrace } from "@openai/agents";

      export function run(withTrace: (name: string, fn: () => void) => void) {
        withTrace("t", () => process.exit(1));
      }
    `,
    // A Sentry package for browsers only.
    dedent`
      import { startSpan } from "@sentry/react";

      startSpan({ name: "s" }, () => process.exit(1));
    `,
    // The exit runs after the trace has settled.
    dedent`
      import { withTrace } from "@openai/agents-core";

      await withTrace("nightly", async () => work());
      process.exit(0);
    `,
    // The getOrCreateTrace options name it; the exit is outside.
    dedent`
      import { getOrCreateTrace } from "@openai/agents";

      const ok = await getOrCreateTrace(async () => check(), { name: "job" });
      if (!ok) process.exit(1);
    `,
    // A tools object whose values are not written out: nothing to look into.
    dedent`
      import { generateText } from "ai";

      await generateText({ model, experimental_telemetry: { isEnabled: true }, tools: loadTools() });
      process.exit(0);
    `,
  ],
  invalid: [
    // Sentry's span API from every package that exports it for a server runtime, by binding.
    ...SENTRY_SPAN_PACKAGES.map((module, index) => sentrySpanExit(module, index)),
    // OpenAI Agents: withTrace(name, fn). Its trace is exported when it starts and the spans in it end on a throw.
    {
      code: dedent`
        import { withTrace } from "@openai/agents";

        await withTrace("nightly", async () => {
          if (!(await ready())) process.exit(3);
        });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "trace 'nightly'", lost: "that span" },
          line: 4,
          column: 25,
          endLine: 4,
          endColumn: 40,
          suggestions: [
            throwing(
              "3",
              dedent`
                import { withTrace } from "@openai/agents";

                await withTrace("nightly", async () => {
                  if (!(await ready())) throw Object.assign(new Error("process.exit() in trace 'nightly'"), { exitCode: 3 });
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A successful stop directly in withCustomSpan's callback: return.
    {
      code: dedent`
        const agents = require("@openai/agents-core");

        agents.withCustomSpan(async function sync() {
          process.exit(0);
        }, { data: { name: "sync" } });
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'sync'", lost: "that span" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 18,
          suggestions: [
            returning(
              "span",
              dedent`
                const agents = require("@openai/agents-core");

                agents.withCustomSpan(async function sync() {
                  return;
                }, { data: { name: "sync" } });
              `,
            ),
            throwing(
              "0",
              dedent`
                const agents = require("@openai/agents-core");

                agents.withCustomSpan(async function sync() {
                  throw Object.assign(new Error("process.exit() in span 'sync'"), { exitCode: 0 });
                }, { data: { name: "sync" } }).catch((error) => {
                  process.exitCode = error?.exitCode ?? 1;
                  if (error?.exitCode === undefined) console.error(error);
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // dd-trace (issue 14, run by tests/e2e/differential-dd-trace.test.ts): it sends its queue from its own
    // beforeExit hook and has no flush for require-flush-before-exit to add, so a bare entry would let the throw
    // crash the process with code 1 before that drain. The entry gets a .catch that keeps the code and lets the
    // process end naturally; a .then(onFulfilled) chain passes the rejection on, so the .catch goes after it.
    {
      code: dedent`
        import tracer from "dd-trace";

        tracer.init();

        async function answer() {
          return tracer.trace("answer", async () => {
            process.exit(2);
          });
        }

        answer().then((reply) => console.log(reply));
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'answer'", lost: "that span" },
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 20,
          suggestions: [
            throwing(
              "2",
              dedent`
                import tracer from "dd-trace";

                tracer.init();

                async function answer() {
                  return tracer.trace("answer", async () => {
                    throw Object.assign(new Error("process.exit() in span 'answer'"), { exitCode: 2 });
                  });
                }

                answer().then((reply) => console.log(reply)).catch((error) => {
                  process.exitCode = error?.exitCode ?? 1;
                  if (error?.exitCode === undefined) console.error(error);
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // A bare entry whose promise has flushed on both paths (main's own finally) in a program whose SDK does
    // nothing with an unhandled rejection: require-flush-before-exit has nothing to rewrite, so the exit's error
    // would crash the process with 1 instead of 2 (measured: tests/e2e/runtime-classes.test.ts, "exit in a
    // wrapper declared in settings"). The .catch keeps an exit's code and rethrows any other error, which then
    // crashes the process as before.
    {
      code: dedent`
        import { shutdownTracing, traced } from "./tracing";

        async function main() {
          try {
            await traced("sync", async () => {
              if (!process.env.TOKEN) process.exit(2);
            });
          } finally {
            await shutdownTracing();
          }
        }

        main();
      `,
      settings: {
        "traced-exit": {
          wrappers: [{ module: "./tracing", export: "traced", callback: 1, recordsErrors: true }],
          initializers: [{ module: "./tracing" }],
          flushes: [{ module: "./tracing", export: "shutdownTracing" }],
        },
      },
      errors: [
        {
          messageId: "exitInScope",
          suggestions: [
            throwing(
              "2",
              dedent`
                import { shutdownTracing, traced } from "./tracing";

                async function main() {
                  try {
                    await traced("sync", async () => {
                      if (!process.env.TOKEN) throw Object.assign(new Error("process.exit() in scope 'sync'"), { exitCode: 2 });
                    });
                  } finally {
                    await shutdownTracing();
                  }
                }

                main().catch((error) => {
                  if (error?.exitCode === undefined) throw error;
                  process.exitCode = error?.exitCode;
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // The same when the program runs a method of a class of this file (`new Planner().plan(…)`), here an
    // `@tracer.llmobs.decorate` method, whose throw reaches the entry as from `main()`: measured in
    // tests/e2e/fixtures/dd-trace-differential/llmobs-decorate.ts, without the .catch the exit 4 became exit 1.
    {
      code: dedent`
        import tracer from "dd-trace";

        tracer.init();

        class Planner {
          @tracer.llmobs.decorate({ kind: "agent" })
          async plan(goal: string) {
            if (!goal) process.exit(4);
            return goal;
          }
        }

        new Planner().plan("").then((plan) => console.log(plan));
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "LLMObs span 'plan'", lost: "that span" },
          line: 8,
          column: 16,
          endLine: 8,
          endColumn: 31,
          suggestions: [
            throwing(
              "4",
              dedent`
                import tracer from "dd-trace";

                tracer.init();

                class Planner {
                  @tracer.llmobs.decorate({ kind: "agent" })
                  async plan(goal: string) {
                    if (!goal) throw Object.assign(new Error("process.exit() in LLMObs span 'plan'"), { exitCode: 4 });
                    return goal;
                  }
                }

                new Planner().plan("").then((plan) => console.log(plan)).catch((error) => {
                  process.exitCode = error?.exitCode ?? 1;
                  if (error?.exitCode === undefined) console.error(error);
                });
              `,
              false,
            ),
          ],
        },
      ],
    },
    // The same with a .then(onFulfilled, onRejected) entry: the rejection is handled there, so no .catch is added.
    {
      code: dedent`
        import tracer from "dd-trace";

        tracer.init();

        async function answer() {
          return tracer.trace("answer", async () => {
            process.exit(2);
          });
        }

        answer().then(console.log, console.error);
      `,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 'answer'", lost: "that span" },
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 20,
          suggestions: [
            throwing(
              "2",
              dedent`
                import tracer from "dd-trace";

                tracer.init();

                async function answer() {
                  return tracer.trace("answer", async () => {
                    throw Object.assign(new Error("process.exit() in span 'answer'"), { exitCode: 2 });
                  });
                }

                answer().then(console.log, console.error);
              `,
              false,
            ),
          ],
        },
      ],
    },
    // The function that opens the scope is called from a top-level statement that is not an entry: a throw would
    // be an uncaught exception there (exit code 1 instead of 0, measured with dd-trace), so no suggestion.
    {
      code: `${DD_PLAN}\n\nconsole.log("planned", plan([]));`,
      errors: [{ messageId: "exitInScope", data: { exit: "process.exit()", where: "span 'plan'", lost: "that span" }, line: 7, column: 29, endLine: 7, endColumn: 44, suggestions: [] }],
    },
    // The same call in a top-level try (not an entry) whose catch handles it: a throw would be caught there and set
    // exit code 2 where the exit ended the program with 0 (issue 14, new-user report 1b), so no suggestion, and a
    // message that says why.
    {
      code: `${DD_PLAN}\n\n${DD_PLAN_TRY}`,
      errors: [{ messageId: "exitInScopeCaught", data: { exit: "process.exit()", where: "span 'plan'", lost: "that span", catcher: "at top level" }, line: 7, column: 29, suggestions: [] }],
    },
    // Issue 14, new-user report 1b: a same-file loop calls the workflow in a try whose catch logs and goes on. A
    // throw (or a return) would let the loop handle the next item where the exit stopped the program.
    {
      code: `${CALLER_LOOP}\n\nmain();`,
      errors: [
        { messageId: "exitInScopeCaught", data: { exit: "process.exit()", where: "workflow 'handle_item'", lost: "that span", catcher: "in main()" }, line: 5, suggestions: [] },
        { messageId: "exitInScopeCaught", data: { exit: "process.exit()", where: "workflow 'handle_item'", lost: "that span", catcher: "in main()" }, line: 7, suggestions: [] },
      ],
    },
    // The try is around the scope's call in the function that opens it: the same.
    {
      code: dedent`
        import * as traceloop from "@traceloop/node-server-sdk";

        async function handleOne(item: string) {
          try {
            return await traceloop.withWorkflow({ name: "handle_item" }, async () => {
              if (!item) process.exit(3);
              return item;
            });
          } catch (error) {
            console.log("skipped", error);
            return "";
          }
        }
      `,
      errors: [{ messageId: "exitInScopeCaught", data: { exit: "process.exit()", where: "workflow 'handle_item'", lost: "that span", catcher: "in handleOne()" }, line: 6, suggestions: [] }],
    },
    // A private method's exit whose rejection goes to `.catch(this.fail)`: a handler the throw would reach before it
    // leaves the scope, and that does not rethrow it, so no throw is offered for that exit (fail's own exit keeps its).
    {
      code: dedent`
        import * as Sentry from "@sentry/node";

        class Job {
          run() {
            return Sentry.startSpan({ name: "s" }, () => this.#load().catch(this.fail));
          }

          async #load() {
            if (!process.env.KEY) process.exit(3);
          }

          fail() {
            process.exit(3);
          }
        }
      `,
      errors: [
        { messageId: "exitInCalledFunction", line: 5 },
        { messageId: "exitInScopeCaught", data: { exit: "process.exit()", where: "span 's' (via #load())", lost: "that span", catcher: "in a caller" }, line: 9, suggestions: [] },
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's' (via fail())", lost: "that span" },
          line: 13,
          suggestions: [
            {
              messageId: "throwInstead",
              data: { code: "3", recording: "" },
              output: dedent`
                import * as Sentry from "@sentry/node";

                class Job {
                  run() {
                    return Sentry.startSpan({ name: "s" }, () => this.#load().catch(this.fail));
                  }

                  async #load() {
                    if (!process.env.KEY) process.exit(3);
                  }

                  fail() {
                    throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 3 });
                  }
                }
              `,
            },
          ],
        },
      ],
    },
    // The exit is in a function the callback calls inside a try whose catch goes on: the throw would be swallowed
    // there, before it leaves the scope (read-only review of the merged change: the loop went on, exit 0 for 3).
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        const tracer = trace.getTracer("t");
        function check(x: number) {
          if (!x) process.exit(3);
        }
        tracer.startActiveSpan("s", (span) => {
          for (const x of [0, 1]) {
            try {
              check(x);
            } catch (e) {
              console.log("skip");
            }
          }
          span.end();
        });
      `,
      errors: [
        { messageId: "exitInScopeCaught", data: { exit: "process.exit()", where: "span 's' (via check())", lost: "that span", catcher: "in a caller" }, line: 5, suggestions: [] },
        { messageId: "exitInCalledFunction", line: 10 },
      ],
    },
    // The same through a catch that logs to standard output and rethrows: it would run where the exit ran nothing.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        const tracer = trace.getTracer("t");
        function check(x: number) {
          if (!x) process.exit(3);
        }
        function checkAll(xs: number[]) {
          try {
            xs.forEach(check);
            for (const x of xs) check(x);
          } catch (e) {
            console.log("bad input");
            throw e;
          }
        }
        tracer.startActiveSpan("s", (span) => {
          checkAll([0, 1]);
          span.end();
        });
      `,
      errors: [
        { messageId: "exitInScopeCatchRuns", data: { exit: "process.exit()", where: "span 's' (via checkAll() → check())", lost: "that span", catcher: "in checkAll()" }, line: 5, suggestions: [] },
        { messageId: "exitInCalledFunction", line: 17 },
      ],
    },
    // A caller's catch that rethrows, but first does what the exit never did (prints to standard output), would run
    // on the exit's path: not rewritten, and the message says why.
    {
      code: `${SENTRY_RETHROW.replace('console.error("failed");', 'console.log("failed");')}\n\nmain().catch(console.error);`,
      errors: [{ messageId: "exitInScopeCatchRuns", data: { exit: "process.exit()", where: "span 's'", lost: "that span", catcher: "in main()" }, line: 5, suggestions: [] }],
    },
    // A caller's catch that rethrows the caught error does not swallow it: the throw goes on to the entry, and is suggested.
    {
      code: `${SENTRY_RETHROW}\n\nmain().catch(console.error);`,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          suggestions: [
            throwing(
              "3",
              `${SENTRY_RETHROW.replace("process.exit(3);", `throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 3 });`)}\n\n${dedent`
                main().catch((error) => {
                  if (error?.exitCode !== undefined) {
                    process.exitCode = error?.exitCode;
                  } else {
                    console.error(error);
                  }
                });
              `}`,
              false,
            ),
          ],
        },
      ],
    },
    // A tool's execute runs inside ai.toolCall and ai.generateText. The AI SDK turns a throw there into a
    // tool-error result, so no throw (nor return) is suggested: the report alone.
    {
      code: dedent`
        import { generateText, tool } from "ai";

        await generateText({
          model,
          experimental_telemetry: { isEnabled: true },
          tools: {
            weather: tool({
              description: "weather",
              execute: async ({ city }) => {
                if (!city) process.exit(1);
                return lookup(city);
              },
            }),
          },
        });
      `,
      errors: [{ messageId: "exitInScope", data: { exit: "process.exit()", where: "generateText tool 'weather'", lost: "that span" }, line: 10, column: 20, endLine: 10, endColumn: 35, suggestions: [] }],
    },
    // Telemetry switched on at run time, a tools object in a const, an onFinish method, a helper reached from it.
    {
      code: dedent`
        import * as ai from "ai";

        function bail() {
          process.exit(1);
        }
        const tools = { search: { execute: () => bail() } };

        ai.streamText({
          model,
          tools,
          experimental_telemetry: { isEnabled: process.env.TRACE === "1" },
          onFinish() {
            process.exit(0);
          },
        });
      `,
      errors: [
        { messageId: "exitInScope", data: { exit: "process.exit()", where: "streamText tool 'search' (via bail())", lost: "that span" }, line: 4, column: 3, endLine: 4, endColumn: 18, suggestions: [] },
        calledExit("bail", 4, "streamText tool 'search'", 6, 42),
        { messageId: "exitInScope", data: { exit: "process.exit()", where: "a streamText onFinish callback", lost: "that span" }, line: 13, column: 5, endLine: 13, endColumn: 20, suggestions: [] },
      ],
    },
    // streamObject's onFinish, with the telemetry options in a const.
    {
      code: dedent`
        const { streamObject } = require("ai");

        const telemetry = { isEnabled: true, functionId: "extract" };
        streamObject({ model, schema, experimental_telemetry: telemetry, onFinish: () => process.exit(4) });
      `,
      errors: [{ messageId: "exitInScope", data: { exit: "process.exit()", where: "a streamObject onFinish callback", lost: "that span" }, line: 4, column: 82, endLine: 4, endColumn: 97, suggestions: [] }],
    },
  ],
});

// Compiled CommonJS imports its modules through interop helpers (tsc with esModuleInterop, tslib, esbuild):
// the SDK is the helper's argument, so its openers resolve through the helper's result.
describe("no-process-exit: an SDK imported through a compiler's interop helper", () => {
  const lint = (code: string) =>
    new Linter({ configType: "flat" }).verify(
      code,
      [
        {
          files: ["**/*.js"],
          languageOptions: { sourceType: "commonjs", globals: globals.node },
          plugins: { "traced-exit": { rules: { "no-process-exit": rule as never } } },
          rules: { "traced-exit/no-process-exit": "error" },
        },
      ],
      "app.js",
    );
  const body = 'Sentry.startSpan({ name: "s" }, () => {\n  process.exit(1);\n});\n';

  it.each([
    ["tsc's __importStar", 'var __importStar = (this && this.__importStar) || function (mod) { return mod; };\nconst Sentry = __importStar(require("@sentry/node"));\n'],
    ["tslib's __importStar", 'const tslib_1 = require("tslib");\nconst Sentry = tslib_1.__importStar(require("@sentry/node"));\n'],
    ["esbuild's __toESM", 'var __toESM = (mod) => mod;\nconst Sentry = __toESM(require("@sentry/node"));\n'],
  ])("resolves %s(require(…)) to the module", (_name, prelude) => {
    expect(lint(`${prelude}${body}`).map((message) => message.messageId)).toEqual(["exitInScope"]);
  });

  it("leaves a call of any other function around require() alone", () => {
    expect(lint(`const Sentry = mock(require("@sentry/node"));\n${body}`)).toEqual([]);
  });
});
