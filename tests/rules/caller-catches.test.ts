/**
 * traced-exit/no-process-exit, issue 14 case 1b: an exit inside a traced scope whose throw (or return) would reach a
 * caller's handler that goes on. The callers followed beyond functions called by name: methods of classes and of
 * const objects, functions stored in const values, and a promise's `.catch` / `.then(ok, onError)` handler.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import * as path from "node:path";
import dedent from "dedent";
import type { TestLanguageOptions } from "@typescript-eslint/rule-tester";
import rule from "../../src/rules/no-process-exit";
import type { MessageId } from "../../src/rules/no-process-exit";
import { afterAll } from "vitest";
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

/** Workers whose exported function opens a scope that exits 3 on an empty item. */
const TRACELOOP_WORKER = `${IMPORT}\n\nexport async function handleOne(item) {\n${WORKFLOW.replace(/^/gmu, "  ")}\n}\n`;
const SENTRY_WORKER = dedent`
  import * as Sentry from "@sentry/node";

  export async function handleOne(item) {
    return Sentry.startSpan({ name: "s" }, async () => {
      if (!item) process.exit(3);
      return item;
    });
  }

  export function other() {
    return "other";
  }
`;
const CLASS_WORKER = dedent`
  ${IMPORT}

  export class Worker {
    async handleOne(item) {
      ${WORKFLOW.replace(/\n/gu, "\n    ")}
    }
  }
`;
const CJS_WORKER = `${TRACELOOP_WORKER.replace(IMPORT, `const traceloop = require("@traceloop/node-server-sdk");`).replace("export async", "async")}\nmodule.exports = { handleOne };\n`;

/** A loop over items whose catch logs and goes on. */
const loopCatching = (call: string) => dedent`
  for (const item of items) {
    try {
      await ${call};
    } catch (error) {
      console.log("skipping", item, error);
    }
  }
`;
const indented = (text: string) => text.replace(/\n/gu, "\n  ");

/**
 * One package (a package.json, so the importer index covers it alone) per folder: `worker.js` (or `.cjs`) is the
 * linted file, `cli.js` (`.cjs`) imports it. Written to a temporary folder next to a link to node_modules, so the
 * SDK versions are the installed ones.
 */
