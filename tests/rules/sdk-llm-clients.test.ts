/**
 * Issue 16's LLM SDK shapes, through the three rules that read them: Traceloop's `withVectorDBCall` and
 * `withLLMCall`, dd-trace's `tracer.llmobs.trace`/`wrap` and its `(span, done)` callbacks, Langfuse 5's
 * `endOnExit: false`, the Langfuse v3 client (`new Langfuse()`, `shutdownAsync()`/`flushAsync()`) and the
 * LangSmith `Client` (`awaitPendingTraceBatches()`, and a batch timer that keeps the process alive).
 * Each semantic is the SDK's own, read from its source (cited in src/scopes/catalogue.ts).
 */
import dedent from "dedent";
import noProcessExit from "../../src/rules/no-process-exit";
import type { MessageId as ExitMessageId } from "../../src/rules/no-process-exit";
import requireSpanErrorRecording from "../../src/rules/require-span-error-recording";
import type { MessageId as SpanMessageId } from "../../src/rules/require-span-error-recording";
import requireFlushBeforeExit from "../../src/rules/require-flush-before-exit";
import type { MessageId as FlushMessageId } from "../../src/rules/require-flush-before-exit";
import { createRuleTester } from "./rule-tester";
import { OTEL_IMPORT, withHelpers } from "./span-helpers";

const ruleTester = createRuleTester();
// Same shape at run time; rule-tester 8.72 resolves its own @typescript-eslint/utils (see no-process-exit.test.ts).
const exitRule = noProcessExit as unknown as Parameters<typeof ruleTester.run<ExitMessageId, []>>[1];
const spanRule = requireSpanErrorRecording as unknown as Parameters<typeof ruleTester.run<SpanMessageId, []>>[1];
const flushRule = requireFlushBeforeExit as unknown as Parameters<typeof ruleTester.run<FlushMessageId, []>>[1];

const TRACELOOP_WHY = "ends its span only when the callback succeeds (Traceloop 0.27.0, installed)";
const OWNED_WHY = "is ended by its callback on the success path only";

/**
 * An invalid no-process-exit case: one exit with code `code` inside `where`, which leaves `lost` open, at `line`,
 * `column`…`endColumn`, whose throw suggestion gives `output` (`recording`: it also wraps a scope callback in recordSpanErrors()).
 */
function exitInScope(source: string, where: string, code: string, [line, column, endColumn]: readonly number[], output: string, recording: boolean, lost = "that span") {
  return {
    code: source,
    errors: [
      {
        messageId: "exitInScope" as const,
        data: { exit: "process.exit()", where, lost },
        line,
        column,
        endColumn,
        suggestions: [{ messageId: "throwInstead" as const, data: { code, recording: recording ? ", recorded on the span" : "" }, output }],
      },
    ],
  };
}

/** An invalid require-flush-before-exit case: `main();` on line `line` of `head` + `body`, fixed by `flush` at the entry. */
function entryCase(head: string, body: string, line: number, messageId: "entryWithoutFlush" | "entryCrashWithoutFlush", sdk: string, flush: string) {
  const paths = messageId === "entryWithoutFlush" ? { paths: "either path" } : {};
  return {
    code: `${head}\n\n${body}\n\nmain();`,
    errors: [
      {
        messageId,
        data: { entry: "main()", ...paths, sdk, flush },
        line,
        column: 1,
        endColumn: 7,
        suggestions: [
          {
            messageId: "flushAtEntry" as const,
            data: { flush },
            output: [
              `${head}\n\n${body}\n\nmain()`,
              "  .catch((error) => {",
              "    console.error(error);",
              "    process.exitCode = error?.exitCode ?? 1;",
              "  })",
              `  .finally(() => ${flush});`,
            ].join("\n"),
          },
        ],
      },
    ],
  };
}

