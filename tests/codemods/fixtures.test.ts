/**
 * Every fixture pair: the codemod produces the output exactly, a second run changes
 * nothing, the output parses, and the codemod's rule reports nothing fixable on it
 * (parity: the codemod rewrites exactly what the rule reports).
 */
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index";
import { CODEMODS, createEngine } from "../../src/codemods/engine";
import { createLintEngine, languageOptionsFor } from "../../src/codemods/lint-engine";
import { parseModesFor } from "../../src/codemods/parse-modes";
import { findSyntaxError } from "../../src/cli/reparse";
import { loadFixtures } from "./fixtures";

const fixtures = loadFixtures();
const linter = new Linter({ configType: "flat" });

/** The rule's findings, with the file parsed the first way that works, as the engine does. */
function findings(code: string, file: string, ruleId: string) {
  for (const mode of parseModesFor(file)) {
    const messages = linter.verify(
      code,
      [{ files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"], plugins: { "traced-exit": plugin as never }, languageOptions: languageOptionsFor(file, mode) as never, rules: { [`traced-exit/${ruleId}`]: "error" } }],
      file,
    );
    if (linter.getSourceCode()) return messages.filter((message) => message.ruleId === `traced-exit/${ruleId}`);
  }
  throw new Error(`${file} does not parse`);
}

describe.each(fixtures.map((fixture) => [`${fixture.codemod}/${fixture.name}`, fixture] as const))("%s", (_, fixture) => {
  const engine = createEngine({ transforms: [fixture.codemod] });
  const result = engine.transform(fixture.input, fixture.inputPath);

  if (fixture.output === undefined) {
    it("stays untouched", () => {
      expect(result.output).toBeUndefined();
      expect(result.manual).toHaveLength(fixture.manual);
    });
    return;
  }

  it("produces the expected output", () => {
    expect(result.output).toBe(fixture.output);
    expect(result.manual).toHaveLength(fixture.manual);
  });

  it("is idempotent", () => {
    expect(engine.transform(fixture.output as string, fixture.inputPath).output).toBeUndefined();
  });

  it("re-parses", () => {
    expect(findSyntaxError(fixture.output as string, fixture.inputPath, fixture.input)).toBeUndefined();
  });

  if (/\.[cm]?jsx?$/u.test(fixture.inputPath)) {
    it("gives the same output when the JavaScript is parsed with typescript-eslint's parser", () => {
      const typescriptOnly = createLintEngine([CODEMODS[fixture.codemod]], {}, (file) =>
        parseModesFor(file).map((mode) => ({ ...mode, parser: "typescript" as const })),
      );
      const transform = () => typescriptOnly.transform(fixture.input, fixture.inputPath).output;
      // typescript-eslint's parser rejects octal escapes in any mode; espree takes them in a CommonJS script.
      if (fixture.name.startsWith("sloppy-javascript")) expect(transform).toThrow(/Octal escape sequences are not allowed/u);
      else expect(transform()).toBe(fixture.output);
    });
  }

  it("leaves nothing its rule would fix", () => {
    const left = findings(fixture.output as string, fixture.inputPath, CODEMODS[fixture.codemod]);
    expect(left.filter((message) => message.suggestions?.length)).toEqual([]);
    expect(left).toHaveLength(fixture.manual);
  });
});

it("finds fixtures for every codemod", () => {
  const covered = new Set(fixtures.map((fixture) => fixture.codemod));
  expect([...covered].sort()).toEqual(Object.keys(CODEMODS).sort());
});
