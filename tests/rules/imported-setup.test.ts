/**
 * traced-exit/require-flush-before-exit with the tracing set-up in a module of its own (issue 16, the new user's
 * item 2): the linted file is `index.ts` in a folder of tests/rules/fixtures/imported-setup/, whose `tracing.ts`
 * it imports as `./tracing.js`; src/scopes/imported-setup.ts reads that module from disk.
 */
import * as path from "node:path";
import dedent from "dedent";
import type { TestLanguageOptions } from "@typescript-eslint/rule-tester";
import { describe, expect, it } from "vitest";
import rule from "../../src/rules/require-flush-before-exit";
import type { MessageId } from "../../src/rules/require-flush-before-exit";
import { createEngine } from "../../src/codemods/engine";
import { createRuleTester } from "./rule-tester";

const code = dedent.withOptions({ alignValues: true });
const ruleTester = createRuleTester();
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];
const commonjs = { sourceType: "commonjs" } as unknown as TestLanguageOptions;

/** `index.ts` (or another name) in the fixture folder `setup`, next to its `tracing.ts`. */
const inSetup = (setup: string, name = "index.ts") => path.join(__dirname, "fixtures/imported-setup", setup, name);

/** The new user's program: flushes on success only, and exits on SIGTERM without a flush. */
const PROGRAM = code`
  async function main() {
    await work();
    await provider.shutdown();
  }

  process.on("SIGTERM", () => {
    console.log("got SIGTERM, bye");
    process.exit(0);
  });

  main().catch((err) => {
    console.error("failed:", err);
    process.exitCode = 1;
  });
`;
const IMPORT_PROVIDER = `import { provider } from "./tracing.js";`;

/** The program as the two suggestions leave it. */
const SIGTERM_FLUSHED = code`
  process.on("SIGTERM", async () => {
    console.log("got SIGTERM, bye");
    await provider.shutdown();
    process.exit(0);
  });
`;
const ENTRY_FLUSHED = code`
  main()
    .catch((err) => {
      console.error("failed:", err);
      process.exitCode = 1;
    })
    .finally(() => provider.shutdown());
`;
const [MAIN, SIGTERM, ENTRY] = PROGRAM.split("\n\n") as [string, string, string];

/**
 * `head` then a SIGTERM handler that exits, linted next to `setup`'s tracing.ts: reported with `flush`, and the
 * suggestion awaits it first (with `fixedHead` as the head, when the fix adds an import); `null`: no suggestion.
 */
function handlerExit(setup: string, head: string, sdk: string, flush: string, fixedHead: string | null = head) {
  const exit = "process.exit(0)";
  const data = { flush, exit, async: " (the handler becomes async)" };
  const output = `${fixedHead}\n\nprocess.on("SIGTERM", async () => { await ${flush}; ${exit}; });`;
  return {
    code: `${head}\n\nprocess.on("SIGTERM", () => ${exit});`,
    filename: inSetup(setup),
    errors: [
      {
        messageId: "exitWithoutFlush" as const,
        data: { exit, where: " in the 'SIGTERM' handler", sdk, flush },
        line: head.split("\n").length + 2,
        column: 29,
        suggestions: fixedHead === null ? [] : [{ messageId: "awaitFlush" as const, data, output }],
      },
    ],
  };
}