ruleTester.run("no-process-exit", exitRule, {
  valid: [
    // `llmobs.trace` on an object that is not dd-trace's tracer opens nothing.
    dedent`
      const tracer = makeTracer();

      tracer.llmobs.trace({ kind: "task", name: "plan" }, () => {
        process.exit(1);
      });
    `,
    // A local `withLLMCall` shadows nothing imported: no scope.
    dedent`
      function withLLMCall(config: object, fn: () => void) {
        fn();
      }

      withLLMCall({ vendor: "openai" }, () => {
        process.exit(1);
      });
    `,
    // `tracer.trace` of dd-trace's `tracer`, not its `llmobs`, is the span entry of its own (tested elsewhere);
    // the receiver path must match whole: `tracer.other.llmobs.trace` is not dd-trace's.
    dedent`
      import tracer from "dd-trace";

      tracer.other.llmobs.trace({ kind: "task" }, () => {
        process.exit(1);
      });
    `,
    // Setting the exit code inside the scope ends nothing.
    dedent`
      const { withLLMCall } = require("@traceloop/node-server-sdk");

      withLLMCall({ vendor: "openai", type: "chat" }, () => {
        process.exitCode = 1;
      });
    `,
    // The exit runs after the vector DB call has returned, outside its callback.
    dedent`
      import { withVectorDBCall } from "@traceloop/node-server-sdk";

      const rows = await withVectorDBCall({ vendor: "qdrant", type: "query" }, async () => search());
      if (rows.length === 0) process.exit(1);
    `,
    // The `llmobs` property of a tracer made elsewhere, even under the same name.
    dedent`
      import tracer from "./my-tracer";

      tracer.llmobs.wrap({ kind: "agent" }, function run() {
        process.exit(1);
      });
    `,
  ],
  invalid: [
    // withVectorDBCall: the span is active in the callback, so recordSpanErrors() reaches it.
    exitInScope(
      dedent`
        import { withVectorDBCall } from "@traceloop/node-server-sdk";

        await withVectorDBCall({ vendor: "pinecone", type: "query" }, async () => {
          if (!index) process.exit(1);
          return query();
        });
      `,
      "vector DB call 'pinecone'",
      "1",
      [4, 15, 30],
      withHelpers(
        dedent`
          import { withVectorDBCall } from "@traceloop/node-server-sdk";
          ${OTEL_IMPORT}
        `,
        dedent`
          await withVectorDBCall({ vendor: "pinecone", type: "query" }, recordSpanErrors(async () => {
            if (!index) throw Object.assign(new Error("process.exit() in vector DB call 'pinecone'"), { exitCode: 1 });
            return query();
          }));
        `,
      ),
      true,
    ),
    // withLLMCall starts its span without making it active: the helper would end the parent's span, so the throw
    // comes alone (the LLM span stays open; require-span-error-recording says so).
    exitInScope(
      dedent`
        import * as traceloop from "@traceloop/node-server-sdk";

        await traceloop.withLLMCall({ vendor: "openai", type: "chat" }, async ({ span }) => {
          if (!key) process.exit(2);
          return complete(span);
        });
      `,
      "LLM call 'openai'",
      "2",
      [4, 13, 28],
      dedent`
        import * as traceloop from "@traceloop/node-server-sdk";

        await traceloop.withLLMCall({ vendor: "openai", type: "chat" }, async ({ span }) => {
          if (!key) throw Object.assign(new Error("process.exit() in LLM call 'openai'"), { exitCode: 2 });
          return complete(span);
        });
      `,
      false,
    ),
    // Inside a workflow, the throw wraps the workflow's callback (its span is the active one), not the LLM call's.
    exitInScope(
      dedent`
        const traceloop = require("@traceloop/node-server-sdk");

        traceloop.withWorkflow({ name: "answer" }, () =>
          traceloop.withLLMCall({ vendor: "openai", type: "chat" }, () => {
            process.exit(1);
          }),
        );
      `,
      "LLM call 'openai' of workflow 'answer'",
      "1",
      [5, 5, 20],
      withHelpers(
        dedent`
          const traceloop = require("@traceloop/node-server-sdk");
          const { SpanStatusCode, trace } = require("@opentelemetry/api");
        `,
        dedent`
          traceloop.withWorkflow({ name: "answer" }, recordSpanErrors(() =>
            traceloop.withLLMCall({ vendor: "openai", type: "chat" }, () => {
              throw Object.assign(new Error("process.exit() in LLM call 'openai'"), { exitCode: 1 });
            })),
          );
        `,
      ),
      true,
      "both spans",
    ),
    // tracer.llmobs.trace({ kind, name }, fn) on dd-trace's default export: named by `name`; dd-trace records the throw.
    exitInScope(
      dedent`
        import tracer from "dd-trace";

        tracer.llmobs.trace({ kind: "workflow", name: "plan" }, () => {
          process.exit(3);
        });
      `,
      "LLMObs span 'plan'",
      "3",
      [4, 3, 18],
      dedent`
        import tracer from "dd-trace";

        tracer.llmobs.trace({ kind: "workflow", name: "plan" }, () => {
          throw Object.assign(new Error("process.exit() in LLMObs span 'plan'"), { exitCode: 3 });
        });
      `,
      false,
    ),
    // tracer.llmobs.wrap on the tracer `init()` returns: without `name`, the function's own name, as dd-trace does.
    exitInScope(
      dedent`
        const tracer = require("dd-trace").init();

        export const answer = tracer.llmobs.wrap({ kind: "agent" }, function answerQuestion() {
          process.exit(4);
        });
      `,
      "LLMObs span 'answerQuestion'",
      "4",
      [4, 3, 18],
      dedent`
        const tracer = require("dd-trace").init();

        export const answer = tracer.llmobs.wrap({ kind: "agent" }, function answerQuestion() {
          throw Object.assign(new Error("process.exit() in LLMObs span 'answerQuestion'"), { exitCode: 4 });
        });
      `,
      false,
    ),
    // @tracer.llmobs.decorate({ kind }) on a method: named after the method, as dd-trace names it.
    exitInScope(
      dedent`
        import tracer from "dd-trace";

        class Agent {
          @tracer.llmobs.decorate({ kind: "agent" })
          async run() {
            process.exit(5);
          }
        }
      `,
      "LLMObs span 'run'",
      "5",
      [6, 5, 20],
      dedent`
        import tracer from "dd-trace";

        class Agent {
          @tracer.llmobs.decorate({ kind: "agent" })
          async run() {
            throw Object.assign(new Error("process.exit() in LLMObs span 'run'"), { exitCode: 5 });
          }
        }
      `,
      false,
    ),
  ],
});

