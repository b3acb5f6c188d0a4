/**
 * A program that starts tracing keeps its finished spans in a queue that a timer exports
 * every few seconds. The timer is `unref`'d and nothing flushes on exit: `process.exit()`,
 * a signal handler that exits, or an entry whose promise settles and lets the process end
 * drops whatever is queued. Outside traced scopes (inside them is no-process-exit's job),
 * every way out must run the SDK's flush first.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../utils/create-rule";
import { foreignExitCalls } from "../scopes/cross-file";
import { getFileModel } from "../scopes/model";
import { catalogueFor } from "../scopes/settings";
import { mightNeedChange } from "../scopes/prefilter";
import { getProcessLevel } from "../scopes/process-level";
import { deliveryOf, naturalEndIsSafe } from "../scopes/pipeline";
import type { EntryFinding, ExitFinding } from "../scopes/process-level";
import { entryLabel, entrySuggestion, exitCodeSuggestion, exitLabel, exitSuggestions } from "../fixes/flush-fix";
import type { FixContext, FlushSuggestionId } from "../fixes/flush-fix";
import { flushPlanFor } from "./require-flush-before-exit/flush-plan";
import { manualSpanReachingExit } from "../fixes/manual-span";
import { noteLintedModel, tracedPhaseReaching } from "../scopes/traced-phase";
import type { PhaseReach } from "../scopes/traced-phase";
import { spanCallsReaching } from "../scopes/reached-from-importers";
import type { ProcessLevel } from "../scopes/process-level";
import type { FileModel } from "../scopes/model";
import * as path from "node:path";

export type Options = [];
export type MessageId = "exitWithoutFlush" | "exitInOtherFileWithoutFlush" | "exitAfterSetupInOtherFile" | "entryWithoutFlush" | "entryCrashWithoutFlush" | "entryDropsExitCode" | FlushSuggestionId;

/** ` in the 'SIGTERM' handler`, or nothing outside handlers. */
function handlerLabel(handler: ExitFinding["handler"]): string {
  return handler ? ` in the ${handler.emitter === "readline" ? "readline " : ""}'${handler.event}' handler` : "";
}

/** Something that may name an exit: `process.exit(`, `{ exit } = process` … (the model decides by binding). */
const EXIT_WORDS = /\b(?:exit|abort|reallyExit|kill)\b/u;

/** `startUI() → App() → … → AuthDialog()`: the first two and the last two of a long path. */
function viaLabel(via: readonly string[]): string {
  const names = via.map((name) => `${name}()`);
  return names.length > 5 ? [...names.slice(0, 2), "…", ...names.slice(-2)].join(" → ") : names.join(" → ");
}

/** As the file-level judge: where an exit would drop queued spans, in a function, not in a manual span (no-process-exit's). */
function phaseExitAt(model: FileModel, level: ProcessLevel, node: TSESTree.CallExpression): ReturnType<ProcessLevel["unflushedAt"]> {
  if (level.functionOf(node).type === "Program" || manualSpanReachingExit(model, node)) return undefined;
  return level.unflushedAt(node);
}

