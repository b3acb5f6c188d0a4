/**
 * Issue 15: the engine splits each suggestion ESLint merged back into its edits by diffing only the lines
 * around the edits the rule wrote (src/codemods/suggestion-parts.ts, src/codemods/combine.ts), not the
 * text ESLint copied between them. These check that the two ways give the very same edits, on every
 * codemod fixture and on files with many traced scopes, and that what a split reads stays the size of
 * the scope, wherever the scope is in the file. ESLint's real Linter and the plugin's real rules.
 */
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index";
import { combinable, splitFix, windowsOf } from "../../src/codemods/combine";
import { createEngine } from "../../src/codemods/engine";
import { languageOptionsFor } from "../../src/codemods/lint-engine";
import { orderedSuggestions } from "../../src/codemods/fix-order";
import { parseModesFor } from "../../src/codemods/parse-modes";
import { partsOf, recordingParts } from "../../src/codemods/suggestion-parts";
import { applyEdits } from "../../src/fixes/edits";
import type { Edit } from "../../src/fixes/edits";
// @ts-expect-error -- a plain .mjs script of bench/, without type declarations: the benchmark's own file generator
import { scopesFile } from "../../bench/scaling.mjs";
import { loadFixtures } from "./fixtures";

const recording = { ...plugin, rules: recordingParts(plugin.rules as Record<string, unknown>) };
const rules = Object.fromEntries(Object.keys(plugin.rules).map((name) => [`traced-exit/${name}`, "error" as const]));

/** Every rule's findings on `code`, parsed the first way that works, as the engine does. */
function lint(code: string, file: string): Linter.LintMessage[] {
  for (const mode of parseModesFor(file)) {
    const linter = new Linter({ configType: "flat" });
    const messages = linter.verify(code, [{ files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"], plugins: { "traced-exit": recording as never }, languageOptions: languageOptionsFor(file, mode) as never, rules }], file);
    if (linter.getSourceCode()) return messages.filter((message) => message.ruleId?.startsWith("traced-exit/"));
  }
  throw new Error(`${file} does not parse`);
}

const suggestionsOf = (messages: readonly Linter.LintMessage[]) => messages.flatMap((message) => message.suggestions ?? []);

/** The engine's lookup: a merged fix's recorded parts. */
function partsLookup(messages: readonly Linter.LintMessage[]): (fix: Edit) => readonly Edit[] | undefined {
  const parts = new Map<Edit, readonly Edit[] | undefined>(suggestionsOf(messages).map((suggestion) => [suggestion.fix, partsOf(suggestion)]));
  return (fix) => parts.get(fix);
}

// The fixtures hold every kind of suggestion the rules write: helpers at the top, wraps, re-indented bodies, imports.
const inputs = [
  // Without a BOM, as the engine lints (ESLint's ranges are in the text after it).
  ...loadFixtures().map((fixture) => ({ name: `${fixture.codemod}/${fixture.name}`, code: fixture.input.replace(/^\uFEFF/u, ""), file: fixture.inputPath })),
  { name: "60 traced scopes", code: scopesFile(60) as string, file: "scopes.ts" },
];

describe.each(inputs.map((input) => [input.name, input] as const))("%s", (_, { code, file }) => {
  const messages = lint(code, file);

  it("records the parts of every suggestion, which make up ESLint's merged fix", () => {
    for (const suggestion of suggestionsOf(messages)) {
      const parts = partsOf(suggestion);
      expect(parts).toBeDefined();
      const [start, end] = suggestion.fix.range;
      expect(parts?.[0]?.range[0]).toBe(start);
      expect(parts?.at(-1)?.range[1]).toBe(end);
      expect(applyEdits(code.slice(start, end), start, parts ?? [])).toBe(suggestion.fix.text);
    }
  });

  it("splits each suggestion into the edits a diff of the whole merged fix gives", () => {
    for (const suggestion of suggestionsOf(messages)) {
      const { fix } = suggestion;
      expect(splitFix(code, fix, windowsOf(code, fix, partsOf(suggestion)))).toEqual(splitFix(code, fix, windowsOf(code, fix, undefined)));
    }
  });

  it("combines the same edits in a pass as without the parts", () => {
    const fixes = orderedSuggestions(messages);
    expect(combinable(code, fixes, partsLookup(messages))).toEqual(combinable(code, fixes));
  });
});

describe("a file with many traced scopes", () => {
  const scopes = 400;
  const code = scopesFile(scopes) as string;

  it("reads about the same few lines for each suggestion, near the top of the file or far below it", () => {
    const suggestions = suggestionsOf(lint(code, "scopes.ts"));
    // Each scope's exit: no-process-exit's fix, and require-span-error-recording's for the Traceloop tasks and spans.
    expect(suggestions.length).toBeGreaterThanOrEqual(scopes);
    const merged = suggestions.map(({ fix }) => fix.range[1] - fix.range[0]);
    const read = suggestions.map(({ fix, ...rest }) => windowsOf(code, fix, partsOf({ fix, ...rest })).reduce((sum, { from, to }) => sum + (to - from), 0));
    // ESLint's merged fixes run from the helpers at the top to the scope: the last ones span most of the file.
    expect(Math.max(...merged)).toBeGreaterThan(code.length / 2);
    // What a split reads: the helper's neighbourhood and the scope's, whatever lies between.
    expect(Math.max(...read)).toBeLessThan(2_000);
  });

  it("is rewritten in one pass (two lints), every scope's exit with it", () => {
    const result = createEngine().transform(code, "scopes.ts");
    expect(result.passes).toBe(1);
    expect(result.manual).toEqual([]);
    expect(result.output?.match(/process\.exit\(\d/gu)).toBeNull();
    expect(result.output?.match(/recordSpanErrors\(async/gu)).toHaveLength(scopes);
  });
});
