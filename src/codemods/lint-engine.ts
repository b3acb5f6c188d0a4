/**
 * The heavy half of the codemod engine (see ./engine.ts): the plugin's rules run through
 * ESLint's `Linter`, each finding's first suggestion applied, then linted again until
 * nothing fixable is left.
 *
 * Each file is parsed the first way of `parseModesFor` that works (./parse-modes.ts): espree for
 * JavaScript, typescript-eslint's parser for TypeScript and for JavaScript espree rejects. The
 * rules find the same things under both parsers (every rule test that is plain JavaScript is
 * checked under both: tests/rules/rule-tester.ts).
 */
import * as path from "node:path";
import { diffChars, diffLines } from "diff";
import { Linter } from "eslint";
import type { TSESLint } from "@typescript-eslint/utils";
import plugin from "../index";
import type { EngineResult, ManualReview } from "../cli/engine";
import { applyEdits } from "../fixes/edits";
import type { Edit } from "../fixes/edits";
import { combinable } from "./combine";
import { fixesToApply, orderedSuggestions } from "./fix-order";
import { jsxFor, parseModesFor } from "./parse-modes";
import type { ParseMode } from "./parse-modes";
import { partsOf, recordingParts } from "./suggestion-parts";

/** A file needing more rewrites than this is left with what was done, and the rest reported. */
const MAX_PASSES = 25;

/** The file did not parse: the rules never ran. */
class ParseFailure extends Error {
  override name = "ParseFailure";
}

let tsParser: TSESLint.FlatConfig.Parser | undefined;

/** The language options for a file parsed in `mode` (by default, the first of `parseModesFor`): JSX except in `.ts/.mts/.cts`. */
export function languageOptionsFor(filePath: string, mode: ParseMode = parseModesFor(filePath)[0] as ParseMode): TSESLint.FlatConfig.LanguageOptions {
  const jsx = jsxFor(filePath);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first TypeScript file: JavaScript-only runs never load TypeScript
  if (mode.parser === "typescript") tsParser ??= require("@typescript-eslint/parser") as TSESLint.FlatConfig.Parser;
  return {
    // No parser: ESLint's default, espree.
    ...(mode.parser === "typescript" ? { parser: tsParser } : {}),
    ecmaVersion: "latest",
    sourceType: mode.commonjs ? "commonjs" : "module",
    parserOptions: { ecmaFeatures: { jsx } },
  };
}

/**
 * Where an offset of the text after `edits` (sorted, non-overlapping, applied to `before`) was in
 * `before`. ESLint merges the fixes of one suggestion into a single replacement that copies the
 * text between them (an import at the top and a wrapper around a callback become one edit from the
 * import to the callback's end), so an offset inside a replacement is mapped through a diff of
 * what it replaced: kept text maps to itself, inserted text to where it was inserted.
 */
function offsetBefore(offset: number, edits: readonly Edit[], before: string): number {
  let delta = 0;
  for (const { range, text } of edits) {
    const start = range[0] + delta;
    if (offset < start) break;
    if (offset < start + text.length) return range[0] + offsetInReplaced(before.slice(range[0], range[1]), text, offset - start);
    delta += text.length - (range[1] - range[0]);
  }
  return offset - delta;
}

/** Where index `at` of `after` (which replaced `before`) was in `before`. */
function offsetInReplaced(before: string, after: string, at: number): number {
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before[prefix] === after[prefix]) prefix++;
  if (at < prefix) return at;
  let suffix = 0;
  while (suffix < shortest - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  if (at >= after.length - suffix) return before.length - (after.length - at);
  return prefix + offsetThroughDiff(before.slice(prefix, before.length - suffix), after.slice(prefix, after.length - suffix), at - prefix, true);
}