ruleTester.run("require-span-error-recording", spanRule, {
  valid: [
    // dd-trace tags the error and finishes the span when a one-parameter callback rejects.
    dedent`
      import tracer from "dd-trace";

      await tracer.trace("job", async (span) => {
        await work(span);
      });
    `,
    // A synchronous (span, done) callback: dd-trace's own try/catch finishes the span on a throw.
    dedent`
      import tracer from "dd-trace";

      tracer.trace("job", (span, done) => {
        work(span);
        done();
      });
    `,
    // An async (span, done) callback that calls done in finally ends its span on every path.
    dedent`
      import tracer from "dd-trace";

      await tracer.trace("job", async (span, done) => {
        try {
          await work(span);
        } finally {
          done();
        }
      });
    `,
    // llmobs.wrap goes through tracer.wrap, which records and finishes whatever the wrapped function throws.
    dedent`
      import tracer from "dd-trace";

      export const plan = tracer.llmobs.wrap({ kind: "workflow" }, async function plan() {
        await work();
      });
    `,
    // A vector DB call whose callback records and ends its own span on error.
    dedent`
      import { withVectorDBCall } from "@traceloop/node-server-sdk";
      import { trace, SpanStatusCode } from "@opentelemetry/api";

      await withVectorDBCall({ vendor: "pinecone", type: "upsert" }, async () => {
        const span = trace.getActiveSpan();
        try {
          await upsert();
        } catch (error) {
          span?.recordException(error);
          span?.setStatus({ code: SpanStatusCode.ERROR });
          span?.end();
          throw error;
        }
      });
    `,
    // Langfuse 5 with endOnExit: false ends the observation on no path: the caller owns it (it ends it later),
    // so a throw does not change who ends it.
    dedent`
      import { observe, startActiveObservation } from "@langfuse/tracing";

      await startActiveObservation("stream", async (observation) => {
        await pipe(observation);
      }, { endOnExit: false });
      export const handle = observe(async (request) => stream(request), { name: "handle", endOnExit: false });
    `,
    // Langfuse 5 records and ends the observation itself when the callback throws (endOnExit left at true).
    dedent`
      import { startActiveObservation } from "@langfuse/tracing";

      await startActiveObservation("answer", async () => {
        await work();
      });
    `,
  ],
  invalid: [
    // withVectorDBCall: ended on success only, and the helper reaches its active span.
    {
      code: dedent`
        import { withVectorDBCall } from "@traceloop/node-server-sdk";

        export const search = () => withVectorDBCall({ vendor: "chroma", type: "query" }, async () => query());
      `,
      errors: [
        {
          messageId: "spanNotEndedOnError",
          data: { scope: "Vector DB call 'chroma'", why: TRACELOOP_WHY },
          line: 3,
          column: 29,
          endColumn: 45,
          suggestions: [
            {
              messageId: "wrapCallback",
              output: withHelpers(
                dedent`
                  import { withVectorDBCall } from "@traceloop/node-server-sdk";
                  ${OTEL_IMPORT}
                `,
                dedent`
                  export const search = () => withVectorDBCall({ vendor: "chroma", type: "query" }, recordSpanErrors(async () => query()));
                `,
              ),
            },
          ],
        },
      ],
    },
    // withLLMCall: ended on success only, and its span is not the active one: reported, with no suggestion.
    {
      code: dedent`
        import { withLLMCall } from "@traceloop/node-server-sdk";

        export const chat = () => withLLMCall({ vendor: "anthropic", type: "chat" }, async () => complete());
      `,
      errors: [{ messageId: "spanNotEndedOnError", data: { scope: "LLM call 'anthropic'", why: TRACELOOP_WHY }, line: 3, column: 27, endColumn: 38, suggestions: [] }],
    },
    // An async (span, done) callback owns its span: a rejection before done() leaves it open. No suggestion: our
    // helper ends OpenTelemetry spans, and dd-trace's are not.
    {
      code: dedent`
        import tracer from "dd-trace";

        await tracer.trace("job", async (span, done) => {
          await work(span);
          done();
        });
      `,
      errors: [{ messageId: "spanNotEndedOnError", data: { scope: "Span 'job'", why: OWNED_WHY }, line: 3, column: 7, endColumn: 19, suggestions: [] }],
    },
    // The same through tracer.llmobs.trace, which hands (span, done) on to tracer.trace.
    {
      code: dedent`
        const tracer = require("dd-trace").init();

        tracer.llmobs.trace({ kind: "task", name: "embed" }, async (span, done) => {
          await embed();
          done();
        });
      `,
      errors: [{ messageId: "spanNotEndedOnError", data: { scope: "LLMObs span 'embed'", why: OWNED_WHY }, line: 3, column: 1, endColumn: 20, suggestions: [] }],
    },
  ],
});

