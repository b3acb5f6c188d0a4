/**
 * A traced scope whose span is ended only on success: Traceloop 0.27's `with*` and
 * decorators, and `startActiveSpan` / `context.with` callbacks that end their span on the
 * happy path only. An error thrown inside leaves the span open: it is never recorded,
 * never ended, never exported, and its children point at a parent that never arrives.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { createRule } from "../utils/create-rule";
import { tracingSwitchedOff } from "../scopes/pipeline";
import { describeScope, fileDirectory, getFileModel, parameterHandedTo, someReached } from "../scopes/model";
import type { FunctionNode } from "../scopes/ast";
import { enclosingFunction, functionName, isFunction, memberName, resolveConst, skipWrappers, walk } from "../scopes/ast";
import type { FileModel, TracedScope } from "../scopes/model";
import { catalogueFor } from "../scopes/settings";
import { describeRelease } from "../scopes/releases";
import { mightOpenScope, mightStartSpanThroughImport } from "../scopes/prefilter";
import { callbackCannotThrow } from "../scopes/cannot-throw";
import { recordingEdits } from "../fixes/exit-fix";
import { toFix } from "../fixes/edits";
import { fileFlavour } from "../fixes/imports";
import { ensureSpanHelpers, scopeRecordsErrors } from "../fixes/span-helper";
import { describeOperation, describeSuccessOnly, endOnRejectionFix, judgeManualSpan, recordManualSpanFix, underlineOf } from "../fixes/manual-span";
import type { ManualSpan } from "../scopes/manual-spans";
import { endsSpanThroughErrorHandler } from "../scopes/error-handlers";
import { exitListenerEndsSpan } from "../scopes/exit-listeners";
import { describeManualSpan, spanUses } from "../scopes/manual-spans";
import { createTracker, trackModules } from "../scopes/globals";

export type Options = [];
export type MessageId =
  | "spanNotEndedOnError"
  | "spanNeverEnded"
  | "wrapCallback"
  | "manualSpanNotEndedOnError"
  | "manualSpanNeverEnded"
  | "manualSpanEndedOnSuccessOnly"
  | "recordManualSpan"
  | "endOnRejection";

/**
 * Why the span stays open, and for an SDK whose behaviour depends on its release, which release that is:
 * "ends its span only when the callback succeeds (Traceloop 0.27.0, installed)". A wrapper from settings
 * (`recordsErrors` not set) is taken at its word.
 */
function why(scope: TracedScope): string {
  if (scope.spec.errors === "user-owned") return "is ended by its callback on the success path only";
  const release = scope.release;
  if (!release) return `ends its span only when the callback succeeds${scope.spec.sdk === "custom" ? " (a wrapper from settings without `recordsErrors: true`)" : ""}`;
  const what = release.syncThrowOnly ? "ends its span when the callback's promise rejects but not when the callback throws" : "ends its span only when the callback succeeds";
  return `${what} (${describeRelease(release)})`;
}

const capitalize = (text: string) => `${text[0]?.toUpperCase() ?? ""}${text.slice(1)}`;

/**
 * A callback that receives its span and can never end it: it does not use its span parameter (or has
 * none) and never asks for the active span, nor does a same-file function it calls. Its span stays open on every path, success included, so
 * "ended on success only" would be wrong, and wrapping it would only end the span on errors.
 */
function neverEndsSpan(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const index = scope.spec.spanParam;
  if (index === undefined || scope.callback.params.length > index + 1) return false;
  const param = scope.callback.params[index];
  if (param) {
    // A destructured or rest parameter (`(...args)`): what happens to the span cannot be told.
    if (param.type !== AST_NODE_TYPES.Identifier) return false;
    const span = sourceCode.getDeclaredVariables(scope.callback).find((variable) => variable.defs.some((def) => def.name === param));
    if (!span || span.references.length > 0) return false;
  }
  return !asksForActiveSpan(scope.callback, sourceCode);
}

/**
 * The function, or a same-file function or method it calls (three deep), may end the active span: it
 * uses `arguments`, or `getActiveSpan` other than to read from the span (`getActiveSpan()?.spanContext()`,
 * as LangSmith's bridge does, reads; `getActiveSpan()?.end()`, `const s = getActiveSpan()` may end).
 */
