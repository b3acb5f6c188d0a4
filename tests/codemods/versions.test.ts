/**
 * The codemod judges a file by the SDK release installed next to it, as the rules do: the same
 * OpenInference file gets no wrapper where withSpan records a synchronous throw itself (2.0.7 and later,
 * the __fixtures__ pair `record-span-errors/openinference-sync`), and one where it does not (2.0.6, a fake
 * package.json in __fixtures__/record-span-errors/openinference-2.0.6/node_modules;
 * the fixture loader reads only the files of that folder, not this project).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/codemods/engine";
import { findSyntaxError } from "../../src/cli/reparse";
import { OTEL_IMPORT, withHelpers } from "../rules/span-helpers";

const project = path.join(__dirname, "__fixtures__", "record-span-errors", "openinference-2.0.6");
const inputPath = path.join(project, "parse.input.ts");
const input = readFileSync(inputPath, "utf8");
// The input with the callback wrapped, and the helpers (their text is the rules' tests' own) after the imports.
const [imports, rest] = input.split("\n\n") as [string, string];
const expected = withHelpers(`${imports}\n${OTEL_IMPORT}`, rest.replace("traceChain((text: string): unknown => JSON.parse(text)", "traceChain(recordSpanErrors((text: string): unknown => JSON.parse(text))"));

describe("record-span-errors under OpenInference 2.0.6", () => {
  const engine = createEngine({ transforms: ["record-span-errors"] });
  const result = engine.transform(input, inputPath);

  it("wraps the synchronous callback", () => {
    expect(result.output).toBe(expected);
    expect(result.manual).toHaveLength(0);
  });

  it("is idempotent and re-parses", () => {
    expect(engine.transform(expected, inputPath).output).toBeUndefined();
    expect(findSyntaxError(expected, inputPath, input)).toBeUndefined();
  });

  it("leaves the same file alone when settings pin a release that records", () => {
    const pinned = createEngine({ transforms: ["record-span-errors"], settings: { versions: { "@arizeai/openinference-core": "2.0.7" } } });
    expect(pinned.transform(input, inputPath).output).toBeUndefined();
  });

  it("leaves the same file alone next to this repository's own 2.7.1", () => {
    expect(engine.transform(input, path.join(__dirname, "__fixtures__", "record-span-errors", "openinference-sync.input.ts")).output).toBeUndefined();
  });
});
