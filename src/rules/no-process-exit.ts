/**
 * `process.exit()` (and friends) reached from a traced scope ends the process while
 * the scope's span is still open and the batch queue still full: nothing of the
 * trace is exported, and child spans point at a parent that never arrives.
 */
import { createRule } from "../utils/create-rule";
import { foreignExitCalls } from "../scopes/cross-file";
import { describeReach, getFileModel, killLabel, mayOpenScopeElsewhere } from "../scopes/model";
import type { ExitCall } from "../scopes/model";
import { catalogueFor } from "../scopes/settings";
import { getProcessLevel, type Entry } from "../scopes/process-level";
import { mightOpenScope } from "../scopes/prefilter";
import { returnInsteadOfExit, throwInsteadOfExit } from "../fixes/exit-fix";
import { helperWouldRecord } from "../fixes/span-helper";
import { endSpansThenExit, exitsAfterEndedSpans } from "../fixes/deferred-exit-fix";
import { flushPlanFor } from "./require-flush-before-exit/flush-plan";
import { entryExitCodeEdits } from "../fixes/entry-exit-code";
import { deliveryOf, rejectionHandling } from "../scopes/pipeline";
import { throwEscapesAtTopLevel } from "../scopes/uncaught-throw";
import type { Edit } from "../fixes/edits";
import { manualSpanReachingExit } from "../fixes/manual-span";
import { describeManualSpan } from "../scopes/manual-spans";

export type Options = [];
export type MessageId = "exitInScope" | "exitInOtherFile" | "throwInstead" | "returnInstead" | "endSpansThenExit";

/** Files that cannot contain a process-ending call are never analysed. */
const MIGHT_EXIT = /\b(?:exit|abort|kill|reallyExit)\b/u;

/** The spans an exit leaves open, which are never ended nor exported: the scope's own, and those of the scopes around it. */
export function describeLost(open: number): string {
  return open === 1 ? "that span" : open === 2 ? "both spans" : `all ${open} spans`;
}

export function describeExit(exit: ExitCall): string {
  return exit.method === "kill" ? killLabel(exit) : `process.${exit.method}()`;
}

export default createRule<Options, MessageId>({
  name: "no-process-exit",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow ending the process from inside a traced scope, where it drops the scope's spans",
      recommended: true,
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      exitInScope: "{{exit}} inside {{where}} ends the process before {{lost}} can be ended and exported.",
      exitInOtherFile:
        "{{callee}}() reaches {{exit}} in {{location}}{{via}}, inside {{where}}: it ends the process before {{lost}} can be ended and exported. Throw an Error there instead.",
      throwInstead: "Throw an Error with exit code {{code}} instead{{recording}}.",
      returnInstead: "Return from the {{kind}} callback instead: the work is done, and the span ends normally.",
      endSpansThenExit:
        "End the open spans of {{where}} with the error and exit once {{flush}} has settled: this callback runs later, where a throw would be an uncaught exception.",
    },
  },
  defaultOptions: [],
  create(context) {
    // Settings are checked on every file, not only on files that mention an exit: a typo must fail loudly (cached per settings object).
    const catalogue = catalogueFor(context.settings);
    // Only an exit reached from a traced scope is reported: a file that cannot open one is done (the
    // verdict is shared with the other rules), and so is one that cannot end the process.
    const text = context.sourceCode.text;
    if (!mightOpenScope(text, catalogue) && !mayOpenScopeElsewhere(context.sourceCode, catalogue)) return {};
    // With a type-checked program, an exit may be in a function of another file (src/scopes/cross-file.ts).
    const foreign = foreignExitCalls(context.sourceCode);
    if (!foreign && !MIGHT_EXIT.test(text)) return {};
    return {
      ...foreign?.listeners,
      "Program:exit"() {
        const model = getFileModel(context);
        for (const { call, at: reach, callee, exit, location, via } of foreign?.found((node) => model.reachOf(node)) ?? []) {
          context.report({
            node: call.callee,
            messageId: "exitInOtherFile",
            data: { callee, exit, location, via, where: describeReach(reach), lost: describeLost(1 + reach.outer.length) },
          });
        }
        const level = getProcessLevel(model);
        let entryEdits: readonly Edit[] | undefined;
        // dd-trace has no flush for require-flush-before-exit to add at the entry: a crash there skips its own drain.
        const rejections = () => rejectionHandling(model) ?? (!level.tracing && deliveryOf(model) === "drains-at-end" ? "crash-skips-drain" : undefined);
        const flushedOnBothPaths = (entry: Entry) => level.isFlushPromise(entry.call, "success") && level.isFlushPromise(entry.call, "failure");
        const entries = () => (entryEdits ??= entryExitCodeEdits(context.sourceCode, context.filename, level.entries(), rejections(), flushedOnBothPaths));
        for (const exit of model.exits()) {
          const reach = model.reachOf(exit.node);
          // A signal this file listens to runs its listener, which require-flush-before-exit judges; a throw here would bypass it.
          if (level.signalListened(exit)) continue;
          if (!reach) {
            // Between `const span = tracer.startSpan()` and `span.end()`: the end (and every `finally`) never runs.
            // No rewrite: a throw would travel through callers that nothing here says handle it.
            // Or in a same-file function called there.
            const reached = manualSpanReachingExit(model, exit.node);
            if (reached) {
              const via = reached.via.length > 0 ? ` (via ${reached.via.map((name) => `${name}()`).join(" → ")})` : "";
              context.report({
                node: exit.node,
                messageId: "exitInScope",
                data: { exit: describeExit(exit), where: `${describeManualSpan(reached.span, context.sourceCode)}${via}`, lost: describeLost(1) },
              });
            }
            continue;
          }
          // The deferred exit as endSpansThenExit writes it: its spans have ended and been flushed.
          if (exitsAfterEndedSpans(exit, (node) => level.isFlushPromise(node, "success") && level.isFlushPromise(node, "failure"))) continue;
          const toReturn = returnInsteadOfExit(context.sourceCode, exit, reach);
          // A throw that would surface in a top-level statement other than an entry: an uncaught exception, exit code 1.
          const uncaught = throwEscapesAtTopLevel(reach.outer.at(-1) ?? reach.scope, level.entries(), context.sourceCode);
          const toThrow = uncaught ? undefined : throwInsteadOfExit(context.sourceCode, context.filename, exit, reach, entries);
          const toEnd = toThrow ? undefined : endSpansThenExit(context.sourceCode, context.filename, exit, reach, flushPlanFor(model, context.filename).call);
          const recorded = [reach.scope, ...reach.outer].some((scope) => helperWouldRecord(scope, context.sourceCode));
          context.report({
            node: exit.node,
            messageId: "exitInScope",
            data: { exit: describeExit(exit), where: describeReach(reach), lost: describeLost(1 + reach.outer.length) },
            suggest: [
              ...(toReturn ? [{ messageId: "returnInstead" as const, data: { kind: reach.scope.spec.kind }, fix: toReturn }] : []),
              ...(toThrow
                ? [
                    {
                      messageId: "throwInstead" as const,
                      data: { code: exit.codeText ?? (exit.method === "exit" ? "0" : "1"), recording: recorded ? ", recorded on the span" : "" },
                      fix: toThrow,
                    },
                  ]
                : []),
              ...(toEnd ? [{ messageId: "endSpansThenExit" as const, data: { where: describeReach(reach), flush: flushPlanFor(model, context.filename).label }, fix: toEnd }] : []),
            ],
          });
        }
      },
    };
  },
});