function asksForActiveSpan(fn: FunctionNode, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  return someReached(sourceCode, fn.body, 3, (node) => {
    if (node.type === AST_NODE_TYPES.Identifier && node.name === "arguments") return true;
    const named = (node.type === AST_NODE_TYPES.Identifier && node.name === "getActiveSpan") || (node.type === AST_NODE_TYPES.MemberExpression && memberName(node) === "getActiveSpan");
    if (!named) return undefined;
    const call = node.parent;
    const member = call?.parent;
    const readsOnly =
      call?.type === AST_NODE_TYPES.CallExpression &&
      call.callee === node &&
      member?.type === AST_NODE_TYPES.MemberExpression &&
      member.object === call &&
      memberName(member) !== undefined &&
      memberName(member) !== "end";
    return !readsOnly;
  });
}

/**
 * The SDK names the span after the callback function (`traceChain(parse)` without `{ name }`, as
 * OpenInference's withSpan does with `fn.name`): `recordSpanErrors(parse)` is an anonymous function, so
 * the rewrite would rename the span. Only asked of scopes whose SDK records some errors itself (a rejection
 * but not a synchronous throw); a scope that has the same name in its options is counted too.
 */
function spanNamedAfterCallback(scope: TracedScope): boolean {
  const name = functionName(scope.callback);
  return scope.release?.syncThrowOnly === true && name !== undefined && scope.name === name && scope.spec.names.some((source) => "callbackName" in source);
}

/**
 * `context.with(ctx, fn)` / `context.bind(ctx, fn)` whose callback ends no span (nor does a same-file
 * function it calls, three deep), where the code that started the span is judged instead: a span started by
 * hand that this file judges (src/fixes/manual-span.ts), or one that a `try` around the call ends in its
 * `finally`, or one the caller handed in as a parameter. Elsewhere (the span handed to closures and helpers that end it on success only, as
 * OpenInference's instrumentations do) the callback's scope is still the one to report.
 *
 *   const span = tracer.startSpan("job");
 *   try { await context.with(trace.setSpan(context.active(), span), () => work()); } finally { span.end(); }
 */
function leavesSpanToItsStarter(scope: TracedScope, model: FileModel, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (scope.spec.form !== "call" || !scope.spec.firstArgCallOf || scope.anchor.type !== AST_NODE_TYPES.CallExpression) return false;
  const first = scope.anchor.arguments[0];
  const setSpan = first && resolveConst(sourceCode, first);
  const spanArg = setSpan?.type === AST_NODE_TYPES.CallExpression ? setSpan.arguments[1] : undefined;
  if (spanArg?.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(spanArg), spanArg);
  if (!variable) return false;
  // `trace.wrapSpanContext(remote)`: a non-recording span, never exported, so nothing is lost whoever ends it.
  if (variable.defs.some((def) => def.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init && wrapsSpanContext(def.node.init, sourceCode))) return true;
  if (someReached(sourceCode, scope.callback.body, 3, (node) => (node.type === AST_NODE_TYPES.CallExpression && memberName(node.callee) === "end") || undefined)) return false;
  // A span handed in by the caller (`function inSpan(span, work)`) is the caller's to end.
  if (variable.defs.some((def) => def.type === "Parameter")) return true;
  const started = model.manualSpans().find((span) => span.variable === variable);
  if (started) {
    // Judged there when its end is in the starting function's own flow; an end inside a closure (a fulfilment
    // handler) leaves the error path to the callback's scope.
    const verdict = judgeManualSpan(started, sourceCode);
    if (verdict.ownedHere && verdict.successEnd && enclosingFunction(verdict.successEnd) === enclosingFunction(started.call)) return true;
    // Ended on success only by a settle handler, a stream listener or a same-file function: reported on its start, once.
    if (verdict.ownedHere && verdict.successOnly) return true;
  }
  if (handedWithSpanToRejectionHandler(scope.anchor, variable, sourceCode)) return true;
  for (let node: TSESTree.Node | undefined = scope.anchor; node && !isFunction(node); node = node.parent) {
    const parent: TSESTree.Node | undefined = node.parent;
    if (parent?.type === AST_NODE_TYPES.TryStatement && parent.block === node && parent.finalizer && endsVariable(parent.finalizer, variable)) return true;
  }
  return false;
}

