/**
 * Which suggestions of one lint pass the engine (./lint-engine.ts) applies together.
 *
 * ESLint merges a suggestion's fixes into one replacement from its first edit to its last. Nested scopes
 * make those overlap: each exit's suggestion wraps every enclosing callback, so one pass could take only
 * one of them, and K nested exits took K+2 passes (issue 14, case 11). Each merged fix is split back into
 * its small edits (a line diff of the replaced text), an insertion slid to its leftmost equivalent
 * place so that two suggestions inserting the same `)` agree on where; a suggestion whose edits each either
 * equal an edit already taken (the same wrap, the same helpers) or touch nothing taken is applied whole,
 * once per edit. Any other suggestion waits for the next pass, which lints the new text again.
 *
 * The diff reads only the lines around the edits the rule wrote (./suggestion-parts.ts), not the text ESLint
 * copied between them: that text is most of the file above a scope, and with S scopes diffing it cost S² in
 * time and memory (issue 15).
 */
import { diffLines } from "diff";
import { applyEdits } from "../fixes/edits";
import type { Edit } from "../fixes/edits";

/** `fixes` (ESLint's merged suggestion fixes) as the edits to apply in one pass; `partsOf`: a fix's unmerged edits, when known. */
export function combinable(text: string, fixes: readonly Edit[], partsOf: (fix: Edit) => readonly Edit[] | undefined = () => undefined): Edit[] {
  const taken = new TakenEdits();
  for (const fix of [...fixes].sort(byRange)) {
    const parts = splitFix(text, fix, windowsOf(text, fix, partsOf(fix))).filter((edit) => !taken.has(edit));
    if (parts.some((edit) => taken.clashes(edit))) continue;
    taken.add(parts);
  }
  return taken.sorted();
}

const byRange = (a: Edit, b: Edit) => a.range[0] - b.range[0] || a.range[1] - b.range[1];

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
 * The edits taken so far, sorted by range (equal ranges in the order taken), so that an edit is compared
 * only with those that can touch it: starting at or before its end, and no further back than the longest
 * edit taken. A file with S scopes takes about 3S edits, and each suggestion's few are checked in log S.
 */
class TakenEdits {
  private readonly edits: Edit[] = [];
  private longest = 0;

  /** An edit already taken: the same range and text. */
  has(edit: Edit): boolean {
    return this.near(edit).some((other) => other.range[0] === edit.range[0] && other.range[1] === edit.range[1] && other.text === edit.text);
  }

  clashes(edit: Edit): boolean {
    return this.near(edit).some((other) => clash(edit, other));
  }

  add(edits: readonly Edit[]): void {
    for (const edit of edits) {
      this.edits.splice(this.after(edit.range[0], edit.range[1]), 0, edit);
      this.longest = Math.max(this.longest, edit.range[1] - edit.range[0]);
    }
  }

  sorted(): Edit[] {
    return [...this.edits];
  }

  /** Every taken edit that can equal or clash with `edit`: it starts at or before `edit` ends and ends at or after `edit` starts. */
  private near(edit: Edit): Edit[] {
    const [start, end] = edit.range;
    const found: Edit[] = [];
    for (let index = this.after(end, Number.POSITIVE_INFINITY) - 1; index >= 0; index--) {
      const other = this.edits[index] as Edit;
      if (other.range[0] + this.longest < start) break;
      if (other.range[1] >= start) found.push(other);
    }
    return found;
  }

  /** The index after every edit that sorts at or before (start, end). */
  private after(start: number, end: number): number {
    let low = 0;
    let high = this.edits.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const [otherStart, otherEnd] = (this.edits[middle] as Edit).range;
      if (otherStart < start || (otherStart === start && otherEnd <= end)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** A stretch `[from, to)` of the text and what a fix makes of it. */
export interface Window {
  readonly from: number;
  readonly to: number;
  readonly after: string;
}

/** Lines of unchanged text kept around each part of a fix, as a unified diff keeps context. */
const CONTEXT_LINES = 3;

/**
 * Where a merged fix changes the text: around each of its parts, whole lines (line diffs cut the text
 * at the same places as a diff of the whole fix would) and a few more on each side, windows that meet
 * joined. Without the parts (or parts that do not make up this fix), one window: the whole fix.
 */
export function windowsOf(text: string, fix: Edit, parts: readonly Edit[] | undefined): Window[] {
  const [start, end] = fix.range;
  const whole = [{ from: start, to: end, after: fix.text }];
  if (!parts || parts.length === 0 || parts[0]?.range[0] !== start || parts.at(-1)?.range[1] !== end) return whole;
  const spans: Array<{ from: number; to: number; parts: Edit[] }> = [];
  for (const part of parts) {
    const from = Math.max(start, linesBack(text, part.range[0], CONTEXT_LINES));
    const to = Math.min(end, linesForward(text, part.range[1], CONTEXT_LINES));
    const last = spans.at(-1);
    if (last && from <= last.to) {
      last.to = Math.max(last.to, to);
      last.parts.push(part);
    } else spans.push({ from, to, parts: [part] });
  }
  return spans.map(({ from, to, parts: inside }) => ({ from, to, after: applyEdits(text.slice(from, to), from, inside) }));
}

/** The start of the line `count` lines above the one `offset` is on. */
function linesBack(text: string, offset: number, count: number): number {
  let at = offset;
  for (let line = 0; line <= count && at > 0; line++) at = text.lastIndexOf("\n", at - 1);
  return at <= 0 ? 0 : at + 1;
}

/** The end (after its newline) of the line `count` lines below the one `offset` is on. */
function linesForward(text: string, offset: number, count: number): number {
  let at = offset;
  for (let line = 0; line <= count; line++) {
    const next = text.indexOf("\n", at);
    if (next === -1) return text.length;
    at = next + 1;
  }
  return at;
}

/**
 * A merged fix as the small edits it is made of, read through `windows` (see `windowsOf`): its changed
 * lines (a line diff), each line changed in place trimmed to what differs in it, a run of inserted or
 * replaced lines kept as one edit; an insertion is slid left over equal characters (`)` inserted after `)`
 * is the same as before it), so that two suggestions making the same change write the same edit.
 */
export function splitFix(text: string, fix: Edit, windows: readonly Window[]): Edit[] {
  const start = fix.range[0];
  const edits: Edit[] = [];
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
  for (const { from, to, after } of windows) {
    let at = from;
    hunkStart = from;
    for (const part of diffLines(text.slice(from, to), after)) {
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
  }
  return edits;
}
