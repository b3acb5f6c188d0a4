/**
 * Rewrites of an exit reached from a traced scope: `return` for a successful stop
 * directly in the scope callback, else a `throw` of an Error carrying the exit code,
 * recorded on every span of the chain whose SDK would not record it.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ExitCall, Reach, TracedScope } from "../scopes/model";
import { describeScope } from "../scopes/model";
import { isFunction, memberName, skipWrappers, walk } from "../scopes/ast";
import type { FunctionNode } from "../scopes/ast";
import type { Edit } from "./edits";
import { toFix, wrapBodyInTry } from "./edits";
import { exitErrorText } from "./exit-error";
import { fileFlavour } from "./imports";
import { HELPER_END, HELPER_END_OWNED, HELPER_RECORD, HELPER_WRAP, ensureOwnedHelper, ensureSpanHelpers, helperWouldRecord, isBodyWrapped } from "./span-helper";
import type { SpanHelperUse } from "./span-helper";
import { recordBeforeFinally, recordThrownOn } from "./record-before-finally";
import { callerOwnedOnError } from "../scopes/caller-owned";

/** Where the exit call stands, and what text to replace to rewrite it. */
type ExitSite =
  | { readonly kind: "statement"; readonly statement: TSESTree.Statement }
  | { readonly kind: "arrow-body"; readonly expression: TSESTree.Node };

export function exitSite(exit: ExitCall): ExitSite | undefined {
  let expression: TSESTree.Node = exit.node;
  while (expression.parent?.type === AST_NODE_TYPES.ChainExpression || expression.parent?.type === AST_NODE_TYPES.TSAsExpression) {
    expression = expression.parent;
  }
  const parent = expression.parent;
  if (parent?.type === AST_NODE_TYPES.ExpressionStatement) return { kind: "statement", statement: parent };
  if (parent?.type === AST_NODE_TYPES.ReturnStatement && parent.argument === expression) return { kind: "statement", statement: parent };
  if (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === expression) return { kind: "arrow-body", expression };
  return undefined;
}

/**
 * The innermost scope's SDK catches what its callback throws (an AI SDK tool's `execute`, its `onFinish`):
 * a throw there would not end the program, and a `return` would hand the SDK a result, so neither is offered.
 */
function containedScope(reach: Reach): boolean {
  return reach.scope.spec.form === "call" && reach.scope.spec.contained === true;
}

/** Calls that run their callback later, from the event loop: a throw there is an uncaught exception. */
const DEFERRING_FUNCTIONS = new Set(["setTimeout", "setInterval", "setImmediate", "queueMicrotask"]);
const DEFERRING_METHODS = new Set(["nextTick", "on", "once", "addListener", "prependListener", "prependOnceListener", "addEventListener"]);

/**
 * Between the exit and the scope callback, a function is handed to a timer or an event registration:
 *   withTask(cfg, async () => { setTimeout(() => process.exit(6), 10); });
 *   withTask(cfg, () => { rl.on("line", (line) => { if (!line) process.exit(2); }); });
 * It runs later, outside the scope's call: a throw would be an uncaught exception (exit code 1, no entry
 * handler, no flush) instead of the exit, so no throw is offered.
 */
function inDeferredCallback(node: TSESTree.Node, scopeCallback: FunctionNode): boolean {
  return deferredCallbackOf(node, scopeCallback) !== undefined;
}

/** Registrations that run their callback again and again: `setInterval`, an event listener (`on`, not `once`). */
const REPEATING = new Set(["setInterval", "on", "addListener", "prependListener", "addEventListener"]);

/**
 * The outermost function between `node` and the scope callback that a timer or an event registration runs
 * later, and whether that registration (or one between) may run its callback again.
 */
