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
