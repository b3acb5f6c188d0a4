/**
 * Thenables judged by the TypeScript checker, in the way of typescript-eslint's
 * `no-floating-promises` with `checkThenables: true`: a value is a promise when some
 * member of its (apparent) union type has a `then(onFulfilled, onRejected)` taking two
 * functions, so `Promise`, its subclasses, `PromiseLike` and query-builder thenables all
 * count; a `then` without a rejection parameter does not, since nothing can be lost.
 *
 * Only the checker is used, never the `typescript` module itself: it is an optional
 * peer dependency, and the plugin must load without it.
 */
import type * as ts from "typescript";
import type { ParserServicesWithTypeInformation, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";

/** `ts.TypeFlags.Any`: unchanged since TypeScript 2. An unresolved import also has this type. */
const TYPE_FLAGS_ANY = 1;
/** `ts.TypeFlags` Undefined … Never: `void`, `string`, literals, enums. No type argument turns these into a thenable. */
const TYPE_FLAGS_PRIMITIVE = 0x3fffc;

export interface TypeJudge {
  /** The type of an expression: a thenable, an array or tuple of them, `any`, or something else. */
  kindOf(node: TSESTree.Node): "thenable" | "array" | "any" | "other";
  /** A value that can be called, whatever member of its union it holds: a real rejection handler. */
  isCallable(node: TSESTree.Node): boolean;
  /** `await value` leaves an array (or tuple) of thenables, none of them awaited. */
  awaitsArray(node: TSESTree.AwaitExpression): boolean;
  /** Calling it returns a thenable; `any` when the type says nothing. */
  callReturns(node: TSESTree.Node): "thenable" | "any" | "other";
}

function unionParts(type: ts.Type): readonly ts.Type[] {
  return type.isUnion() ? type.types : [type];
}

export function createTypeJudge(services: ParserServicesWithTypeInformation): TypeJudge {
  const checker = services.program.getTypeChecker();
  const thenableCache = new Map<ts.Type, boolean>();

  const typeOf = (node: TSESTree.Node): ts.Type | undefined => {
    try {
      return services.getTypeAtLocation(node);
    } catch {
      // The checker throws on a few malformed trees (typescript-eslint#11947): no type, no verdict.
      return undefined;
    }
  };

  const isAny = (type: ts.Type) => (type.flags & TYPE_FLAGS_ANY) !== 0;

  const hasCallSignature = (type: ts.Type) => unionParts(checker.getApparentType(type)).some((part) => part.getCallSignatures().length > 0);

  function isThenable(type: ts.Type, at: ts.Node): boolean {
    const cached = thenableCache.get(type);
    if (cached !== undefined) return cached;
    let result = false;
    for (const part of unionParts(type)) {
      const then = checker.getApparentType(part).getProperty("then");
      if (!then) continue;
      const thenType = checker.getTypeOfSymbolAtLocation(then, at);
      result = unionParts(thenType).some((candidate) =>
        candidate.getCallSignatures().some((signature) => {
          const [onFulfilled, onRejected] = signature.parameters;
          return (
            onFulfilled !== undefined &&
            onRejected !== undefined &&
            hasCallSignature(checker.getTypeOfSymbolAtLocation(onFulfilled, at)) &&
            hasCallSignature(checker.getTypeOfSymbolAtLocation(onRejected, at))
          );
        }),
      );
      if (result) break;
    }
    thenableCache.set(type, result);
    return result;
  }

  function isThenableArray(type: ts.Type, at: ts.Node): boolean {
    for (const part of unionParts(type)) {
      const apparent = checker.getApparentType(part);
      if (checker.isArrayType(apparent) || checker.isTupleType(apparent)) {
        if (checker.getTypeArguments(apparent as ts.TypeReference).some((element) => isThenable(element, at))) return true;
      }
    }
    return false;
  }

  type Kind = "thenable" | "array" | "any" | "other";

  function kindOfType(type: ts.Type | undefined, at: ts.Node): Kind {
    if (!type || isAny(type)) return "any";
    if (isThenable(type, at)) return "thenable";
    if (isThenableArray(type, at)) return "array";
    return "other";
  }

  /**
   * The types a call returns, read from the callee's signatures when none is generic (or a generic
   * one returns a thenable or a primitive whatever its type arguments): the checker then skips
   * resolving the call, which checks every argument and infers type arguments. `undefined` when only
   * resolving the call can tell; `"any"` for an untyped callee.
   */
  function calleeReturnTypes(call: TSESTree.CallExpression, at: ts.Node): readonly ts.Type[] | "any" | undefined {
    const calleeType = typeOf(call.callee);
    if (!calleeType) return undefined;
    if (isAny(calleeType)) return "any";
    const signatures = unionParts(checker.getApparentType(calleeType)).flatMap((part) => part.getCallSignatures());
    const returnTypes: ts.Type[] = [];
    for (const signature of signatures) {
      const returnType = checker.getReturnTypeOfSignature(signature);
      // A generic signature's return type may depend on the type arguments: `get<T>(): T`.
      // Not when it is a thenable whatever they are (`Promise<T>`), nor when it is primitive (`emit<E>(e: E): void`).
      if (signature.typeParameters?.length && !isThenable(returnType, at) && !unionParts(returnType).every((part) => (part.flags & TYPE_FLAGS_PRIMITIVE) !== 0)) {
        return undefined;
      }
      returnTypes.push(returnType);
    }
    return returnTypes;
  }

  /** The kind of a call from its callee's signatures when they all agree; `undefined` when only resolving the call can tell. */
  function kindOfCallFromCallee(call: TSESTree.CallExpression, at: ts.Node): Kind | undefined {
    const returnTypes = calleeReturnTypes(call, at);
    if (returnTypes === "any") return "any";
    const kinds = new Set(returnTypes?.map((type) => kindOfType(type, at)));
    return kinds.size === 1 ? [...kinds][0] : undefined;
  }

  /**
   * `await promises`: awaiting an array waits for none of its promises. Read from the awaited value's
   * type, and for `await call()` from the callee's return types, so an ordinary `await save()` costs no
   * call resolution.
   */
  function awaitsArray(node: TSESTree.AwaitExpression): boolean {
    const at = services.esTreeNodeToTSNodeMap.get(node);
    const argument = node.argument;
    const fromCallee = argument.type === AST_NODE_TYPES.CallExpression ? calleeReturnTypes(argument, at) : undefined;
    if (fromCallee === "any") return false;
    const operand = fromCallee ?? [typeOf(argument)];
    return operand.some((type) => {
      if (!type || isAny(type)) return false;
      // `Promise<Promise<void>[]>` awaits to `Promise<void>[]`. `getAwaitedType` is in TypeScript 6's public typings
      // (microsoft/TypeScript#59256) and on the checker, internal, before it; the type itself if it were ever absent.
      const awaited = checker.getAwaitedType?.(type) ?? type;
      return isThenableArray(awaited, at);
    });
  }

  return {
    kindOf(node) {
      const at = services.esTreeNodeToTSNodeMap.get(node);
      if (node.type === AST_NODE_TYPES.CallExpression) {
        const kind = kindOfCallFromCallee(node, at);
        if (kind !== undefined) return kind;
      }
      return kindOfType(typeOf(node), at);
    },
    isCallable(node) {
      const type = typeOf(node);
      // Callable as a whole, as typescript-eslint asks: `string | (() => void)` may be a string, and handles nothing then.
      return type === undefined || isAny(type) || checker.getApparentType(type).getCallSignatures().length > 0;
    },
    awaitsArray,
    callReturns(node) {
      const type = typeOf(node);
      if (!type || isAny(type)) return "any";
      const at = services.esTreeNodeToTSNodeMap.get(node);
      const signatures = unionParts(checker.getApparentType(type)).flatMap((part) => part.getCallSignatures());
      return signatures.some((signature) => isThenable(checker.getReturnTypeOfSignature(signature), at)) ? "thenable" : "other";
    },
  };
}
