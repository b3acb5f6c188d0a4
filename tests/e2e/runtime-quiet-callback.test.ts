// A scope callback that ends its own span after statements that cannot throw (src/scopes/cannot-throw.ts) is
// not reported by require-span-error-recording, because nothing is lost: run under the real OpenTelemetry SDK
// with a loopback OTLP receiver, the callback runs to its end() and the span is exported.
import { readFileSync } from "node:fs";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it, vi } from "vitest";
import spanRule from "../../src/rules/require-span-error-recording";
import { startOtlpReceiver } from "../../examples/support/otlp-receiver";
import { runExample } from "../../examples/support/run-example";

vi.setConfig({ testTimeout: 180_000 });

const FIXTURE = "tests/e2e/fixtures/pipeline/otel-quiet-callback.ts";

describe("a callback that logs, records in a same-file registry, sets OK and ends its span", () => {
  it("is not reported", () => {
    const messages = new Linter({ configType: "flat" }).verify(
      readFileSync(FIXTURE, "utf8"),
      [{ files: ["**/*.ts"], languageOptions: { parser: tsParser }, plugins: { "traced-exit": { rules: { rule: spanRule as never } } }, rules: { "traced-exit/rule": "error" } }],
      "otel-quiet-callback.ts",
    );
    expect(messages).toEqual([]);
  });

  it("runs to end() under the real SDK: the span is exported", async () => {
    const receiver = await startOtlpReceiver();
    try {
      const run = await runExample(FIXTURE, { receiverUrl: receiver.url, timeoutMs: 90_000 });
      expect(run.timedOut, run.stderr).toBe(false);
      expect(receiver.rejectedRequests()).toBe(0);
      expect({ exitCode: run.exitCode, names: receiver.spans().map((span) => span.name) }).toEqual({ exitCode: 0, names: ["tool.approval_approved"] });
      expect(run.stdout).toContain("Tool approved, continuing with execution");
      expect(run.stdout).toContain("published");
    } finally {
      await receiver.close();
    }
  });
});
