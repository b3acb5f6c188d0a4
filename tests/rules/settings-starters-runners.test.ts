/**
 * `settings["traced-exit"].spanStarters`, `.runners` and `.errorHandlers` (issue 16): a team's own function that
 * starts a span ended by hand, a team's own context runner, and a team's own error-handling helper, declared once
 * and then judged like the catalogue's.
 */
import dedent from "dedent";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index";

const RULES = {
  "traced-exit/require-span-error-recording": "error",
  "traced-exit/no-process-exit": "error",
  "traced-exit/require-flush-before-exit": "error",
} as const;

const SETTINGS = {
  "traced-exit": {
    spanStarters: [
      { module: "./tracing", export: "startTimer", end: "stop", kind: "timer" },
      { module: "./tracing", export: "telemetry.span", otel: true },
    ],
    runners: [{ module: "./tracing", export: "inContext", callback: 1 }],
    initializers: [{ module: "./tracing", export: "startTracing" }],
    flushes: [{ module: "./tracing", export: "flushTracing" }],
  },
};

function lint(code: string, settings: Record<string, unknown> = SETTINGS): Linter.LintMessage[] {
  const linter = new Linter({ configType: "flat" });
  const config = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, plugins: { "traced-exit": plugin as never }, settings, rules: RULES }];
  return linter.verify(code, config as never, "src/job.ts");
}

const summary = (messages: Linter.LintMessage[]) => messages.map((m) => ({ rule: m.ruleId, id: m.messageId, line: m.line, message: m.message }));

describe("settings spanStarters", () => {
  const timer = dedent`
    import { startTimer } from "./tracing";
    export async function sync() {
      const span = startTimer("sync");
      await pull();
      span.stop();
    }
  `;

  it("reports a declared starter's span ended on success only, with the declared end method and kind", () => {
    expect(summary(lint(timer))).toEqual([
      {
        rule: "traced-exit/require-span-error-recording",
        id: "manualSpanNotEndedOnError",
        line: 4,
        message:
          "Timer 'sync' started by startTimer() is ended by `span.stop()` on the success path only: if `await pull()` throws, the span is never ended, so it is never exported and its child spans lose their parent.",
      },
    ]);
  });

  it("is silent on the same code without the setting, and when the end is in a finally", () => {
    expect(lint(timer, {})).toEqual([]);
    expect(lint(dedent`
      import { startTimer } from "./tracing";
      export async function sync() {
        const span = startTimer("sync");
        try {
          await pull();
        } finally {
          span.stop();
        }
      }
    `)).toEqual([]);
  });

  it("offers the try/catch rewrite only for a starter declared `otel: true`, reached through a dotted export", () => {
    const timerFinding = lint(timer)[0];
    expect(timerFinding?.suggestions ?? []).toEqual([]);
    const code = dedent`
      import { telemetry } from "./tracing";
      export async function sync() {
        const span = telemetry.span("sync");
        await pull();
        span.end();
      }
    `;
    const [finding] = lint(code);
    expect(finding?.messageId).toBe("manualSpanNotEndedOnError");
    const fix = finding?.suggestions?.[0]?.fix;
    expect(fix).toBeDefined();
    const fixed = code.slice(0, fix!.range[0]) + fix!.text + code.slice(fix!.range[1]);
    expect(fixed).toContain(dedent`
      export async function sync() {
        const span = telemetry.span("sync");
        try {
          await pull();
          span.end();
        } catch (error) {
          throw endSpanWithError(error, span);
        }
      }
    `);
  });

  it("leaves an exit between start and end to no-process-exit: an exit is not a throw", () => {
    expect(summary(lint(dedent`
      import { startTimer } from "./tracing";
      export function sync(bad: boolean) {
        const span = startTimer("sync");
        if (bad) process.exit(2);
        span.stop();
      }
    `))).toEqual([
      {
        rule: "traced-exit/no-process-exit",
        id: "exitInScope",
        line: 4,
        message: "process.exit() inside timer 'sync' started by startTimer() ends the process before that span can be ended and exported.",
      },
    ]);
  });
});

describe("settings runners", () => {
  const program = dedent`
    import { startTracing, inContext } from "./tracing";
    startTracing();
    inContext(ctx, async () => {
      await run();
    });
  `;

  it("takes the whole program inside a declared runner for the program's entry", () => {
    expect(summary(lint(program))).toEqual([
      {
        rule: "traced-exit/require-flush-before-exit",
        id: "entryWithoutFlush",
        line: 3,
        message:
          "inContext() lets the program end on either path without flushing the ./tracing span queue, and the export timer does not keep the process alive: run flushTracing() on both paths.",
      },
    ]);
  });

  it("does not know the runner without the setting", () => {
    const { runners: _runners, ...withoutRunners } = SETTINGS["traced-exit"];
    expect(lint(program, { "traced-exit": withoutRunners })).toEqual([]);
  });
});

