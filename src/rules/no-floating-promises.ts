/**
 * A promise inside a traced scope that nobody awaits either rejects after the span
 * has ended (the failure never reaches the trace) or, since Node 15, ends the process
 * with an unhandled rejection before anything is exported.
 *
 * Without type information the promise is recognised by its shape (`./no-floating-promises/syntax.ts`);
 * with it, by its type, as typescript-eslint's `no-floating-promises` does — but only
 * inside traced scope, so most of a program is never type-checked by this rule.
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES, ESLintUtils } from "@typescript-eslint/utils";
import { createRule } from "../utils/create-rule";
import { describeReach, describeScope, getFileModel, walk } from "../scopes/model";
import type { FileModel, Reach } from "../scopes/model";
import { catalogueFor } from "../scopes/settings";
import { mightOpenScope } from "../scopes/prefilter";
import { isFunction, memberName, skipWrappers } from "../scopes/ast";
import { createSyntaxJudge, skipToValue } from "./no-floating-promises/syntax";
import type { SyntaxJudge } from "./no-floating-promises/syntax";
import { createSyntaxOnlyJudge, createTypedJudge } from "./no-floating-promises/judge";
import type { Judge } from "./no-floating-promises/judge";
import { callbackSite } from "./no-floating-promises/callbacks";
import { RECORD_HELPER, awaitAllFix, awaitArrayFix, awaitFix, catchFix, catchInsideFix } from "./no-floating-promises/fixes";
import { enclosingFunction } from "../scopes/ast";

export type Options = [];
export type MessageId =
  | "floating"
  | "voided"
  | "floatingArray"
  | "returnedFromTry"
  | "floatingCallback"
  | "addAwait"
  | "addCatch"
  | "awaitAll"
  | "catchInside";

type Context = Readonly<TSESLint.RuleContext<MessageId, Options>>;
type Suggestion = TSESLint.SuggestionReportDescriptor<MessageId>;

interface Env {
  readonly context: Context;
  readonly model: FileModel;
  readonly syntax: SyntaxJudge;
  readonly judge: Judge;
}

export default createRule<Options, MessageId>({
  name: "no-floating-promises",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow promises inside a traced scope that are neither awaited, returned, nor given a rejection handler",
      recommended: true,
    },
    hasSuggestions: true,
    schema: [],
    messages: {
      floating: "{{what}} not awaited inside {{where}}: its rejection escapes the span.",
      voided: "{{what}} discarded with void inside {{where}}: its rejection escapes the span.",
      floatingArray: "Promises not awaited inside {{where}}: their rejections escape the span.",
      returnedFromTry: "{{what}} returned from a try whose finally ends the span, inside {{where}}: the span ends before it settles.",
      floatingCallback: "{{what}} passed to {{callee}} inside {{where}}: nothing awaits it, so its rejection escapes the span.",
      addAwait: "Await it: the {{kind}} waits for it, and a rejection fails the {{kind}}.",
      addCatch: `Add .catch(${RECORD_HELPER}): the rejection is recorded on the active span and goes no further.`,
      awaitAll: "Await them all with Promise.all: the {{kind}} waits for every one.",
      catchInside: `Catch inside the callback with ${RECORD_HELPER}(error): the error is recorded on the active span.`,
    },
  },
  defaultOptions: [],
  create(context) {
    // Settings are validated on every file, so a typo fails loudly (cached per settings object).
    const catalogue = catalogueFor(context.settings);
    if (!mightOpenScope(context.sourceCode.text, catalogue)) return {};
    const model = getFileModel(context);
    if (model.scopes().length === 0) return {};
    const syntax = createSyntaxJudge(context.sourceCode, model);
    const judge = context.sourceCode.parserServices?.program
      ? createTypedJudge(syntax, ESLintUtils.getParserServices(context, true) as ParserServicesWithTypeInformation)
      : createSyntaxOnlyJudge(syntax);
    const env: Env = { context, model, syntax, judge };
    return {
      ExpressionStatement: (node) => checkStatement(env, node),
      ArrowFunctionExpression(node) {
        // `() => void save()`: the arrow's value is dropped on purpose, and the rejection with it.
        if (node.body.type === AST_NODE_TYPES.UnaryExpression && node.body.operator === "void") checkVoid(env, node.body);
      },
      ReturnStatement: (node) => checkReturn(env, node),
      CallExpression: (node) => checkCallback(env, node),
    };
  },
});

function checkStatement(env: Env, statement: TSESTree.ExpressionStatement): void {
  const expression = skipToValue(statement.expression);
  if (expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === "void") {
    checkVoid(env, expression);
    return;
  }
  const found = inScopeAnd(env, statement, () => env.judge.floating(statement.expression));
  if (!found) return;
  const { reach, value: floating } = found;
  const { context } = env;
  const where = describeReach(reach);
  const canAwait = enclosingFunction(statement)?.async === true;
  // One item of `a(), b()` floats: neither fix applies to the whole list.
  const whole = floating.node === statement.expression;
  if (floating.kind === "array") {
    context.report({
      loc: reportLoc(floating.node),
      messageId: "floatingArray",
      data: { where },
      suggest: whole && canAwait ? [{ messageId: "awaitAll", data: { kind: reach.scope.spec.kind }, fix: awaitArrayFix(context.sourceCode, floating.node) }] : [],
    });
    return;
  }
  context.report({
    loc: reportLoc(floating.node),
    messageId: "floating",
    data: { what: describePromise(env, floating.node), where },
    suggest: whole ? promiseSuggestions(env, floating.node, reach, canAwait) : [],
  });
}

/**
 * The node's reach and what `test` found there, when both hold; the cheaper question first. Without type
 * information `test` reads shapes, and most statements are no promise at all, so it goes first; with types it
 * is a type query, dearer than reach (a walk up the enclosing functions, each answered once per file), so
 * reach goes first and code outside traced scope is never type-checked.
 */
