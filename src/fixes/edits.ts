/**
 * Text edits that compose: a fix that re-indents a method body (to put it in a `try`)
 * must also carry the smaller edits inside that body, since ESLint rejects
 * overlapping fixes within one suggestion.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";

export interface Edit {
  readonly range: readonly [number, number];
  readonly text: string;
}

/** Applies edits (non-overlapping) to `text`, whose first character is at `offset` in the file. */
export function applyEdits(text: string, offset: number, edits: readonly Edit[]): string {
  let result = "";
  let position = 0;
  for (const edit of [...edits].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1])) {
    const start = edit.range[0] - offset;
    const end = edit.range[1] - offset;
    result += text.slice(position, start) + edit.text;
    position = end;
  }
  return result + text.slice(position);
}

/** The indentation of the line `offset` is on. */
export function indentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[\t ]*/u.exec(text.slice(lineStart))?.[0] ?? "";
}

/** One step of indentation as this file writes it. */
export function indentUnit(text: string): string {
  if (/^\t/mu.test(text)) return "\t";
  const match = /^( +)\S/mu.exec(text);
  return match && match[1] !== undefined && match[1].length <= 4 ? match[1] : "  ";
}

/** Ranges of template literals that span lines: their lines must not be re-indented. */
function multilineTemplateRanges(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): [number, number][] {
  return sourceCode
    .getTokens(node)
    .filter((token) => token.type === "Template" && token.value.includes("\n"))
    .map((token) => token.range);
}

/**
 * The lines starting inside `[from, to)` that a re-indent shifts by one step: not blank, not inside a
 * multi-line template (whose text would change), not rewritten by one of the `inner` edits.
 */
function linesToShift(sourceCode: Readonly<TSESLint.SourceCode>, container: TSESTree.Node, from: number, to: number, inner: readonly Edit[]): number[] {
  const text = sourceCode.text;
  const templates = multilineTemplateRanges(sourceCode, container);
  const lineStarts: number[] = [];
  for (let i = from; i < to; i++) {
    if (text[i] === "\n" && i + 1 < to) {
      const start = i + 1;
      const inTemplate = templates.some(([a, b]) => start > a && start < b);
      const blank = /^[\t ]*(\r?\n|$)/u.test(text.slice(start, to));
      // A line that an inner edit rewrites is indented by that edit's own text.
      const rewritten = inner.some((edit) => start > edit.range[0] && start < edit.range[1]);
      if (!inTemplate && !blank && !rewritten) lineStarts.push(start);
    }
  }
  return lineStarts;
}

/**
 * The body `{ … }` as `{ try { … } catch (error) { <handler> } }` (or `finally { <handler> }`), re-indented
 * one step, with `inner` edits applied inside it.
 */
export function wrapBodyInTry(
  sourceCode: Readonly<TSESLint.SourceCode>,
  body: TSESTree.BlockStatement,
  handler: string,
  inner: readonly Edit[],
  eol: string,
  clause: "catch (error)" | "finally" = "catch (error)",
): Edit {
  const text = sourceCode.text;
  const unit = indentUnit(text);
  const outerIndent = indentAt(text, body.range[0]);
  const first = body.body[0];
  const statementIndent = first && text.slice(body.range[0], first.range[0]).includes("\n") ? indentAt(text, first.range[0]) : outerIndent + unit;
  const innerStart = body.range[0] + 1;
  const innerEnd = body.range[1] - 1;
  // Re-indent line by line in the original text, then apply the inner edits with the shifted offsets.
  const lineStarts = linesToShift(sourceCode, body, innerStart, innerEnd, inner);
  const shifted: Edit[] = lineStarts.map((start) => ({ range: [start, start], text: unit }));
  const reindented = applyEdits(text.slice(innerStart, innerEnd), innerStart, [...shifted, ...inner]).replace(/\s+$/u, "");
  let content = reindented.replace(/^[\t ]*\r?\n/u, "");
  // A body written on one line: `{ work(); }`.
  if (lineStarts.length === 0) content = `${statementIndent}${unit}${content.trim()}`;
  const replacement =
    `{${eol}${statementIndent}try {${eol}${content}${eol}${statementIndent}} ${clause} {${eol}` +
    `${statementIndent}${unit}${handler}${eol}${statementIndent}}${eol}${outerIndent}}`;
  return { range: body.range, text: replacement };
}

/**
 * The text from `from` (the first statement of a list, or a comment on its own line above it) to the end of
 * the list's `last` statement as `try { … } catch (<param>) { <handler> }`, re-indented one step; the rest of
 * the line after `last` stays where it is.
 */
export function wrapStatementsInTry(
  sourceCode: Readonly<TSESLint.SourceCode>,
  from: number,
  last: TSESTree.Node,
  param: string,
  handler: string,
  eol: string,
): Edit {
  const text = sourceCode.text;
  const unit = indentUnit(text);
  const indent = indentAt(text, from);
  const to = last.range[1];
  const container = last.parent ?? last;
  const shifted: Edit[] = linesToShift(sourceCode, container, from, to, []).map((start) => ({ range: [start, start], text: unit }));
  const content = applyEdits(text.slice(from, to), from, shifted);
  const replacement = `try {${eol}${indent}${unit}${content}${eol}${indent}} catch (${param}) {${eol}${indent}${unit}${handler}${eol}${indent}}`;
  return { range: [from, to], text: replacement };
}

export function toFix(edit: Edit): TSESLint.RuleFix {
  return { range: [edit.range[0], edit.range[1]], text: edit.text };
}
