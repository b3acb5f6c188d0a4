/**
 * Which of one lint pass's suggestions the engine applies (./lint-engine.ts): the first suggestion
 * of each finding, in file order, leaving out any that overlaps one already taken; the others wait
 * for the next pass, which lints the new text again.
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

export function fixesToApply(messages: readonly Linter.LintMessage[]): Edit[] {
  const candidates = messages.flatMap((message) => {
    const fix = message.suggestions?.[0]?.fix;
    return fix ? [{ fix, priority: PRIORITY.get(message.ruleId ?? "") ?? PRIORITY.size }] : [];
  });
  candidates.sort((a, b) => a.fix.range[0] - b.fix.range[0] || a.fix.range[1] - b.fix.range[1] || a.priority - b.priority);
  const kept: Edit[] = [];
  let position = 0;
  for (const { fix } of candidates) {
    if (fix.range[0] < position) continue;
    kept.push(fix);
    position = fix.range[1];
  }
  return kept;
}
