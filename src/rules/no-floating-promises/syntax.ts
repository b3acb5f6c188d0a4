/**
 * Promises recognised by their shape alone, for files linted without type information.
 * Deliberately narrow: each form below is a promise whatever the types say.
 *
 *   traceloop.withTask({ name }, async () => …)   an opener call (Traceloop's `with*` always return a Promise)
 *   fetchDocuments(query)                          a same-file `async function` / `const f = async () => …`
 *   saveUsage(n)                                   a same-file plain function whose every return returns one of
 *                                                  these: `function saveUsage(n) { return traceloop.withTask(…); }`
 *   this.store(record), store.save(record)         a same-file `async` method (of this class, an object literal, a class)
 *   (async () => { … })()                          an async IIFE
 *   new Promise(…), Promise.all(…), import(…)
 *   anything.then(onFulfilled)                     `then` without a rejection handler
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FileModel, TracedScope } from "../../scopes/model";
import { isFunction, memberName, skipWrappers, walk } from "../../scopes/ast";
import { memberFunction } from "../../scopes/members";
import type { FunctionNode } from "../../scopes/ast";

/** `Promise.<name>(…)` that returns a promise which can reject. */
const PROMISE_STATICS = new Set(["all", "allSettled", "any", "race", "reject", "try"]);

/** `(x)`, `x as T`, `x!` and `a?.b()` around an expression. */
export function skipToValue(node: TSESTree.Node): TSESTree.Node {
  let current = skipWrappers(node);
  while (current.type === AST_NODE_TYPES.ChainExpression) current = skipWrappers(current.expression);
  return current;
}

/** `.then(a, b)` / `.catch(b)` / `.finally(f)` on any object. */
export type PromiseMethod =
  | { readonly method: "then" | "catch"; readonly object: TSESTree.Node; readonly onRejected: TSESTree.Node | undefined }
  | { readonly method: "finally"; readonly object: TSESTree.Node };