/**
 * `helper(span, context.with(…))`: the call's result goes, with its span, to a same-file function that ends that
 * span when a promise rejects (`.catch((error) => { …; span.end(); })` or `.then(ok, onRejected)`), as
 * instrumentation-pg's `handleConnectResult` does: the error path is handled there.
 */
function handedWithSpanToRejectionHandler(call: TSESTree.CallExpression, variable: TSESLint.Scope.Variable, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let argument: TSESTree.Node = call;
  while (argument.parent && skipWrappers(argument.parent) === call) argument = argument.parent;
  const outer = argument.parent;
  if (outer?.type !== AST_NODE_TYPES.CallExpression || !outer.arguments.includes(argument as TSESTree.CallExpressionArgument)) return false;
  const received = parameterHandedTo(outer, (arg) => arg.type === AST_NODE_TYPES.Identifier && variable.references.some((reference) => reference.identifier === arg), sourceCode);
  if (!received) return false;
  const { helper, variable: span } = received;
  let found = false;
  walk(helper.body, sourceCode.visitorKeys, (node) => {
    if (found) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.MemberExpression) return true;
    const method = memberName(node.callee);
    const onRejected = method === "catch" ? node.arguments[0] : method === "then" ? node.arguments[1] : undefined;
    if (onRejected && isFunction(onRejected) && endsVariable(onRejected.body, span)) found = true;
    return !found;
  });
  return found;
}

/** `trace.wrapSpanContext(…)` of @opentelemetry/api, by binding (ESM or CommonJS). */
function wrapsSpanContext(node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const call = skipWrappers(node);
  if (call.type !== AST_NODE_TYPES.CallExpression) return false;
  const tracker = createTracker(sourceCode);
  if (!tracker) return false;
  const map = { "@opentelemetry/api": { trace: { wrapSpanContext: { [ASTUtils.ReferenceTracker.CALL]: true } } } };
  for (const ref of trackModules(tracker, map)) if (ref.node === call) return true;
  return false;
}

/** `span.end()` on this variable somewhere in `node`. */
function endsVariable(node: TSESTree.Node, variable: TSESLint.Scope.Variable): boolean {
  return variable.references.some((reference) => {
    const member = reference.identifier.parent;
    return (
      reference.identifier.range[0] >= node.range[0] &&
      reference.identifier.range[1] <= node.range[1] &&
      member?.type === AST_NODE_TYPES.MemberExpression &&
      member.object === reference.identifier &&
      memberName(member) === "end" &&
      member.parent?.type === AST_NODE_TYPES.CallExpression
    );
  });
}

/** The variable of the callback's span parameter, when the opener passes one and it is a plain name. */
function spanParameter(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): TSESLint.Scope.Variable | undefined {
  const param = scope.spec.spanParam === undefined ? undefined : scope.callback.params[scope.spec.spanParam];
  if (param?.type !== AST_NODE_TYPES.Identifier) return undefined;
  return sourceCode.getDeclaredVariables(scope.callback).find((variable) => variable.defs.some((def) => def.name === param));
}

/** The scope's span as the code names it: the callback's span parameter, or `span` of `context.with(trace.setSpan(ctx, span), …)`. */
function scopeSpan(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): TSESLint.Scope.Variable | undefined {
  const param = spanParameter(scope, sourceCode);
  if (param) return param;
  if (scope.spec.form !== "call" || !scope.spec.firstArgCallOf || scope.anchor.type !== AST_NODE_TYPES.CallExpression || !scope.anchor.arguments[0]) return undefined;
  const setSpan = resolveConst(sourceCode, scope.anchor.arguments[0]);
  const span = setSpan.type === AST_NODE_TYPES.CallExpression ? setSpan.arguments[1] : undefined;
  return span?.type === AST_NODE_TYPES.Identifier ? (ASTUtils.findVariable(sourceCode.getScope(span), span) ?? undefined) : undefined;
}

