// Spans started by hand and ended on the success path only (require-span-error-recording's
// manualSpanEndedOnSuccessOnly), run for real under the OpenTelemetry SDK with a loopback OTLP receiver:
// a rejection, a stream error or a failed iteration leaves the span open, so even a program that handles the
// error and shuts its provider down never exports it. With the rule's suggestion applied to a fulfilment
// handler (a rejection handler that records, ends and rethrows), the span arrives with ERROR status, and the
// program's output and exit code stay the same; streams get no rewrite, and ending them by hand on the failure
// path too exports them.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it, vi } from "vitest";
import { findRepoRoot } from "../../examples/support/run-example";
import spanRule from "../../src/rules/require-span-error-recording";
import { writeExampleVariant } from "../support/example-variant";
import { runWithReceiver } from "../support/run-with-receiver";

vi.setConfig({ testTimeout: 180_000 });

const FIXTURE = "tests/e2e/fixtures/manual-spans/ended-on-fulfilment.ts";
const STREAMS = "tests/e2e/fixtures/manual-spans/ended-after-stream.ts";

async function spansOf(file: string, env: Record<string, string>) {
  const { run, spans } = await runWithReceiver(file, env);
  return { exitCode: run.exitCode, stderr: run.stderr.trim(), spans: spans.map((span) => [span.name, span.status] as const).sort(([a], [b]) => a.localeCompare(b)) };
}

/** The rule's messages on a TypeScript text. */
function lint(text: string) {
  return new Linter({ configType: "flat" }).verify(
    text,
    [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, plugins: { "traced-exit": { rules: { rule: spanRule as never } } }, rules: { "traced-exit/rule": "error" } }],
    "fixture.ts",
  );
}

/** The fixture with the rule's one suggestion applied. */
async function suggested(): Promise<{ text: string; fixed: string; messageIds: (string | undefined)[] }> {
  const text = await readFile(path.join(findRepoRoot(), FIXTURE), "utf8");
  const messages = lint(text);
  const fix = messages[0]?.suggestions?.[0]?.fix;
  if (!fix) throw new Error(`no suggestion: ${JSON.stringify(messages)}`);
  return { text, fixed: `${text.slice(0, fix.range[0])}${fix.text}${text.slice(fix.range[1])}`, messageIds: messages.map((message) => message.messageId) };
}

describe("a hand-started span ended only when its promise fulfils", () => {
  it("is reported once, and exported when the promise fulfils", async () => {
    expect((await suggested()).messageIds).toEqual(["manualSpanEndedOnSuccessOnly"]);
    expect(await spansOf(FIXTURE, {})).toEqual({ exitCode: 0, stderr: "", spans: [["llm.first", "UNSET"], ["llm.second", "UNSET"]] });
  });

  it("is never exported when the promise rejects, though the program handles the error and shuts the provider down", async () => {
    expect(await spansOf(FIXTURE, { MANUAL_FAIL: "1" })).toEqual({ exitCode: 0, stderr: "handled: model unavailable", spans: [["llm.first", "UNSET"]] });
  });

  it("with the suggestion applied, is exported with ERROR on a rejection; output and exit code unchanged", async () => {
    const { text, fixed } = await suggested();
    expect(fixed).toContain("}, (error) => { throw endSpanWithError(error, span); });");
    const variant = await writeExampleVariant(FIXTURE, [[text, fixed]]);
    try {
      expect(await spansOf(variant.file, { MANUAL_FAIL: "1" })).toEqual({
        exitCode: 0,
        stderr: "handled: model unavailable",
        spans: [["llm.first", "UNSET"], ["llm.second", "ERROR"]],
      });
      expect(await spansOf(variant.file, {})).toEqual({ exitCode: 0, stderr: "", spans: [["llm.first", "UNSET"], ["llm.second", "UNSET"]] });
      // The rule has nothing left to say about the rewritten program.
      const messages = lint(fixed);
      expect(messages.map((message) => message.message)).toEqual([]);
    } finally {
      await variant.dispose();
    }
  });
});

