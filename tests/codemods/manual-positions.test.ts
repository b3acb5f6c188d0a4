/**
 * A finding the engine cannot rewrite is reported at its place in the output, and at its place
 * in the input (what a dry run shows), even when rewrites above it moved it.
 */
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/codemods/engine";

// The first task's exit is rewritten (a helper and its import are inserted at the top, the callback
// wrapped); the second's sits in a try whose catch swallows it: no safe rewrite.
const SOURCE = `import * as traceloop from "@traceloop/node-server-sdk";

export const load = () =>
  traceloop.withTask({ name: "load" }, () => {
    process.exit(1);
  });

export const run = () =>
  traceloop.withTask({ name: "run" }, () => {
    try {
      process.exit(2);
    } catch {}
  });
`;

const at = (text: string, line: number, column: number) => (text.split("\n")[line - 1] ?? "").slice(column - 1);

describe("manual-review positions", () => {
  it("are given in the output, and in the input when rewrites moved them", () => {
    const result = createEngine({ transforms: ["exit-to-throw"] }).transform(SOURCE, "/p/tasks.ts");
    expect(result.output).toBeDefined();
    expect(result.manual).toHaveLength(1);
    const [item] = result.manual;
    expect(at(result.output as string, item?.line ?? 0, item?.column ?? 0)).toMatch(/^process\.exit\(2\);/u);
    expect(item?.input).toEqual({ line: 11, column: 7 });
    expect(at(SOURCE, 11, 7)).toMatch(/^process\.exit\(2\);/u);
    expect(item?.line).toBeGreaterThan(11);
  });

  it("have no separate input position when nothing was rewritten", () => {
    const untouched = SOURCE.slice(SOURCE.indexOf("export const run"));
    const withImport = `import * as traceloop from "@traceloop/node-server-sdk";\n${untouched}`;
    const result = createEngine({ transforms: ["exit-to-throw"] }).transform(withImport, "/p/tasks.ts");
    expect(result.output).toBeUndefined();
    expect(result.manual).toEqual([{ line: 5, column: 7, reason: expect.stringContaining("fix by hand") as unknown }]);
  });
});

describe("manual-review input positions, when one rewrite spans several of them", () => {
  // All codemods: the task's callback is wrapped in recordSpanErrors(…) and the helpers are inserted
  // at the top, which ESLint merges into one edit from the import to the callback's end. Every exit
  // inside (each swallowed by a catch: no safe rewrite) must still map to its own place in the input.
  // `audit()` may throw, so each callback needs the wrapper (a callback that cannot throw does not).
  const WRAPPED = `import * as traceloop from "@traceloop/node-server-sdk";

export const run = () =>
  traceloop.withTask({ name: "run" }, () => {
    try {
      process.exit(2);
    } catch {}
    try {
      process.exit(3);
    } catch {}
    audit();
  });

export const one = () => traceloop.withTask({ name: "one" }, () => { try { process.exit(4); } catch {} audit(); });
`;

  it("maps each one to its own line and column, inside rewritten lines too", () => {
    const result = createEngine().transform(WRAPPED, "/p/tasks.ts");
    expect(result.output).toContain("recordSpanErrors(() => {");
    const inputs = result.manual.map((item) => item.input);
    expect(inputs).toEqual([
      { line: 6, column: 7 },
      { line: 9, column: 7 },
      { line: 14, column: 76 },
    ]);
    for (const [index, code] of [2, 3, 4].entries()) {
      const input = inputs[index] as { line: number; column: number };
      expect(at(WRAPPED, input.line, input.column)).toMatch(new RegExp(`^process\\.exit\\(${code}\\);`, "u"));
      const item = result.manual[index];
      expect(at(result.output as string, item?.line ?? 0, item?.column ?? 0)).toMatch(new RegExp(`^process\\.exit\\(${code}\\);`, "u"));
    }
  });
});

describe("manual review of an exit between tracer.startSpan() and span.end()", () => {
  // Issue 13 (a new user's report): no-process-exit reports it (no safe rewrite), and require-flush-before-exit
  // leaves exits in any traced scope to that rule, so the exit is listed once, with no-process-exit's reason.
  const SOURCE = `import * as traceloop from "@traceloop/node-server-sdk";
import { trace } from "@opentelemetry/api";

traceloop.initialize({ appName: "cli" });

export function readInput(file) {
  const span = trace.getTracer("cli").startSpan("read_input");
  if (!file) process.exit(2);
  span.end();
  return file;
}
`;

  it("lists the exit once", () => {
    const result = createEngine().transform(SOURCE, "/p/config.js");
    expect(result.manual).toEqual([{ line: 8, column: 14, reason: expect.stringContaining("inside span 'read_input' started by trace.getTracer(\"cli\").startSpan()") as unknown }]);
  });
});
