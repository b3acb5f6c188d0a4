/**
 * A `startActiveSpan` callback that ends its own span in a `finally` (or in a catch that rethrows):
 *
 *   tracer.startActiveSpan("step", async (span) => {
 *     try { … process.exit(5) … } finally { span.end(); }
 *   });
 *
 * Once the exit is a throw, the `finally` ends the span as the throw leaves the try: the span is exported,
 * but with no error on it, and a `recordSpanErrors` around the callback would come too late (the span has
 * ended). The error is recorded in that same try, before the `finally` runs, without ending the span:
 *
 *   try { … } catch (error) { throw recordSpanError(error, span); } finally { span.end(); }
 *
 * or, where the try has a catch that rethrows, as the catch's first statement; an exit in such a catch
 * throws `recordSpanError(new Error(…), span)`. A throw that can start outside every such try (before it,
 * or in a function the callback calls) still leaves the span open there: the callback is also wrapped in
 * `recordSpanErrors`, which ends only a span that is still recording, so nothing is ended twice. So is a callback
 * whose throw can start in such a `finally`, before its `span.end()`.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { TracedScope } from "../scopes/model";
import { someReached } from "../scopes/model";
import { isFunction, memberName, skipWrappers, walk } from "../scopes/ast";
import type { Edit } from "./edits";
import { indentAt, indentUnit } from "./edits";
import { rethrows } from "./exit-fix";
import { HELPER_END, HELPER_RECORD } from "./span-helper";

/** A top-level `try` of the callback whose `finally` or catch ends the span, and the span's name there. */
interface EndingTry {
  readonly statement: TSESTree.TryStatement;
  readonly span: string;
}

const contains = (outer: TSESTree.Node | null | undefined, node: TSESTree.Node) => !!outer && node.range[0] >= outer.range[0] && node.range[1] <= outer.range[1];

/** `span.end()` on the callback's span parameter somewhere in `node`. */
function endsSpan(node: TSESTree.Node | null | undefined, span: TSESLint.Scope.Variable): boolean {
  return span.references.some((reference) => {
    const member = reference.identifier.parent;
    return contains(node, reference.identifier) && member?.type === AST_NODE_TYPES.MemberExpression && member.object === reference.identifier && memberName(member) === "end";
  });
}

/**
 * The tries of a callback that owns its span (`startActiveSpan`) which end that span on the way out, at any depth
 * of its body but not in functions nested in it (`if (x) { try { … } finally { span.end(); } }` counts).
 */
function endingTries(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): EndingTry[] {
  // A callback wrapped in recordSpanErrors already is judged too: the wrapper sees the span only once the `finally` has ended it.
  // OpenTelemetry's own spans only: Sentry's `startSpanManual` span is a `SentrySpan` (its `recordException` does
  // nothing, and its type is not the helper's), run by no case here.
  if (scope.spec.sdk !== "opentelemetry" || scope.spec.errors !== "user-owned" || scope.spec.activeOtelSpan === false || !scope.callbackArg) return [];
  const body = scope.callback.body;
  // The callback receives its span (`startActiveSpan`); `context.with(…)` callbacks do not.
  const param = scope.spec.spanParam === undefined ? undefined : scope.callback.params[scope.spec.spanParam];
  if (body.type !== AST_NODE_TYPES.BlockStatement || param?.type !== AST_NODE_TYPES.Identifier) return [];
  const span = sourceCode.getDeclaredVariables(scope.callback).find((variable) => variable.defs.some((def) => def.name === param));
  if (!span) return [];
  const found: EndingTry[] = [];
  walk(body, sourceCode.visitorKeys, (node) => {
    if (isFunction(node)) return false;
    if (node.type === AST_NODE_TYPES.TryStatement && (endsSpan(node.finalizer, span) || endsSpan(node.handler?.body, span))) found.push({ statement: node, span: param.name });
    return undefined;
  });
  return found;
}

