// A dd-trace span started on a tracer another module keeps in a binding of its own, and finished in the callback of
// `tracer.scope().activate()` after the traced function runs (@gamechanger/datadog-apm 1.4.2's decorator;
// require-span-error-recording, docs "A tracer kept in a module binding"), run for real under dd-trace 5.132 with
// a loopback agent (tests/support/dd-agent.ts): a synchronous throw of the traced function leaves the span
// unfinished, so dd-trace never sends it, though the program handles the error; a span finished afterwards arrives.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it, vi } from "vitest";
import { findRepoRoot, runExample } from "../../examples/support/run-example";
import spanRule from "../../src/rules/require-span-error-recording";
import { startDdAgent } from "../support/dd-agent";
import { writeExampleVariant } from "../support/example-variant";

vi.setConfig({ testTimeout: 300_000 });

const PROGRAM = "tests/e2e/fixtures/dd-activate/program.ts";

/** dd-trace's side channels off (as in differential-dd-trace.test.ts): only traces matter here. */
const QUIET = {
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
  DD_REMOTE_CONFIGURATION_ENABLED: "false",
  DD_TRACE_STARTUP_LOGS: "false",
  DD_RUNTIME_METRICS_ENABLED: "false",
};

async function run(file: string, env: Record<string, string>) {
  const agent = await startDdAgent();
  try {
    const result = await runExample(file, { receiverUrl: "http://127.0.0.1:9", env: { ...QUIET, ...env, DD_TRACE_AGENT_URL: agent.url }, timeoutMs: 120_000, settleMs: 1_000 });
    return { exitCode: result.exitCode, stdout: result.stdout.trim(), stderr: result.stderr.trim(), spans: agent.spans().map((span) => [span.name, span.error] as const).sort(([a], [b]) => a.localeCompare(b)) };
  } finally {
    await agent.close();
  }
}

/** The rule's findings on a file of the fixture folder (it reads ./tracer.ts from disk). */
function lint(text: string, file: string) {
  return new Linter({ configType: "flat" }).verify(
    text,
    [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, plugins: { "traced-exit": { rules: { rule: spanRule as never } } }, rules: { "traced-exit/rule": "error" } }],
    path.join(findRepoRoot(), file),
  );
}

describe("a dd-trace span finished in scope().activate()'s callback after the traced function", () => {
  it("is reported once, on its start, with no suggestion", async () => {
    const text = await readFile(path.join(findRepoRoot(), PROGRAM), "utf8");
    expect(lint(text, PROGRAM).map((message) => [message.messageId, message.line, message.suggestions ?? []])).toEqual([["manualSpanEndedOnSuccessOnly", 10, []]]);
  });

  it("arrives when the traced function returns", async () => {
    expect(await run(PROGRAM, {})).toEqual({ exitCode: 0, stdout: "charged 500", stderr: "", spans: [["charge", 0], ["done", 0]] });
  });

  it("never arrives when the traced function throws, though the program handles the error and a later span arrives", async () => {
    expect(await run(PROGRAM, { DD_ACTIVATE_FAIL: "1" })).toEqual({ exitCode: 0, stdout: "", stderr: "handled: card declined", spans: [["done", 0]] });
  });

  // activate() tags the error on the span only after the callback's finally has finished it, when dd-trace ignores
  // the tag: the span arrives without the error flag.
  it("finished in a finally of the callback, arrives and is no longer reported", async () => {
    const text = await readFile(path.join(findRepoRoot(), PROGRAM), "utf8");
    const finish = ["      const output = target(...args);\n      span.finish();\n      return output;", "      try {\n        return target(...args);\n      } finally {\n        span.finish();\n      }"] as const;
    const fixed = text.replace(...finish);
    expect(fixed).not.toBe(text);
    expect(lint(fixed, PROGRAM)).toEqual([]);
    // The variant runs from a folder of its own: it imports the fixture's tracer module by its absolute path.
    const tracerModule = path.join(findRepoRoot(), path.dirname(PROGRAM), "tracer.js").split(path.sep).join("/");
    const variant = await writeExampleVariant(PROGRAM, [finish, ['from "./tracer.js"', `from "${tracerModule}"`]]);
    try {
      expect(await run(variant.file, { DD_ACTIVATE_FAIL: "1" })).toEqual({ exitCode: 0, stdout: "", stderr: "handled: card declined", spans: [["charge", 0], ["done", 0]] });
    } finally {
      await variant.dispose();
    }
  });
});
