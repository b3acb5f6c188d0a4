/**
 * require-span-error-recording on spans started by hand whose flow leaves the function that starts them
 * (issue 16, the accuracy corpus' last misses):
 * - a dd-trace tracer kept in a module-level binding, assigned at run time, here or in a module the file imports
 *   (src/scopes/tracer-bindings.ts; modules on disk under tests/rules/fixtures/tracer-bindings/);
 * - dd-trace's `tracer.scope().activate(span, callback)`, which runs the callback at once (catalogue SPAN_RUNNERS);
 * - a span returned in an object to same-file callers that destructure it (src/scopes/returned-spans.ts), and
 *   handed in a closure to a generator that ends it only after its iteration.
 * None of these findings has a suggestion: no rewrite of them has been proven by a run.
 */
import * as path from "node:path";
import dedent from "dedent";
import type { TestLanguageOptions } from "@typescript-eslint/rule-tester";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import spanRule from "../../src/rules/require-span-error-recording";
import exitRule from "../../src/rules/no-process-exit";
import type { MessageId } from "../../src/rules/require-span-error-recording";
import { createRuleTester } from "./rule-tester";

const ruleTester = createRuleTester();
const testedRule = spanRule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];
const commonjs = { sourceType: "commonjs" } as unknown as TestLanguageOptions;

/** A file named `name` in the fixture folder `folder`, next to its `tracer.js` / `tracer.ts`. */
const inFolder = (folder: string, name = "index.js") => path.join(__dirname, "fixtures/tracer-bindings", folder, name);

/** The decorator of @gamechanger/datadog-apm 1.4.2 (lib/trace-decorator.js), cut down: the tracer is `tracer_1.tracer`. */
function decorator(body: string): string {
  return dedent`
    var tracer_1 = require("./tracer");
    exports.traced = function (target) {
      return function wrapper() {
        var span = tracer_1.tracer.startSpan("call");
        return tracer_1.tracer.scope().activate(span, function () {
          ${body}
        });
      };
    };
  `;
}

const SUCCESS_ONLY_BODY = dedent`
  var output = target.apply(this, arguments);
            if (output && typeof output.then === "function") {
              output.finally(function () { span.finish(); });
            } else {
              span.finish();
            }
            return output;
`;
const GUARDED_BODY = dedent`
  try {
              return target.apply(this, arguments);
            } finally {
              span.finish();
            }
`;

/** The one finding of a span ended in the success path only of `handler`, on its start (`line`, `column` to `endColumn`). */
function successOnly(span: string, end: string, handler: string, failure: string, [line, column, endColumn]: [number, number, number]) {
  return { messageId: "manualSpanEndedOnSuccessOnly" as const, data: { span, end, handler, failure }, line, column, endLine: line, endColumn, suggestions: [] };
}

function notEnded(span: string, end: string, failure: string, [line, column, endColumn]: [number, number, number]) {
  return { messageId: "manualSpanNotEndedOnError" as const, data: { span, end, failure }, line, column, endLine: line, endColumn, suggestions: [] };
}

/** A function that starts a span on the module's `tracer` and finishes it after a call that can throw. */
const HANDLE = dedent`
  exports.handle = function handle(job) {
    const span = tracer.startSpan("job");
    run(job);
    span.finish();
  };
`;

