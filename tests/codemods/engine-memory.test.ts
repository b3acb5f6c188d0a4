/**
 * Issue 15: what the engine keeps once a file is done. A Linter keeps the last SourceCode it made (the tree,
 * tokens and scopes of the whole file) until its next verify; the engine used to keep one Linter, so the last
 * file's tree lived on until the next file, 250 MB after a file of 3,200 traced scopes. ESLint's real Linter;
 * the SourceCode of every lint is watched through a WeakRef after full garbage collections.
 */
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { Linter } from "eslint";
import { afterEach, expect, it } from "vitest";
import { createEngine } from "../../src/codemods/engine";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const TASK = `import * as traceloop from "@traceloop/node-server-sdk";

export const load = () =>
  traceloop.withTask({ name: "load" }, async () => {
    if (!process.env.KEY) process.exit(1);
  });
`;

const verify = Linter.prototype.verify;
afterEach(() => {
  Linter.prototype.verify = verify;
});

it("keeps no file's SourceCode once the transform has returned", async () => {
  const made: Array<WeakRef<object>> = [];
  // Not vi.spyOn: a mock keeps every call's `this`, and so each Linter and its last SourceCode.
  Linter.prototype.verify = function (this: Linter, ...args: unknown[]) {
    const messages = (verify as (...all: unknown[]) => Linter.LintMessage[]).apply(this, args);
    const sourceCode = this.getSourceCode();
    if (sourceCode) made.push(new WeakRef(sourceCode));
    return messages;
  } as Linter["verify"];
  const engine = createEngine();
  const result = engine.transform(TASK, "/p/load.ts");
  expect(result.output).toContain("recordSpanErrors(async () => {");
  // The rewrite and its confirming lint.
  expect(made).toHaveLength(2);
  // A WeakRef's target stays alive until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  expect(made.map((ref) => ref.deref())).toEqual([undefined, undefined]);
  // The engine is still in use: it is what no longer holds the tree.
  expect(engine.transform(result.output as string, "/p/load.ts").output).toBeUndefined();
});
