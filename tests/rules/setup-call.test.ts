/**
 * traced-exit/require-flush-before-exit where the tracing set-up is one or more relative calls away (issue 16,
 * gemini-cli 0.20.0's shape): `index.js` runs `main()` of `./cli.js`, which calls `loadConfig()` of `./config.js`,
 * which returns `new Settings({…})` of the installed `@acme/worker-kit`, whose constructor starts a NodeSDK; the run
 * flushes through `runOnce()` of `./run.js`, whose finally awaits the package's `shutdownTelemetry()`. The modules
 * are tests/rules/fixtures/program-setup/app/*.js, beside that fixture's node_modules (its README).
 */
import * as path from "node:path";
import dedent from "dedent";
import rule from "../../src/rules/require-flush-before-exit";
import type { MessageId } from "../../src/rules/require-flush-before-exit";
import { createRuleTester, programTesters } from "./rule-tester";

const ruleTester = createRuleTester();
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];

/** A file of the app, beside cli.js, config.js and run.js. */
const filename = path.join(__dirname, "fixtures/program-setup/app/index.ts");

/** main() loads the config, awaits `run` of ./run.js, then exits. */
function runThenExit(run: string) {
  const code = dedent`
    import { loadConfig } from "./config.js";
    import { ${run} } from "./run.js";
    export async function main(args) {
      const config = await loadConfig(args);
      await ${run}(config);
      process.exit(0);
    }
  `;
  return { code, filename };
}

/** A test that mocks with `mock` (line 2), then exits after loadConfig() of ./config.js (line 5). */
const mocking = (mock: string) => dedent`
  import { loadConfig } from "./config.js";
  ${mock};
  export async function main(args) {
    const config = await loadConfig(args);
    if (!config) process.exit(1);
  }
`;

/** main()'s finally flushes only when DEBUG is set (the review's counterexample c1/guard.ts). */
const debugGuarded = dedent`
  import { NodeSDK } from "@opentelemetry/sdk-node";
  const sdk = new NodeSDK({});
  sdk.start();
  async function work(): Promise<void> {}
  async function main(): Promise<void> {
    try {
      await work();
    } finally {
      if (process.env.DEBUG) await sdk.shutdown();
    }
    process.exit(0);
  }
  await main();
`;