function inScopeAnd<T>(env: Env, node: TSESTree.Node, test: () => T | undefined | false): { reach: Reach; value: T } | undefined {
  if (env.judge.typed) {
    const reach = env.model.reachOf(node);
    const value = reach && test();
    return reach && value ? { reach, value } : undefined;
  }
  const value = test();
  const reach = value ? env.model.reachOf(node) : undefined;
  return reach && value ? { reach, value } : undefined;
}

/** `void save()` inside a traced scope: the rejection is dropped on purpose, and with it the span's error. */
function checkVoid(env: Env, expression: TSESTree.UnaryExpression): void {
  const found = inScopeAnd(env, expression, () => env.judge.floating(expression.argument));
  if (!found || found.value.node !== expression.argument) return;
  const { reach, value: floating } = found;
  env.context.report({
    loc: reportLoc(expression),
    messageId: "voided",
    data: { what: describePromise(env, expression.argument), where: describeReach(reach) },
    suggest: floating.kind === "promise" ? promiseSuggestions(env, expression, reach, enclosingFunction(expression)?.async === true) : [],
  });
}

/** `await` first (the codemod applies the first suggestion), then `.catch()` where it cannot throw. */
function promiseSuggestions(env: Env, node: TSESTree.Node, reach: Reach, canAwait: boolean): Suggestion[] {
  const { sourceCode, filename } = env.context;
  const suggestions: Suggestion[] = [];
  if (canAwait) suggestions.push({ messageId: "addAwait", data: { kind: reach.scope.spec.kind }, fix: awaitFix(sourceCode, node) });
  if (catchable(env, node)) suggestions.push({ messageId: "addCatch", fix: catchFix(sourceCode, filename, node) });
  return suggestions;
}

/**
 * `(ready && save()).catch(…)` throws when `ready` is false: only when every branch is a promise. So does
 * `(value as Promise<number>).catch(…)` when only the assertion says it is one.
 */
function catchable(env: Env, node: TSESTree.Node): boolean {
  const inner = skipToValue(node.type === AST_NODE_TYPES.UnaryExpression ? node.argument : node);
  if (inner.type === AST_NODE_TYPES.ConditionalExpression) return env.judge.isPromise(inner.consequent) && env.judge.isPromise(inner.alternate);
  if (inner.type === AST_NODE_TYPES.LogicalExpression) return env.judge.isPromise(inner.left) && env.judge.isPromise(inner.right);
  return env.judge.isPromise(inner);
}

/**
 * `return work()` inside `try { … } finally { span.end(); }`: the finally runs as the
 * function returns, before `work()` settles, so the span ends first and misses the
 * failure. Counts even with a `.catch()`: the work still outlives its span.
 */
function checkReturn(env: Env, statement: TSESTree.ReturnStatement): void {
  const argument = statement.argument;
  if (!argument || !insideTryEndingSpan(env, statement)) return;
  const reach = inScopeAnd(env, statement, () => env.judge.isPromise(argument))?.reach;
  if (!reach) return;
  const canAwait = enclosingFunction(statement)?.async === true;
  env.context.report({
    loc: reportLoc(argument),
    messageId: "returnedFromTry",
    data: { what: describePromise(env, argument), where: describeReach(reach) },
    suggest: canAwait ? [{ messageId: "addAwait", data: { kind: reach.scope.spec.kind }, fix: awaitFix(env.context.sourceCode, argument) }] : [],
  });
}

function insideTryEndingSpan(env: Env, statement: TSESTree.Node): boolean {
  let child: TSESTree.Node = statement;
  for (let current = statement.parent; current && !isFunction(current); current = current.parent) {
    if (current.type === AST_NODE_TYPES.TryStatement && current.finalizer && child !== current.finalizer && endsSpan(env, current.finalizer)) return true;
    child = current;
  }
  return false;
}

/**
 * `span.end()`, `activeSpan?.end()`, `trace.getActiveSpan()?.end()`, or `.end()` on the
 * scope callback's first parameter (`startActiveSpan(name, (s) => …)`), as a statement of the
 * block itself: an end under a condition (`if (!(result instanceof Promise)) span.end();`, the
 * guard written for exactly this case) or in a callback does not surely run as the function returns.
 */
