import * as path from "node:path";
import dedent from "dedent";
import globals from "globals";
import { RuleTester } from "@typescript-eslint/rule-tester";
import rule from "../../src/rules/no-floating-promises";
import type { MessageId, Options } from "../../src/rules/no-floating-promises";
import { createRuleTester } from "./rule-tester";

const TRACELOOP = `import * as traceloop from "@traceloop/node-server-sdk";`;
const OTEL_IMPORT = `import { SpanStatusCode, trace } from "@opentelemetry/api";`;
const HELPER = dedent`
  // Added by eslint-plugin-traced-exit: record an error nobody awaits on the active span and mark it ERROR.
  // The span's owner still ends it; the rejection stops here instead of ending the process.
  function recordErrorOnSpan(error: unknown): void {
    const span = trace.getActiveSpan();
    if (span) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
  }
`;

/** A `.catch()` suggestion also adds the helper and its import right after the file's last import, `lastImport`. */
function withHelper(code: string, lastImport = TRACELOOP): string {
  if (!code.includes(`${lastImport}\n`)) throw new Error(`withHelper: no line ${lastImport}`);
  return code.replace(`${lastImport}\n`, `${lastImport}\n${OTEL_IMPORT}\n\n${HELPER}\n`);
}

/** The file with line `line` (1-based) rewritten by `edit`. */
function editLine(code: string, line: number, edit: (text: string) => string): string {
  return code
    .split("\n")
    .map((text, index) => (index === line - 1 ? edit(text) : text))
    .join("\n");
}

/** The file with `.catch(recordErrorOnSpan)` added before the `;` ending line `line` (1-based). */
function catchOnLine(code: string, line: number): string {
  return editLine(code, line, (text) => text.replace(/;$/u, ".catch(recordErrorOnSpan);"));
}

/** A `floating` error inside workflow 'daily_digest' on one line, with the suggestions given. */
function floatingInWorkflow(line: number, column: number, endColumn: number, suggestions: { messageId: "addAwait" | "addCatch"; output: string }[]) {
  return {
    messageId: "floating" as const,
    data: { what: "Promise", where: "workflow 'daily_digest'" },
    line,
    column,
    endLine: line,
    endColumn,
    suggestions: suggestions.map((suggestion) => (suggestion.messageId === "addAwait" ? { ...suggestion, data: { kind: "workflow" } } : suggestion)),
  };
}

/** A workflow calling `names[0]`, each function calling the next, the last leaving `save()` floating. */
function chainCase(names: readonly string[], via: string) {
  const code = (last: string) =>
    [
      TRACELOOP,
      "",
      "async function save(): Promise<void> {}",
      ...names.map((name, index) => `function ${name}() { ${index + 1 < names.length ? `${names[index + 1]}();` : last} }`),
      "",
      `traceloop.withWorkflow({ name: "daily_digest" }, async () => {`,
      `  ${names[0]}();`,
      "});",
    ].join("\n");
  const column = `function ${names.at(-1)}() { `.length + 1;
  return {
    code: code("save();"),
    output: null,
    errors: [
      {
        messageId: "floating" as const,
        data: { what: "Promise", where: `workflow 'daily_digest' (via ${via})` },
        line: 3 + names.length,
        column,
        endLine: 3 + names.length,
        endColumn: column + "save()".length,
        suggestions: [{ messageId: "addCatch" as const, output: withHelper(code("save().catch(recordErrorOnSpan);")) }],
      },
    ],
  };
}

const COMBINATORS = dedent`
  ${TRACELOOP}

  traceloop.withWorkflow({ name: "daily_digest" }, () => {
    Promise.all([]);
    Promise.any([]);
    Promise.race([]);
    Promise.allSettled([]);
    Promise.reject(new Error("x"));
  });
`;

/** Issue 16, item 5: plain functions that return a promise on every path, called un-awaited in a workflow. */
const saveUsage = (first: string, second: string) =>
  dedent`
    ${TRACELOOP}

    function saveUsage(tokens) {
      return traceloop.withTask({ name: "save_usage" }, async () => {
        throw new Error("usage store down");
      });
    }
    async function save() {}
    function pick(fast) {
      if (fast) return traceloop.withTask({ name: "fast" }, async () => 1);
      else return save();
    }

    traceloop.withWorkflow({ name: "summarize" }, async () => {
      ${first}
      ${second}
    });
  `;
const CODE_SAVE_USAGE = saveUsage("saveUsage(42);", "pick(true);");
const SAVE_AWAITED = saveUsage("await saveUsage(42);", "pick(true);");
const SAVE_CAUGHT = saveUsage("saveUsage(42).catch(recordErrorOnSpan);", "pick(true);");
const PICK_AWAITED = saveUsage("saveUsage(42);", "await pick(true);");
const PICK_CAUGHT = saveUsage("saveUsage(42);", "pick(true).catch(recordErrorOnSpan);");
/** The call `text` at the start of `line` in workflow 'summarize', with its await and catch suggestions. */
const floatingInSummarize = (line: number, text: string, awaited: string, caught: string) => ({
  messageId: "floating" as const,
  data: { what: "Promise", where: "workflow 'summarize'" },
  line,
  column: 3,
  endLine: line,
  endColumn: 3 + text.length,
  suggestions: [
    { messageId: "addAwait" as const, data: { kind: "workflow" }, output: awaited },
    { messageId: "addCatch" as const, output: withHelper(caught) },
  ],
});

const syntaxOnly = createRuleTester();

// The rule tester bundles its own copy of @typescript-eslint/utils, so the rule's type differs only by origin.
const testedRule = rule as never;

