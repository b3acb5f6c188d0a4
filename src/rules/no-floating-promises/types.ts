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

/** `ts.TypeFlags.Any`: unchanged since TypeScript 2. An unresolved import also has this type. */
const TYPE_FLAGS_ANY = 1;

export interface TypeJudge {
  /** The type of an expression: a thenable, an array or tuple of them, `any`, or something else. */
  kindOf(node: TSESTree.Node): "thenable" | "array" | "any" | "other";
  /** A value that can be called: a real rejection handler. */
  isCallable(node: TSESTree.Node): boolean;
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

  return {
    kindOf(node) {
      const type = typeOf(node);
      if (!type || isAny(type)) return "any";
      const at = services.esTreeNodeToTSNodeMap.get(node);
      if (isThenable(type, at)) return "thenable";
      if (isThenableArray(type, at)) return "array";
      return "other";
    },
    isCallable(node) {
      const type = typeOf(node);
      return type === undefined || isAny(type) || hasCallSignature(type);
    },
    callReturns(node) {
      const type = typeOf(node);
      if (!type || isAny(type)) return "any";
      const at = services.esTreeNodeToTSNodeMap.get(node);
      const signatures = unionParts(checker.getApparentType(type)).flatMap((part) => part.getCallSignatures());
      return signatures.some((signature) => isThenable(checker.getReturnTypeOfSignature(signature), at)) ? "thenable" : "other";
    },
  };
}