function endsSpan(env: Env, block: TSESTree.BlockStatement): boolean {
  return block.body.some((statement) => {
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
    const call = skipToValue(statement.expression);
    if (call.type !== AST_NODE_TYPES.CallExpression) return false;
    const callee = skipToValue(call.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== "end") return false;
    const object = skipToValue(callee.object);
    if (object.type === AST_NODE_TYPES.Identifier) return /span/iu.test(object.name) || isScopeParameter(env, object);
    if (object.type === AST_NODE_TYPES.CallExpression) {
      return memberName(skipWrappers(object.callee)) === "getActiveSpan" || (object.callee.type === AST_NODE_TYPES.Identifier && object.callee.name === "getActiveSpan");
    }
    return false;
  });
}

function isScopeParameter(env: Env, id: TSESTree.Identifier): boolean {
  return env.model.scopes().some((scope) => {
    const first = scope.callback.params[0];
    return first?.type === AST_NODE_TYPES.Identifier && first.name === id.name && id.range[0] > scope.callback.range[0] && id.range[1] < scope.callback.range[1];
  });
}

/** `items.forEach(async …)`, `setTimeout(async …)`, `emitter.on("x", async …)`: the returned promise is dropped. */
function checkCallback(env: Env, call: TSESTree.CallExpression): void {
  const site = callbackSite(call, env.syntax);
  if (!site) return;
  const reach = inScopeAnd(env, call, () => env.judge.callbackReturnsPromise(site.callback))?.reach;
  if (!reach) return;
  const { sourceCode, filename } = env.context;
  const callback = skipToValue(site.callback);
  const fn = isFunction(callback) ? callback : undefined;
  if (fn && handlesOwnRejection(env, fn)) return;
  const suggestions: Suggestion[] = [];
  if (site.kind === "forEach" && enclosingFunction(call)?.async === true) {
    const fix = awaitAllFix(call);
    if (fix) suggestions.push({ messageId: "awaitAll", data: { kind: reach.scope.spec.kind }, fix });
  }
  if (fn) {
    const bodyIsPromise = fn.body.type !== AST_NODE_TYPES.BlockStatement && env.judge.isPromise(fn.body);
    const fix = catchInsideFix(sourceCode, filename, fn, bodyIsPromise);
    if (fix) suggestions.push({ messageId: "catchInside", fix });
  }
  env.context.report({
    loc: fn ? functionHeadLoc(sourceCode, fn) : callback.loc,
    messageId: "floatingCallback",
    data: { what: fn?.async ? "Async callback" : "Callback returning a promise", callee: site.callee, where: describeReach(reach) },
    suggest: suggestions,
  });
}

/**
 * A callback whose promise cannot reject, as the catch-inside suggestion leaves it:
 * `async () => { try { … } catch (error) { … } }`, or `() => send().catch(handler)`.
 */
function handlesOwnRejection(env: Env, fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration): boolean {
  const body = fn.body;
  if (body.type === AST_NODE_TYPES.BlockStatement) {
    const only = body.body.length === 1 ? body.body[0] : undefined;
    return only?.type === AST_NODE_TYPES.TryStatement && only.handler !== null && !containsThrow(env, only.handler.body);
  }
  return env.judge.isPromise(body) && env.judge.floating(body) === undefined;
}

/** A `throw` in a catch block (outside nested functions) rejects again. */
function containsThrow(env: Env, block: TSESTree.BlockStatement): boolean {
  let found = false;
  walk(block, env.context.sourceCode.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.ThrowStatement && !insideFunctionWithin(node, block)) found = true;
  });
  return found;
}

function insideFunctionWithin(node: TSESTree.Node, root: TSESTree.Node): boolean {
  for (let current = node.parent; current && current !== root; current = current.parent) if (isFunction(current)) return true;
  return false;
}

/** "Task 'record_request'" for an opener call, else "Promise". */
function describePromise(env: Env, node: TSESTree.Node): string {
  const scope = env.syntax.scopeOpenedBy(skipToValue(node));
  if (!scope) return "Promise";
  const text = describeScope(scope);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The whole expression on one line; for a call spread over lines, up to the end of its callee. */
function reportLoc(node: TSESTree.Node): TSESTree.SourceLocation {
  if (node.loc.start.line === node.loc.end.line) return node.loc;
  let inner = skipToValue(node);
  if (inner.type === AST_NODE_TYPES.UnaryExpression) inner = skipToValue(inner.argument);
  if (inner.type === AST_NODE_TYPES.CallExpression || inner.type === AST_NODE_TYPES.NewExpression) {
    return { start: node.loc.start, end: inner.callee.loc.end };
  }
  return node.loc;
}

/** `async (item) =>` or `async function (item)`: the head, not the whole body. */
function functionHeadLoc(sourceCode: Readonly<TSESLint.SourceCode>, fn: TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression | TSESTree.FunctionDeclaration): TSESTree.SourceLocation {
  const beforeBody =
    fn.type === AST_NODE_TYPES.ArrowFunctionExpression
      ? sourceCode.getTokenBefore(fn.body, { filter: (token) => token.value === "=>" })
      : sourceCode.getTokenBefore(fn.body);
  return { start: fn.loc.start, end: beforeBody ? beforeBody.loc.end : fn.loc.end };
}
