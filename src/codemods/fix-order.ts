/**
 * The order in which one lint pass's suggestions are offered to the engine (./lint-engine.ts): the
 * first suggestion of each finding, in file order. The engine combines what does not clash, and
 * falls back to whole non-overlapping suggestions (`fixesToApply`) when the combination does not parse.
 *
 * When two fixes replace the very same range, the rule listed first in CODEMODS wins. That is not
 * cosmetic: an exit inside a Traceloop task is reported by no-process-exit and the task by
 * require-span-error-recording, and both fixes span from the helpers they add at the top of the file
 * to the end of the callback. The exit's fix also makes the span record errors, so once it is in,
 * the other finding is gone; taken the other way round, the exit waits for a second pass and the
 * file is linted three times instead of two (249 of the 400 files of the injected benchmark corpus,
 * with the same output).
 */
import type { Linter } from "eslint";
import type { Edit } from "../fixes/edits";
import { CODEMODS } from "./engine";

const PRIORITY = new Map<string, number>(Object.values(CODEMODS).map((rule, index) => [`traced-exit/${rule}`, index]));

/** The first suggestion of each finding, in file order; on the very same range, in CODEMODS order. */
export function orderedSuggestions(messages: readonly Linter.LintMessage[]): Edit[] {
  const candidates = messages.flatMap((message) => {
    const fix = message.suggestions?.[0]?.fix;
    return fix ? [{ fix, priority: PRIORITY.get(message.ruleId ?? "") ?? PRIORITY.size }] : [];
  });
  candidates.sort((a, b) => a.fix.range[0] - b.fix.range[0] || a.fix.range[1] - b.fix.range[1] || a.priority - b.priority);
  return candidates.map(({ fix }) => fix);
}

/** Whole suggestions only: `orderedSuggestions`, leaving out any that overlaps one already taken. */
export function fixesToApply(messages: readonly Linter.LintMessage[]): Edit[] {
  const kept: Edit[] = [];
  let position = 0;
  for (const fix of orderedSuggestions(messages)) {
    if (fix.range[0] < position) continue;
    kept.push(fix);
    position = fix.range[1];
  }
  return kept;
}