/** By lines first (cheap on long texts), then by characters inside the lines a change rewrote. */
function offsetThroughDiff(before: string, after: string, at: number, byLine: boolean): number {
  let old = 0;
  let now = 0;
  let removed = { start: 0, text: "" };
  for (const change of byLine ? diffLines(before, after) : diffChars(before, after)) {
    const length = change.value.length;
    if (change.removed) {
      removed = { start: removed.text ? removed.start : old, text: removed.text + change.value };
      old += length;
      continue;
    }
    if (at < now + length) {
      if (!change.added) return old + (at - now);
      return byLine && removed.text ? removed.start + offsetThroughDiff(removed.text, change.value, at - now, false) : old;
    }
    now += length;
    if (!change.added) old += length;
    removed = { start: 0, text: "" };
  }
  return old;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) starts.push(index + 1);
  return starts;
}

/** 1-based line and column of an offset. */
function positionOf(starts: readonly number[], offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((starts[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (starts[low] as number) + 1 };
}

/**
 * A parse error with its position. A parser that runs out of stack (code nested thousands of
 * levels deep) throws a RangeError without one: ESLint then says line 0, which is no place.
 */
function describeFatal(fatal: Linter.LintMessage | undefined): string {
  if (!fatal) return "no syntax tree";
  if (/Maximum call stack size exceeded/u.test(fatal.message)) return `${fatal.message} (the code is nested too deeply for the parser)`;
  return fatal.line > 0 ? `${fatal.message} (${fatal.line}:${fatal.column})` : fatal.message;
}

/**
 * typescript-eslint keeps, by default, maps between its tree and TypeScript's, and with them TypeScript's whole
 * tree, for rules that ask the type checker (`parserServices`). The engine lints without type information, so
 * nothing reads them: without the maps a lint of 3,200 traced scopes holds 60 MB less (docs/benchmarks.md).
 */
function withoutNodeMaps(options: TSESLint.FlatConfig.LanguageOptions): TSESLint.FlatConfig.LanguageOptions {
  if (!options.parser) return options;
  return { ...options, parserOptions: { ...options.parserOptions, preserveNodeMaps: false } };
}

export interface LintEngine {
  transform(source: string, filePath: string): EngineResult;
}

/**
 * `ruleNames`: the plugin's rule names (without `traced-exit/`) whose first suggestion is applied;
 * `settings`: ESLint's `settings` object, already validated by the caller; `modes`: how a file is
 * parsed (the tests run JavaScript through typescript-eslint's parser too, to compare).
 */
export function createLintEngine(ruleNames: readonly string[], settings: Record<string, unknown>, modes = parseModesFor): LintEngine {
  const available = plugin.rules as Record<string, unknown>;
  const ruleIds = new Set(ruleNames.filter((name) => name in available).map((name) => `traced-exit/${name}`));
  const rules: Linter.RulesRecord = Object.fromEntries([...ruleIds].map((id) => [id, "error"]));
  // The rules as they are, but each suggestion keeps the edits ESLint merges (./suggestion-parts.ts).
  const recordingPlugin = { ...plugin, rules: recordingParts(available) };
  /** The first suggestion's fix of each message of the current pass → its unmerged parts. */
  const parts = new WeakMap<Edit, readonly Edit[]>();
  const configFor = (filePath: string, mode: ParseMode): Linter.Config[] => [
    {
      // Not `**/*`: ESLint treats that pattern as "any file some other config matches".
      files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"],
      plugins: { "traced-exit": recordingPlugin as never },
      languageOptions: withoutNodeMaps(languageOptionsFor(filePath, mode)) as Linter.Config["languageOptions"],
      settings,
      rules,
      // An unused `eslint-disable` is normal in real code (its rules are not loaded here); not a reason to fail the file.
      linterOptions: { reportUnusedDisableDirectives: "off" },
    },
  ];

  const lint = (text: string, filePath: string, mode: ParseMode) => {
    // Only the extension matters to the rules, so a bare name is enough and always matches `files`.
    // `physicalFilename` (the option ESLint itself passes for code blocks; not in its types): where the file is,
    // so the rules read the SDK versions installed for it (src/scopes/installed.ts). tests/codemods/versions.test.ts.
    const options = { filename: path.basename(filePath), physicalFilename: path.resolve(filePath) } as Linter.LintOptions;
    // A Linter per lint: one keeps the last SourceCode (tree, tokens, scopes) until its next verify, so one
    // kept by the engine held the last file's tree until the next file (250 MB after 3,200 scopes). About 2 µs each.
    const linter = new Linter({ configType: "flat" });
    const messages = linter.verify(text, configFor(filePath, mode), options);
    // Only a parse error means the rules did not run, and it leaves no SourceCode. ESLint 10 also marks
    // problems with comments (`/* eslint-env */`, a malformed `/* eslint */`) fatal, but the rules ran regardless.
    if (!linter.getSourceCode()) {
      const fatal = messages.find((message) => message.fatal);
      throw new ParseFailure(`cannot parse: ${describeFatal(fatal)}`);
    }
    const ours = messages.filter((message) => message.ruleId !== null && ruleIds.has(message.ruleId));
    for (const message of ours) {
      const first = message.suggestions?.[0];
      const found = first && partsOf(first);
      if (found) parts.set(first.fix, found);
    }
    return ours;
  };

  /** Lints with the first way of parsing that works; the last way's parse error is the one thrown. */
  const firstParse = (text: string, filePath: string): { mode: ParseMode; messages: Linter.LintMessage[] } => {
    const ways = modes(filePath);
    for (const [index, mode] of ways.entries()) {
      try {
        return { mode, messages: lint(text, filePath, mode) };
      } catch (error) {
        // Any error but a parse error is a bug to surface.
        if (!(error instanceof ParseFailure) || index === ways.length - 1) throw error;
      }
    }
    throw new ParseFailure(`cannot parse: no parser for ${path.basename(filePath)}`);
  };

  return {
    transform(source: string, filePath: string): EngineResult {
      const bom = source.startsWith("\uFEFF") ? "\uFEFF" : "";
      let text = bom ? source.slice(1) : source;
      const input = text;
      const { mode, messages: firstMessages } = firstParse(text, filePath);
      let messages = firstMessages;
      /** Each pass's edits and the text they applied to. */
      const passes: Array<{ edits: Edit[]; before: string }> = [];
      for (let pass = 0; pass < MAX_PASSES; pass++) {
        const current = messages;
        const suggested = orderedSuggestions(current);
        if (suggested.length === 0) break;
        let fixes = combinable(text, suggested, (fix) => parts.get(fix));
        let next = applyEdits(text, 0, fixes);
        try {
          messages = lint(next, filePath, mode);
        } catch (error) {
          // Edits split from merged fixes that do not parse together: this pass takes whole fixes, one per region.
          if (!(error instanceof ParseFailure)) throw error;
          fixes = fixesToApply(current);
          next = applyEdits(text, 0, fixes);
          messages = lint(next, filePath, mode);
        }
        passes.push({ edits: fixes, before: text });
        text = next;
      }
      const rewritten = passes.length > 0 && messages.length > 0;
      const outputStarts = rewritten ? lineStarts(text) : [];
      const inputStarts = rewritten ? lineStarts(input) : [];
      const manual: ManualReview[] = messages.map((message) => {
        const reason = message.suggestions?.length ? `not rewritten after ${MAX_PASSES} passes: ${message.message}` : `${message.message} (no safe rewrite; fix by hand)`;
        if (passes.length === 0) return { line: message.line, column: message.column, reason };
        const offset = passes.reduceRight((at, { edits, before }) => offsetBefore(at, edits, before), (outputStarts[message.line - 1] as number) + message.column - 1);
        return { line: message.line, column: message.column, input: positionOf(inputStarts, offset), reason };
      });
      const output = bom + text;
      return { output: output === source ? undefined : output, manual, passes: passes.length };
    },
  };
}