const LANGFUSE_V3 = dedent`
  import Langfuse from "langfuse";

  const langfuse = new Langfuse();
`;

const LANGSMITH = dedent`
  import { Client, RunTree } from "langsmith";

  const client = new Client();
`;

ruleTester.run("require-flush-before-exit", flushRule, {
  valid: [
    // The Langfuse v3 client's queue is flushed before the exit.
    dedent`
      ${LANGFUSE_V3}

      langfuse.trace({ name: "nightly" });
      await langfuse.shutdownAsync();
      process.exit(1);
    `,
    dedent`
      import { Langfuse } from "langfuse-node";

      const lf = new Langfuse({ flushAt: 1 });
      lf.generation({ name: "draft" });
      await lf.flushAsync();
      process.exit(0);
    `,
    // LangSmith's batch timer keeps the process alive: a natural end, rejection handled, sends the runs.
    dedent`
      ${LANGSMITH}

      async function main() {
        const run = new RunTree({ name: "job", client });
        await run.postRun();
        await run.end();
        await run.patchRun();
      }

      main().catch((error) => {
        console.error(error);
        process.exitCode = 1;
      });
    `,
    // `flushAsync()` flushes only on an instance of the Langfuse client: a file that starts nothing and flushes nothing
    // is not a traced program.
    dedent`
      const lf = makeClient();
      lf.flushAsync();
      process.exit(1);
    `,
    // The Langfuse v3 client via require, flushed.
    dedent`
      const { Langfuse } = require("langfuse");

      const langfuse = new Langfuse();
      langfuse.event({ name: "start" });
      langfuse.shutdownAsync().then(() => process.exit(0));
    `,
    // dd-trace has no public flush of its traces: a file whose only SDK is dd-trace is not checked.
    dedent`
      import tracer from "dd-trace";

      tracer.init();
      await tracer.trace("job", async () => work());
      process.exit(1);
    `,
    // A client wrapped by LangSmith sends its runs through the shared client, whose batch timer keeps the
    // process alive: a natural end, rejection handled, loses nothing.
    dedent`
      import OpenAI from "openai";
      import { wrapOpenAI } from "langsmith/wrappers";

      const openai = wrapOpenAI(new OpenAI());

      async function main() {
        await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [] });
      }

      main().catch((error) => {
        console.error(error);
        process.exitCode = 1;
      });
    `,
    // LangSmith runs sent before the exit.
    dedent`
      ${LANGSMITH}

      await new RunTree({ name: "job", client }).postRun();
      await client.awaitPendingTraceBatches();
      process.exit(1);
    `,
  ],
  invalid: [
    // The Langfuse v3 client queues events on an unref'd 10 s timer and has no exit hook.
    {
      code: dedent`
        ${LANGFUSE_V3}

        langfuse.trace({ name: "nightly" });
        process.exit(1);
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: { exit: "process.exit(1)", where: "", lost: "that span", sdk: "Langfuse", flush: "langfuse.shutdownAsync()" },
          line: 6,
          column: 1,
          endColumn: 16,
          suggestions: [
            {
              messageId: "flushThenExit",
              data: { flush: "langfuse.shutdownAsync()", exit: "process.exit(1)" },
              output: dedent`
                ${LANGFUSE_V3}

                langfuse.trace({ name: "nightly" });
                langfuse.shutdownAsync().finally(() => process.exit(1));
              `,
            },
          ],
        },
      ],
    },
    // …and a natural end loses the queue too: the entry must flush on both paths.
    entryCase(LANGFUSE_V3, "async function main() {\n  langfuse.span({ name: \"load\" });\n}", 9, "entryWithoutFlush", "Langfuse", "langfuse.shutdownAsync()"),
    // LangSmith: process.exit() cuts the 250 ms batch queue.
    {
      code: dedent`
        ${LANGSMITH}

        await new RunTree({ name: "job", client }).postRun();
        process.exit(1);
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: { exit: "process.exit(1)", where: "", lost: "that span", sdk: "LangSmith", flush: "client.awaitPendingTraceBatches()" },
          line: 6,
          column: 1,
          endColumn: 16,
          suggestions: [
            {
              messageId: "awaitFlush",
              data: { flush: "client.awaitPendingTraceBatches()", exit: "process.exit(1)", async: "" },
              output: dedent`
                ${LANGSMITH}

                await new RunTree({ name: "job", client }).postRun();
                await client.awaitPendingTraceBatches();
                process.exit(1);
              `,
            },
          ],
        },
      ],
    },
    // A RunTree's runs go to its client: the flush is written through it.
    {
      code: dedent`
        import { RunTree } from "langsmith/run_trees";

        const run = new RunTree({ name: "nightly" });
        await run.postRun();
        process.exit(1);
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: { exit: "process.exit(1)", where: "", lost: "that span", sdk: "LangSmith", flush: "run.client.awaitPendingTraceBatches()" },
          line: 5,
          column: 1,
          endColumn: 16,
          suggestions: [
            {
              messageId: "awaitFlush",
              data: { flush: "run.client.awaitPendingTraceBatches()", exit: "process.exit(1)", async: "" },
              output: dedent`
                import { RunTree } from "langsmith/run_trees";

                const run = new RunTree({ name: "nightly" });
                await run.postRun();
                await run.client.awaitPendingTraceBatches();
                process.exit(1);
              `,
            },
          ],
        },
      ],
    },
    // wrapSDK's client holds no handle on the shared client: the flush is named, not written; the throw is offered.
    {
      code: dedent`
        const { wrapSDK } = require("langsmith/wrappers");

        const client = wrapSDK(makeClient());
        client.call().then(() => process.exit(2));
      `,
      errors: [
        {
          messageId: "exitWithoutFlush",
          data: { exit: "process.exit(2)", where: "", lost: "that span", sdk: "LangSmith", flush: "client.awaitPendingTraceBatches()" },
          line: 4,
          column: 26,
          endColumn: 41,
          suggestions: [],
        },
      ],
    },
    // initializeOTEL() registers a batch span processor whose timer does not keep the process alive: a natural end loses it.
    // No suggestion: the file holds no client to flush through.
    {
      code: dedent`
        import { initializeOTEL } from "langsmith/experimental/otel/setup";
        import { traceable } from "langsmith/traceable";

        initializeOTEL();

        async function main() {
          await traceable(async () => "done", { name: "job" })();
        }

        main();
      `,
      errors: [
        {
          messageId: "entryWithoutFlush",
          data: { entry: "main()", paths: "either path", sdk: "LangSmith", flush: "client.awaitPendingTraceBatches()" },
          line: 10,
          column: 1,
          endColumn: 7,
          suggestions: [],
        },
      ],
    },
    // …and so does the crash of an unhandled rejection; a natural end does not (the valid case above).
    entryCase(
      LANGSMITH,
      "async function main() {\n  await new RunTree({ name: \"job\", client }).postRun();\n}",
      9,
      "entryCrashWithoutFlush",
      "LangSmith",
      "client.awaitPendingTraceBatches()",
    ),
  ],
});
