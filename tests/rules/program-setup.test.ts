/**
 * traced-exit/require-flush-before-exit where the tracing set-up runs in an installed package, when the program
 * constructs one of its classes (issue 16: trigger.dev's `new TracingSDK(…)` of `@trigger.dev/core`, gemini-cli's
 * `Config` of `@google/gemini-cli-core`). The package is in tests/rules/fixtures/program-setup/node_modules (see its
 * README); the linted file sits beside it, as a user's does, and src/scopes/program-setup.ts reads its installed code.
 */
import * as path from "node:path";
import dedent from "dedent";
import rule from "../../src/rules/require-flush-before-exit";
import type { MessageId } from "../../src/rules/require-flush-before-exit";
import { createRuleTester } from "./rule-tester";

const ruleTester = createRuleTester();
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];

/** A file of the project whose node_modules holds @acme/worker-kit. */
const filename = path.join(__dirname, "fixtures/program-setup/src/worker.ts");
/** The same file name outside that project: nothing is installed for it. */
const elsewhere = path.join(__dirname, "fixtures/src/worker.ts");

const KIT_FLUSH = "the flush of the tracing that new TracingKit() of @acme/worker-kit starts";
const SETTINGS_FLUSH = "the flush of the tracing that new Settings() of @acme/worker-kit starts (through startTelemetry())";

/** trigger.dev's run worker: the IPC channel closes, the worker exits while its tracer's spans may be queued. */
const WORKER = dedent`
  import { TracingKit } from "@acme/worker-kit";
  process.on("disconnect", () => {
    process.exit(0);
  });
  const tracingSDK = new TracingKit({ url: "http://localhost:4318" });
  const tracer = tracingSDK.getTracer("worker");
`;

