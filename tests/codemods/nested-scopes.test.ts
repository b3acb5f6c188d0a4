/**
 * Issue 14, case 11: each exit's suggestion wraps every enclosing callback, so in nested scopes the
 * suggestions overlap as ESLint merges them. The engine splits them back into their edits and applies
 * every suggestion whose edits agree with the ones taken: K nested exits are rewritten in two passes, where
 * they took K+1 and, from K = 25, hit the pass cap and were left unfixed.
 */
import { expect, it } from "vitest";
import { createEngine } from "../../src/codemods/engine";

/** K Traceloop tasks nested in one another, each exiting with its own code. */
function nested(depth: number): string {
  let body = "";
  for (let level = depth; level >= 1; level--) {
    body = `await traceloop.withTask({ name: "t${level}" }, async () => {\n  if (!process.env.V${level}) process.exit(${level});\n  ${body}\n});`;
  }
  return [
    'import * as traceloop from "@traceloop/node-server-sdk";',
    "",
    'traceloop.initialize({ appName: "nested" });',
    "",
    "async function main(): Promise<void> {",
    body,
    "  await traceloop.forceFlush();",
    "}",
    "",
    "main().catch(() => process.exit(1));",
    "",
  ].join("\n");
}

it.each([3, 30])("rewrites %i nested exits in at most 3 passes, every scope wrapped once", (depth) => {
  const engine = createEngine();
  const result = engine.transform(nested(depth), "nested.ts");
  expect(result.manual).toEqual([]);
  expect(result.passes).toBeLessThanOrEqual(3);
  const output = result.output ?? "";
  // No exit call is left (the thrown errors' messages say "process.exit() in task …").
  expect(output.match(/process\.exit\(\d+\)/gu)).toBeNull();
  expect(output.match(/recordSpanErrors\(async/gu)).toHaveLength(depth);
  for (let level = 1; level <= depth; level++) expect(output).toContain(`{ exitCode: ${level} }`);
  expect(output.match(/^function recordSpanErrors/gmu)).toHaveLength(1);
  expect(engine.transform(output, "nested.ts").output).toBeUndefined();
});

/** K `startActiveSpan` callbacks nested in one another, each ending its span in a `finally` and exiting inside its `try`. */
function nestedFinally(depth: number): string {
  let body = "";
  for (let level = depth; level >= 1; level--) {
    body = [
      `await tracer.startActiveSpan("s${level}", async (span${level}) => {`,
      "  try {",
      `    if (!process.env.V${level}) process.exit(${level});`,
      `    ${body}`,
      "  } finally {",
      `    span${level}.end();`,
      "  }",
      "});",
    ].join("\n");
  }
  return [
    'import { trace } from "@opentelemetry/api";',
    "",
    'const tracer = trace.getTracer("nested");',
    "",
    "export async function main(): Promise<void> {",
    body,
    "}",
    "",
  ].join("\n");
}

// Each exit's suggestion adds the record-first catch to its own try and to every enclosing one (the throw
// leaves them all, and each `finally` ends its span): the same insertions, so they are taken together.
it.each([3, 30])("records %i nested exits before each span-ending finally in at most 3 passes, one catch per try", (depth) => {
  const engine = createEngine();
  const result = engine.transform(nestedFinally(depth), "nested.ts");
  expect(result.manual).toEqual([]);
  expect(result.passes).toBeLessThanOrEqual(3);
  const output = result.output ?? "";
  expect(output.match(/process\.exit\(\d+\)/gu)).toBeNull();
  for (let level = 1; level <= depth; level++) {
    expect(output.match(new RegExp(`throw recordSpanError\\(error, span${level}\\);`, "gu"))).toHaveLength(1);
    expect(output).toContain(`{ exitCode: ${level} }`);
  }
  // Every throw starts inside the tries: nothing to wrap, and only the helper the catches call.
  expect(output).not.toContain("recordSpanErrors(");
  expect(output.match(/^function recordSpanError\(/gmu)).toHaveLength(1);
  expect(output).not.toContain("function endSpanWithError");
  expect(engine.transform(output, "nested.ts").output).toBeUndefined();
});
