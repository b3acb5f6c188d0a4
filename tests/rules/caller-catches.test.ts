/**
 * traced-exit/no-process-exit, issue 14 case 1b: an exit inside a traced scope whose throw (or return) would reach a
 * caller's handler that goes on. The callers followed beyond functions called by name: methods of classes and of
 * const objects, functions stored in const values, and a promise's `.catch` / `.then(ok, onError)` handler.
 */
import dedent from "dedent";
import rule from "../../src/rules/no-process-exit";
import type { MessageId } from "../../src/rules/no-process-exit";
import { createRuleTester } from "./rule-tester";

const ruleTester = createRuleTester();
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];

/** A Traceloop workflow that exits 3 on an empty item, as a function body (indented by the caller's dedent). */
const WORKFLOW = dedent`
  return traceloop.withWorkflow({ name: "handle_item" }, async () => {
    if (!item) process.exit(3);
    return item;
  });
`;
const IMPORT = `import * as traceloop from "@traceloop/node-server-sdk";`;

/** The report of the workflow's exit at `line`, caught `catcher`: no suggestion. */
const caught = (line: number, catcher: string) => ({
  messageId: "exitInScopeCaught" as const,
  data: { exit: "process.exit()", where: "workflow 'handle_item'", lost: "that span", catcher },
  line,
  suggestions: [],
});

/** `main(kind)` awaiting `call` in a try whose catch logs and goes on. */
const mainCatching = (call: string) => `async function main(kind) {\n  try {\n    await ${call};\n  } catch (error) {\n    console.log("skipping", error);\n  }\n}`;

/** `async function handleOne(item)` opening the workflow. */
const HANDLE_ONE = `async function handleOne(item) {\n${WORKFLOW.replace(/^/gmu, "  ")}\n}`;

/** A Sentry span that exits 3, called by a loop whose `.catch` logs and rethrows. */
const SENTRY_RETHROW = dedent`
  import * as Sentry from "@sentry/node";

  async function handleOne(item) {
    return Sentry.startSpan({ name: "s" }, async () => {
      if (!item) process.exit(3);
      return item;
    });
  }

  export async function main(items) {
    for (const item of items) {
      await handleOne(item).catch((error) => {
        console.log("failed", item);
        throw error;
      });
    }
  }
`;

ruleTester.run("no-process-exit: callers through methods, values and promise handlers (issue 14, 1b)", testedRule, {
  valid: [],
  invalid: [
    // A method of a class, called as `this.handleOne(item)` by a sibling whose catch logs and goes on.
    {
      code: dedent`
        ${IMPORT}

        class Worker {
          async handleOne(item) {
            ${WORKFLOW.replace(/\n/gu, "\n    ")}
          }

          async runAll(items) {
            for (const item of items) {
              try {
                await this.handleOne(item);
              } catch (error) {
                console.log("skipping", item, error);
              }
            }
          }
        }
      `,
      errors: [caught(6, "in runAll()")],
    },
    // The method called on a same-file instance, `const worker = new Worker()`, from a function whose catch goes on.
    {
      code: dedent`
        ${IMPORT}

        class Worker {
          async handleOne(item) {
            ${WORKFLOW.replace(/\n/gu, "\n    ")}
          }
        }

        const worker = new Worker();

        ${mainCatching(`worker.handleOne("")`)}
      `,
      errors: [caught(6, "in main()")],
    },
    // A static method, `Jobs.handleOne(item)`.
    {
      code: dedent`
        ${IMPORT}

        class Jobs {
          static async handleOne(item) {
            ${WORKFLOW.replace(/\n/gu, "\n    ")}
          }
        }

        ${mainCatching(`Jobs.handleOne("")`)}
      `,
      errors: [caught(6, "in main()")],
    },
    // A method of a const object literal, `handlers.handleOne(item)`.
    {
      code: dedent`
        ${IMPORT}

        const handlers = {
          async handleOne(item) {
            ${WORKFLOW.replace(/\n/gu, "\n    ")}
          },
        };

        ${mainCatching(`handlers.handleOne("")`)}
      `,
      errors: [caught(6, "in main()")],
    },
    // A function stored in a const object (`{ one: handleOne }`) and called through it.
    {
      code: dedent`
        ${IMPORT}

        ${HANDLE_ONE}

        const table = { one: handleOne };

        ${mainCatching(`table.one("")`)}
      `,
      errors: [caught(5, "in main()")],
    },
    // A function stored in a const Map and looked up by key.
    {
      code: dedent`
        ${IMPORT}

        ${HANDLE_ONE}

        const table = new Map([["one", handleOne]]);

        ${mainCatching(`table.get(kind)?.("")`)}
      `,
      errors: [caught(5, "in main()")],
    },
    // A caller that handles the rejection with `.catch(…)` and goes on to the next item.
    {
      code: dedent`
        ${IMPORT}

        ${HANDLE_ONE}

        async function main(items) {
          for (const item of items) {
            await handleOne(item).catch((error) => console.log("skipping", error));
          }
        }
      `,
      errors: [caught(5, "in main()")],
    },
    // `.then(ok, onError)`: the second handler handles it.
    {
      code: dedent`
        ${IMPORT}

        ${HANDLE_ONE}

        function main(items) {
          for (const item of items) handleOne(item).then(console.log, console.error);
        }
      `,
      errors: [caught(5, "in main()")],
    },
    // Two hops through methods: `run()` calls `this.step()`, which calls the workflow's function; `run()`'s caller catches.
    {
      code: dedent`
        ${IMPORT}

        ${HANDLE_ONE}

        class Pipeline {
          async step(item) {
            return handleOne(item);
          }

          async run(item) {
            return this.step(item);
          }
        }

        ${mainCatching(`new Pipeline().run("")`)}
      `,
      errors: [caught(5, "in main()")],
    },
    // Stored by shorthand, `{ handleOne }`, and called by a method of that object as `this.handleOne(…)`.
    {
      code: dedent`
        ${IMPORT}

        ${HANDLE_ONE}

        const jobs = {
          handleOne,
          async all(items) {
            for (const item of items) {
              try {
                await this.handleOne(item);
              } catch {
                console.log("skipped", item);
              }
            }
          },
        };
      `,
      errors: [caught(5, "in all()")],
    },
    // A `.catch` handler that logs and rethrows does not handle the error: the throw is suggested.
    {
      code: SENTRY_RETHROW,
      errors: [
        {
          messageId: "exitInScope",
          data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
          line: 5,
          suggestions: [
            {
              messageId: "throwInstead",
              data: { code: "3", recording: "" },
              output: SENTRY_RETHROW.replace("process.exit(3);", `throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 3 });`),
            },
          ],
        },
      ],
    },
  ],
});