syntaxOnly.run<MessageId, Options>("no-floating-promises (syntax only)", testedRule, {
  valid: [
    // A plain function that may return something else, or nothing, or only itself: not known to return a promise.
    dedent`
      ${TRACELOOP}

      function maybe(x) {
        if (x) return traceloop.withTask({ name: "m" }, async () => 1);
      }
      function mixed(x) {
        if (x) return traceloop.withTask({ name: "m" }, async () => 1);
        return 1;
      }
      function again(n) {
        return again(n - 1);
      }
      function later() {
        const inner = () => traceloop.withTask({ name: "m" }, async () => 1);
        return inner;
      }
      traceloop.withWorkflow({ name: "summarize" }, async () => {
        maybe(1);
        mixed(1);
        again(1);
        later();
      });
    `,
    // Issue 16: streamText's onFinish opens a scope, but streamText returns its result object, not the
    // callback's promise: the call is no floating promise (without types nothing says it returns one).
    dedent`
      ${TRACELOOP}
      import { streamText } from "ai";

      traceloop.withWorkflow({ name: "w" }, async () => {
        streamText({ model, prompt: "hi", experimental_telemetry: { isEnabled: true }, onFinish: async () => save() });
      });
    `,
    // A method the file does not pin down is not judged without types: a `let` holder may be reassigned,
    // a later `save` or a spread replaces the async one, and another object's `save` is not this one's.
    dedent`
      ${TRACELOOP}

      let store = {
        async save() {},
      };
      const other = { save() {} };
      const redefined = {
        async save() {},
        save() {},
      };
      const spread = {
        async save() {},
        ...other,
      };

      traceloop.withTask({ name: "persist" }, async () => {
        store.save();
        other.save();
        redefined.save();
        spread.save();
      });
    `,
    // The finally ends the span only when the result is not a promise; the promise ends it itself
    // (the shape of vitest's own tracing helper): nothing ends before the work settles.
    dedent`
      import { trace } from "@opentelemetry/api";

      async function work(): Promise<number> {
        return 1;
      }

      trace.getTracer("app").startActiveSpan("export", (span) => {
        let result: unknown;
        try {
          result = work();
          if (result instanceof Promise) return result.finally(() => span.end());
          return result;
        } finally {
          if (!(result instanceof Promise)) span.end();
        }
      });
    `,
    // Awaited and returned task calls.
    dedent`
      ${TRACELOOP}

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        await traceloop.withTask({ name: "collect" }, async () => 1);
        return traceloop.withTask({ name: "send" }, async () => 2);
      });
    `,
    // Outside every traced scope the rule has nothing to say (typescript-eslint's rule covers that).
    dedent`
      ${TRACELOOP}

      async function main(): Promise<void> {}
      main();
    `,
    // No opener module in the file: skipped before any analysis.
    dedent`
      async function save(): Promise<void> {}
      function run() {
        save();
        new Promise(() => {});
      }
    `,
    // A rejection handler handles it: .catch(fn), .then(ok, fail), and .finally after a .catch.
    dedent`
      ${TRACELOOP}

      async function save(): Promise<void> {}

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        save().catch((error) => console.error(error));
        save().then(() => undefined, (error) => console.error(error));
        save().catch(console.error).finally(() => console.log("done"));
      });
    `,
    // Stored in a variable: the promise is someone's responsibility now.
    dedent`
      ${TRACELOOP}

      async function save(): Promise<void> {}

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        const pending = save();
        await pending;
      });
    `,
    // Plain synchronous calls, and calls we cannot see into without types.
    dedent`
      ${TRACELOOP}
      import { sendDigest } from "./mail";

      function compute(): number {
        return 1;
      }

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        compute();
        sendDigest();
      });
    `,
    // A local \`Promise\` is not the global one.
    dedent`
      ${TRACELOOP}

      class Promise {
        static all(_items: unknown[]) {}
      }

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        new Promise();
        Promise.all([]);
      });
    `,
    // Promise.resolve() cannot reject (unless given a thenable): left to type-aware mode.
    dedent`
      ${TRACELOOP}

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        Promise.resolve();
      });
    `,
    // Synchronous callbacks to forEach, timers and listeners.
    dedent`
      ${TRACELOOP}
      import { EventEmitter } from "node:events";

      const events = new EventEmitter();

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        [1, 2].forEach((item) => console.log(item));
        setTimeout(() => console.log("later"), 10);
        process.nextTick(() => console.log("soon"));
        events.on("job", (job) => console.log(job));
      });
    `,
    // A local function named setTimeout is not the timer.
    dedent`
      ${TRACELOOP}

      function setTimeout(run: () => Promise<void>): Promise<void> {
        return run();
      }

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        await setTimeout(async () => {});
      });
    `,
    // map() returns the promises: awaited with Promise.all, nothing floats.
    dedent`
      ${TRACELOOP}

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        await Promise.all([1, 2].map(async (item) => item));
      });
    `,
    // \`return await\` keeps the promise inside the try: the span ends after it settles.
    dedent`
      ${TRACELOOP}
      import { trace } from "@opentelemetry/api";

      async function work(): Promise<number> {
        return 1;
      }

      trace.getTracer("app").startActiveSpan("export", async (span) => {
        try {
          return await work();
        } finally {
          span.end();
        }
      });
    `,
    // A finally that does not end a span: returning the promise is fine.
    dedent`
      ${TRACELOOP}

      async function work(): Promise<number> {
        return 1;
      }

      traceloop.withTask({ name: "export" }, () => {
        try {
          return work();
        } finally {
          console.log("done");
        }
      });
    `,
    // \`void\` of something that is not a promise.
    dedent`
      ${TRACELOOP}

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        void 0;
        void console.log("x");
      });
    `,
    // The workflow call at the top level is not inside a scope; the entry is another rule's business.
    dedent`
      ${TRACELOOP}

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        await traceloop.withTask({ name: "send" }, async () => {});
      });
    `,
    // startActiveSpan returns what its callback returns: a synchronous callback, no promise.
    dedent`
      import { trace } from "@opentelemetry/api";

      trace.getTracer("app").startActiveSpan("outer", (outer) => {
        trace.getTracer("app").startActiveSpan("inner", (inner) => {
          inner.end();
        });
        outer.end();
      });
    `,
    // .then(ok, undefined) has no rejection handler... but here the handler is real.
    dedent`
      ${TRACELOOP}

      async function save(): Promise<void> {}

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        save().then(undefined, (error) => console.error(error));
      });
    `,
    // Arrays of promises need types to be recognised: syntax-only mode stays quiet.
    dedent`
      ${TRACELOOP}

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        [1, 2].map(async (item) => item);
      });
    `,
    // What the catch-inside suggestion leaves: a callback whose promise cannot reject.
    withHelper(dedent`
      ${TRACELOOP}

      async function send(): Promise<void> {}

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        setTimeout(async () => {
          try {
            await send();
          } catch (error) {
            recordErrorOnSpan(error);
          }
        }, 1000);
        queueMicrotask(() => send().catch(recordErrorOnSpan));
      });
    `),
    // An async function that is defined in the scope but never called from it.
    dedent`
      ${TRACELOOP}

      async function save(): Promise<void> {}
      function unrelated() {
        save();
      }

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        await save();
      });
      unrelated();
    `,
  ],
  invalid: [
    // The new user's item 5 (issue 16): a plain function that returns a task, called without await in the workflow,
    // is reported like its arrow and async forms; so is one whose every branch returns a promise.
    {
      code: CODE_SAVE_USAGE,
      output: null,
      errors: [floatingInSummarize(15, "saveUsage(42)", SAVE_AWAITED, SAVE_CAUGHT), floatingInSummarize(16, "pick(true)", PICK_AWAITED, PICK_CAUGHT)],
    },
    // The incident: a task nobody awaits inside the workflow; underlined up to the callee, not the whole body.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
          traceloop.withTask({ name: "record_request" }, async () => {
            throw new Error("audit log rejected the record");
          });
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Task 'record_request'", where: "workflow 'rag_pipeline'" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 21,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
                  await traceloop.withTask({ name: "record_request" }, async () => {
                    throw new Error("audit log rejected the record");
                  });
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
                  traceloop.withTask({ name: "record_request" }, async () => {
                    throw new Error("audit log rejected the record");
                  }).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // The workflow callback is not async: await is impossible, .catch() comes first.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          traceloop.withTask({ name: "send" }, () => 1);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Task 'send'", where: "workflow 'daily_digest'" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 48,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  traceloop.withTask({ name: "send" }, () => 1).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // A same-file async function declaration.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          save();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "workflow 'daily_digest'" },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 9,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await save();
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  save().catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // A same-file async arrow bound to a const, inside a task.
    {
      code: dedent`
        ${TRACELOOP}

        const notify = async (to: string) => to;

        traceloop.withTask({ name: "notify" }, async () => {
          notify("ops");
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "task 'notify'" },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 16,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "task" },
              output: dedent`
                ${TRACELOOP}

                const notify = async (to: string) => to;

                traceloop.withTask({ name: "notify" }, async () => {
                  await notify("ops");
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                const notify = async (to: string) => to;

                traceloop.withTask({ name: "notify" }, async () => {
                  notify("ops").catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // An async method of the class, called from a decorated workflow method; the name comes from the decorator.
    {
      code: dedent`
        ${TRACELOOP}

        class Digest {
          @traceloop.workflow({ name: "daily_digest" })
          async run() {
            this.store();
          }

          async store() {}
        }
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "workflow 'daily_digest'" },
          line: 6,
          column: 5,
          endLine: 6,
          endColumn: 17,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                class Digest {
                  @traceloop.workflow({ name: "daily_digest" })
                  async run() {
                    await this.store();
                  }

                  async store() {}
                }
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                class Digest {
                  @traceloop.workflow({ name: "daily_digest" })
                  async run() {
                    this.store().catch(recordErrorOnSpan);
                  }

                  async store() {}
                }
              `),
            },
          ],
        },
      ],
    },
    // An async arrow-valued class field counts as an async method.
    {
      code: dedent`
        ${TRACELOOP}

        class Digest {
          store = async () => {};

          @traceloop.task()
          async run() {
            this.store();
          }
        }
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "task 'run'" },
          line: 8,
          column: 5,
          endLine: 8,
          endColumn: 17,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "task" },
              output: dedent`
                ${TRACELOOP}

                class Digest {
                  store = async () => {};

                  @traceloop.task()
                  async run() {
                    await this.store();
                  }
                }
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                class Digest {
                  store = async () => {};

                  @traceloop.task()
                  async run() {
                    this.store().catch(recordErrorOnSpan);
                  }
                }
              `),
            },
          ],
        },
      ],
    },
    // Same-file async methods called through members: an object literal, a static method, a same-file instance.
    ...[
      { holder: "const store = {\n  async save() {},\n};", call: "store.save()" },
      { holder: "class Store {\n  static async save() {}\n}", call: "Store.save()" },
      { holder: "class Store {\n  async save() {}\n}\nconst store = new Store();", call: "store.save()" },
      { holder: "class Store {\n  async save() {}\n}", call: "new Store().save()" },
    ].map(({ holder, call }) => {
      const program = (statement: string) => `${TRACELOOP}\n\n${holder}\n\ntraceloop.withTask({ name: "persist" }, async () => {\n  ${statement}\n});`;
      const code = program(`${call};`);
      const line = code.split("\n").indexOf(`  ${call};`) + 1;
      return {
        code,
        output: null,
        errors: [
          {
            messageId: "floating" as const,
            data: { what: "Promise", where: "task 'persist'" },
            line,
            column: 3,
            endLine: line,
            endColumn: 3 + call.length,
            suggestions: [
              { messageId: "addAwait" as const, data: { kind: "task" }, output: program(`await ${call};`) },
              { messageId: "addCatch" as const, output: withHelper(catchOnLine(code, line)) },
            ],
          },
        ],
      };
    }),
    // new Promise(...) left alone.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          new Promise((resolve) => setTimeout(resolve, 10));
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "workflow 'daily_digest'" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 52,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await new Promise((resolve) => setTimeout(resolve, 10));
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  new Promise((resolve) => setTimeout(resolve, 10)).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // .then() without a rejection handler, on anything: the new promise rejects when the callback throws.
    {
      code: dedent`
        ${TRACELOOP}
        import { fetchUsers } from "./users";

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          fetchUsers().then((users) => console.log(users));
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "workflow 'daily_digest'" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 51,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(
                dedent`
                ${TRACELOOP}
                import { fetchUsers } from "./users";

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  fetchUsers().then((users) => console.log(users)).catch(recordErrorOnSpan);
                });
              `,
                'import { fetchUsers } from "./users";',
              ),
            },
          ],
        },
      ],
    },
    // .then(ok, undefined) and .catch() with no handler handle nothing.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          save().then(() => 1, undefined);
          save().catch();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 34,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  save().then(() => 1, undefined).catch(recordErrorOnSpan);
                  save().catch();
                });
              `),
            },
          ],
        },
        {
          messageId: "floating",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 17,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  save().then(() => 1, undefined);
                  save().catch().catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // .finally() passes the rejection on.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          save().finally(() => console.log("saved"));
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 45,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await save().finally(() => console.log("saved"));
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  save().finally(() => console.log("saved")).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // The Promise combinators: each rejects when a member does (allSettled lets the work outlive the span).
    {
      code: COMBINATORS,
      output: null,
      errors: [
        { line: 4, endColumn: 18 },
        { line: 5, endColumn: 18 },
        { line: 6, endColumn: 19 },
        { line: 7, endColumn: 25 },
        { line: 8, endColumn: 33 },
      ].map(({ line, endColumn }) => ({
        messageId: "floating" as const,
        line,
        column: 3,
        endLine: line,
        endColumn,
        suggestions: [{ messageId: "addCatch" as const, output: withHelper(catchOnLine(COMBINATORS, line)) }],
      })),
    },
    // \`a && b()\`: await wraps it in parentheses; .catch() would throw when \`a\` is false, so it is not offered.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async (ready: boolean) => {
          ready && save();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 18,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async (ready: boolean) => {
                  await (ready && save());
                });
              `,
            },
          ],
        },
      ],
    },
    // Both branches are promises: both fixes, both with parentheses.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}
        async function skip(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async (ready: boolean) => {
          ready ? save() : skip();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 26,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}
                async function skip(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async (ready: boolean) => {
                  await (ready ? save() : skip());
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}
                async function skip(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async (ready: boolean) => {
                  (ready ? save() : skip()).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // Already in parentheses: the fixes use them.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}
        async function skip(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          (save() || skip());
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 7,
          column: 4,
          endLine: 7,
          endColumn: 20,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}
                async function skip(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await (save() || skip());
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}
                async function skip(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  (save() || skip()).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // One item of a comma list floats: underlined alone, no fix for the whole list.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          console.log("saving"), save();
        });
      `,
      output: null,
      errors: [{ messageId: "floating", line: 6, column: 26, endLine: 6, endColumn: 32, suggestions: [] }],
    },
    // \`x as Promise<void>\` needs parentheses for both fixes; the line before has no semicolon, so the
    // parenthesis gets a leading one rather than turning the previous line into a call.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          const started = Date.now()
          save() as Promise<void>
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 26,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  const started = Date.now()
                  await (save() as Promise<void>)
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  const started = Date.now()
                  ;(save() as Promise<void>).catch(recordErrorOnSpan)
                });
              `),
            },
          ],
        },
      ],
    },
    // \`void\` drops the rejection on purpose; inside a scope that loses the span's error.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          void save();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "voided",
          data: { what: "Promise", where: "workflow 'daily_digest'" },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 14,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await save();
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  save().catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // \`void (a || b)\` keeps its parentheses.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}
        async function skip(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          void (save() || skip());
        });
      `,
      output: null,
      errors: [
        {
          messageId: "voided",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 26,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}
                async function skip(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await (save() || skip());
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}
                async function skip(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  (save() || skip()).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // \`() => void save()\` as a callback inside the scope: the arrow is not async, so only .catch().
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}
        function onDone(run: () => void) {
          run();
        }

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          onDone(() => void save());
        });
      `,
      output: null,
      errors: [
        {
          messageId: "voided",
          line: 9,
          column: 16,
          endLine: 9,
          endColumn: 27,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}
                function onDone(run: () => void) {
                  run();
                }

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  onDone(() => save().catch(recordErrorOnSpan));
                });
              `),
            },
          ],
        },
      ],
    },
    // Reached through a chain of eight helpers: the message keeps two at each end and counts the rest, so it
    // stays one readable line however deep the chain (at 1,000 helpers it was 8,978 characters).
    chainCase(["step0", "step1", "step2", "step3", "step4", "step5", "step6", "step7"], "step0() → step1() → … 4 more … → step6() → step7()"),
    // Five helpers are all shown: hiding one would save nothing.
    chainCase(["a", "b", "c", "d", "e"], "a() → b() → c() → d() → e()"),
    // Reached through a same-file helper: the message says how.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}
        function audit() {
          save();
        }

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          audit();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "workflow 'daily_digest' (via audit())" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 9,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}
                function audit() {
                  save().catch(recordErrorOnSpan);
                }

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  audit();
                });
              `),
            },
          ],
        },
      ],
    },
    // A task inside a workflow: the message names both.
    {
      code: dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          await traceloop.withTask({ name: "store" }, async () => {
            save();
          });
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "task 'store' of workflow 'daily_digest'" },
          line: 7,
          column: 5,
          endLine: 7,
          endColumn: 11,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "task" },
              output: dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await traceloop.withTask({ name: "store" }, async () => {
                    await save();
                  });
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await traceloop.withTask({ name: "store" }, async () => {
                    save().catch(recordErrorOnSpan);
                  });
                });
              `),
            },
          ],
        },
      ],
    },
    // A Sentry span opened, not awaited, inside a Traceloop workflow: the opener is named.
    {
      code: dedent`
        ${TRACELOOP}
        import * as Sentry from "@sentry/node";

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          Sentry.startSpan({ name: "render" }, async () => 1);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Span 'render'", where: "workflow 'daily_digest'" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 54,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}
                import * as Sentry from "@sentry/node";

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await Sentry.startSpan({ name: "render" }, async () => 1);
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(
                dedent`
                ${TRACELOOP}
                import * as Sentry from "@sentry/node";

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  Sentry.startSpan({ name: "render" }, async () => 1).catch(recordErrorOnSpan);
                });
              `,
                'import * as Sentry from "@sentry/node";',
              ),
            },
          ],
        },
      ],
    },
    // return inside try { } finally { span.end() }: the span ends before the work settles.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        async function work(): Promise<number> {
          return 1;
        }

        trace.getTracer("app").startActiveSpan("export", async (span) => {
          try {
            return work();
          } finally {
            span.end();
          }
        });
      `,
      output: null,
      errors: [
        {
          messageId: "returnedFromTry",
          data: { what: "Promise", where: "span 'export'" },
          line: 9,
          column: 12,
          endLine: 9,
          endColumn: 18,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "span" },
              output: dedent`
                import { trace } from "@opentelemetry/api";

                async function work(): Promise<number> {
                  return 1;
                }

                trace.getTracer("app").startActiveSpan("export", async (span) => {
                  try {
                    return await work();
                  } finally {
                    span.end();
                  }
                });
              `,
            },
          ],
        },
      ],
    },
    // The same from a catch block, with a span parameter of another name; the callback is not async: no fix.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        async function work(): Promise<number> {
          return 1;
        }

        trace.getTracer("app").startActiveSpan("export", (current) => {
          try {
            throw new Error("x");
          } catch {
            return work();
          } finally {
            current.end();
          }
        });
      `,
      output: null,
      errors: [{ messageId: "returnedFromTry", line: 11, column: 12, endLine: 11, endColumn: 18, suggestions: [] }],
    },
    // forEach ignores the promises; in an async scope they can be awaited together.
    {
      code: dedent`
        ${TRACELOOP}

        async function send(to: string): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
          users.forEach(async (user) => {
            await send(user);
          });
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Async callback", callee: "forEach()", where: "workflow 'daily_digest'" },
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 32,
          suggestions: [
            {
              messageId: "awaitAll",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function send(to: string): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
                  await Promise.all(users.map(async (user) => {
                    await send(user);
                  }));
                });
              `,
            },
            {
              messageId: "catchInside",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function send(to: string): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
                  users.forEach(async (user) => {
                    try {
                      await send(user);
                    } catch (error) {
                      recordErrorOnSpan(error);
                    }
                  });
                });
              `),
            },
          ],
        },
      ],
    },
    // Not in an async function: only the catch inside the callback.
    {
      code: dedent`
        ${TRACELOOP}

        async function send(to: string): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, (users: string[]) => {
          users.forEach(async function (user) {
            await send(user);
          });
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Async callback", callee: "forEach()", where: "workflow 'daily_digest'" },
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 38,
          suggestions: [
            {
              messageId: "catchInside",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function send(to: string): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, (users: string[]) => {
                  users.forEach(async function (user) {
                    try {
                      await send(user);
                    } catch (error) {
                      recordErrorOnSpan(error);
                    }
                  });
                });
              `),
            },
          ],
        },
      ],
    },
    // A timer runs the callback after the workflow may have ended.
    {
      code: dedent`
        ${TRACELOOP}

        async function send(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          setTimeout(async () => {
            await send();
          }, 1000);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Async callback", callee: "setTimeout()", where: "workflow 'daily_digest'" },
          line: 6,
          column: 14,
          endLine: 6,
          endColumn: 25,
          suggestions: [
            {
              messageId: "catchInside",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function send(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  setTimeout(async () => {
                    try {
                      await send();
                    } catch (error) {
                      recordErrorOnSpan(error);
                    }
                  }, 1000);
                });
              `),
            },
          ],
        },
      ],
    },
    // A catch block that rethrows rejects the callback's promise again: still reported, and wrapped once more.
    {
      code: dedent`
        ${TRACELOOP}

        async function send(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          setTimeout(async () => {
            try {
              await send();
            } catch (error) {
              throw error;
            }
          }, 1000);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          line: 6,
          column: 14,
          endLine: 6,
          endColumn: 25,
          suggestions: [
            {
              messageId: "catchInside",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function send(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  setTimeout(async () => {
                    try {
                      try {
                        await send();
                      } catch (error) {
                        throw error;
                      }
                    } catch (error) {
                      recordErrorOnSpan(error);
                    }
                  }, 1000);
                });
              `),
            },
          ],
        },
      ],
    },
    // A same-file async function passed by name: underlined, no mechanical fix.
    {
      code: dedent`
        ${TRACELOOP}

        async function poll(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          setInterval(poll, 1000);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Callback returning a promise", callee: "setInterval()", where: "workflow 'daily_digest'" },
          line: 6,
          column: 15,
          endLine: 6,
          endColumn: 19,
          suggestions: [],
        },
      ],
    },
    // An async EventEmitter listener: its rejection is unhandled.
    {
      code: dedent`
        ${TRACELOOP}
        import { EventEmitter } from "node:events";

        const queue = new EventEmitter();
        async function handle(job: unknown): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          queue.on("job", async (job) => {
            await handle(job);
          });
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Async callback", callee: 'on("job")', where: "workflow 'daily_digest'" },
          line: 8,
          column: 19,
          endLine: 8,
          endColumn: 33,
          suggestions: [
            {
              messageId: "catchInside",
              output: withHelper(
                dedent`
                ${TRACELOOP}
                import { EventEmitter } from "node:events";

                const queue = new EventEmitter();
                async function handle(job: unknown): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  queue.on("job", async (job) => {
                    try {
                      await handle(job);
                    } catch (error) {
                      recordErrorOnSpan(error);
                    }
                  });
                });
              `,
                'import { EventEmitter } from "node:events";',
              ),
            },
          ],
        },
      ],
    },
    // process.nextTick and queueMicrotask; a non-async arrow whose body is a promise gets .catch() on the body.
    {
      code: dedent`
        ${TRACELOOP}

        async function send(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          process.nextTick(async () => send());
          queueMicrotask(() => send());
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Async callback", callee: "process.nextTick()", where: "workflow 'daily_digest'" },
          line: 6,
          column: 20,
          endLine: 6,
          endColumn: 31,
          suggestions: [
            {
              messageId: "catchInside",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function send(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  process.nextTick(async () => send().catch(recordErrorOnSpan));
                  queueMicrotask(() => send());
                });
              `),
            },
          ],
        },
        {
          messageId: "floatingCallback",
          data: { what: "Callback returning a promise", callee: "queueMicrotask()", where: "workflow 'daily_digest'" },
          line: 7,
          column: 18,
          endLine: 7,
          endColumn: 23,
          suggestions: [
            {
              messageId: "catchInside",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function send(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  process.nextTick(async () => send());
                  queueMicrotask(() => send().catch(recordErrorOnSpan));
                });
              `),
            },
          ],
        },
      ],
    },
    // An async IIFE is a promise like any other.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          (async () => {
            throw new Error("x");
          })();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 4,
          column: 3,
          endLine: 6,
          endColumn: 4,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await (async () => {
                    throw new Error("x");
                  })();
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  (async () => {
                    throw new Error("x");
                  })().catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // A dynamic import rejects when the module fails to load.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          import("./plugins");
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 22,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await import("./plugins");
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  import("./plugins").catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // An optional chain: .catch() joins the chain, so it is skipped with the call when the object is missing.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "daily_digest" }, async (pending?: Promise<void>) => {
          pending?.then(() => 1);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 25,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async (pending?: Promise<void>) => {
                  await pending?.then(() => 1);
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async (pending?: Promise<void>) => {
                  pending?.then(() => 1).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // A multi-line .then() chain is underlined up to \`then\`.
    {
      code: dedent`
        ${TRACELOOP}

        async function load(): Promise<string[]> {
          return [];
        }

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          load()
            .then((rows) => rows.length);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 8,
          column: 3,
          endLine: 9,
          endColumn: 10,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function load(): Promise<string[]> {
                  return [];
                }

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  load()
                    .then((rows) => rows.length).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // A floating promise in a plain callback inside the scope: the callback is not async, so .catch() only.
    {
      code: dedent`
        ${TRACELOOP}

        async function send(to: string): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
          for (const user of users) {
            if (user) send(user);
          }
          users.map((user) => {
            send(user);
          });
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 7,
          column: 15,
          endLine: 7,
          endColumn: 25,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                async function send(to: string): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
                  for (const user of users) {
                    if (user) await send(user);
                  }
                  users.map((user) => {
                    send(user);
                  });
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function send(to: string): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
                  for (const user of users) {
                    if (user) send(user).catch(recordErrorOnSpan);
                  }
                  users.map((user) => {
                    send(user);
                  });
                });
              `),
            },
          ],
        },
        {
          messageId: "floating",
          line: 10,
          column: 5,
          endLine: 10,
          endColumn: 15,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function send(to: string): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
                  for (const user of users) {
                    if (user) send(user);
                  }
                  users.map((user) => {
                    send(user).catch(recordErrorOnSpan);
                  });
                });
              `),
            },
          ],
        },
      ],
    },
    // An existing @opentelemetry/api import is extended, not repeated; the helper follows the imports.
    {
      code: dedent`
        ${TRACELOOP}
        import { trace } from "@opentelemetry/api";

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          trace.getActiveSpan()?.setAttribute("step", "save");
          save();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 8,
          column: 3,
          endLine: 8,
          endColumn: 9,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(
                dedent`
                  ${TRACELOOP}
                  import { trace } from "@opentelemetry/api";

                  async function save(): Promise<void> {}

                  traceloop.withWorkflow({ name: "daily_digest" }, () => {
                    trace.getActiveSpan()?.setAttribute("step", "save");
                    save().catch(recordErrorOnSpan);
                  });
                `,
                'import { trace } from "@opentelemetry/api";',
              )
                .replace(`\n${OTEL_IMPORT}\n`, "\n")
                .replace('import { trace } from "@opentelemetry/api";', 'import { trace, SpanStatusCode } from "@opentelemetry/api";'),
            },
          ],
        },
      ],
    },
    // The helper is already in the file: only the call changes.
    {
      code: withHelper(dedent`
        ${TRACELOOP}

        async function save(): Promise<void> {}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          save();
        });
      `),
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 17,
          column: 3,
          endLine: 17,
          endColumn: 9,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                async function save(): Promise<void> {}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  save().catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // CommonJS JavaScript: the helper is untyped and the import is a require.
    {
      filename: "job.cjs",
      code: dedent`
        const traceloop = require("@traceloop/node-server-sdk");

        async function save() {}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          save();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 9,
          suggestions: [
            {
              messageId: "addCatch",
              output: dedent`
                const traceloop = require("@traceloop/node-server-sdk");
                const { SpanStatusCode, trace } = require("@opentelemetry/api");

                // Added by eslint-plugin-traced-exit: record an error nobody awaits on the active span and mark it ERROR.
                // The span's owner still ends it; the rejection stops here instead of ending the process.
                function recordErrorOnSpan(error) {
                  const span = trace.getActiveSpan();
                  if (span) {
                    span.recordException(error instanceof Error ? error : String(error));
                    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
                  }
                }

                async function save() {}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  save();
                });
              `.replace("  save();\n});", "  save().catch(recordErrorOnSpan);\n});"),
            },
          ],
        },
      ],
    },
    // A custom wrapper from settings opens a scope like any other.
    {
      settings: { "traced-exit": { wrappers: [{ module: "./tracing", export: "traced", callback: 1, kind: "job" }] } },
      code: dedent`
        import { traced } from "./tracing";

        async function save(): Promise<void> {}

        traced("nightly", async () => {
          save();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "job 'nightly'" },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 9,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "job" },
              output: dedent`
                import { traced } from "./tracing";

                async function save(): Promise<void> {}

                traced("nightly", async () => {
                  await save();
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(
                dedent`
                import { traced } from "./tracing";

                async function save(): Promise<void> {}

                traced("nightly", async () => {
                  save().catch(recordErrorOnSpan);
                });
              `,
                'import { traced } from "./tracing";',
              ),
            },
          ],
        },
      ],
    },
  ],
});