ruleTester.run("require-span-error-recording: dd-trace tracers kept in a module binding, and scope().activate()", testedRule, {
  valid: [
    // The callback ends the span in a finally: ended on every path.
    { code: decorator(GUARDED_BODY), filename: inFolder("cjs"), languageOptions: commonjs },
    // A try around activate() whose catch finishes the span covers the callback's throws.
    {
      code: dedent`
        var tracer_1 = require("./tracer");
        exports.traced = function (target) {
          return function wrapper() {
            var span = tracer_1.tracer.startSpan("call");
            try {
              return tracer_1.tracer.scope().activate(span, function () {
                var output = target.apply(this, arguments);
                span.finish();
                return output;
              });
            } catch (error) {
              span.finish();
              throw error;
            }
          };
        };
      `,
      filename: inFolder("cjs"),
      languageOptions: commonjs,
    },
    // The imported module's `tracer` is its own object, never dd-trace's (its text does not name dd-trace).
    { code: decorator(SUCCESS_ONLY_BODY), filename: inFolder("mock"), languageOptions: commonjs },
    // The module names dd-trace, but exports its tracer as `dd`, not as `tracer`.
    { code: decorator(SUCCESS_ONLY_BODY), filename: inFolder("other-export"), languageOptions: commonjs },
    // A module-level binding never assigned dd-trace's tracer.
    {
      code: dedent`
        const dd = require("dd-trace");
        let tracer = { startSpan: () => ({ finish() {} }) };
      ` + `\n${HANDLE}`,
      filename: inFolder("cjs", "local.js"),
      languageOptions: commonjs,
    },
    // Assigned dd-trace's tracer, but in a function's own local, not the module's binding.
    {
      code: dedent`
        let tracer = { startSpan: () => ({ finish() {} }) };
        exports.init = function () {
          let tracer = require("dd-trace");
          tracer.init();
        };
      ` + `\n${HANDLE}`,
      filename: inFolder("cjs", "shadowed.js"),
      languageOptions: commonjs,
    },
  ],
  invalid: [
    // @gamechanger/datadog-apm's shape: a synchronous throw of the traced function skips both finishes.
    {
      code: decorator(SUCCESS_ONLY_BODY),
      filename: inFolder("cjs"),
      languageOptions: commonjs,
      errors: [
        successOnly(
          "Span 'call' started by tracer_1.tracer.startSpan()",
          "span.finish",
          "the callback of `tracer_1.tracer.scope().activate()`, after `target.apply(this, arguments)`",
          "`target.apply(this, arguments)` throws",
          [4, 16, 41],
        ),
      ],
    },
    // The same module binding, in the file that fills it.
    {
      code: dedent`
        const mock = require("./mock");
        let tracer = mock;
        exports.init = () => {
          tracer = require("dd-trace").init();
        };
      ` + `\n${HANDLE}`,
      filename: inFolder("cjs", "local.js"),
      languageOptions: commonjs,
      errors: [notEnded("Span 'job' started by tracer.startSpan()", "span.finish", "`run(job)` throws", [8, 3, 6])],
    },
    // An ESM module that exports its binding: `import { tracer } from "./tracer.js"`.
    {
      code: dedent`
        import { tracer } from "./tracer.js";
        export async function load(key) {
          const span = tracer.startSpan("load");
          const value = await fetchValue(key);
          span.finish();
          return value;
        }
      `,
      filename: inFolder("esm", "index.ts"),
      errors: [notEnded("Span 'load' started by tracer.startSpan()", "span.finish", "`await fetchValue(key)` throws", [4, 17, 38])],
    },
  ],
});

/** A class in the shape of @opentelemetry/instrumentation-openai 0.22: the span starts in one method and is destructured in another. */
const INSTRUMENTATION = dedent`
  import { context, trace } from "@opentelemetry/api";
  export class Instrumentation extends Base {
    FIELD
    startChatSpan(params) {
      const span = this.tracer.startSpan("chat");
      const ctx = trace.setSpan(context.active(), span);
      return { span, ctx };
    }
    async *iterate(stream, span) {
      ITERATE
    }
    patch(original) {
      const self = this;
      return function create(params) {
        let info;
        try {
          info = self.startChatSpan(params);
        } catch {
          return original(params);
        }
        const { span, ctx } = info;
        const promise = context.with(ctx, () => original(params));
        return promise.then((stream) => ({ [Symbol.asyncIterator]: () => self.iterate(stream, span) }), ON_REJECTED);
      };
    }
  }
`;

function instrumentation(field: string, iterate: string, onRejected: string): string {
  return INSTRUMENTATION.replace("FIELD", field).replace("ITERATE", iterate).replace("ON_REJECTED", onRejected);
}

const ITERATE = "for await (const chunk of stream) yield chunk;\n    span.end();";
const ITERATE_GUARDED = "try {\n      for await (const chunk of stream) yield chunk;\n    } finally {\n      span.end();\n    }";
const ON_REJECTED = "(error) => { span.end(); throw error; }";
const ITERATION_FAILS = "the iteration throws or its consumer stops early";

/** A function that starts a span and returns it, and a caller that destructures it. */
function startSpanFor(caller: string): string {
  const head = dedent`
    import { trace } from "@opentelemetry/api";
    const tracer = trace.getTracer("store");
    function startSpanFor(name) {
      const span = tracer.startSpan(name);
      return { span, started: Date.now() };
    }
  `;
  return `${head}\n${caller}`;
}

