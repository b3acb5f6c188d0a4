/**
 * `process.exit()` (and friends) reached from a traced scope ends the process while
 * the scope's span is still open and the batch queue still full: nothing of the
 * trace is exported, and child spans point at a parent that never arrives.
 */
import { createRule } from "../utils/create-rule";
import type { TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import { foreignExitCalls, indirectCallee } from "../scopes/cross-file";
import { ViaPath, describeReach, describeVia, fileDirectory, getFileModel, killLabel, mayOpenScopeElsewhere } from "../scopes/model";
import type { ExitCall } from "../scopes/model";
import { catalogueFor } from "../scopes/settings";
import { getProcessLevel, type Entry } from "../scopes/process-level";
import { mightOpenScope, mightStartSpanThroughImport } from "../scopes/prefilter";
import { returnInsteadOfExit, throwInsteadOfExit } from "../fixes/exit-fix";
import { helperWouldRecord } from "../fixes/span-helper";
import { endsSpanOnTheWayOut } from "../fixes/record-before-finally";
import { endSpansOnSignal, endSpansThenExit, endsSpansOnSignalFirst, exitsAfterEndedSpans } from "../fixes/deferred-exit-fix";
import { flushPlanFor } from "./require-flush-before-exit/flush-plan";
import { entryExitCodeEdits } from "../fixes/entry-exit-code";
import { deliveryOf, rejectionHandling, tracingSwitchedOff } from "../scopes/pipeline";
import { describeCatcher, swallowedOnTheWayUp, throwEscapesAtTopLevel, throwSwallowedBy } from "../scopes/uncaught-throw";
import type { Edit } from "../fixes/edits";
import { manualSpanReachingExit } from "../fixes/manual-span";
import { describeManualSpan } from "../scopes/manual-spans";
import { spanCallsReaching } from "../scopes/reached-from-importers";
import * as path from "node:path";

export type Options = [];
export type MessageId =
  | "exitInScope"
  | "exitInScopeCaught"
  | "exitInScopeCatchRuns"
  | "exitInOtherFile"
  | "exitInCalledFunction"
  | "exitReachedFromOtherFile"
  | "throwInstead"
  | "returnInstead"
  | "endSpansThenExit"
  | "endSpansOnSignal";

/** Files that cannot contain a process-ending call are never analysed. */
const MIGHT_EXIT = /\b(?:exit|abort|kill|reallyExit)\b/u;

/** The function a call runs, as written: `bail` for `bail()`, `bail.call(null)` and `(0, mod.bail)()`. */
function calledFunction(callee: TSESTree.Node): TSESTree.Node {
  const written = indirectCallee(callee);
  if (written.type === AST_NODE_TYPES.MemberExpression && !written.computed && written.property.type === AST_NODE_TYPES.Identifier && ["call", "apply"].includes(written.property.name)) return written.object;
  return written;
}

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
      exitInScopeCaught:
        "{{exit}} inside {{where}} ends the process before {{lost}} can be ended and exported. Not rewritten: a throw (or a return) would reach the catch {{catcher}}, which handles it and lets the program go on where the exit ended it. End the spans and flush before the exit, or make that catch rethrow.",
      exitInScopeCatchRuns:
        "{{exit}} inside {{where}} ends the process before {{lost}} can be ended and exported. Not rewritten: a throw (or a return) would run the catch {{catcher}}, which rethrows the error but first does more than record it on a span or print it to standard error, where the exit ran nothing. End the spans and flush before the exit.",
      exitInOtherFile:
        "{{callee}}() reaches {{exit}} in {{location}}{{via}}, inside {{where}}: it ends the process before {{lost}} can be ended and exported. Throw an Error there instead.",
      exitInCalledFunction:
        "{{callee}}() reaches {{exit}} at line {{line}}{{via}}, inside {{where}}: it ends the process before {{lost}} can be ended and exported. See the exit's own report for what to change there.",
      exitReachedFromOtherFile:
        "{{exit}} is reached from {{callee}}() at {{location}}{{via}}, inside {{where}} there: it ends the process before {{lost}} can be ended and exported. Not rewritten: a throw here would travel through callers in other files; throw an Error and let those spans end, or end them and flush before exiting.",
      throwInstead: "Throw an Error with exit code {{code}} instead{{recording}}.",
      returnInstead: "Return from the {{kind}} callback instead: the work is done, and the span ends normally.",
      endSpansThenExit:
        "End the open spans of {{where}} with the error and exit once {{flush}} has settled: this callback runs later, where a throw would be an uncaught exception.",
      endSpansOnSignal:
        "End the open spans of {{where}} with an error when {{signal}} arrives, before this file's own {{signal}} listener ends the process.",
    },
  },
  defaultOptions: [],
  create(context) {
    // Settings are checked on every file, not only on files that mention an exit: a typo must fail loudly (cached per settings object).
    const catalogue = catalogueFor(context.settings);
    // Only an exit reached from a traced scope is reported: a file that cannot open one is done (the
    // verdict is shared with the other rules), and so is one that cannot end the process.
    const text = context.sourceCode.text;
    // A tracer kept by an imported module may start spans in a file that does not name the SDK (src/scopes/tracer-bindings.ts).
    if (!mightOpenScope(text, catalogue) && !mayOpenScopeElsewhere(context.sourceCode, catalogue) && !mightStartSpanThroughImport(text, fileDirectory(context), catalogue)) return {};
    // With a type-checked program, an exit may be in a function of another file (src/scopes/cross-file.ts).
    const foreign = foreignExitCalls(context.sourceCode);
    if (!foreign && !MIGHT_EXIT.test(text)) return {};
    return {
      ...foreign?.listeners,
      "Program:exit"() {
        const model = getFileModel(context);
        // The file sets tracing up to record nothing: no span of it can be lost (src/scopes/pipeline.ts).
        if (tracingSwitchedOff(model)) return;
        for (const { call, at: reach, callee, exit, location, via, afterFlush, endsRoot } of foreign?.found((node) => model.reachOf(node)) ?? []) {
          // The exit's path ends the root span and flushes first, and the root is the only span open here: nothing is lost.
          if (endsRoot && afterFlush && reach.outer.length === 0 && reach.scope.root) continue;
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
        const entries = () => (entryEdits ??= entryExitCodeEdits(context.sourceCode, context.filename, level.entries(), rejections(), flushedOnBothPaths, (statement) => level.statementFlushes(statement)));
        // Calls in a scope of same-file functions that reach a reported exit, each once (the first exit it reaches).
        const reportedCalls = new Set<TSESTree.Node>();
        // With a program: calls in other files' spans that run an exit of this file (src/scopes/reached-from-importers.ts).
        const fromImporters = foreign && spanCallsReaching(context.sourceCode, catalogue);
        for (const exit of model.exits()) {
          const reach = model.reachOf(exit.node);
          // A signal this file listens to runs its listener, which require-flush-before-exit judges; a throw here would bypass it.
          // When every such listener ends the process, the scopes still open when the signal arrives lose their spans:
          // reported, with a listener that ends them first (issue 14, case 5).
          if (level.signalListened(exit)) {
            const signal = endsSpansOnSignalFirst(exit) ? undefined : level.signalEndingListeners(exit);
            const toEndOnSignal = reach && signal ? endSpansOnSignal(context.sourceCode, context.filename, exit, reach, signal) : undefined;
            if (reach && signal) {
              context.report({
                node: exit.node,
                messageId: "exitInScope",
                data: { exit: describeExit(exit), where: describeReach(reach), lost: describeLost(1 + reach.outer.length) },
                suggest: toEndOnSignal ? [{ messageId: "endSpansOnSignal", data: { where: describeReach(reach), signal }, fix: toEndOnSignal }] : [],
              });
            }
            continue;
          }
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
              continue;
            }
            // Or from a span of another file, through its calls of this file's functions: the first such call is named.
            const caller = fromImporters?.(exit.node).find(({ reach: at, found }) => !(found.endsRoot && found.afterFlush && at.outer.length === 0 && at.scope.root));
            if (caller) {
              const location = `${path.relative(path.dirname(caller.found.file), caller.file).split(path.sep).join("/")}:${caller.line}`;
              const via = caller.found.via.length > 0 ? ` (via ${caller.found.via.map((name) => `${name}()`).join(" → ")})` : "";
              context.report({
                node: exit.node,
                messageId: "exitReachedFromOtherFile",
                data: { exit: describeExit(exit), callee: caller.callee, location, via, where: describeReach(caller.reach), lost: describeLost(1 + caller.reach.outer.length) },
              });
            }
            continue;
          }
          // The deferred exit as endSpansThenExit writes it: its spans have ended and been flushed.
          if (exitsAfterEndedSpans(exit, (node) => level.isFlushPromise(node, "success") && level.isFlushPromise(node, "failure"))) continue;
          // The exit is reached through same-file calls: each call in a scope that runs it loses that scope's spans,
          // as a call of another file's function that exits does (exitInOtherFile). The rewrite stays at the exit.
          if (reach.via.length > 0) {
            for (const { call, reach: at, via } of model.scopeCallsReaching(exit.node)) {
              if (reportedCalls.has(call)) continue;
              reportedCalls.add(call);
              context.report({
                node: call.callee,
                messageId: "exitInCalledFunction",
                data: {
                  callee: context.sourceCode.getText(calledFunction(call.callee)),
                  exit: describeExit(exit),
                  line: exit.node.loc.start.line,
                  via: describeVia(new ViaPath(undefined, via.slice(1))),
                  where: describeReach(at),
                  lost: describeLost(1 + at.outer.length),
                },
              });
            }
          }
          // A throw that would surface in a top-level statement other than an entry: an uncaught exception, exit code 1.
          const outermost = reach.outer.at(-1) ?? reach.scope;
          const uncaught = throwEscapesAtTopLevel(outermost, level.entries(), context.sourceCode);
          // A caller's `catch` that handles the throw (or a `return`'s result) and goes on: the program would not end there.
          // Also followed into the package's files that import the function (src/scopes/importing-callers.ts).
          // First the handlers between the exit and the scope's callback, when the exit is in a function it calls.
          const onTheWayUp = reach.via.length > 0 ? swallowedOnTheWayUp(exit.node, reach.scope.callback, context.sourceCode) : undefined;
          const swallow = onTheWayUp ?? (uncaught ? undefined : throwSwallowedBy(outermost, level.entries(), context.sourceCode, context.physicalFilename));
          const swallowedBy = swallow?.uncaught ? undefined : swallow;
          const toReturn = swallowedBy ? undefined : returnInsteadOfExit(context.sourceCode, exit, reach);
          const toThrow = uncaught || swallow ? undefined : throwInsteadOfExit(context.sourceCode, context.filename, exit, reach, entries);
          const toEnd = toThrow ? undefined : endSpansThenExit(context.sourceCode, context.filename, exit, reach, flushPlanFor(model, context.filename).call);
          const recorded = [reach.scope, ...reach.outer].some((scope) => helperWouldRecord(scope, context.sourceCode) || endsSpanOnTheWayOut(scope, context.sourceCode));
          const toEndSuggestion = toEnd ? [{ messageId: "endSpansThenExit" as const, data: { where: describeReach(reach), flush: flushPlanFor(model, context.filename).label }, fix: toEnd }] : [];
          if (swallowedBy) {
            const data = { exit: describeExit(exit), where: describeReach(reach), lost: describeLost(1 + reach.outer.length), catcher: describeCatcher(swallowedBy, context.physicalFilename) };
            context.report({ node: exit.node, messageId: swallowedBy.runsFirst ? "exitInScopeCatchRuns" : "exitInScopeCaught", data, suggest: toEndSuggestion });
            continue;
          }
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
              ...toEndSuggestion,
            ],
          });
        }
      },
    };
  },
});