const PACKAGES: Record<string, Record<string, string>> = {
  named: {
    "worker.js": TRACELOOP_WORKER,
    "cli.js": `import { handleOne } from "./worker.js";\n\nasync function main(items) {\n  ${indented(loopCatching("handleOne(item)"))}\n}\n\nawait main(["a", "", "b"]);\n`,
  },
  default: {
    "worker.js": TRACELOOP_WORKER.replace("export async function", "export default async function"),
    "cli.js": `import handle from "./worker.js";\n\nexport async function runAll(items) {\n  for (const item of items) await handle(item).catch((error) => console.log("skipping", error));\n}\n`,
  },
  namespace: {
    "worker.js": TRACELOOP_WORKER,
    "cli.js": `import * as worker from "./worker.js";\n\ntry {\n  await worker.handleOne("");\n} catch (error) {\n  console.log("skipped", error);\n}\n`,
  },
  commonjs: {
    "worker.cjs": CJS_WORKER,
    "cli.cjs": `const { handleOne } = require("./worker.cjs");\n\nasync function main() {\n  try {\n    await handleOne("");\n  } catch (error) {\n    console.log("skipped", error);\n  }\n}\n\nmain();\n`,
  },
  class: {
    "worker.js": CLASS_WORKER,
    "cli.js": `import { Worker } from "./worker.js";\n\nconst worker = new Worker();\n\nexport async function runAll(items) {\n  ${indented(loopCatching("worker.handleOne(item)"))}\n}\n`,
  },
  rethrows: {
    "worker.js": SENTRY_WORKER,
    "cli.js": `import { handleOne } from "./worker.js";\n\nexport async function runAll(items) {\n  for (const item of items) {\n    try {\n      await handleOne(item);\n    } catch (error) {\n      console.error("failed", item);\n      throw error;\n    }\n  }\n}\n`,
  },
  "rethrows-after-logging": {
    "worker.js": SENTRY_WORKER,
    "cli.js": `import { handleOne } from "./worker.js";\n\nexport async function runAll(items) {\n  for (const item of items) {\n    try {\n      await handleOne(item);\n    } catch (error) {\n      console.log("failed", item);\n      throw error;\n    }\n  }\n}\n`,
  },
  uncaught: {
    "worker.js": SENTRY_WORKER,
    "cli.js": `import { handleOne } from "./worker.js";\n\nconsole.log(await handleOne(""));\n`,
  },
  "other-export": {
    "worker.js": SENTRY_WORKER,
    "cli.js": `import { other } from "./worker.js";\n\ntry {\n  console.log(other());\n} catch (error) {\n  console.log("skipped", error);\n}\n`,
  },
  "commonjs-default": {
    "worker.cjs": CJS_WORKER.replace("module.exports = { handleOne };", "module.exports = handleOne;"),
    "cli.cjs": `const handle = require("./worker.cjs");\n\nasync function main() {\n  try {\n    await handle("");\n  } catch (error) {\n    console.log("skipped", error);\n  }\n}\n\nmain();\n`,
  },
  "exports-property": {
    "worker.cjs": CJS_WORKER.replace("module.exports = { handleOne };", "exports.run = handleOne;"),
    "cli.cjs": `const worker = require("./worker.cjs");\n\nfunction main() {\n  return worker.run("").catch((error) => console.log("skipped", error));\n}\n\nmain();\n`,
  },
  renamed: {
    "worker.js": TRACELOOP_WORKER.replace("export async function", "async function") + "\nexport { handleOne as handle };\n",
    "cli.js": `import { handle } from "./worker.js";\n\nexport async function all(items) {\n  try {\n    await Promise.all(items.map(handle));\n  } catch (error) {\n    console.log("some failed", error);\n  }\n}\n`,
  },
  "object-member": {
    "worker.js": dedent`
      ${IMPORT}

      export const handlers = {
        async handleOne(item) {
          ${WORKFLOW.replace(/\n/gu, "\n    ")}
        },
      };
    `,
    "cli.js": `import * as worker from "./worker.js";\n\ntry {\n  await worker.handlers.handleOne("");\n} catch (error) {\n  console.log("skipped", error);\n}\n`,
  },
  entry: {
    "worker.js": TRACELOOP_WORKER,
    "cli.js": `import { handleOne } from "./worker.js";\n\nasync function main() {\n  console.log(await handleOne(""));\n}\n\nmain().catch(console.error);\n`,
  },
  barrel: {
    "worker.js": TRACELOOP_WORKER,
    "index.js": `export { handleOne as handle } from "./worker.js";\n`,
    "cli.js": `import { handle } from "./index.js";\n\nexport async function runAll(items) {\n  ${indented(loopCatching("handle(item)"))}\n}\n`,
  },
  "star-barrel": {
    "worker.js": TRACELOOP_WORKER,
    "index.js": `export * from "./worker.js";\n`,
    "cli.js": `import * as api from "./index.js";\n\ntry {\n  await api.handleOne("");\n} catch (error) {\n  console.log("skipped", error);\n}\n`,
  },
  "dynamic-import": {
    "worker.js": TRACELOOP_WORKER,
    "cli.js": `export async function main() {\n  const { handleOne } = await import("./worker.js");\n  try {\n    await handleOne("");\n  } catch (error) {\n    console.log("skipped", error);\n  }\n}\n`,
  },
  unparsed: {
    "worker.js": SENTRY_WORKER,
    "cli.js": `import { handleOne } from "./worker.js";\n\nhandleOne(;\n`,
  },
};
const root = mkdtempSync(path.join(os.tmpdir(), "traced-exit-callers-"));
symlinkSync(path.join(__dirname, "../../node_modules"), path.join(root, "node_modules"), "dir");
for (const [folder, files] of Object.entries(PACKAGES)) {
  mkdirSync(path.join(root, folder));
  writeFileSync(path.join(root, folder, "package.json"), JSON.stringify({ name: folder, private: true, type: "module" }));
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, folder, file), text);
}
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The linted worker of a package, as ESLint lints a file on disk: its text and absolute filename. */
function onDisk(folder: string, file = "worker.js") {
  return { code: PACKAGES[folder]?.[file] ?? "", filename: path.join(root, folder, file) };
}
const commonjs = { sourceType: "commonjs" } as unknown as TestLanguageOptions;

/** The exit of the Sentry worker of `folder`, reported with the throw suggested (the span records it itself). */
const throwSuggested = (folder: string) => ({
  messageId: "exitInScope" as const,
  data: { exit: "process.exit()", where: "span 's'", lost: "that span" },
  line: 5,
  suggestions: [{ messageId: "throwInstead" as const, data: { code: "3", recording: "" }, output: sentryThrow(onDisk(folder).code) }],
});