export function deferredCallbackOf(node: TSESTree.Node, scopeCallback: FunctionNode): DeferredCallback | undefined {
  let found: DeferredCallback | undefined;
  for (let current = node.parent; current && current !== scopeCallback; current = current.parent) {
    const call = current.parent;
    if (!isFunction(current) || call?.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(current as TSESTree.Expression)) continue;
    const callee = skipWrappers(call.callee);
    const name = callee.type === AST_NODE_TYPES.Identifier && DEFERRING_FUNCTIONS.has(callee.name) ? callee.name : memberName(callee);
    if (name === undefined || (!DEFERRING_FUNCTIONS.has(name) && !DEFERRING_METHODS.has(name))) continue;
    const repeatsInside = found?.repeats ?? false;
    found = { fn: current, registration: call, repeats: repeatsInside || REPEATING.has(name), repeatsInside };
  }
  return found;
}

export interface DeferredCallback {
  /** The outermost function between the node and the scope callback that a registration runs later. */
  readonly fn: FunctionNode;
  /** The call that registers `fn`: `setTimeout(fn, 10)`, `stream.on("data", fn)`. */
  readonly registration: TSESTree.CallExpression;
  /** That registration, or one inside `fn`, may run its callback again. */
  readonly repeats: boolean;
  /** A registration inside `fn` (between it and the node) may run its callback again. */
  readonly repeatsInside: boolean;
}

/**
 * A `try { … } catch` between the exit and its function would swallow a throw, unless its catch rethrows
 * the same error: the body our span-error rewrite gives a decorated method,
 *   try { … } catch (error) { throw endSpanWithError(error); }
 * or a user's `catch (error) { log(error); throw error; }`.
 */
export function caughtLocally(node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current && !isFunction(current); current = current.parent) {
    if (current.type === AST_NODE_TYPES.TryStatement && current.block === child && current.handler && !rethrows(current.handler, sourceCode)) return true;
    child = current;
  }
  return false;
}

/**
 * The catch passes the error on as the exit would have ended the program: it ends by rethrowing what it caught
 * (`rethrowsCaught`), and what it runs before is only recording on a span or writing to standard error
 * (`onTheWayOut`). A catch that does more (logs to standard output, reports to Sentry, cleans up, counts)
 * would run on a path where the exit ran nothing: a throw would change what the program does.
 */
export function rethrows(handler: TSESTree.CatchClause, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  return rethrowsCaught(handler, sourceCode) && handler.body.body.slice(0, -1).every(onTheWayOut);
}

/**
 * Span methods that only record what happened, and `console.error`/`console.warn` (standard error, which the
 * rewrite does not keep: docs/codemods/exit-to-throw.md, "What is not kept").
 */
const ON_THE_WAY_OUT = new Set(["recordException", "setStatus", "setAttribute", "setAttributes", "addEvent", "updateName"]);

/** `span.recordException(error);`, `span.setStatus(…);`, `console.error(…);`, `recordSpanError(error, span);` as a statement. */
function onTheWayOut(statement: TSESTree.Statement): boolean {
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement || statement.expression.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = skipWrappers(statement.expression.callee);
  // `recordSpanError(error, span);`, as the span-error rewrite writes it first in a rethrowing catch.
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name === HELPER_RECORD || callee.name === HELPER_END;
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const method = memberName(callee);
  if (callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === "console") return method === "error" || method === "warn";
  return method !== undefined && ON_THE_WAY_OUT.has(method);
}

/**
 * The catch ends by throwing the error it caught (as itself, or through `endSpanWithError` or `recordSpanError`,
 * which return it), with no `return`, `break` or `continue` that could leave it another way, and the error never reassigned.
 */