ruleTester.run("require-flush-before-exit (a set-up in an installed package's class)", testedRule, {
  valid: [
    // The class's flush() runs the provider's forceFlush() in the package: awaited before the exit, it flushes.
    {
      code: dedent`
        import { TracingKit } from "@acme/worker-kit";
        const tracingSDK = new TracingKit({ url: "http://localhost:4318" });
        const tracer = tracingSDK.getTracer("worker");
        process.on("disconnect", async () => {
          await tracingSDK.flush();
          process.exit(0);
        });
      `,
      filename,
    },
    // trigger.dev's shape of that flush: a module variable that every write copies from the instance's binding.
    {
      code: dedent`
        import { TracingKit } from "@acme/worker-kit";
        let _tracingSDK;
        async function bootstrap() {
          const tracingSDK = new TracingKit({ url: "http://localhost:4318" });
          tracingSDK.getTracer("worker");
          return { tracingSDK };
        }
        process.on("message", async () => {
          const { tracingSDK } = await bootstrap();
          _tracingSDK = tracingSDK;
        });
        process.on("disconnect", async () => {
          await _tracingSDK.flush();
          process.exit(0);
        });
      `,
      filename,
    },
    // Constructed for its side effects and dropped (trigger.dev's index worker): not taken as the program's tracing.
    {
      code: dedent`
        import { TracingKit } from "@acme/worker-kit";
        async function bootstrap() {
          const tracingSDK = new TracingKit({ url: "http://localhost:4318" });
          return { tracingSDK };
        }
        await bootstrap();
        process.on("disconnect", () => process.exit(0));
      `,
      filename,
    },
    // Spans kept in memory: nothing is queued for export.
    {
      code: dedent`
        import { MemoryKit } from "@acme/worker-kit";
        const kit = new MemoryKit();
        kit.spans();
        process.on("SIGTERM", () => process.exit(0));
      `,
      filename,
    },
    // A class whose constructor starts nothing, and one that only stores a function that would.
    {
      code: dedent`
        import { Lazy, Plain } from "@acme/worker-kit";
        const plain = new Plain({});
        plain.get();
        const lazy = new Lazy();
        lazy.run();
        process.on("SIGTERM", () => process.exit(0));
      `,
      filename,
    },
    // Top-level code before the construction has queued nothing yet.
    {
      code: dedent`
        import { TracingKit } from "@acme/worker-kit";
        if (!process.env.URL) {
          console.error("URL is not set");
          process.exit(1);
        }
        const tracer = new TracingKit({ url: process.env.URL }).getTracer("worker");
      `,
      filename,
    },
    // Flushed in the signal handler through the class's flush().
    {
      code: dedent`
        import { TracingKit } from "@acme/worker-kit";
        const tracingSDK = new TracingKit({ url: "http://localhost:4318" });
        tracingSDK.getTracer("worker");
        process.on("SIGTERM", () => {
          tracingSDK.flush().finally(() => process.exit(0));
        });
      `,
      filename,
    },
    // A package that does not declare the SDK among its dependencies is not read (a documented miss).
    {
      code: dedent`
        import { HoistedKit } from "@acme/undeclared-kit";
        const tracer = new HoistedKit().getTracer("worker");
        process.on("SIGTERM", () => process.exit(0));
      `,
      filename,
    },
    // Outside the project, the package is not installed: nothing to read.
    { code: WORKER, filename: elsewhere },
  ],
  invalid: [
    // The constructor builds and registers a provider with a batch processor.
    {
      code: WORKER,
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 3, column: 3, endColumn: 18, data: { exit: "process.exit(0)", where: "", sdk: "OpenTelemetry", flush: KIT_FLUSH } }],
    },
    // Renamed at the import, and the instance used on the `new` expression itself.
    {
      code: dedent`
        import { TracingKit as Kit } from "@acme/worker-kit";
        const tracer = new Kit({ url: "http://localhost:4318" }).getTracer("worker");
        process.on("SIGTERM", () => process.exit(0));
      `,
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 3, data: { exit: "process.exit(0)", where: " in the 'SIGTERM' handler", sdk: "OpenTelemetry", flush: "the flush of the tracing that new Kit() of @acme/worker-kit starts" } }],
    },
    // gemini-cli's Config: the constructor starts a NodeSDK through a function of the package, when telemetry is on.
    {
      code: dedent`
        import { Settings } from "@acme/worker-kit";
        async function main() {
          const settings = new Settings({ telemetry: true, model: "m" });
          console.log(settings.getModel());
          if (process.argv.includes("--bad")) {
            process.exit(41);
          }
        }
        main();
      `,
      filename,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 6,
          column: 5,
          endColumn: 21,
          data: { exit: "process.exit(41)", where: "", sdk: "OpenTelemetry", flush: SETTINGS_FLUSH },
          // The suggestion no-process-exit's fix also writes: the entry then keeps the code (and is reported until it flushes).
          suggestions: [
            {
              messageId: "throwInstead",
              data: { code: "41" },
              output: dedent`
                import { Settings } from "@acme/worker-kit";
                async function main() {
                  const settings = new Settings({ telemetry: true, model: "m" });
                  console.log(settings.getModel());
                  if (process.argv.includes("--bad")) {
                    throw Object.assign(new Error("process.exit(41)"), { exitCode: 41 });
                  }
                }
                main();
              `,
            },
          ],
        },
        // No flush can be written from this file (the package's own shutdown is not an export it knows): no suggestion.
        { messageId: "entryWithoutFlush", line: 9, column: 1, endColumn: 7, data: { entry: "main()", sdk: "OpenTelemetry", flush: SETTINGS_FLUSH, paths: "either path" } },
      ],
    },
    // The class's flush() elsewhere in the file is not before this exit. It is named by the set-up, not written: no
    // rewrite that awaits a package class's flush has been run.
    {
      code: dedent`
        import { TracingKit } from "@acme/worker-kit";
        const tracingSDK = new TracingKit({ url: "http://localhost:4318" });
        tracingSDK.getTracer("worker");
        process.on("message", async () => {
          await tracingSDK.flush();
        });
        process.on("disconnect", () => process.exit(0));
      `,
      filename,
      errors: [{ messageId: "exitWithoutFlush", line: 7, column: 32, endColumn: 47, data: { exit: "process.exit(0)", where: "", sdk: "OpenTelemetry", flush: KIT_FLUSH } }],
    },
    // The constructor calls a method of the class (`this.boot()`) that starts telemetry.
    {
      code: dedent`
        import { Agent } from "@acme/worker-kit";
        const agent = new Agent({ model: "m" });
        process.on("SIGINT", () => {
          console.log(agent.getModel());
          process.exit(130);
        });
      `,
      filename,
      errors: [
        {
          messageId: "exitWithoutFlush",
          line: 5,
          column: 3,
          endColumn: 20,
          data: { exit: "process.exit(130)", where: " in the 'SIGINT' handler", sdk: "OpenTelemetry", flush: "the flush of the tracing that new Agent() of @acme/worker-kit starts (through boot() → startTelemetry())" },
        },
      ],
    },
  ],
});
