/**
 * When two rules' fixes replace the same range, no-process-exit's goes first: its rewrite also makes
 * the span record errors, so the file needs one pass (and one confirming lint) fewer. The real
 * engine and ESLint's real Linter, whose `verify` calls are counted.
 */
import { Linter } from "eslint";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEngine } from "../../src/codemods/engine";
import { fixesToApply } from "../../src/codemods/fix-order";

// The exit's fix and require-span-error-recording's fix both run from the helpers they add at the
// top of the file to the end of the task's callback.
const TASK = `import * as traceloop from "@traceloop/node-server-sdk";

export const load = () =>
  traceloop.withTask({ name: "load" }, async () => {
    if (!process.env.KEY) process.exit(1);
  });
`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the order of overlapping fixes", () => {
  it("takes the exit's fix over the span one for the same range, whatever the message order", () => {
    const edit = (text: string) => ({ range: [0, 40] as [number, number], text });
    const message = (ruleId: string, text: string) => ({ ruleId, message: "", line: 1, column: 1, severity: 2 as const, suggestions: [{ desc: "", fix: edit(text) }] });
    const span = message("traced-exit/require-span-error-recording", "span");
    const exit = message("traced-exit/no-process-exit", "exit");
    expect(fixesToApply([span, exit])).toEqual([edit("exit")]);
    expect(fixesToApply([exit, span])).toEqual([edit("exit")]);
  });

  it("rewrites an exit in a Traceloop task in one pass, linting the file twice", () => {
    const verify = vi.spyOn(Linter.prototype, "verify");
    const result = createEngine().transform(TASK, "/p/load.ts");
    expect(verify).toHaveBeenCalledTimes(2);
    expect(result.manual).toEqual([]);
    expect(result.output).toContain('traceloop.withTask({ name: "load" }, recordSpanErrors(async () => {');
    expect(result.output).toContain("throw Object.assign(new Error(\"process.exit() in task 'load'\"), { exitCode: 1 });");
  });
});