ruleTester.run("require-flush-before-exit (a set-up one or more calls away)", testedRule, {
  valid: [
    // Item 4: the exit is written before the only set-up, in the same function; nothing is queued yet.
    {
      code: dedent`
        import { loadConfig } from "./config.js";
        export async function main(args) {
          if (args.bad) {
            process.exit(1);
          }
          const config = await loadConfig(args);
          return config.getModel();
        }
      `,
      filename,
    },
    // The exit and the set-up are in the two branches of one if: never both run.
    {
      code: dedent`
        import { loadConfig } from "./config.js";
        export async function main(args) {
          if (args.sandbox) {
            const config = await loadConfig(args);
            return config.getModel();
          } else {
            process.exit(3);
          }
        }
      `,
      filename,
    },
    // Item 5: runOnce() (./run.js) returns an AsyncLocalStorage callback's promise whose finally awaits the
    // package's shutdownTelemetry() under the usual guard: flushed before the exit.
    runThenExit("runOnce"),
    // The same with the package's store: `export const promptContext = new AsyncLocalStorage()` in its installed code.
    runThenExit("runInPrompt"),
    // The package's shutdownTelemetry() awaits sdk?.shutdown() on the NodeSDK its startTelemetry() made: a flush.
    {
      code: dedent`
        import { Settings, shutdownTelemetry } from "@acme/worker-kit";
        const settings = new Settings({ telemetry: true });
        settings.getModel();
        process.on("SIGTERM", async () => {
          await shutdownTelemetry();
          process.exit(0);
        });
      `,
      filename,
    },
    // The file that only returns the instance to importers: its other function runs before or after the set-up as
    // the callers decide (gemini-cli parses its arguments first), and is judged at their calls.
    {
      code: dedent`
        import { Settings } from "@acme/worker-kit";
        export async function parseArgs(argv) {
          if (argv.includes("--help")) process.exit(0);
          return {};
        }
        export async function loadConfig(args) {
          return new Settings({ telemetry: args.telemetry });
        }
      `,
      filename: path.join(__dirname, "fixtures/program-setup/app/config-copy.ts"),
    },
    // A test that mocks the set-up module (vitest hoists vi.mock above the imports): loadConfig() is the mock's.
    {
      code: dedent`
        import { vi } from "vitest";
        import { main } from "./cli.js";
        vi.mock("./config.js", () => ({ loadConfig: vi.fn(), parseArgs: vi.fn() }));
        main().catch(() => process.exit(1));
      `,
      filename,
    },
    // The same with the package mocked (jest's global): its class is the mock's, and starts nothing.
    {
      code: mocking('jest.mock("@acme/worker-kit")'),
      filename,
    },
    // The same with jest's globals declared in the config (globals.jest): `jest` resolves to a global variable, not
    // left unresolved (review m1/jestglobal.test.js).
    {
      code: mocking('jest.mock("@acme/worker-kit")'),
      filename,
      languageOptions: { globals: { jest: "readonly" } },
    },
    // The finally's guard reads the flush receiver's own variable: it skips the flush only when nothing was set up.
    {
      code: dedent`
        import { NodeSDK } from "@opentelemetry/sdk-node";
        let sdk;
        async function main() {
          try {
            sdk = new NodeSDK({});
            sdk.start();
            await work();
          } finally {
            if (sdk) await sdk.shutdown();
          }
          process.exit(0);
        }
        async function work() {}
        await main();
      `,
      filename,
    },
    // `sdk = new NodeSDK(…)` by assignment in a set-up function: `sdk.shutdown()` flushes it.
    {
      code: dedent`
        import { NodeSDK } from "@opentelemetry/sdk-node";
        let sdk;
        export function startTracing() {
          sdk = new NodeSDK({});
          sdk.start();
        }
        process.on("SIGTERM", async () => {
          await sdk.shutdown();
          process.exit(0);
        });
      `,
      filename,
    },
  ],
  invalid: [
    // Items 1-3: main() of ./cli.js calls loadConfig() of ./config.js, which returns new Settings(): main() is a set-up
    // function of this file, and the exit after it loses the queue.
    {
      code: dedent`
        import { main } from "./cli.js";
        main().catch(() => {
          process.exit(1);
        });
      `,
      filename,
      errors: [
        {
          messageId: "exitWithoutFlush",
          // The tracing is the package's: its flush is named, not written.
          data: { exit: "process.exit(1)", where: "", sdk: "OpenTelemetry", flush: "the flush of the tracing that @acme/worker-kit starts (through ./config.js)" },
          line: 3,
          column: 3,
          endColumn: 18,
        },
      ],
    },
    // Item 4: after the set-up in the same function.
    {
      code: dedent`
        import { loadConfig } from "./config.js";
        export async function main(args) {
          const config = await loadConfig(args);
          if (!config.getModel()) {
            process.exit(1);
          }
        }
      `,
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 5, column: 5, endColumn: 20 }],
    },
    // Item 4's limit: in a loop, the next round runs the exit after the set-up.
    {
      code: dedent`
        import { loadConfig } from "./config.js";
        export async function main(runs) {
          for (const args of runs) {
            if (args.bad) process.exit(1);
            const config = await loadConfig(args);
            config.getModel();
          }
        }
      `,
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 4, column: 19, endColumn: 34 }],
    },
    // Item 1: a same-file function returns the instance, and the file calls it: the set-up is this file's.
    {
      code: dedent`
        import { Settings } from "@acme/worker-kit";
        function load() {
          return new Settings({ telemetry: true });
        }
        const settings = load();
        process.on("SIGTERM", () => process.exit(0));
      `,
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 6, column: 29, endColumn: 44 }],
    },
    // Item 1's other shapes: the instance kept in a const and returned, and `return await new C()`.
    {
      code: dedent`
        import { Settings } from "@acme/worker-kit";
        function load() {
          const settings = new Settings({ telemetry: true });
          return settings;
        }
        async function loadLater() {
          return await new Settings({ telemetry: true });
        }
        load();
        await loadLater();
        process.on("SIGTERM", () => process.exit(0));
      `,
      filename,
      errors: [
        // The awaited same-file async function is the program's entry, which ends unflushed too.
        { messageId: "entryWithoutFlush", line: 10, column: 7, endColumn: 18 },
        { messageId: "exitWithoutFlush", line: 11, column: 29, endColumn: 44 },
      ],
    },
    // Item 5's limit: the called function flushes only when its work succeeds, under a guard outside a finally.
    {
      ...runThenExit("runAndFlushOnSuccess"),
      errors: [{ messageId: "exitWithoutFlush", line: 6, column: 3, endColumn: 18 }],
    },
    // A lazy set-up kept in a module-level variable: the next call of handle() exits after the first call's set-up
    // (review c1/lazy.ts).
    {
      code: dedent`
        import { NodeSDK } from "@opentelemetry/sdk-node";
        let sdk: NodeSDK | undefined;
        export async function handle(job: string): Promise<void> {
          if (job === "quit") process.exit(0);
          if (!sdk) {
            sdk = new NodeSDK({});
            sdk.start();
          }
          console.log(job);
        }
        for (const job of process.argv) await handle(job);
      `,
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 4, column: 23, endColumn: 38 }],
    },
    // A retry: main() calls itself after its own set-up, so its early exit runs after a set-up (review c1/retry.ts).
    {
      code: dedent`
        import { NodeSDK } from "@opentelemetry/sdk-node";
        async function work(): Promise<void> {}
        export async function main(attempt = 0): Promise<void> {
          if (attempt > 3) process.exit(1);
          const sdk = new NodeSDK({});
          sdk.start();
          try {
            await work();
          } catch {
            await main(attempt + 1);
          }
        }
      `,
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 4, column: 20, endColumn: 35 }],
    },
    // The file hands the instance to its callers, but the function that builds it calls validate() after building
    // it: validate()'s exit runs after the set-up, whoever calls loadConfig() (review h1/config.js).
    {
      code: dedent`
        import { Settings } from "@acme/worker-kit";
        export async function loadConfig(args) {
          const settings = new Settings({ telemetry: args.telemetry, model: "m" });
          await validate(args);
          return settings;
        }
        async function validate(args) {
          if (!args.model) process.exit(1);
        }
      `,
      filename: path.join(__dirname, "fixtures/program-setup/app/config-copy.ts"),
      errors: [{ messageId: "exitWithoutFlush", line: 8, column: 20, endColumn: 35 }],
    },
    // Only one file of the package is mocked (review m1/subpath.test.js): Settings, imported from its entry, is the
    // real class, which starts tracing.
    {
      code: mocking('vi.mock("@acme/worker-kit/dist/context.js")'),
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 5, column: 16, endColumn: 31 }],
    },
    // The called function returns before its flush on a dry run: it does not flush on every success (review e1).
    {
      ...runThenExit("runUnlessDryRun"),
      errors: [{ messageId: "exitWithoutFlush", line: 6, column: 3, endColumn: 18 }],
    },
    // A finally's flush under a test that does not ask whether tracing was set up (review c1/guard.ts): it may be
    // skipped, so neither main()'s exit nor the awaited entry is flushed.
    {
      code: debugGuarded,
      filename,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 11,
          suggestions: [{ messageId: "awaitFlush", output: debugGuarded.replace("  process.exit(0);", "  await sdk.shutdown();\n  process.exit(0);") }],
        },
        {
          messageId: "entryWithoutFlush",
          line: 13,
          suggestions: [
            {
              messageId: "flushAtEntry",
              output: debugGuarded.replace(
                "await main();",
                "try {\n  await main();\n} catch (error) {\n  console.error(error);\n  process.exitCode = (error as { exitCode?: number })?.exitCode ?? 1;\n} finally {\n  await sdk.shutdown();\n}",
              ),
            },
          ],
        },
      ],
    },
  ],
});

/**
 * tests/rules/fixtures/traced-phase/main.ts, type-aware: preflight() is declared after main()'s set-up but called
 * only before it, so checkEnv() (env.ts), which it calls, runs before anything is queued (review finding 11; env.ts
 * is the valid case of tests/rules/traced-phase.test.ts).
 */
const phase = programTesters(path.join(__dirname, "fixtures/traced-phase"), true);
const inOtherFile = (line: number, column: number, callee: string, exit: string) => ({
  messageId: "exitInOtherFileWithoutFlush" as const,
  data: { callee, exit: "process.exit()", location: exit, via: "", where: "", sdk: "OpenTelemetry", flush: "shutdown() of the NodeSDK" },
  line,
  column,
});
phase.typed.run("require-flush-before-exit (type-aware, a function called only before the set-up)", testedRule, {
  valid: [],
  invalid: [
    {
      ...phase.onDisk("main.ts"),
      // Not line 19 (checkEnv() in preflight()); validateAuth() and stop() run after the set-up.
      errors: [inOtherFile(25, 9, "validateAuth", "auth.ts:5"), inOtherFile(27, 30, "stop", "worker.ts:5")],
    },
  ],
});