ruleTester.run("require-flush-before-exit: a set-up in an imported module", testedRule, {
  valid: [
    // The fixed program: the SIGTERM handler and the entry's two paths flush the imported provider.
    { code: [IMPORT_PROVIDER, MAIN, SIGTERM_FLUSHED, ENTRY_FLUSHED].join("\n\n"), filename: inSetup("batch") },
    // The imported provider keeps its spans in memory: nothing leaves the process, nothing is lost.
    { code: `${IMPORT_PROVIDER}\n\n${PROGRAM}`, filename: inSetup("in-memory") },
    // A simple processor exports each span as it ends: the entry's handled failure ends the program naturally,
    // and the request in flight keeps it alive (src/scopes/pipeline.ts).
    { code: `${IMPORT_PROVIDER}\n\n${MAIN}\n\n${ENTRY}`, filename: inSetup("simple") },
    // The module sets tracing up only when its function is called, which is not followed: it starts nothing on import.
    { code: `import { startTracing } from "./tracing.js";\n\nprocess.on("SIGTERM", () => process.exit(0));`, filename: inSetup("in-function") },
    // `import type` loads nothing.
    { code: `import type { provider } from "./tracing.js";\n\nprocess.on("SIGTERM", () => process.exit(0));`, filename: inSetup("batch") },
    // A module that does not exist, and one that is not relative: nothing is read.
    { code: `import "./missing.js";\nimport "tracing";\n\nprocess.on("SIGTERM", () => process.exit(0));`, filename: inSetup("batch") },
    // An import inside a function body is not a top-level import (a dynamic `import()` is not followed either).
    { code: `async function load() {\n  await import("./tracing.js");\n}\n\nprocess.on("SIGTERM", () => process.exit(0));`, filename: inSetup("batch") },
    // The exit runs before anything can have started a span: the set-up check at the top of the program.
    { code: `import "./tracing.js";\n\nif (!process.env.KEY) {\n  console.error("KEY is required");\n  process.exit(1);\n}`, filename: inSetup("batch") },
  ],
  invalid: [
    // The new user's report: the SIGTERM exit and the failure path lose the batch queue of the imported provider.
    {
      code: `${IMPORT_PROVIDER}\n\n${PROGRAM}`,
      filename: inSetup("batch"),
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: { exit: "process.exit(0)", where: " in the 'SIGTERM' handler", sdk: "OpenTelemetry", flush: "provider.shutdown()" },
          line: 10,
          column: 3,
          endLine: 10,
          endColumn: 18,
          suggestions: [
            { messageId: "awaitFlush", data: { flush: "provider.shutdown()", exit: "process.exit(0)", async: " (the handler becomes async)" }, output: [IMPORT_PROVIDER, MAIN, SIGTERM_FLUSHED, ENTRY].join("\n\n") },
          ],
        },
        {
          messageId: "entryWithoutFlush",
          data: { entry: "main()", paths: "its failure path", sdk: "OpenTelemetry", flush: "provider.shutdown()" },
          line: 13,
          column: 1,
          endLine: 13,
          endColumn: 7,
          suggestions: [{ messageId: "flushAtEntry", data: { flush: "provider.shutdown()" }, output: [IMPORT_PROVIDER, MAIN, SIGTERM, ENTRY_FLUSHED].join("\n\n") }],
        },
      ],
    },
    // Imported for its effect only: the flush target is the module's exported `sdk`, imported by the fix.
    handlerExit("node-sdk", `import "./tracing.js";`, "OpenTelemetry", "sdk.shutdown()", `import "./tracing.js";\nimport { sdk } from "./tracing.js";`),
    // A simple processor's export in flight is cut by process.exit(), as when the set-up is written in the file.
    handlerExit("simple", IMPORT_PROVIDER, "OpenTelemetry", "provider.shutdown()"),
    // Traceloop initialized in the module: its flush is the SDK's own, imported from the SDK.
    handlerExit("traceloop", `import "./tracing.js";`, "Traceloop", "forceFlush()", `import "./tracing.js";\nimport { forceFlush } from "@traceloop/node-server-sdk";`),
    // The module keeps its provider to itself: the flush is named, and no call can be written from here.
    handlerExit("unexported", `import "./tracing.js";`, "OpenTelemetry", "shutdown() of the NodeTracerProvider that ./tracing.js starts", null),
    // CommonJS: `require("./tracing")` without an extension resolves to tracing.ts; the provider is required by the fix.
    {
      ...handlerExit("batch", `require("./tracing");`, "OpenTelemetry", "provider.shutdown()", `const { provider } = require("./tracing");\nrequire("./tracing");`),
      filename: inSetup("batch", "index.cjs"),
      languageOptions: commonjs,
    },
    // `import { provider as tracerProvider }`: the file's own name for it.
    handlerExit("batch", `import { provider as tracerProvider } from "./tracing.js";`, "OpenTelemetry", "tracerProvider.shutdown()"),
  ],
});