export function rethrowsCaught(handler: TSESTree.CatchClause, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const param = handler.param;
  const last = handler.body.body.at(-1);
  if (param?.type !== AST_NODE_TYPES.Identifier || last?.type !== AST_NODE_TYPES.ThrowStatement) return false;
  const isParam = (node: TSESTree.Node | null | undefined) => node?.type === AST_NODE_TYPES.Identifier && node.name === param.name;
  const thrown = last.argument;
  // `throw endSpanWithError(error)`, or `throw recordSpanError(error, span)` before a `finally` that ends the span.
  const sameError =
    isParam(thrown) ||
    (thrown.type === AST_NODE_TYPES.CallExpression &&
      thrown.callee.type === AST_NODE_TYPES.Identifier &&
      ((thrown.callee.name === HELPER_END && thrown.arguments.length === 1) || (thrown.callee.name === HELPER_RECORD && thrown.arguments.length === 2)) &&
      isParam(thrown.arguments[0]));
  if (!sameError) return false;
  let leaves = false;
  walk(handler.body, sourceCode.visitorKeys, (node) => {
    if (node !== handler.body && isFunction(node)) return false;
    const assignsError = node.type === AST_NODE_TYPES.AssignmentExpression && isParam(node.left);
    const jumps = node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.BreakStatement || node.type === AST_NODE_TYPES.ContinueStatement;
    leaves ||= assignsError || jumps;
    return !leaves;
  });
  return !leaves;
}

function exitCodeText(exit: ExitCall): string {
  if (exit.codeText !== undefined) return exit.codeText;
  if (exit.method === "exit" || exit.method === "reallyExit") return "process.exitCode ?? 0";
  return "1";
}

/**
 * `process.exit(1)` → `throw Object.assign(new Error(…), { exitCode: 1 });`. The message is taken from a
 * `console.error(…)` just before, whose text or sole argument it repeats, with the caught error's message and
 * the error as `cause` (src/fixes/exit-error.ts); that statement stays, so what the program printed before is
 * still printed (only the exit statement changes).
 */
function throwEdit(sourceCode: Readonly<TSESLint.SourceCode>, exit: ExitCall, site: ExitSite, scope: TracedScope, recordOn: string | undefined): Edit {
  const error = exitError(sourceCode, exit, site, scope);
  // In a catch whose try's `finally` ends the span: recorded as it is thrown (src/fixes/record-before-finally.ts).
  const statement = `throw ${recordOn === undefined ? error : `${HELPER_RECORD}(${error}, ${recordOn})`};`;
  if (site.kind === "statement") return { range: site.statement.range, text: statement };
  return { range: site.expression.range, text: `{ ${statement} }` };
}

/** `Object.assign(new Error(…), { exitCode: N })`: the error that stands for the exit (src/fixes/exit-error.ts). */
export function exitError(sourceCode: Readonly<TSESLint.SourceCode>, exit: ExitCall, site: ExitSite, scope: TracedScope): string {
  const fallback = JSON.stringify(`process.${exit.method}() in ${describeScope(scope)}`);
  return exitErrorText(sourceCode, exit.node, site.kind === "statement" ? site.statement : undefined, fallback, exitCodeText(exit));
}

/**
 * `startActiveObservation(name, endObservationOnError(async (span) => { … }), { endOnExit: false })`: the edits
 * that end a caller-owned span on the error path (src/scopes/caller-owned.ts), none where it is not one or is
 * wrapped already.
 */
function ownedEndEdits(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): Edit[] {
  const arg = scope.callbackArg;
  if (!arg || !callerOwnedOnError(scope, sourceCode)) return [];
  const inner = skipWrappers(arg);
  if (inner.type === AST_NODE_TYPES.CallExpression && inner.callee.type === AST_NODE_TYPES.Identifier && inner.callee.name === HELPER_END_OWNED) return [];
  return [
    { range: [arg.range[0], arg.range[0]], text: `${HELPER_END_OWNED}(` },
    { range: [arg.range[1], arg.range[1]], text: ")" },
  ];
}

/**
 * The edits that make `scope`'s span record an error thrown from its callback, and the helpers they call (`wrap`:
 * `recordSpanErrors` around the callback; `end`: `endSpanWithError` in a decorated method's catch; `record`:
 * `recordSpanError` in a catch before a `finally` that ends the span). `origin`: where the error is thrown from in
 * this scope (the exit, or the inner scope that contains it).
 */
