/**
 * The edits a suggestion is made of, as the rule wrote them, before ESLint merges them.
 *
 * ESLint merges a suggestion's fixes into one replacement from the first edit to the last, copying the
 * text between them. An exit's suggestion adds the span helper at the top of the file and wraps the
 * callback far below, so its merged text is most of the file above the scope: with S scopes, S such
 * texts. Diffing each one to find its edits again (./lint-engine.ts, `combinable`) read and kept about
 * S² characters: 3,200 scopes took 15x the CPU of 800 and 2.9 GB of memory (docs/benchmarks.md). The
 * engine's copy of each rule records the parts instead, so a split reads only the lines they touch.
 *
 *   suggest: [{ messageId, fix: (fixer) => [fixer.insertTextBefore(first, helper), fixer.replaceText(callback, wrapped)] }]
 *
 * The suggestion ESLint returns is a copy of the rule's (`{ ...suggestInfo, desc, fix }`), so a holder
 * put on it before the fix runs comes back with the message, filled.
 */
import type { Edit } from "../fixes/edits";

const PARTS = Symbol("traced-exit.suggestion-parts");

interface PartsHolder {
  parts?: readonly Edit[];
}

interface Rule {
  create(context: RuleContext): unknown;
}

interface RuleContext {
  report(...args: unknown[]): void;
}

interface SuggestionDescriptor {
  fix?: (fixer: unknown) => Edit | Iterable<Edit> | null | undefined;
}

/** `rules` with each rule's suggestions carrying their parts; everything else of the rule is its own. */
export function recordingParts<Rules extends Record<string, unknown>>(rules: Rules): Rules {
  return Object.fromEntries(
    Object.entries(rules).map(([name, rule]) => {
      const { create } = rule as Rule;
      return [name, { ...(rule as object), create: (context: RuleContext) => create(recordingContext(context)) }];
    }),
  ) as Rules;
}

/** The rule's context with a `report` that gives each suggestion a parts holder; ESLint's context is frozen, so a child of it. */
function recordingContext(context: RuleContext): RuleContext {
  const report = (descriptor: unknown, ...rest: unknown[]) => {
    const suggest = (descriptor as { suggest?: unknown } | null)?.suggest;
    // ESLint's older `report(node, message, data)` form carries no suggestions: handed on as it came.
    if (!Array.isArray(suggest)) {
      context.report(descriptor, ...rest);
      return;
    }
    context.report({ ...(descriptor as object), suggest: suggest.map((suggestion: SuggestionDescriptor) => withPartsHolder(suggestion)) });
  };
  return Object.create(context, { report: { value: report } }) as RuleContext;
}

function withPartsHolder(suggestion: SuggestionDescriptor): SuggestionDescriptor {
  const { fix } = suggestion;
  if (typeof fix !== "function") return suggestion;
  const holder: PartsHolder = {};
  return {
    ...suggestion,
    [PARTS]: holder,
    fix(fixer: unknown) {
      const result = fix(fixer);
      if (!result) return result;
      // ESLint takes any iterable (a generator too) and reads it once: read here, handed on as an array.
      const parts = Symbol.iterator in result ? [...result] : [result];
      holder.parts = parts;
      return Symbol.iterator in result ? parts : result;
    },
  } as SuggestionDescriptor;
}

/** The parts of a suggestion ESLint returned, sorted as ESLint merged them; undefined when not recorded. */
export function partsOf(suggestion: object): readonly Edit[] | undefined {
  const parts = (suggestion as { [PARTS]?: PartsHolder })[PARTS]?.parts;
  return parts && [...parts].sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
}
