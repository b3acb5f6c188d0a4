/**
 * One verdict for both modes: with type information the checker decides, and the
 * shapes of `syntax.ts` decide where the type is `any` (an unresolved import, a
 * JavaScript file in the program); without it the shapes decide alone.
 */
import type { ParserServicesWithTypeInformation, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import { isFunction } from "../../scopes/ast";
import type { SyntaxJudge } from "./syntax";
import { promiseMethodCall, skipToValue } from "./syntax";
import { createTypeJudge } from "./types";

export interface Floating {
  /** The expression that leaves the promise: the statement's expression, or one item of a comma list. */
  readonly node: TSESTree.Node;
  /** One promise, or an array of them (`items.map(async …)`). */
  readonly kind: "promise" | "array";
}

export interface Judge {
  readonly typed: boolean;
  /** What an expression statement leaves unhandled, if anything. */
  floating(expression: TSESTree.Node): Floating | undefined;
  /** The expression evaluates to a promise (handled or not). */
  isPromise(expression: TSESTree.Node): boolean;
  /** A callback argument whose call returns a promise: `async () => …`, a same-file async function. */
  callbackReturnsPromise(callback: TSESTree.Node): boolean;
}

/** Expressions that never evaluate to a thenable: no type query needed. */
const NEVER_PROMISE = new Set<string>([
  AST_NODE_TYPES.AssignmentExpression,
  AST_NODE_TYPES.UpdateExpression,
  AST_NODE_TYPES.UnaryExpression,
  AST_NODE_TYPES.BinaryExpression,
  AST_NODE_TYPES.Literal,
  AST_NODE_TYPES.TemplateLiteral,
  AST_NODE_TYPES.ThisExpression,
  AST_NODE_TYPES.ArrowFunctionExpression,
  AST_NODE_TYPES.FunctionExpression,
  AST_NODE_TYPES.ClassExpression,
  AST_NODE_TYPES.MetaProperty,
]);

/** `value as Promise<T>`, `<Promise<T>>value`, `value satisfies T`, `value!`: the statement's type is the asserted one. */
type Assertion = TSESTree.TSAsExpression | TSESTree.TSTypeAssertion | TSESTree.TSSatisfiesExpression | TSESTree.TSNonNullExpression;
const ASSERTIONS = new Set<string>([AST_NODE_TYPES.TSAsExpression, AST_NODE_TYPES.TSTypeAssertion, AST_NODE_TYPES.TSSatisfiesExpression, AST_NODE_TYPES.TSNonNullExpression]);

export function createSyntaxOnlyJudge(syntax: SyntaxJudge): Judge {
  return {
    typed: false,
    floating(expression) {
      const inner = skipToValue(expression);
      if (inner.type === AST_NODE_TYPES.SequenceExpression) {
        const item = inner.expressions.find((candidate) => syntax.isUnhandled(candidate));
        return item ? { node: item, kind: "promise" } : undefined;
      }
      return syntax.isUnhandled(inner) ? { node: expression, kind: "promise" } : undefined;
    },
    isPromise: (expression) => syntax.isPromise(expression),
    callbackReturnsPromise(callback) {
      const inner = skipToValue(callback);
      if (isFunction(inner)) return syntax.returnsPromise(inner);
      return syntax.referencedFunction(inner) !== undefined;
    },
  };
}

export function createTypedJudge(syntax: SyntaxJudge, services: ParserServicesWithTypeInformation): Judge {
  const types = createTypeJudge(services);

  /** Mirrors typescript-eslint's `isUnhandledPromise`, with the shapes as fallback for `any`. */
  function unhandled(node: TSESTree.Node): "promise" | "array" | undefined {
    const outer = node.type === AST_NODE_TYPES.ChainExpression ? node.expression : node;
    if (ASSERTIONS.has(outer.type)) return unhandledAsserted(outer as Assertion);
    const inner = skipToValue(node);
    // Not a `yield`: it evaluates to whatever the generator's caller sends in, a promise maybe.
    if (NEVER_PROMISE.has(inner.type)) return undefined;
    // `await` settles a promise, not an array of them.
    if (inner.type === AST_NODE_TYPES.AwaitExpression) return types.awaitsArray(inner) ? "array" : undefined;
    if (inner.type === AST_NODE_TYPES.SequenceExpression) {
      for (const item of inner.expressions) {
        const verdict = unhandled(item);
        if (verdict) return verdict;
      }
      return undefined;
    }
    const kind = types.kindOf(inner);
    if (kind === "any") return syntax.isUnhandled(inner) ? "promise" : undefined;
    if (kind !== "thenable") return kind === "array" ? "array" : undefined;
    if (inner.type === AST_NODE_TYPES.ConditionalExpression) return unhandled(inner.alternate) ?? unhandled(inner.consequent);
    if (inner.type === AST_NODE_TYPES.LogicalExpression) return unhandled(inner.left) ?? unhandled(inner.right);
    const call = promiseMethodCall(inner);
    if (call?.method === "finally") return unhandled(call.object);
    // `.catch(handler)` and `.then(_, handler)` handle it, when the handler can be called at all.
    if (call && call.onRejected !== undefined && types.isCallable(call.onRejected)) return undefined;
    return "promise";
  }

  /**
   * `value as Promise<number>`: a promise by its value or by the type asserted on it. A value that is a
   * handled promise stays handled whatever it is cast to (`save().catch(log) as Promise<void>`).
   */
  function unhandledAsserted(node: Assertion): "promise" | "array" | undefined {
    const value = unhandled(node.expression);
    if (value || isPromise(node.expression)) return value;
    const kind = types.kindOf(node);
    if (kind === "thenable") return "promise";
    return kind === "array" ? kind : undefined;
  }

  function isPromise(expression: TSESTree.Node): boolean {
    const inner = skipToValue(expression);
    // An awaited value is settled (an array of promises is no promise either).
    if (NEVER_PROMISE.has(inner.type) || inner.type === AST_NODE_TYPES.AwaitExpression) return false;
    const kind = types.kindOf(inner);
    return kind === "thenable" || (kind === "any" && syntax.isPromise(inner));
  }

  return {
    typed: true,
    floating(expression) {
      const inner = skipToValue(expression);
      if (inner.type === AST_NODE_TYPES.SequenceExpression) {
        for (const item of inner.expressions) {
          const kind = unhandled(item);
          if (kind) return { node: item, kind };
        }
        return undefined;
      }
      // The expression itself, not its value: `value as Promise<T>` is judged by the asserted type too.
      const kind = unhandled(expression);
      return kind ? { node: expression, kind } : undefined;
    },
    isPromise,
    callbackReturnsPromise(callback) {
      const inner = skipToValue(callback);
      if (isFunction(inner) && inner.async) return !inner.generator;
      const returns = types.callReturns(inner);
      if (returns === "any") return isFunction(inner) ? syntax.returnsPromise(inner) : syntax.referencedFunction(inner) !== undefined;
      return returns === "thenable";
    },
  };
}