/**
 * The callback lets its span go and never ends it itself: it returns it or stores it (`(span) => span`,
 * `(span) => ({ span, stream })`). Whoever receives the span ends it, on a schedule this callback does not know;
 * as for spans started by hand (src/scopes/manual-spans.ts `spanUses`). Not let go: a span only handed to a
 * function (a same-file function is judged by `handlesSpan`; one from another module may be an error recorder
 * that does not end it, as Inkeep's `setSpanWithError`, read in bench/accuracy), nor one a closure of the
 * callback ends (`request.then(() => span.end(), () => undefined)` ends it on success only: the
 * returned-thenables runtime case). A throw before the hand-off still loses the span: a limit, in the docs.
 */
function handsSpanOut(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const span = spanParameter(scope, sourceCode);
  if (!span) return false;
  const { ends, stored } = spanUses(span, scope.callback, "end");
  return stored && ends.length === 0;
}

/** What to underline: the opener's callee (`traceloop.withTask`) or the decorator. */
function reportNode(scope: TracedScope): TSESTree.Node {
  if (scope.anchor.type === AST_NODE_TYPES.CallExpression) return scope.anchor.callee;
  if (scope.anchor.type === AST_NODE_TYPES.MethodDefinition) {
    const decorator = scope.anchor.decorators.find((d) => d.expression.type === AST_NODE_TYPES.CallExpression);
    return decorator ?? scope.anchor.key;
  }
  return scope.anchor;
}

export default createRule<Options, MessageId>({
  name: "require-span-error-recording",
  meta: {
    type: "problem",
    docs: {
      description: "Require traced scopes whose SDK ends the span only on success to record errors and end the span",
      recommended: true,
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      spanNotEndedOnError:
        "{{scope}} {{why}}: an error thrown here leaves the span open, so it is never recorded nor exported and its child spans lose their parent.",
      spanNeverEnded:
        "{{scope}} is never ended by its callback, which does not use its span: the span stays open on every path, so it is never exported and its child spans lose their parent. End it in a finally (`span.end()`).",
      wrapCallback: "Wrap the callback in recordSpanErrors(): on a throw or rejection it records the error, sets ERROR, ends the span and rethrows.",
      manualSpanNotEndedOnError:
        "{{span}} is ended by `{{end}}()` on the success path only: if {{failure}}, the span is never ended, so it is never exported and its child spans lose their parent.",
      manualSpanNeverEnded:
        "{{span}} is never ended: `{{end}}()` is not called, and the span is not returned nor handed on, so it is never exported and its child spans lose their parent.",
      manualSpanEndedOnSuccessOnly:
        "{{span}} is ended by `{{end}}()` only in {{handler}}, which runs on success only: if {{failure}}, the span is never ended, so it is never exported and its child spans lose their parent.",
      recordManualSpan:
        "Put the statements after the span's start in try/catch: on a throw the catch records the error on the span, sets ERROR, ends it and rethrows.",
      endOnRejection: "Add a rejection handler to `{{promise}}.then()`: it records the error on the span, sets ERROR, ends it and rethrows the same error.",
    },
  },
  defaultOptions: [],
  create(context) {
    const catalogue = catalogueFor(context.settings);
    const text = context.sourceCode.text;
    // A tracer kept by an imported module may start spans in a file that does not name the SDK (src/scopes/tracer-bindings.ts).
    if (!mightOpenScope(text, catalogue) && !mightStartSpanThroughImport(text, fileDirectory(context), catalogue)) return {};
    return {
      "Program:exit"() {
        const model = getFileModel(context);
        // The file sets tracing up to record nothing: no span of it can be lost (src/scopes/pipeline.ts).
        if (tracingSwitchedOff(model)) return;
        for (const scope of model.scopes()) {
          // A wrapper of another file owns that span (src/scopes/foreign-openers.ts): its own file is judged for it.
          if (scope.foreign !== undefined) continue;
          // The first test narrows the SDK semantics for the message; the second covers wrapped and self-handling callbacks.
          if (scope.spec.errors === "recorded" || scopeRecordsErrors(scope, context.sourceCode)) continue;
          if (leavesSpanToItsStarter(scope, model, context.sourceCode)) continue;
          // `safeExecuteInTheMiddle(work, (error) => { …; span.end(); })`, `handleCallbackErrors(…)`: catalogue ERROR_HANDLERS and settings errorHandlers.
          if (endsSpanThroughErrorHandler(context.sourceCode, catalogue.errorHandlers, scope.callback, scopeSpan(scope, context.sourceCode), scope.spec.activeOtelSpan !== false)) continue;
          // The catch exits inside the span, and the program's `exit` listener ends the span and exports it synchronously.
          if (exitListenerEndsSpan(scope, model, context.physicalFilename)) continue;
          if (handsSpanOut(scope, context.sourceCode)) continue;
          // Nothing can be thrown: the span ends (or stays open) the same way on every path; neverEndsSpan says which.
          if (callbackCannotThrow(scope, context.sourceCode, context.physicalFilename) && !neverEndsSpan(scope, context.sourceCode)) continue;
          if (neverEndsSpan(scope, context.sourceCode)) {
            context.report({ node: reportNode(scope), messageId: "spanNeverEnded", data: { scope: capitalize(describeScope(scope)) } });
            continue;
          }
          context.report({
            node: reportNode(scope),
            messageId: "spanNotEndedOnError",
            data: { scope: capitalize(describeScope(scope)), why: why(scope) },
            // Our helper ends the active OpenTelemetry span, which is not this scope's (catalogue `activeOtelSpan`), and
            // wrapping a callback the span is named after would rename it: no suggestion.
            suggest: scope.spec.activeOtelSpan === false || spanNamedAfterCallback(scope) ? [] : [
              {
                messageId: "wrapCallback",
                fix: (fixer) => {
                  const eol = fileFlavour(context.sourceCode, context.filename).eol;
                  const { edits, uses } = recordingEdits(scope, [], context.sourceCode, eol);
                  return [...edits.map(toFix), ...ensureSpanHelpers(fixer, context.sourceCode, context.filename, uses)];
                },
              },
            ],
          });
        }
        // An exit does not throw: it is no-process-exit's finding (exitInScope), never "if process.exit() throws".
        const exits = new Set<TSESTree.Node>(model.exits().map((exit) => exit.node));
        for (const span of model.manualSpans()) reportManualSpan(context, span, exits);
      },
    };
  },
});