describe("settings errorHandlers", () => {
  // A team's `safeExecuteInTheMiddle`: runs the work, hands its failure to the second argument.
  const handled = (work: string) => dedent`
    import { trace } from "@opentelemetry/api";
    import { runSafely } from "./tracing";
    const tracer = trace.getTracer("jobs");
    export function sync() {
      return tracer.startActiveSpan("sync", (span) =>
        runSafely(${work}, (error) => {
          span.recordException(error);
          span.end();
        }),
      );
    }
  `;
  const asyncWork = "async () => { await pull(); span.end(); }";
  const helper = (extra: Record<string, unknown>) => ({
    "traced-exit": { errorHandlers: [{ module: "./tracing", export: "runSafely", ...extra }] },
  });
  const finding = {
    rule: "traced-exit/require-span-error-recording",
    id: "spanNotEndedOnError",
    line: 5,
    message:
      "Span 'sync' is ended by its callback on the success path only: an error thrown here leaves the span open, so it is never recorded nor exported and its child spans lose their parent.",
  };

  it("reports the callback without the setting: runSafely is nobody's helper", () => {
    expect(summary(lint(handled(asyncWork), {}))).toEqual([finding]);
  });

  it("drops it for a helper declared to catch rejections too, as the catalogue's handleCallbackErrors", () => {
    expect(lint(handled(asyncWork), helper({ callback: 0, onError: [1], catches: "sync-and-async" }))).toEqual([]);
  });

  // A helper that sees only a synchronous throw never sees the async work's rejection: the span stays open then.
  it("keeps it for a helper declared to catch synchronous throws only", () => {
    expect(summary(lint(handled(asyncWork), helper({ catches: "sync" })))).toEqual([finding]);
  });

  // The error callback is the second argument; a helper declared to call the third one on failure ends nothing here.
  it("keeps it when the declared error callback is not the one that ends the span", () => {
    expect(summary(lint(handled(asyncWork), helper({ onError: [2], catches: "sync-and-async" })))).toEqual([finding]);
  });

  it("resolves the helper by binding: a local function of the same name is not it", () => {
    const local = handled(asyncWork).replace('import { runSafely } from "./tracing";', "const runSafely = (work, onError) => work();");
    expect(summary(lint(local, helper({ catches: "sync-and-async" })))).toEqual([finding]);
  });
});

describe("bad spanStarters, runners and errorHandlers settings", () => {
  it.each([
    [{ spanStarters: [{ module: "./tracing" }] }, /spanStarters\[0\]\.export must be a non-empty string/u],
    [{ spanStarters: [{ module: "./tracing", export: "start", otel: "yes" }] }, /spanStarters\[0\]\.otel must be a boolean/u],
    [{ spanStarters: [{ module: "./tracing", export: "start", end: "stop()" }] }, /spanStarters\[0\]\.end must be an identifier name/u],
    [{ spanStarters: [{ module: "./tracing", export: "start", ends: "stop" }] }, /spanStarters\[0\] has unknown property "ends"/u],
    [{ runners: [{ module: "./tracing", export: "run", callback: -1 }] }, /runners\[0\]\.callback must be a non-negative integer/u],
    [{ runners: {} }, /runners must be an array/u],
    [{ errorHandlers: [{ module: "./tracing", export: "runSafely" }] }, /errorHandlers\[0\]\.catches must be "sync" or "sync-and-async"/u],
    [{ errorHandlers: [{ module: "./tracing", export: "runSafely", catches: "async" }] }, /errorHandlers\[0\]\.catches must be "sync" or "sync-and-async"/u],
    [{ errorHandlers: [{ module: "./tracing", catches: "sync" }] }, /errorHandlers\[0\]\.export must be a non-empty string/u],
    [{ errorHandlers: [{ module: "./tracing", export: "runSafely", catches: "sync", onError: [] }] }, /errorHandlers\[0\]\.onError must be a non-empty array of argument indexes other than the callback's/u],
    [{ errorHandlers: [{ module: "./tracing", export: "runSafely", catches: "sync", onError: [0] }] }, /errorHandlers\[0\]\.onError must be a non-empty array/u],
    [{ errorHandlers: [{ module: "./tracing", export: "runSafely", catches: "sync", callback: "last" }] }, /errorHandlers\[0\]\.callback must be a non-negative integer/u],
    [{ errorHandlers: [{ module: "./tracing", export: "runSafely", catches: "sync", onFinally: 2 }] }, /errorHandlers\[0\] has unknown property "onFinally"/u],
    [{ errorHandlers: [{ method: "runSafely", catches: "sync" }] }, /errorHandlers\[0\] has unknown property "method"/u],
  ])("%j fails with a clear message", (settings, message) => {
    expect(() => lint("export {};", { "traced-exit": settings })).toThrow(message);
  });
});
