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
import { fixesToApply, orderedSuggestions } from "./fix-order";
import { jsxFor, parseModesFor } from "./parse-modes";
import type { ParseMode } from "./parse-modes";

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
 * ESLint merges a suggestion's fixes into one replacement from its first edit to its last. Nested scopes
 * make those overlap: each exit's suggestion wraps every enclosing callback, so one pass could take only
 * one of them, and K nested exits took K+2 passes (issue 14, case 11). Each merged fix is split back into
 * its small edits (a character diff of the replaced text), an insertion slid to its leftmost equivalent
 * place so that two suggestions inserting the same `)` agree on where; a suggestion whose edits each either
 * equal an edit already taken (the same wrap, the same helpers) or touch nothing taken is applied whole,
 * once per edit. Any other suggestion waits for the next pass, which lints the new text again.
 */
function combinable(text: string, fixes: readonly Edit[]): Edit[] {
  const taken: Edit[] = [];
  const sameEdit = (a: Edit, b: Edit) => a.range[0] === b.range[0] && a.range[1] === b.range[1] && a.text === b.text;
  for (const fix of [...fixes].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1])) {
    const parts = splitFix(text, fix).filter((edit) => !taken.some((other) => sameEdit(edit, other)));
    if (parts.some((edit) => taken.some((other) => clash(edit, other)))) continue;
    taken.push(...parts);
  }
  return taken.sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
}

/** Two edits whose order or overlap would make their result depend on which goes first. */
function clash(a: Edit, b: Edit): boolean {
  const [a0, a1] = a.range;
  const [b0, b1] = b.range;
  if (a0 === a1 && b0 === b1) return a0 === b0;
  // An insertion at the edge of, or inside, a replaced range.
  if (a0 === a1) return a0 >= b0 && a0 <= b1;
  if (b0 === b1) return b0 >= a0 && b0 <= a1;
  return a0 < b1 && b0 < a1;
}

/**
 * A merged fix as the small edits it is made of: its changed lines (a line diff), each line changed in
 * place trimmed to what differs in it, a run of inserted or replaced lines kept as one edit; an insertion is
 * slid left over equal characters (`)` inserted after `)` is the same as before it), so that two
 * suggestions making the same change write the same edit.
 */
function splitFix(text: string, fix: Edit): Edit[] {
  const [start, end] = fix.range;
  const edits: Edit[] = [];
  let at = start;
  let removed: string[] = [];
  let added: string[] = [];
  let hunkStart = start;
  const trimmed = (from: number, before: string, after: string) => {
    let head = 0;
    while (head < before.length && head < after.length && before[head] === after[head]) head++;
    let tail = 0;
    while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
    let position = from + head;
    let inserted = after.slice(head, after.length - tail);
    const to = from + before.length - tail;
    if (position === to) {
      while (inserted.length > 0 && position > start && text[position - 1] === inserted.at(-1)) {
        inserted = `${inserted.at(-1) as string}${inserted.slice(0, -1)}`;
        position -= 1;
      }
      edits.push({ range: [position, position], text: inserted });
    } else if (position < to || inserted.length > 0) edits.push({ range: [position, to], text: inserted });
  };
  /** Characters a line keeps at its start and end when it becomes `after`: how much the pair is one line changed in place. */
  const kept = (before: string, after: string) => {
    let head = 0;
    while (head < before.length && head < after.length && before[head] === after[head]) head++;
    let tail = 0;
    while (tail < before.length - head && tail < after.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
    return head + tail;
  };
  const inPlace = (from: number, before: readonly string[], after: readonly string[]) => {
    for (const [index, line] of before.entries()) {
      trimmed(from, line, after[index] as string);
      from += line.length;
    }
  };
  const flush = () => {
    if (removed.length === 0 && added.length === 0) return;
    if (removed.length === added.length) inPlace(hunkStart, removed, added);
    else if (removed.length > 0 && added.length > removed.length) {
      // Lines inserted next to lines changed in place (the helpers above a wrapped opener): the changed lines
      // are the added ones that keep the most of them, at the end of the run or at its start.
      const extra = added.length - removed.length;
      const score = (offset: number) => removed.reduce((sum, line, index) => sum + kept(line, added[index + offset] as string), 0);
      const atEnd = score(extra) >= score(0);
      const changed = atEnd ? added.slice(extra) : added.slice(0, removed.length);
      const inserted = (atEnd ? added.slice(0, extra) : added.slice(removed.length)).join("");
      const after = hunkStart + removed.join("").length;
      if (atEnd) trimmed(hunkStart, "", inserted);
      inPlace(hunkStart, removed, changed);
      if (!atEnd) trimmed(after, "", inserted);
    } else trimmed(hunkStart, removed.join(""), added.join(""));
    removed = [];
    added = [];
  };
  const lines = (value: string) => value.match(/[^\n]*\n|[^\n]+$/gu) ?? [];
  for (const part of diffLines(text.slice(start, end), fix.text)) {
    if (!part.added && !part.removed) {
      flush();
      at += part.value.length;
      hunkStart = at;
      continue;
    }
    if (part.removed) {
      removed.push(...lines(part.value));
      at += part.value.length;
    } else added.push(...lines(part.value));
  }
  flush();
  return edits;
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
  const linter = new Linter({ configType: "flat" });
  const configFor = (filePath: string, mode: ParseMode): Linter.Config[] => [
    {
      // Not `**/*`: ESLint treats that pattern as "any file some other config matches".
      files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"],
      plugins: { "traced-exit": plugin as never },
      languageOptions: languageOptionsFor(filePath, mode) as Linter.Config["languageOptions"],
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
    const messages = linter.verify(text, configFor(filePath, mode), options);
    // Only a parse error means the rules did not run, and it leaves no SourceCode. ESLint 10 also marks
    // problems with comments (`/* eslint-env */`, a malformed `/* eslint */`) fatal, but the rules ran regardless.
    if (!linter.getSourceCode()) {
      const fatal = messages.find((message) => message.fatal);
      throw new ParseFailure(`cannot parse: ${describeFatal(fatal)}`);
    }
    return messages.filter((message) => message.ruleId !== null && ruleIds.has(message.ruleId));
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
        let fixes = combinable(text, suggested);
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