/** A span started by hand (`tracer.startSpan`) that this function owns and leaves open on a path: src/fixes/manual-span.ts. */
function reportManualSpan(context: Readonly<TSESLint.RuleContext<MessageId, Options>>, span: ManualSpan, exits: ReadonlySet<TSESTree.Node>): void {
  const sourceCode = context.sourceCode;
  const verdict = judgeManualSpan(span, sourceCode);
  const data = { span: capitalize(describeManualSpan(span, sourceCode)), end: `${span.variable.name}.${span.spec.end}` };
  if (verdict.neverEnded) {
    context.report({ node: span.call.callee, messageId: "manualSpanNeverEnded", data });
    return;
  }
  // An explicit `throw` is cited before an operation that only may throw (an earlier `await`).
  const candidates = verdict.unguarded.filter((node) => !exits.has(node));
  const first = candidates.find((node) => node.type === AST_NODE_TYPES.ThrowStatement) ?? candidates[0];
  if (verdict.successOnly) {
    // One finding for the span, on its start: the rejection (or failure), and a synchronous throw before it if any.
    const fix = endOnRejectionFix(span, verdict, sourceCode, context.filename);
    const { handler, failure, promise } = describeSuccessOnly(verdict.successOnly, sourceCode);
    context.report({
      node: span.call.callee,
      messageId: "manualSpanEndedOnSuccessOnly",
      data: { ...data, handler, failure: first ? `${failure} or ${describeFailure(first, sourceCode)}` : failure },
      suggest: fix ? [{ messageId: "endOnRejection", data: { promise }, fix }] : [],
    });
    return;
  }
  if (!first) return;
  const fix = recordManualSpanFix(span, verdict, sourceCode, context.filename);
  context.report({
    node: underlineOf(first),
    messageId: "manualSpanNotEndedOnError",
    data: { ...data, failure: describeFailure(first, sourceCode) },
    suggest: fix ? [{ messageId: "recordManualSpan", fix }] : [],
  });
}

/** "`await upload(data)` throws", or for a `throw` statement, which throws by definition, "the `throw` at line 12 runs". */
function describeFailure(node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): string {
  if (node.type === AST_NODE_TYPES.ThrowStatement) return `the \`throw\` at line ${node.loc.start.line} runs`;
  return `\`${describeOperation(node, sourceCode)}\` throws`;
}