export default createRule<Options, MessageId>({
  name: "require-flush-before-exit",
  meta: {
    type: "problem",
    docs: {
      description: "Require the tracing SDK's flush before the process ends: on exit, in signal and error handlers, and at the entry",
      recommended: true,
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      exitWithoutFlush: "{{exit}}{{where}} ends the process before the {{sdk}} span queue is flushed: await {{flush}} first.",
      exitInOtherFileWithoutFlush:
        "{{callee}}() reaches {{exit}} in {{location}}{{via}}{{where}}: it ends the process before the {{sdk}} span queue is flushed. Await {{flush}} before the call.",
      exitAfterSetupInOtherFile:
        "{{exit}}{{where}} can run after {{sdk}} tracing is started in {{file}}:{{line}} (via {{via}}), and ends the process before the span queue is flushed: await {{flush}} first.",
      entryWithoutFlush:
        "{{entry}} lets the program end on {{paths}} without flushing the {{sdk}} span queue, and the export timer does not keep the process alive: run {{flush}} on both paths.",
      entryDropsExitCode:
        "{{entry}}'s error handler swallows an error that carries an exit code (`throw Object.assign(new Error(…), { exitCode })`, as no-process-exit's fix writes for process.exit() in traced scope): the program ends with exit code 0, or the constant code the handler sets, instead. Keep the error's exitCode in process.exitCode.",
      entryCrashWithoutFlush:
        "{{entry}} lets an unhandled rejection end the program while the {{sdk}} exports of its last spans are still queued or in flight: handle the rejection and run {{flush}} on both paths.",
      /* eslint-disable eslint-plugin/no-unused-message-ids -- suggestion messages: src/fixes/flush-fix.ts builds the suggestions that use them */
      awaitFlush: "Await {{flush}} before {{exit}}{{async}}.",
      awaitExisting: "Await the {{flush}} just before {{exit}}{{async}}.",
      flushThenExit: "Call {{exit}} once {{flush}} has settled.",
      exitCodeInstead: "Set process.exitCode = {{code}} instead, so that the finally block flushes before the program ends.",
      throwInstead: "Throw an Error carrying exit code {{code}} instead, for the entry to set process.exitCode and flush.",
      flushAtEntry: "Keep the error's exit code in process.exitCode and run {{flush}} on both paths.",
      keepExitCode: "Set process.exitCode from the error's exitCode, and handle other errors as before.",
      flushInFinally: "Run {{flush}} in a finally block, so that it also runs when an earlier statement throws.",
      /* eslint-enable eslint-plugin/no-unused-message-ids */
    },
  },
  defaultOptions: [],
  create(context) {
    // Settings are checked on every file: a typo must fail loudly.
    const catalogue = catalogueFor(context.settings);
    // A file that names no opener, flush or initializer (and is not a declared entry), nor imports a module that
    // does, nor constructs a class of an installed package (whose constructor may start tracing:
    // src/scopes/program-setup.ts), cannot start tracing.
    const text = context.sourceCode.text;
    if (!mightNeedChange(text, catalogue, context.physicalFilename)) {
      // With a type-checked program, an exit of this file may run after another file's set-up (src/scopes/traced-phase.ts).
      const phase = EXIT_WORDS.test(text) ? tracedPhaseReaching(context.sourceCode, catalogue) : undefined;
      return phase ? { "Program:exit": () => reportPhaseExits(phase) } : {};
    }
    // With a type-checked program, an exit may be in a function of another file (src/scopes/cross-file.ts).
    const foreign = foreignExitCalls(context.sourceCode);
    return {
      ...foreign?.listeners,
      "Program:exit"() {
        const model = getFileModel(context);
        const level = getProcessLevel(model);
        // Another file's traced phase may need this file's model (src/scopes/traced-phase.ts): it is built once.
        noteLintedModel(model, catalogue, level.tracing);
        if (!level.tracing) {
          const phase = EXIT_WORDS.test(text) ? tracedPhaseReaching(context.sourceCode, catalogue) : undefined;
          if (phase) reportPhaseExits(phase);
          return;
        }
        const fix: FixContext = { sourceCode: context.sourceCode, filename: context.filename, level, plan: flushPlanFor(model, context.filename) };
        for (const finding of level.entryFindings()) reportEntry(fix, finding);
        for (const finding of level.exitFindings()) {
          // Between `tracer.startSpan()` and `span.end()` (or in a function called there), as in any traced scope,
          // the exit loses the open span too: no-process-exit reports it, and the two rules never report one call.
          if (!manualSpanReachingExit(model, finding.exit.node)) reportExit(fix, finding);
        }
        for (const entry of level.exitCodeFindings()) {
          const suggestion = exitCodeSuggestion(fix, entry);
          context.report({ node: entry.call, messageId: "entryDropsExitCode", data: { entry: entryLabel(context.sourceCode, entry) }, suggest: suggestion ? [suggestion] : [] });
        }
        // A call of another file's function that exits, where an exit written here would be reported. No suggestion: the exit is there.
        // The entry's own chain is judged as a whole (entryWithoutFlush), and a helper that flushes before exiting is fine.
        const entries = level.entryFindings().map((finding) => finding.entry.statement.range);
        const inEntry = (node: TSESTree.Node) => entries.some(([start, end]) => node.range[0] >= start && node.range[1] <= end);
        const where = (node: TSESTree.CallExpression) => (inEntry(node) ? undefined : level.unflushedAt(node));
        for (const { call, at, callee, exit, location, via, afterFlush } of foreign?.found(where) ?? []) {
          if (afterFlush) continue;
          context.report({
            node: call.callee,
            messageId: "exitInOtherFileWithoutFlush",
            data: { callee, exit, location, via, where: handlerLabel(at.handler), sdk: fix.plan.sdk, flush: fix.plan.label },
          });
        }
      },
    };

    /**
     * In a file that starts no tracing: its exits that run in another file's traced phase, judged as the file-level
     * judge judges an exit (not in an `exit` listener, not after a flush, not in a span: no-process-exit's, here or
     * reached from another file), inside a function (a module's top level runs when it is imported). No suggestion:
     * the flush is the set-up file's, which this file may not reach.
     */
    function reportPhaseExits(phase: (exit: TSESTree.Node) => PhaseReach | undefined) {
      const model = getFileModel(context);
      const level = getProcessLevel(model);
      const inSpans = spanCallsReaching(context.sourceCode, catalogue);
      for (const exit of model.exits()) {
        const at = phaseExitAt(model, level, exit.node);
        const reach = at && !level.signalListened(exit) ? phase(exit.node) : undefined;
        if (!at || !reach || (inSpans && inSpans(exit.node).length > 0)) continue;
        const from = path.dirname(context.physicalFilename);
        context.report({
          node: exit.node,
          messageId: "exitAfterSetupInOtherFile",
          data: {
            exit: exitLabel(exit),
            where: handlerLabel(at.handler),
            sdk: reach.sdk,
            file: path.relative(from, reach.file).split(path.sep).join("/"),
            line: reach.line,
            via: viaLabel(reach.via),
            flush: reach.flush,
          },
        });
      }
    }

    function reportExit(fix: FixContext, { exit, handler }: ExitFinding) {
      const where = handlerLabel(handler);
      context.report({
        node: exit.node,
        messageId: "exitWithoutFlush",
        data: { exit: exitLabel(exit), where, sdk: fix.plan.sdk, flush: fix.plan.label },
        suggest: exitSuggestions(fix, exit),
      });
    }

    function reportEntry(fix: FixContext, finding: EntryFinding) {
      const { entry, paths } = finding;
      const name = entryLabel(context.sourceCode, entry);
      const suggestion = entrySuggestion(fix, finding);
      const suggest = suggestion ? [suggestion] : [];
      const data = { entry: name, sdk: fix.plan.sdk, flush: fix.plan.label };
      // A simple processor exports each span as it ends, dd-trace and LangSmith send their queue before a natural end:
      // only the crash of an unhandled rejection loses them (src/scopes/pipeline.ts).
      if (naturalEndIsSafe(deliveryOf(getFileModel(context)))) {
        context.report({ node: entry.call, messageId: "entryCrashWithoutFlush", data, suggest });
        return;
      }
      context.report({
        node: entry.call,
        messageId: "entryWithoutFlush",
        data: { entry: data.entry, sdk: data.sdk, flush: data.flush, paths: paths.length === 2 ? "either path" : `its ${paths[0]} path` },
        suggest,
      });
    }
  },
});