describe("require-flush-before-exit: `traced-exit fix` on a file whose set-up is imported", () => {
  const engine = createEngine({ transforms: ["flush-before-exit"] });
  it("passes the prefilter only with the file's place on disk, and leaves nothing to report", () => {
    const source = `${IMPORT_PROVIDER}\n\n${PROGRAM}`;
    const file = inSetup("batch");
    // The text names no SDK: only the module it imports does.
    expect(engine.mightChange(source)).toBe(false);
    expect(engine.mightChange(source, file)).toBe(true);
    expect(engine.mightChange(source, inSetup("missing-folder"))).toBe(false);
    const result = engine.transform(source, file);
    expect(result.output).toBe([IMPORT_PROVIDER, MAIN, SIGTERM_FLUSHED, ENTRY_FLUSHED].join("\n\n"));
    expect(engine.transform(result.output as string, file).output).toBeUndefined();
  });
});

/** The SIGTERM handler of `handlerExit`, with the flush awaited first. */
const flushedHandler = (flush: string) => `process.on("SIGTERM", async () => { await ${flush}; process.exit(0); });`;

ruleTester.run("require-flush-before-exit: a set-up further away, in a function, or imported dynamically", testedRule, {
  valid: [
    // Four modules away (`./a` → `./b` → `./c` → `./tracing.js`): one more than is followed, so nothing is known to start.
    { code: `import "./a/index.js";\n\nprocess.on("SIGTERM", () => process.exit(0));`, filename: inSetup("too-far") },
    // The set-up function is imported and never called: nothing starts.
    { code: `import { setupTracing } from "./tracing.js";\n\nprocess.on("SIGTERM", () => process.exit(0));`, filename: inSetup("function-setup") },
    // The module's exported flush function, called before the exit, is a flush.
    {
      code: `import { setupTracing, shutdownTracing } from "./tracing.js";\n\nsetupTracing();\n\n${flushedHandler("shutdownTracing()")}`,
      filename: inSetup("function-setup"),
    },
    // A dynamic import inside a function that is never called starts nothing (top-level ones only are followed).
    { code: `async function load() {\n  await import("./tracing.js");\n}\n\nprocess.on("SIGTERM", () => process.exit(0));`, filename: inSetup("batch") },
    // Two imports away, the fixed handler flushes the provider of the module further away.
    { code: `import "./app.js";\nimport { provider } from "./telemetry/tracing.js";\n\n${flushedHandler("provider.shutdown()")}`, filename: inSetup("two-hops") },
  ],
  invalid: [
    // index.ts → ./app.js → ./telemetry/tracing.js: the fix imports the provider by its path from here.
    handlerExit("two-hops", `import "./app.js";`, "OpenTelemetry", "provider.shutdown()", `import "./app.js";\nimport { provider } from "./telemetry/tracing.js";`),
    // Three modules away (`./a` → `./b` → `./c`, whose top level starts it), the furthest followed.
    {
      ...handlerExit("too-far", `import "./a/b/index.js";`, "OpenTelemetry", "provider.shutdown()", `import "./a/b/index.js";\nimport { provider } from "./a/b/c/tracing.js";`),
    },
    // The set-up runs in the module's function, called at top level: the flush is the module's exported
    // `shutdownTracing()`, as the provider lives in a `let` that is empty until the call.
    handlerExit(
      "function-setup",
      `import { setupTracing } from "./tracing.js";\n\nsetupTracing();`,
      "OpenTelemetry",
      "shutdownTracing()",
      `import { setupTracing, shutdownTracing } from "./tracing.js";\n\nsetupTracing();`,
    ),
    // Called inside `main()`, as `await initTelemetry()` often is: the call is the initializer wherever it is.
    {
      code: code`
        import { setupTracing, shutdownTracing } from "./tracing.js";

        async function main() {
          setupTracing();
          await work();
          await shutdownTracing();
        }

        main().catch((err) => {
          console.error("failed:", err);
          process.exitCode = 1;
        });
      `,
      filename: inSetup("function-setup"),
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: { entry: "main()", paths: "its failure path", sdk: "OpenTelemetry", flush: "shutdownTracing()" },
          line: 9,
          column: 1,
          endLine: 9,
          endColumn: 7,
          suggestions: [
            {
              messageId: "flushAtEntry",
              data: { flush: "shutdownTracing()" },
              output: code`
                import { setupTracing, shutdownTracing } from "./tracing.js";

                async function main() {
                  setupTracing();
                  await work();
                  await shutdownTracing();
                }

                main()
                  .catch((err) => {
                    console.error("failed:", err);
                    process.exitCode = 1;
                  })
                  .finally(() => shutdownTracing());
              `,
            },
          ],
        },
      ],
    },
    // The function returns the provider it starts, and the file keeps it: the flush is the file's own constant.
    handlerExit("in-function", `import { startTracing } from "./tracing.js";\n\nconst provider = startTracing();`, "OpenTelemetry", "provider.shutdown()"),
    // `const { provider } = await import(…)` at top level: the file's binding of the export.
    handlerExit("batch", `const { provider } = await import("./tracing.js");`, "OpenTelemetry", "provider.shutdown()"),
    // A bare `await import(…)`: the flush is named, but no static import is added, which would load the set-up
    // before the code the program placed ahead of it.
    handlerExit("batch", `await import("./tracing.js");`, "OpenTelemetry", "shutdown() of the NodeTracerProvider that ./tracing.js starts", null),
  ],
});

