/**
 * The codemod engine: rewrites exactly what the rules report.
 *
 * It runs the plugin's own rules through ESLint's `Linter` and applies, for each
 * finding, the rule's first suggestion; then lints again, until nothing fixable
 * is left. One source of truth: the rules decide what is wrong and how to fix it,
 * and the codemod's output is, by construction, a file the rules accept (the
 * parity test checks it). Findings without a safe rewrite are returned for
 * manual review. See docs/architecture.md for why this design.
 */
import * as path from "node:path";
import { Linter } from "eslint";
import type { TSESLint } from "@typescript-eslint/utils";
import * as tsParser from "@typescript-eslint/parser";
import globals from "globals";
import plugin from "../index";
import type { Engine, EngineOptions, EngineResult, ManualReview } from "../cli/engine";
import { catalogueFor } from "../scopes/settings";
import { mightNeedChange } from "../scopes/prefilter";
import { applyEdits } from "../fixes/edits";
import type { Edit } from "../fixes/edits";

/** Codemod id → the rule whose first suggestion it applies. */
export const CODEMODS = {
  "exit-to-throw": "no-process-exit",
  "flush-before-exit": "require-flush-before-exit",
  "await-floating-promises": "no-floating-promises",
  "record-span-errors": "require-span-error-recording",
} as const;
export type CodemodId = keyof typeof CODEMODS;

/** A file needing more rewrites than this is left with what was done, and the rest reported. */
const MAX_PASSES = 25;

export type CodemodOptions = EngineOptions;

/** The parser configuration for a file, by extension: `.ts/.mts/.cts` without JSX, the rest with it. */
export function languageOptionsFor(filePath: string): TSESLint.FlatConfig.LanguageOptions {
  const jsx = !/\.[cm]?ts$/u.test(filePath);
  const commonjs = /\.c[jt]s$/u.test(filePath);
  return {
    parser: tsParser as unknown as TSESLint.FlatConfig.Parser,
    ecmaVersion: "latest",
    sourceType: commonjs ? "commonjs" : "module",
    globals: { ...globals.node },
    parserOptions: { ecmaFeatures: { jsx } },
  };
}


/** Applies the fixes that do not overlap an earlier one; the others wait for the next pass, which lints the new text again. */
function applyFixes(text: string, fixes: readonly Edit[]): string {
  const kept: Edit[] = [];
  let position = 0;
  for (const fix of [...fixes].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1])) {
    if (fix.range[0] < position) continue;
    kept.push(fix);
    position = fix.range[1];
  }
  return applyEdits(text, 0, kept);
}

export function createEngine(options: CodemodOptions = {}): Engine {
  const selected = (options.transforms ?? Object.keys(CODEMODS)) as CodemodId[];
  for (const id of selected) {
    if (!(id in CODEMODS)) throw new Error(`Unknown codemod "${id}". Known: ${Object.keys(CODEMODS).join(", ")}`);
  }
  const ruleIds = new Set(selected.map((id) => `traced-exit/${CODEMODS[id]}`));
  const available = plugin.rules as Record<string, unknown>;
  const rules: Linter.RulesRecord = {};
  for (const id of ruleIds) if (id.slice("traced-exit/".length) in available) rules[id] = "error";
  const settings = options.settings ? { "traced-exit": options.settings } : {};
  // Files that cannot match are never parsed: see src/scopes/prefilter.ts.
  const catalogue = catalogueFor(settings);
  const linter = new Linter({ configType: "flat" });
  const configFor = (filePath: string): Linter.Config[] => [
    {
      // Not `**/*`: ESLint treats that pattern as "any file some other config matches".
      files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"],
      plugins: { "traced-exit": plugin as never },
      languageOptions: languageOptionsFor(filePath) as Linter.Config["languageOptions"],
      settings,
      rules,
      // An unused `eslint-disable` is normal in real code (its rules are not loaded here); not a reason to fail the file.
      linterOptions: { reportUnusedDisableDirectives: "off" },
    },
  ];

  const lint = (text: string, filePath: string) => {
    // Only the extension matters to the rules, so a bare name is enough and always matches `files`.
    const messages = linter.verify(text, configFor(filePath), { filename: path.basename(filePath) });
    // Only a parse error means the rules did not run, and it leaves no SourceCode. ESLint 10 also marks
    // problems with comments (`/* eslint-env */`, a malformed `/* eslint */`) fatal, but the rules ran regardless.
    if (!linter.getSourceCode()) {
      const fatal = messages.find((message) => message.fatal);
      throw new Error(`cannot parse: ${fatal?.message ?? "no syntax tree"} (${fatal?.line ?? 0}:${fatal?.column ?? 0})`);
    }
    return messages.filter((message) => message.ruleId !== null && ruleIds.has(message.ruleId));
  };

  return {
    mightChange: (source) => mightNeedChange(source, catalogue),
    transform(source: string, filePath: string): EngineResult {
      const bom = source.startsWith("\uFEFF") ? "\uFEFF" : "";
      let text = bom ? source.slice(1) : source;
      let messages = lint(text, filePath);
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const fixes = messages.flatMap((message) => (message.suggestions?.[0] ? [message.suggestions[0].fix] : []));
        if (fixes.length === 0) break;
        text = applyFixes(text, fixes);
        messages = lint(text, filePath);
      }
      const manual: ManualReview[] = messages.map((message) => ({
        line: message.line,
        column: message.column,
        reason: message.suggestions?.length ? `not rewritten after ${MAX_PASSES} passes: ${message.message}` : `${message.message} (no safe rewrite; fix by hand)`,
      }));
      const output = bom + text;
      return { output: output === source ? undefined : output, manual };
    },
  };
}