/** The callback ends its span in a `finally` (or a catch) of its own body: an error thrown there is recorded before it ends. */
export function endsSpanOnTheWayOut(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  return endingTries(scope, sourceCode).length > 0;
}

/** The catch records the error itself (`span.recordException(e)`, `span.setStatus(…)`, our helpers), here or in a same-file function it calls. */
function recordsInCatch(handler: TSESTree.CatchClause, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  return someReached(sourceCode, handler.body, 3, (node) => {
    if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const callee = skipWrappers(node.callee);
    if (callee.type === AST_NODE_TYPES.Identifier && (callee.name === HELPER_RECORD || callee.name === HELPER_END)) return true;
    const name = memberName(callee);
    return name === "recordException" || name === "setStatus" || undefined;
  });
}

/** `node` runs in the callback's own body, not in a function nested in it (which may run anywhere, or later). */
function runsDirectly(node: TSESTree.Node, callback: TSESTree.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current === callback) return true;
    if (isFunction(current)) return false;
  }
  return false;
}

/**
 * The span to record an exit's error on when the exit stands in the catch of a try that ends the span, and
 * that catch does not record it: `throw recordSpanError(Object.assign(new Error(…), { exitCode: 1 }), span)`.
 */
export function recordThrownOn(scope: TracedScope, exit: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): string | undefined {
  if (!runsDirectly(exit, scope.callback)) return undefined;
  const found = endingTries(scope, sourceCode).find(({ statement }) => statement.handler && contains(statement.handler.body, exit) && !recordsInCatch(statement.handler, sourceCode));
  return found?.span;
}

/**
 * The edits that record an error thrown from `origin` (the exit, or the inner scope it is in) before a `finally`
 * of the callback ends the span, and whether the callback must also be wrapped (the throw may start outside
 * those tries). `undefined` when the callback has no such try: the scope is judged as before.
 */
export function recordBeforeFinally(
  scope: TracedScope,
  origin: TSESTree.Node,
  sourceCode: Readonly<TSESLint.SourceCode>,
  eol: string,
): { edits: Edit[]; wrap: boolean } | undefined {
  const tries = endingTries(scope, sourceCode);
  if (tries.length === 0) return undefined;
  // Reached through a call, or from a function nested in the callback: any of the tries may be on the way, or none.
  const known = contains(scope.callback.body, origin) && runsDirectly(origin, scope.callback);
  const text = sourceCode.text;
  const unit = indentUnit(text);
  const edits: Edit[] = [];
  for (const { statement, span } of tries) {
    if (known && !contains(statement.block, origin)) continue;
    const handler = statement.handler;
    const indent = indentAt(text, statement.range[0]);
    if (!handler) {
      const at = statement.block.range[1];
      edits.push({ range: [at, at], text: ` catch (error) {${eol}${indent}${unit}throw ${HELPER_RECORD}(error, ${span});${eol}${indent}}` });
      continue;
    }
    // A catch that swallows or replaces the error: an exit inside the try is not rewritten (caughtLocally).
    if (recordsInCatch(handler, sourceCode) || !rethrows(handler, sourceCode) || handler.param?.type !== AST_NODE_TYPES.Identifier) continue;
    const first = handler.body.body[0];
    const at = handler.body.range[0] + 1;
    const ownLine = first && text.slice(at, first.range[0]).includes("\n");
    const call = `${HELPER_RECORD}(${handler.param.name}, ${span});`;
    edits.push({ range: [at, at], text: ownLine ? `${eol}${indentAt(text, first.range[0])}${call}` : ` ${call}` });
  }
  // Before the try, after it, or in its `finally` (`finally { if (bad) process.exit(1); span.end(); }` skips the end):
  // the wrapper ends the span if it is still open, and leaves it alone if the `finally` has ended it.
  const outside = !known || !tries.some(({ statement }) => contains(statement.block, origin) || contains(statement.handler, origin));
  return { edits, wrap: outside };
}