/** The Sentry worker's exit as a throw: the span records it itself. */
const sentryThrow = (code: string) => code.replace("process.exit(3);", `throw Object.assign(new Error("process.exit() in span 's'"), { exitCode: 3 });`);

/** A Sentry span that exits 3, called by a loop whose `.catch` prints to standard error and rethrows. */
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
        console.error("failed", item);
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
    // Other files of the package (src/scopes/importing-callers.ts): a named import called in a loop whose catch goes on.
    { ...onDisk("named"), errors: [caught(5, "in main() at cli.js:7")] },
    // A default import whose promise a `.catch` handles.
    { ...onDisk("default"), errors: [caught(5, "in runAll() at cli.js:4")] },
    // A namespace import, `worker.handleOne(…)`, in a top-level try.
    { ...onDisk("namespace"), errors: [caught(5, "at top level at cli.js:5")] },
    // CommonJS: `module.exports = { handleOne }` and `const { handleOne } = require("./worker.cjs")`.
    { ...onDisk("commonjs", "worker.cjs"), languageOptions: commonjs, errors: [caught(5, "in main() at cli.cjs:6")] },
    // `module.exports = handleOne`, required as the function itself.
    { ...onDisk("commonjs-default", "worker.cjs"), languageOptions: commonjs, errors: [caught(5, "in main() at cli.cjs:6")] },
    // `exports.run = handleOne`, called as `worker.run(…)` on the required module, with a `.catch` that goes on.
    { ...onDisk("exports-property", "worker.cjs"), languageOptions: commonjs, errors: [caught(5, "in main() at cli.cjs:4")] },
    // `export { handleOne as handle }`, passed to `items.map` inside a try.
    { ...onDisk("renamed"), errors: [caught(5, "in all() at cli.js:6")] },
    // A method of an exported const object, reached through a namespace import: `worker.handlers.handleOne(…)`.
    { ...onDisk("object-member"), errors: [caught(6, "at top level at cli.js:5")] },
    // The importer's entry handles the error with `console.error`: it is not the linted file's entry, so no guard keeps the code there.
    { ...onDisk("entry"), errors: [caught(5, "at top level at cli.js:7")] },
    // Through a barrel that re-exports it renamed: `export { handleOne as handle } from "./worker.js"`.
    { ...onDisk("barrel"), errors: [caught(5, "in runAll() at cli.js:7")] },
    // Through `export * from "./worker.js"`, imported as a namespace.
    { ...onDisk("star-barrel"), errors: [caught(5, "at top level at cli.js:5")] },
    // `const { handleOne } = await import("./worker.js")` inside a function.
    { ...onDisk("dynamic-import"), errors: [caught(5, "in main() at cli.js:5")] },
    // A method of an exported class, called on an instance the importer makes.
    { ...onDisk("class"), errors: [caught(6, "in runAll() at cli.js:9")] },
    // The importer's catch rethrows, and nothing imports the importer: the throw is suggested.
    { ...onDisk("rethrows"), errors: [throwSuggested("rethrows")] },
    // The importer's catch rethrows, but first prints to standard output, which the exit never did: not rewritten.
    {
      ...onDisk("rethrows-after-logging"),
      errors: [{ messageId: "exitInScopeCatchRuns", data: { exit: "process.exit()", where: "span 's'", lost: "that span", catcher: "in runAll() at cli.js:7" }, line: 5, suggestions: [] }],
    },
    // The importer calls it at its top level with nothing around: the throw would be an uncaught rejection there
    // (exit code 1 where the exit gave 3), and no entry guard is written in that file: no throw suggested.
    { ...onDisk("uncaught"), errors: [{ messageId: "exitInScope", data: { exit: "process.exit()", where: "span 's'", lost: "that span" }, line: 5, suggestions: [] }] },
    // An importer that does not parse may catch it: not known, so the exit stays (no throw suggested).
    { ...onDisk("unparsed"), errors: [{ messageId: "exitInScope", data: { exit: "process.exit()", where: "span 's'", lost: "that span" }, line: 5, suggestions: [] }] },
    // The importer's try calls another export of the file: the workflow's function is not called there.
    { ...onDisk("other-export"), errors: [throwSuggested("other-export")] },
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