ruleTester.run("require-span-error-recording: spans returned in an object to the caller", testedRule, {
  valid: [
    // The generator ends the span in a finally: a failed or stopped iteration ends it too.
    instrumentation('tracer = trace.getTracer("chat");', ITERATE_GUARDED, ON_REJECTED),
    // Never ended anywhere, and the tracer is not bound to @opentelemetry/api: an unrelated startSpan().
    instrumentation("", "for await (const chunk of stream) yield chunk;", "() => undefined"),
    // The caller ends it in a finally.
    startSpanFor(dedent`
      export async function load(key) {
        const { span } = startSpanFor("load");
        try {
          return await db.get(key);
        } finally {
          span.end();
        }
      }
    `),
    // The starting function ends it itself: not returned, nothing to follow.
    dedent`
      import { trace } from "@opentelemetry/api";
      const tracer = trace.getTracer("store");
      function timed(name) {
        const span = tracer.startSpan(name);
        span.end();
        return { span };
      }
      export function load() {
        const { span } = timed("load");
        work();
        span.end();
      }
    `,
    // The caller hands the span, in a fulfilment handler, to a function that ends it: not "never ended".
    startSpanFor(dedent`
      function finish(span, value) {
        span.end();
        return value;
      }
      export function load(key) {
        const { span } = startSpanFor("load");
        return db.get(key).then((value) => finish(span, value));
      }
    `),
    // The starting function also hands the span to another function: not followed.
    dedent`
      import { trace } from "@opentelemetry/api";
      const tracer = trace.getTracer("store");
      function startSpanFor(name) {
        const span = tracer.startSpan(name);
        register(span);
        return { span };
      }
      export async function load(key) {
        const { span } = startSpanFor("load");
        await db.get(key);
        span.end();
      }
    `,
    // The result is also kept elsewhere: the caller is not followed.
    startSpanFor(dedent`
      export async function load(key) {
        const info = startSpanFor("load");
        pending.push(info);
        const { span } = info;
        await db.get(key);
        span.end();
      }
    `),
  ],
  invalid: [
    // instrumentation-openai's streamed completion: ended after the `for await` of a generator a closure calls.
    {
      code: instrumentation('tracer = trace.getTracer("chat");', ITERATE, ON_REJECTED),
      errors: [successOnly("Span 'chat' started by this.tracer.startSpan()", "span.end", "self.iterate(), after `for await (… of stream)`", ITERATION_FAILS, [5, 18, 39])],
    },
    // The same with `this.tracer` of a base class (InstrumentationBase): recognised by shape, since the span is ended.
    {
      code: instrumentation("", ITERATE, ON_REJECTED),
      errors: [successOnly("Span 'chat' started by this.tracer.startSpan()", "span.end", "self.iterate(), after `for await (… of stream)`", ITERATION_FAILS, [5, 18, 39])],
    },
    // A plain function's span, destructured by its caller, which awaits before ending it: no suggestion.
    {
      code: startSpanFor(dedent`
        export async function load(key) {
          const { span } = startSpanFor("load");
          const value = await db.get(key);
          span.end();
          return value;
        }
      `),
      errors: [notEnded("A span started by tracer.startSpan()", "span.end", "`await db.get(key)` throws", [9, 17, 34])],
    },
  ],
});

describe("no-process-exit: an exit between the start and the finish of a span on a tracer another module keeps", () => {
  const lintExit = (code: string, folder: string) =>
    new Linter({ configType: "flat" }).verify(
      code,
      [{ files: ["**/*.js"], languageOptions: { sourceType: "commonjs" }, plugins: { "traced-exit": { rules: { rule: exitRule as never } } }, rules: { "traced-exit/rule": "error" } }],
      inFolder(folder),
    );
  const code = dedent`
    var tracer_1 = require("./tracer");
    exports.run = function run(ok) {
      var span = tracer_1.tracer.startSpan("run");
      if (!ok) process.exit(2);
      span.finish();
    };
  `;

  it("is reported when the module's binding is assigned dd-trace's tracer, though this file does not name dd-trace", () => {
    expect(lintExit(code, "cjs").map((message) => [message.line, message.column, message.message])).toEqual([
      [4, 12, "process.exit() inside span 'run' started by tracer_1.tracer.startSpan() ends the process before that span can be ended and exported."],
    ]);
  });

  it("is not reported when the module's tracer is its own", () => {
    expect(lintExit(code, "mock")).toEqual([]);
  });
});