export function promiseMethodCall(node: TSESTree.Node): PromiseMethod | undefined {
  if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = skipWrappers(node.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = memberName(callee);
  const args = node.arguments;
  // A spread hides which argument is which: no handler we can see.
  const handlerAt = (index: number) => (args.slice(0, index + 1).some((arg) => arg.type === AST_NODE_TYPES.SpreadElement) ? undefined : args[index]);
  if (name === "then") return { method: "then", object: callee.object, onRejected: handlerAt(1) };
  if (name === "catch") return { method: "catch", object: callee.object, onRejected: handlerAt(0) };
  if (name === "finally") return { method: "finally", object: callee.object };
  return undefined;
}

/** `undefined`, `null` and `void 0` are no handler at all. */
function isNoHandler(node: TSESTree.Node): boolean {
  const inner = skipWrappers(node);
  return (
    (inner.type === AST_NODE_TYPES.Literal && inner.value === null) ||
    (inner.type === AST_NODE_TYPES.Identifier && inner.name === "undefined") ||
    (inner.type === AST_NODE_TYPES.UnaryExpression && inner.operator === "void")
  );
}

export interface SyntaxJudge {
  /** The expression evaluates to a promise, by its shape. */
  isPromise(node: TSESTree.Node): boolean;
  /** The expression, used as a statement, leaves a promise whose rejection nobody handles. */
  isUnhandled(node: TSESTree.Node): boolean;
  /** A function that returns a promise when called: `async`, or an arrow whose body is a promise. */
  returnsPromise(fn: FunctionNode): boolean;
  /** `handler` or `this.handler` naming a same-file function that returns a promise. */
  referencedFunction(node: TSESTree.Node): FunctionNode | undefined;
  /** The traced scope an opener call opens, when the call is one. */
  scopeOpenedBy(node: TSESTree.Node): TracedScope | undefined;
  /** A call of a real global (`setTimeout`, `Promise`), not of a local that shadows it. */
  isGlobal(node: TSESTree.Node, name: string): boolean;
}

export function createSyntaxJudge(sourceCode: Readonly<TSESLint.SourceCode>, model: FileModel): SyntaxJudge {
  let anchors: Map<TSESTree.Node, TracedScope> | undefined;
  const scopeOpenedBy = (node: TSESTree.Node) => {
    // Not the scopes of an options object's callbacks (`streamText({ onFinish })`): the call returns what the SDK
    // makes, not what that callback returns.
    anchors ??= new Map(
      model
        .scopes()
        .filter((scope) => scope.anchor.type === AST_NODE_TYPES.CallExpression && !(scope.spec.form === "call" && scope.spec.callbackProperties))
        .map((scope) => [scope.anchor, scope]),
    );
    return anchors.get(node);
  };

  const isGlobal = (node: TSESTree.Node, name: string): boolean => {
    if (node.type !== AST_NODE_TYPES.Identifier || node.name !== name) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
    // No variable: globals are not declared in this config; a variable without definitions: the declared global.
    return !variable || variable.defs.length === 0;
  };

  /** The function a callee or callback reference stands for, when it is declared once in this file. */
  const functionOf = (node: TSESTree.Node): FunctionNode | undefined => {
    const inner = skipWrappers(node);
    if (isFunction(inner)) return inner;
    if (inner.type === AST_NODE_TYPES.Identifier) {
      const variable = ASTUtils.findVariable(sourceCode.getScope(inner), inner);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (def?.node.type === AST_NODE_TYPES.FunctionDeclaration) return def.node;
      if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.id === def.name && def.node.init) {
        const init = skipWrappers(def.node.init);
        return isFunction(init) ? init : undefined;
      }
      return undefined;
    }
    // this.save(), helpers.save(), Store.save(), store.save(): a same-file method (src/scopes/members.ts).
    return memberFunction(sourceCode, inner);
  };

  /** Plain functions being judged: a recursive `function f() { return f(); }` is not known to return a promise. */
  const pending = new Set<FunctionNode>();
  const plainReturns = new Map<FunctionNode, boolean>();

  function returnsPromise(fn: FunctionNode): boolean {
    if (fn.async) return !fn.generator;
    if (fn.generator) return false;
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return isPromise(fn.body);
    const known = plainReturns.get(fn);
    if (known !== undefined) return known;
    if (pending.has(fn)) return false;
    pending.add(fn);
    try {
      const result = everyReturnIsPromise(fn.body);
      plainReturns.set(fn, result);
      return result;
    } finally {
      pending.delete(fn);
    }
  }

  /**
   * `function save(n) { return traceloop.withTask(…); }`: the body cannot end without a `return` (or a throw), and
   * every `return` of its own (not of the functions nested in it) returns a promise.
   */
  function everyReturnIsPromise(body: TSESTree.BlockStatement): boolean {
    if (!alwaysLeaves(body)) return false;
    let every = true;
    walk(body, sourceCode.visitorKeys, (node) => {
      if (!every || isFunction(node)) return false;
      if (node.type === AST_NODE_TYPES.ReturnStatement) every = !!node.argument && isPromise(node.argument);
      return every;
    });
    return every;
  }

  /** The statement never completes normally: it returns or throws on every path (as far as `if`/`else` and blocks show). */
  function alwaysLeaves(statement: TSESTree.Statement): boolean {
    switch (statement.type) {
      case AST_NODE_TYPES.ReturnStatement:
      case AST_NODE_TYPES.ThrowStatement:
        return true;
      case AST_NODE_TYPES.BlockStatement: {
        const last = statement.body.at(-1);
        return last !== undefined && alwaysLeaves(last);
      }
      case AST_NODE_TYPES.IfStatement:
        return !!statement.alternate && alwaysLeaves(statement.consequent) && alwaysLeaves(statement.alternate);
      default:
        return false;
    }
  }

  function isPromise(node: TSESTree.Node): boolean {
    const inner = skipToValue(node);
    switch (inner.type) {
      case AST_NODE_TYPES.ImportExpression:
        return true;
      case AST_NODE_TYPES.NewExpression:
        return isGlobal(inner.callee, "Promise");
      case AST_NODE_TYPES.ConditionalExpression:
        return isPromise(inner.consequent) || isPromise(inner.alternate);
      case AST_NODE_TYPES.LogicalExpression:
        return isPromise(inner.left) || isPromise(inner.right);
      case AST_NODE_TYPES.SequenceExpression:
        return isPromise(inner.expressions.at(-1) as TSESTree.Node);
      case AST_NODE_TYPES.CallExpression:
        return isPromiseCall(inner);
      default:
        return false;
    }
  }

  function isPromiseCall(call: TSESTree.CallExpression): boolean {
    if (promiseMethodCall(call)) return true;
    const callee = skipWrappers(call.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && isGlobal(skipWrappers(callee.object), "Promise")) {
      return PROMISE_STATICS.has(memberName(callee) ?? "");
    }
    const scope = scopeOpenedBy(call);
    if (scope) return openerReturnsPromise(scope);
    const fn = functionOf(callee);
    return fn !== undefined && returnsPromise(fn);
  }

  /** Traceloop's `with*` are typed `Promise<any>` whatever the callback; the others return the callback's result. */
  function openerReturnsPromise(scope: TracedScope): boolean {
    if (scope.spec.sdk === "traceloop" && scope.spec.form === "call") return true;
    return returnsPromise(scope.callback);
  }

  /** A `.catch(handler)` or `.then(_, handler)` somewhere down the chain (`.finally` passes rejections on). */
  function isHandled(node: TSESTree.Node): boolean {
    const call = promiseMethodCall(skipToValue(node));
    if (!call) return false;
    if (call.method === "finally") return isHandled(call.object);
    return call.onRejected !== undefined && !isNoHandler(call.onRejected);
  }

  function isUnhandled(node: TSESTree.Node): boolean {
    const inner = skipToValue(node);
    switch (inner.type) {
      case AST_NODE_TYPES.SequenceExpression:
        return inner.expressions.some((expression) => isUnhandled(expression));
      case AST_NODE_TYPES.ConditionalExpression:
        return isUnhandled(inner.consequent) || isUnhandled(inner.alternate);
      case AST_NODE_TYPES.LogicalExpression:
        return isUnhandled(inner.left) || isUnhandled(inner.right);
      default:
        return isPromise(inner) && !isHandled(inner);
    }
  }

  const referencedFunction = (node: TSESTree.Node): FunctionNode | undefined => {
    const inner = skipWrappers(node);
    if (inner.type !== AST_NODE_TYPES.Identifier && inner.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const fn = functionOf(node);
    return fn && returnsPromise(fn) ? fn : undefined;
  };

  return { isPromise, isUnhandled, returnsPromise, referencedFunction, scopeOpenedBy, isGlobal };
}