/** Type-aware mode: every case is linted as tests/rules/fixtures/file.ts, in the program of that folder's tsconfig. */
const typed = new RuleTester({
  languageOptions: {
    globals: { ...globals.node },
    parserOptions: { projectService: true, tsconfigRootDir: path.join(__dirname, "fixtures") },
  },
});

typed.run<MessageId, Options>("no-floating-promises (type-aware)", testedRule, {
  valid: [
    // Outside traced scope nothing is type-checked: typescript-eslint's own rule covers the rest of the program.
    dedent`
      ${TRACELOOP}
      import { writeFile } from "node:fs/promises";

      writeFile("out.txt", "x");
    `,
    // Awaited, returned, handled, stored.
    dedent`
      ${TRACELOOP}
      import { writeFile } from "node:fs/promises";

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        await writeFile("a.txt", "x");
        writeFile("b.txt", "x").catch((error: unknown) => console.error(error));
        writeFile("c.txt", "x").then(() => 1, (error: unknown) => console.error(error));
        const pending = writeFile("d.txt", "x");
        await pending;
        return writeFile("e.txt", "x");
      });
    `,
    // A thenable whose then() takes no rejection handler cannot lose one.
    dedent`
      ${TRACELOOP}

      interface Chain {
        then(onDone: () => void): void;
      }
      declare const chain: Chain;

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        chain.then(() => undefined);
      });
    `,
    // The type says this call is synchronous, whatever its name.
    dedent`
      ${TRACELOOP}

      declare const client: { send(): number; then: number };

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        client.send();
        client.then;
      });
    `,
    // A rejection handler held in a variable is still a function.
    dedent`
      ${TRACELOOP}
      import { writeFile } from "node:fs/promises";

      const report = (error: unknown) => console.error(error);

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        writeFile("a.txt", "x").catch(report);
      });
    `,
    // startActiveSpan with a synchronous callback returns a number, not a promise.
    dedent`
      import { trace } from "@opentelemetry/api";

      trace.getTracer("app").startActiveSpan("outer", (outer) => {
        trace.getTracer("app").startActiveSpan("inner", (inner) => {
          inner.end();
          return 1;
        });
        outer.end();
      });
    `,
    // Returning a number from try/finally that ends the span is fine.
    dedent`
      import { trace } from "@opentelemetry/api";

      declare function count(): number;

      trace.getTracer("app").startActiveSpan("export", (span) => {
        try {
          return count();
        } finally {
          span.end();
        }
      });
    `,
    // Listeners and timers whose callbacks return nothing.
    dedent`
      ${TRACELOOP}
      import { EventEmitter } from "node:events";

      declare const events: EventEmitter;
      declare function log(): void;

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        events.on("job", log);
        setTimeout(log, 10);
        [1].forEach(log);
      });
    `,
    // \`void\` of a value that is not a promise.
    dedent`
      ${TRACELOOP}

      declare function count(): number;

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        void count();
      });
    `,
    // An array that holds no promises.
    dedent`
      ${TRACELOOP}

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        [1, 2].map((item) => item * 2);
      });
    `,
    // A rejection handler that is a function whatever member of its union it holds (typescript-eslint's own valid case).
    dedent`
      ${TRACELOOP}

      declare function save(): Promise<void>;
      declare const onError: ((error: Error) => void) | ((error: unknown) => void);

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        save().catch(onError);
        save().then(() => 1, onError);
      });
    `,
    // A promise from a polyfill constructor, and from a subclass of Promise, each handled.
    dedent`
      ${TRACELOOP}

      interface PromisePolyfillConstructor extends PromiseConstructor {
        _immediateFn?: (handler: () => void) => void;
      }
      declare const PromisePolyfill: PromisePolyfillConstructor;
      class Job extends Promise<void> {}
      declare function start(): Job;
      declare function log(error: unknown): void;

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        await new PromisePolyfill<void>((resolve) => resolve());
        new PromisePolyfill<void>((resolve) => resolve()).catch(log);
        await start();
        start().then(() => 1, log);
      });
    `,
    // A handled promise stays handled whatever it is cast to; a value asserted to be no promise is none.
    dedent`
      ${TRACELOOP}

      declare function save(): Promise<void>;
      declare function log(error: unknown): void;
      declare const pending: unknown;

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        save().catch(log) as Promise<void>;
        pending as string;
      });
    `,
    // Awaiting the promises of an array together; awaiting a value that is no array of promises.
    dedent`
      ${TRACELOOP}

      declare const jobs: Promise<void>[];
      declare function load(): Promise<string[]>;

      traceloop.withWorkflow({ name: "daily_digest" }, async () => {
        await Promise.all(jobs);
        await load();
      });
    `,
    // \`yield\` in a generator whose caller sends in plain values.
    dedent`
      ${TRACELOOP}

      traceloop.withWorkflow({ name: "daily_digest" }, () => {
        function* steps(): Generator<number, void, number> {
          yield 1;
        }
        return steps;
      });
    `,
  ],
  invalid: [
    // An imported promise-returning function: only the types know.
    {
      code: dedent`
        ${TRACELOOP}
        import { writeFile } from "node:fs/promises";

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          writeFile("digest.txt", "x");
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "workflow 'daily_digest'" },
          line: 5,
          column: 3,
          endLine: 5,
          endColumn: 31,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}
                import { writeFile } from "node:fs/promises";

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await writeFile("digest.txt", "x");
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(
                dedent`
                  ${TRACELOOP}
                  import { writeFile } from "node:fs/promises";

                  traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                    writeFile("digest.txt", "x").catch(recordErrorOnSpan);
                  });
                `,
                'import { writeFile } from "node:fs/promises";',
              ),
            },
          ],
        },
      ],
    },
    // A method of a declared client.
    {
      code: dedent`
        ${TRACELOOP}

        declare const mailer: { send(to: string): Promise<void> };

        traceloop.withTask({ name: "notify" }, () => {
          mailer.send("ops");
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "task 'notify'" },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 21,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                declare const mailer: { send(to: string): Promise<void> };

                traceloop.withTask({ name: "notify" }, () => {
                  mailer.send("ops").catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // A custom thenable with a rejection handler counts (typescript-eslint's checkThenables).
    {
      code: dedent`
        ${TRACELOOP}

        interface Query extends PromiseLike<number> {}
        declare function query(sql: string): Query;

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          query("delete from jobs");
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 28,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                interface Query extends PromiseLike<number> {}
                declare function query(sql: string): Query;

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await query("delete from jobs");
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                interface Query extends PromiseLike<number> {}
                declare function query(sql: string): Query;

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  query("delete from jobs").catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // An array of promises: awaited together with Promise.all.
    {
      code: dedent`
        ${TRACELOOP}

        declare function send(to: string): Promise<void>;

        traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
          users.map((user) => send(user));
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingArray",
          data: { where: "workflow 'daily_digest'" },
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 34,
          suggestions: [
            {
              messageId: "awaitAll",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                declare function send(to: string): Promise<void>;

                traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
                  await Promise.all(users.map((user) => send(user)));
                });
              `,
            },
          ],
        },
      ],
    },
    // A "handler" that is not a function handles nothing.
    {
      code: dedent`
        ${TRACELOOP}

        declare function save(): Promise<void>;
        const fallback = 0;

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          save().catch(fallback as never);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 34,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                declare function save(): Promise<void>;
                const fallback = 0;

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  save().catch(fallback as never).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // Promise | undefined from a ternary: the promise branch floats; .catch() would throw on undefined.
    {
      code: dedent`
        ${TRACELOOP}

        declare function save(): Promise<void>;

        traceloop.withWorkflow({ name: "daily_digest" }, async (dirty: boolean) => {
          dirty ? save() : undefined;
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 29,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                declare function save(): Promise<void>;

                traceloop.withWorkflow({ name: "daily_digest" }, async (dirty: boolean) => {
                  await (dirty ? save() : undefined);
                });
              `,
            },
          ],
        },
      ],
    },
    // \`void\` of a typed promise.
    {
      code: dedent`
        ${TRACELOOP}

        declare function save(): Promise<void>;

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          void save();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "voided",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 14,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                declare function save(): Promise<void>;

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await save();
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                declare function save(): Promise<void>;

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  save().catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // return of a typed promise from try { } finally { span.end() }.
    {
      code: dedent`
        import { trace } from "@opentelemetry/api";

        declare const store: { flush(): Promise<void> };

        trace.getTracer("app").startActiveSpan("flush", async (span) => {
          try {
            return store.flush();
          } finally {
            span.end();
          }
        });
      `,
      output: null,
      errors: [
        {
          messageId: "returnedFromTry",
          data: { what: "Promise", where: "span 'flush'" },
          line: 7,
          column: 12,
          endLine: 7,
          endColumn: 25,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "span" },
              output: dedent`
                import { trace } from "@opentelemetry/api";

                declare const store: { flush(): Promise<void> };

                trace.getTracer("app").startActiveSpan("flush", async (span) => {
                  try {
                    return await store.flush();
                  } finally {
                    span.end();
                  }
                });
              `,
            },
          ],
        },
      ],
    },
    // The finally ends the active span fetched from the API.
    {
      code: dedent`
        ${TRACELOOP}
        import { trace } from "@opentelemetry/api";

        declare function upload(): Promise<void>;

        traceloop.withTask({ name: "upload" }, () => {
          try {
            return upload().catch(() => undefined);
          } finally {
            trace.getActiveSpan()?.end();
          }
        });
      `,
      output: null,
      errors: [{ messageId: "returnedFromTry", line: 8, column: 12, endLine: 8, endColumn: 43, suggestions: [] }],
    },
    // \`any\` says nothing: the shape decides (.then without a rejection handler).
    {
      code: dedent`
        ${TRACELOOP}

        declare const legacy: any;

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          legacy.load().then(() => 1);
          legacy.load();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 30,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                declare const legacy: any;

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  legacy.load().then(() => 1).catch(recordErrorOnSpan);
                  legacy.load();
                });
              `),
            },
          ],
        },
      ],
    },
    // A declared async function passed to a timer; only the type says it returns a promise.
    {
      code: dedent`
        ${TRACELOOP}

        declare function flushLater(): Promise<void>;

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          setTimeout(flushLater, 10);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Callback returning a promise", callee: "setTimeout()", where: "workflow 'daily_digest'" },
          line: 6,
          column: 14,
          endLine: 6,
          endColumn: 24,
          suggestions: [],
        },
      ],
    },
    // forEach with a plain arrow that returns a typed promise: both fixes.
    {
      code: dedent`
        ${TRACELOOP}

        declare function send(to: string): Promise<void>;

        traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
          users.forEach((user) => send(user));
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Callback returning a promise", callee: "forEach()", where: "workflow 'daily_digest'" },
          line: 6,
          column: 17,
          endLine: 6,
          endColumn: 26,
          suggestions: [
            {
              messageId: "awaitAll",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                declare function send(to: string): Promise<void>;

                traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
                  await Promise.all(users.map((user) => send(user)));
                });
              `,
            },
            {
              messageId: "catchInside",
              output: withHelper(dedent`
                ${TRACELOOP}

                declare function send(to: string): Promise<void>;

                traceloop.withWorkflow({ name: "daily_digest" }, async (users: string[]) => {
                  users.forEach((user) => send(user).catch(recordErrorOnSpan));
                });
              `),
            },
          ],
        },
      ],
    },
    // Traceloop's with* are typed Promise<any> even with a synchronous callback.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          traceloop.withTask({ name: "count" }, () => 1);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Task 'count'", where: "workflow 'daily_digest'" },
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 49,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  traceloop.withTask({ name: "count" }, () => 1).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // An async listener on a typed emitter.
    {
      code: dedent`
        ${TRACELOOP}
        import { EventEmitter } from "node:events";

        declare const queue: EventEmitter;
        declare function handle(job: unknown): Promise<void>;

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          queue.once("drain", async () => handle(null));
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floatingCallback",
          data: { what: "Async callback", callee: 'once("drain")', where: "workflow 'daily_digest'" },
          line: 8,
          column: 23,
          endLine: 8,
          endColumn: 34,
          suggestions: [
            {
              messageId: "catchInside",
              output: withHelper(
                dedent`
                  ${TRACELOOP}
                  import { EventEmitter } from "node:events";

                  declare const queue: EventEmitter;
                  declare function handle(job: unknown): Promise<void>;

                  traceloop.withWorkflow({ name: "daily_digest" }, () => {
                    queue.once("drain", async () => handle(null).catch(recordErrorOnSpan));
                  });
                `,
                'import { EventEmitter } from "node:events";',
              ),
            },
          ],
        },
      ],
    },
    // Promise.resolve() is a promise to the checker; type-aware mode flags what typescript-eslint flags.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          Promise.resolve(1);
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 4,
          column: 3,
          endLine: 4,
          endColumn: 21,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await Promise.resolve(1);
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  Promise.resolve(1).catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // Optional call on a possibly missing client.
    {
      code: dedent`
        ${TRACELOOP}

        declare const cache: { clear(): Promise<void> } | undefined;

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          cache?.clear();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 6,
          column: 3,
          endLine: 6,
          endColumn: 17,
          suggestions: [
            {
              messageId: "addAwait",
              data: { kind: "workflow" },
              output: dedent`
                ${TRACELOOP}

                declare const cache: { clear(): Promise<void> } | undefined;

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  await cache?.clear();
                });
              `,
            },
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                declare const cache: { clear(): Promise<void> } | undefined;

                traceloop.withWorkflow({ name: "daily_digest" }, async () => {
                  cache?.clear().catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // A comma list where the second item floats, typed.
    {
      code: dedent`
        ${TRACELOOP}

        declare function save(): Promise<void>;
        let step = 0;

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          step++, save();
        });
      `,
      output: null,
      errors: [{ messageId: "floating", line: 7, column: 11, endLine: 7, endColumn: 17, suggestions: [] }],
    },
    // A subclass of Promise.
    {
      code: dedent`
        ${TRACELOOP}

        class Job extends Promise<void> {}
        declare function start(): Job;

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          start();
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 7,
          column: 3,
          endLine: 7,
          endColumn: 10,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                class Job extends Promise<void> {}
                declare function start(): Job;

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  start().catch(recordErrorOnSpan);
                });
              `),
            },
          ],
        },
      ],
    },
    // A generic whose constraint is a promise.
    {
      code: dedent`
        ${TRACELOOP}

        function run<T extends Promise<void>>(job: T) {
          traceloop.withWorkflow({ name: "daily_digest" }, () => {
            job;
          });
        }
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 8,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                function run<T extends Promise<void>>(job: T) {
                  traceloop.withWorkflow({ name: "daily_digest" }, () => {
                    job.catch(recordErrorOnSpan);
                  });
                }
              `),
            },
          ],
        },
      ],
    },
    // Handlers that handle nothing: possibly not a function (a string or a function), null, a number.
    (() => {
      const code = dedent`
        ${TRACELOOP}

        declare function save(): Promise<void>;
        declare const onError: string | ((error: unknown) => void);

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          save().catch(onError);
          save().then(() => 1, null);
          save().catch(3 as never as number);
        });
      `;
      const error = (line: number, endColumn: number) => floatingInWorkflow(line, 3, endColumn, [{ messageId: "addCatch", output: withHelper(catchOnLine(code, line)) }]);
      return { code, output: null, errors: [error(7, 24), error(8, 29), error(9, 37)] };
    })(),
    // A promise from a polyfill constructor (its type extends PromiseConstructor).
    (() => {
      const code = dedent`
        ${TRACELOOP}

        interface PromisePolyfillConstructor extends PromiseConstructor {
          _immediateFn?: (handler: () => void) => void;
        }
        declare const PromisePolyfill: PromisePolyfillConstructor;

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          new PromisePolyfill<void>((resolve) => resolve());
        });
      `;
      return {
        code,
        output: null,
        errors: [
          floatingInWorkflow(9, 3, 52, [
            { messageId: "addAwait", output: editLine(code, 9, (text) => text.replace("new", "await new")) },
            { messageId: "addCatch", output: withHelper(catchOnLine(code, 9)) },
          ]),
        ],
      };
    })(),
    // A bare \`value as Promise<T>\`: a promise by the asserted type. Awaiting is safe; \`.catch()\` is not
    // offered, since the value itself may be no promise.
    (() => {
      const code = dedent`
        ${TRACELOOP}

        declare const pending: unknown;

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          pending as Promise<void>;
          <Promise<void>>pending;
        });
      `;
      const error = (line: number, endColumn: number, awaited: string) => floatingInWorkflow(line, 3, endColumn, [{ messageId: "addAwait", output: editLine(code, line, () => awaited) }]);
      return { code, output: null, errors: [error(6, 27, "  await (pending as Promise<void>);"), error(7, 25, "  await <Promise<void>>pending;")] };
    })(),
    // \`await jobs\` on an array of promises waits for none of them.
    (() => {
      const code = dedent`
        ${TRACELOOP}

        declare const jobs: Promise<void>[];
        declare function pending(): Promise<Promise<void>[]>;

        traceloop.withWorkflow({ name: "daily_digest" }, async () => {
          await jobs;
          await pending();
        });
      `;
      const error = (line: number, endColumn: number, awaited: string) => ({
        messageId: "floatingArray" as const,
        data: { where: "workflow 'daily_digest'" },
        line,
        column: 3,
        endLine: line,
        endColumn,
        suggestions: [{ messageId: "awaitAll" as const, data: { kind: "workflow" }, output: editLine(code, line, () => `  await Promise.all(${awaited});`) }],
      });
      return { code, output: null, errors: [error(7, 13, "jobs"), error(8, 18, "pending()")] };
    })(),
    // \`yield\` evaluates to what the caller sends in: here a promise nobody awaits.
    {
      code: dedent`
        ${TRACELOOP}

        traceloop.withWorkflow({ name: "daily_digest" }, () => {
          function* steps(): Generator<number, void, Promise<void>> {
            yield 1;
          }
          return steps;
        });
      `,
      output: null,
      errors: [
        {
          messageId: "floating",
          data: { what: "Promise", where: "workflow 'daily_digest'" },
          line: 5,
          column: 5,
          endLine: 5,
          endColumn: 12,
          suggestions: [
            {
              messageId: "addCatch",
              output: withHelper(dedent`
                ${TRACELOOP}

                traceloop.withWorkflow({ name: "daily_digest" }, () => {
                  function* steps(): Generator<number, void, Promise<void>> {
                    (yield 1).catch(recordErrorOnSpan);
                  }
                  return steps;
                });
              `),
            },
          ],
        },
      ],
    },
  ],
});
