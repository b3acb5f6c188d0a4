/**
 * Scopes whose span an option hands to the caller (catalogue `CALLER_OWNED`), as in
 *
 *   const observation = await startActiveObservation("handle", async (span) => { …; return span; }, { endOnExit: false });
 *   observation.update({ output }).end();
 *
 * On the success path the caller ends the span. When the callback throws or rejects, Langfuse 5.11 sets ERROR
 * and passes the error on without ending the span, and the caller's call rejects before it receives the span:
 * nobody can end it, so it is never exported. Ending it there is safe only where nothing else holds the span:
 * the callback's span parameter is used, in the callback's own body, only as `span.method(…);` statements
 * (never `end`) and `return span;`.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { enclosingFunction, memberName, skipWrappers } from "./ast";
import { CALLER_OWNED, type CallerOwnedSpec } from "./catalogue";
import type { TracedScope } from "./model";

/** The catalogue entry when the scope's options hand its span to the caller and the span can be ended on error here. */
export function callerOwnedOnError(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): CallerOwnedSpec | undefined {
  const { spec, anchor, callback } = scope;
  if (spec.form !== "call" || anchor.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const entry = CALLER_OWNED.find(
    (candidate) => candidate.sdk === spec.sdk && candidate.path.join(".") === spec.path.join(".") && candidate.modules.every((module) => spec.modules.includes(module)),
  );
  if (!entry) return undefined;
  const options = anchor.arguments[entry.options];
  if (options?.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  const option = options.properties.find(
    (property): property is TSESTree.Property =>
      property.type === AST_NODE_TYPES.Property && !property.computed && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === entry.property,
  );
  const value = option && ASTUtils.getStaticValue(option.value, sourceCode.getScope(option.value));
  if (!value || value.value !== entry.value) return undefined;
  const param = callback.params[0];
  if (param?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = sourceCode.getDeclaredVariables(callback).find((candidate) => candidate.name === param.name);
  if (!variable || !variable.references.every((reference) => onlyUsedHere(reference.identifier, callback))) return undefined;
  return entry;
}

/** `span.update(…);` (any method but `end`, its result unused) or `return span;`, in the callback itself. */
function onlyUsedHere(identifier: TSESTree.Identifier | TSESTree.JSXIdentifier, callback: TSESTree.Node): boolean {
  if (enclosingFunction(identifier) !== callback) return false;
  const parent = identifier.parent;
  if (parent?.type === AST_NODE_TYPES.ReturnStatement) return true;
  if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== identifier || memberName(parent) === "end") return false;
  const call = parent.parent;
  return call?.type === AST_NODE_TYPES.CallExpression && skipWrappers(call.callee) === parent && call.parent?.type === AST_NODE_TYPES.ExpressionStatement;
}