describe("`traced-exit fix` on a file whose set-up is two imports away", () => {
  const engine = createEngine({ transforms: ["flush-before-exit"] });
  it("passes the prefilter through the module in between, and imports the provider from where it is", () => {
    const source = `import "./app.js";\n\nprocess.on("SIGTERM", () => process.exit(0));`;
    // Neither this text nor ./app.ts names an SDK: only ./telemetry/tracing.ts does.
    expect(engine.mightChange(source, inSetup("two-hops"))).toBe(true);
    expect(engine.mightChange(`import "./a/index.js";`, inSetup("too-far"))).toBe(false);
    const result = engine.transform(source, inSetup("two-hops"));
    expect(result.output).toBe(`import "./app.js";\nimport { provider } from "./telemetry/tracing.js";\n\n${flushedHandler("provider.shutdown()")}`);
  });
});

/** A SIGTERM exit in `name` of the preload fixture, whose script preloads the batch set-up: reported, the flush only named. */
function preloadedExit(name: string) {
  const flush = "shutdown() of the NodeTracerProvider that ./tracing.js starts";
  return {
    code: `process.on("SIGTERM", () => process.exit(0));`,
    filename: inSetup("preload", name),
    errors: [{ messageId: "exitWithoutFlush" as const, data: { exit: "process.exit(0)", where: " in the 'SIGTERM' handler", sdk: "OpenTelemetry", flush }, line: 1, column: 29, suggestions: [] }],
  };
}

ruleTester.run("require-flush-before-exit: a set-up the package.json script preloads", testedRule, {
  valid: [
    // `report.ts` is run by a script with no preload, and imports nothing: nothing is known to trace it.
    { code: `process.on("SIGTERM", () => process.exit(0));`, filename: inSetup("preload", "report.ts") },
    // A file no script runs, and one a script runs as a plain argument of another command.
    { code: `process.on("SIGTERM", () => process.exit(0));`, filename: inSetup("preload", "other.ts") },
    { code: `process.on("SIGTERM", () => process.exit(0));`, filename: inSetup("preload", "scripts/copy.ts") },
    // A package preload (`--import @opentelemetry/auto-instrumentations-node/register`) is not read.
    { code: `process.on("SIGTERM", () => process.exit(0));`, filename: inSetup("preload", "bench.ts") },
  ],
  invalid: [
    // `node --import ./tracing.js index.js` runs this file after the set-up: its provider's queue is lost. The flush
    // is named and not written, as an import the fix added would load the set-up again at another time.
    preloadedExit("index.ts"),
    // `NODE_OPTIONS='--require ./tracing.js' node --enable-source-maps worker.js`: the same, through the environment.
    preloadedExit("worker.ts"),
  ],
});