export function recordingEdits(
  scope: TracedScope,
  inner: readonly Edit[],
  sourceCode: Readonly<TSESLint.SourceCode>,
  eol: string,
  origin?: TSESTree.Node,
): { edits: Edit[]; consumed: Set<Edit>; uses: SpanHelperUse[] } {
  const consumed = new Set<Edit>();
  // The callback ends its span in a `finally`: recorded in that try before it ends (src/fixes/record-before-finally.ts).
  const before = origin && recordBeforeFinally(scope, origin, sourceCode, eol);
  const recordEdits = before?.edits ?? [];
  const recordUses: SpanHelperUse[] = recordEdits.length > 0 ? ["record"] : [];
  const wraps = helperWouldRecord(scope, sourceCode) || (before?.wrap === true && !scope.wrapped);
  if (scope.callbackArg) return wraps ? { edits: [...recordEdits, ...wrapEdits(scope.callbackArg)], consumed, uses: [...recordUses, "wrap"] } : { edits: recordEdits, consumed, uses: recordUses };
  if (!wraps) return { edits: [], consumed, uses: [] };
  // Decorated method: its body goes into a try whose catch records and rethrows.
  const body = scope.callback.body;
  if (body.type !== AST_NODE_TYPES.BlockStatement || isBodyWrapped(body)) return { edits: [], consumed, uses: [] };
  const contained = inner.filter((edit) => edit.range[0] > body.range[0] && edit.range[1] < body.range[1]);
  for (const edit of contained) consumed.add(edit);
  const awaits = scope.callback.async ? awaitReturns(body, contained, sourceCode) : [];
  return { edits: [wrapBodyInTry(sourceCode, body, `throw ${HELPER_END}(error);`, [...contained, ...awaits], eol)], consumed, uses: ["end"] };
}

/** `recordSpanErrors(` … `)` around a scope's callback argument. */
function wrapEdits(callbackArg: TSESTree.Node): Edit[] {
  const [start, end] = callbackArg.range;
  return [
    { range: [start, start], text: `${HELPER_WRAP}(` },
    { range: [end, end], text: ")" },
  ];
}

/** Expressions that `await x` takes whole, without parentheses. */
const TIGHT = new Set<string>([AST_NODE_TYPES.Identifier, AST_NODE_TYPES.CallExpression, AST_NODE_TYPES.MemberExpression, AST_NODE_TYPES.NewExpression, AST_NODE_TYPES.ThisExpression]);

/** Returned values that are never a promise (or are awaited already): nothing to await. */
const NEVER_THENABLE = new Set<string>([
  AST_NODE_TYPES.AwaitExpression,
  AST_NODE_TYPES.Literal,
  AST_NODE_TYPES.TemplateLiteral,
  AST_NODE_TYPES.ArrayExpression,
  AST_NODE_TYPES.BinaryExpression,
  AST_NODE_TYPES.UnaryExpression,
  AST_NODE_TYPES.UpdateExpression,
  AST_NODE_TYPES.ArrowFunctionExpression,
  AST_NODE_TYPES.FunctionExpression,
]);

/**
 * In an async method, `return promise` inside a `try` leaves the try before the promise settles, so its
 * rejection never reaches the catch: each `return x` of the body (not of nested functions) becomes
 * `return await x`, as in
 *   @traceloop.workflow({ name: "ingest" }) async run() { try { return await this.store(rows); } catch … }
 * Returns that another edit already rewrites are left to it.
 */
function awaitReturns(body: TSESTree.BlockStatement, edits: readonly Edit[], sourceCode: Readonly<TSESLint.SourceCode>): Edit[] {
  const added: Edit[] = [];
  walk(body, sourceCode.visitorKeys, (node) => {
    if (node !== body && isFunction(node)) return false;
    if (node.type !== AST_NODE_TYPES.ReturnStatement || !node.argument || NEVER_THENABLE.has(node.argument.type)) return undefined;
    const [start, end] = node.range;
    if (edits.some((edit) => edit.range[0] < end && edit.range[1] > start)) return undefined;
    const [from, to] = node.argument.range;
    // `await` binds tighter than `?:`, `||`, `,` and the like: those arguments go in parentheses.
    if (TIGHT.has(node.argument.type)) added.push({ range: [from, from], text: "await " });
    else added.push({ range: [from, from], text: "await (" }, { range: [to, to], text: ")" });
    return undefined;
  });
  return added;
}