describe("hand-started spans ended only when a stream succeeds", () => {
  // No rewrite is offered for these (docs/rules/require-span-error-recording.md): the finding is the proof's subject.
  it("are reported, one finding per span, on their start", async () => {
    const text = await readFile(path.join(findRepoRoot(), STREAMS), "utf8");
    expect(lint(text).map((message) => [message.messageId, message.line, message.suggestions ?? []])).toEqual([
      ["manualSpanEndedOnSuccessOnly", 19, []],
      ["manualSpanEndedOnSuccessOnly", 40, []],
    ]);
  });

  it("are exported when the streams succeed", async () => {
    expect(await spansOf(STREAMS, {})).toEqual({ exitCode: 0, stderr: "", spans: [["llm.stream", "UNSET"], ["stream.copy", "UNSET"]] });
  });

  it("are never exported when the streams fail, though the program handles the errors and shuts the provider down", async () => {
    expect(await spansOf(STREAMS, { MANUAL_FAIL: "1" })).toEqual({ exitCode: 0, stderr: "handled: connection reset\nhandled: stream broke", spans: [] });
  });

  it("ended by hand on the failure path too (a 'close' listener, a finally), are exported and no longer reported", async () => {
    const variant = await writeExampleVariant(STREAMS, [
      ['stream.on("finish", () => span.end());', 'stream.on("finish", () => span.end());\n  stream.on("close", () => span.end());'],
      ["for await (const chunk of iterable) yield chunk;\n    span.end();", "try {\n      for await (const chunk of iterable) yield chunk;\n    } finally {\n      span.end();\n    }"],
    ]);
    try {
      expect(lint(await readFile(variant.file, "utf8"))).toEqual([]);
      expect(await spansOf(variant.file, { MANUAL_FAIL: "1" })).toEqual({
        exitCode: 0,
        stderr: "handled: connection reset\nhandled: stream broke",
        spans: [["llm.stream", "UNSET"], ["stream.copy", "UNSET"]],
      });
    } finally {
      await variant.dispose();
    }
  });
});

const RETURNED = "tests/e2e/fixtures/manual-spans/returned-to-caller.ts";

describe("a hand-started span returned to its caller, which hands it to a generator that ends it after its iteration", () => {
  // No rewrite is offered (docs/rules/require-span-error-recording.md, "A span returned to its caller in an object").
  it("is reported once, on its start, and exported when the stream succeeds", async () => {
    const text = await readFile(path.join(findRepoRoot(), RETURNED), "utf8");
    expect(lint(text).map((message) => [message.messageId, message.line, message.suggestions ?? []])).toEqual([["manualSpanEndedOnSuccessOnly", 24, []]]);
    expect(await spansOf(RETURNED, {})).toEqual({ exitCode: 0, stderr: "", spans: [["chat.stream", "UNSET"]] });
  });

  it("is never exported when the stream fails, though the caller's rejection handler ends it and the provider is shut down", async () => {
    expect(await spansOf(RETURNED, { MANUAL_FAIL: "1" })).toEqual({ exitCode: 0, stderr: "handled: stream broke", spans: [] });
  });

  it("ended in a finally of the generator, is exported when the stream fails and no longer reported", async () => {
    const variant = await writeExampleVariant(RETURNED, [
      ["for await (const chunk of stream) yield chunk;\n    span.end();", "try {\n      for await (const chunk of stream) yield chunk;\n    } finally {\n      span.end();\n    }"],
    ]);
    try {
      expect(lint(await readFile(variant.file, "utf8"))).toEqual([]);
      expect(await spansOf(variant.file, { MANUAL_FAIL: "1" })).toEqual({ exitCode: 0, stderr: "handled: stream broke", spans: [["chat.stream", "UNSET"]] });
    } finally {
      await variant.dispose();
    }
  });
});