/** Suggestion fixer: throw instead of exit, recorded on the spans. `undefined` when no safe rewrite exists. */
export function throwInsteadOfExit(
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  exit: ExitCall,
  reach: Reach,
  entryEdits: () => readonly Edit[] = () => [],
): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[]) | undefined {
  const site = exitSite(exit);
  if (!site || containedScope(reach) || caughtLocally(exit.node, sourceCode) || inDeferredCallback(exit.node, reach.scope.callback)) return undefined;
  return (fixer) => {
    const eol = fileFlavour(sourceCode, filename).eol;
    const recordOn = reach.via.length === 0 ? recordThrownOn(reach.scope, exit.node, sourceCode) : undefined;
    // The entries that would end the program with another code than the error carries (entry-exit-code.ts).
    let edits: Edit[] = [throwEdit(sourceCode, exit, site, reach.scope, recordOn), ...entryEdits()];
    const helpers = new Set<SpanHelperUse>(recordOn === undefined ? [] : ["record"]);
    // A recursive function reaches its own scope again (`walk()` calling `walk()` inside its task): one wrap per callback.
    const scopes = [reach.scope, ...reach.outer].filter((scope, index, all) => all.findIndex((other) => other.callback === scope.callback) === index);
    let needsOwnedHelper = false;
    // Where the error comes from in each scope: the exit in the innermost, then the scope just inside.
    let origin: TSESTree.Node = exit.node;
    for (const scope of scopes) {
      // A span the caller owns (Langfuse's `endOnExit: false`) is ended once the SDK has recorded the error.
      const owned = ownedEndEdits(scope, sourceCode);
      needsOwnedHelper ||= owned.length > 0;
      edits.push(...owned);
      const { edits: added, consumed, uses } = recordingEdits(scope, edits, sourceCode, eol, origin);
      origin = scope.anchor;
      if (added.length === 0) continue;
      for (const use of uses) helpers.add(use);
      edits = [...edits.filter((edit) => !consumed.has(edit)), ...added];
    }
    const fixes = edits.map(toFix);
    if (helpers.size > 0) fixes.push(...ensureSpanHelpers(fixer, sourceCode, filename, [...helpers]));
    if (needsOwnedHelper) fixes.push(...ensureOwnedHelper(fixer, sourceCode, filename));
    return fixes;
  };
}

/**
 * Suggestion fixer: `return` instead of a successful exit directly in the scope callback, where that keeps
 * the span and the types whole: the SDK ends the span when the callback returns (not `startActiveSpan`,
 * whose callback ends it further down, after the `return`), and the callback returns no value anywhere (a
 * bare `return` where it returns a number changes its type for every caller). Elsewhere the throw carrying
 * exit code 0 is the rewrite.
 */
export function returnInsteadOfExit(sourceCode: Readonly<TSESLint.SourceCode>, exit: ExitCall, reach: Reach): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix) | undefined {
  const success = exit.method === "exit" && (exit.codeValue === 0 || exit.codeText === undefined);
  const site = exitSite(exit);
  if (!success || !reach.direct || site?.kind !== "statement" || containedScope(reach)) return undefined;
  if (reach.scope.spec.errors === "user-owned" || returnsValue(reach.scope.callback, site.statement, sourceCode)) return undefined;
  return (fixer) => fixer.replaceText(site.statement, "return;");
}

/** The function returns a value somewhere: an expression body, or a `return x` of its own other than `exit` (`return process.exit()`). */
function returnsValue(fn: FunctionNode, exit: TSESTree.Statement, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return true;
  let found = false;
  walk(fn.body, sourceCode.visitorKeys, (node) => {
    if (node !== fn.body && isFunction(node)) return false;
    found ||= node.type === AST_NODE_TYPES.ReturnStatement && node.argument !== null && node !== exit;
    return !found;
  });
  return found;
}

