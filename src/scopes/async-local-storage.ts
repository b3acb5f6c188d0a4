/**
 * `store.run(value, fn)` of Node's AsyncLocalStorage runs `fn` at once, in a context of its own, and returns what it
 * returns (node:async_hooks), so a function that ends with
 *
 *   return promptIdContext.run(prompt_id, async () => { try { … } finally { await shutdownTelemetry(config); } });
 *
 * returns the callback's promise. The store is found by binding: a `const` of the file made by
 * `new AsyncLocalStorage()` (imported by name from `async_hooks` or `node:async_hooks`), or one imported by name from an
 * installed package whose installed code makes it so (src/scopes/package-functions.ts).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { memberName, skipWrappers } from "./ast";
import { packageConstant } from "./package-functions";

type Source = Readonly<TSESLint.SourceCode>;

const MODULES = new Set(["async_hooks", "node:async_hooks"]);
/** A package's index, a folder's index, and the file that defines the store. */
const PACKAGE_FILES = 4;

/** The argument `call` runs and returns the result of, when it is `store.run(value, fn)` on an AsyncLocalStorage. */
export function storeRunCallback(sourceCode: Source, call: TSESTree.CallExpression, dir: string): TSESTree.Node | undefined {
  const callee = skipWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== "run" || call.arguments.length < 2) return undefined;
  const object = skipWrappers(callee.object);
  if (object.type !== AST_NODE_TYPES.Identifier) return undefined;
  return isStore(sourceCode, object, dir) ? call.arguments[1] : undefined;
}

function isStore(sourceCode: Source, identifier: TSESTree.Identifier, dir: string): boolean {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type === "Variable" && def.node.type === AST_NODE_TYPES.VariableDeclarator && def.parent?.type === AST_NODE_TYPES.VariableDeclaration && def.parent.kind === "const") {
    return !!def.node.init && constructsStore(sourceCode, def.node.init);
  }
  if (def?.type !== "ImportBinding") return false;
  const found = packageConstant(sourceCode, identifier, dir, PACKAGE_FILES);
  return !!found && constructsStore(found.sourceCode, found.value);
}

/** `new AsyncLocalStorage()`, the class imported by name from `async_hooks`. */
function constructsStore(sourceCode: Source, value: TSESTree.Node): boolean {
  const node = skipWrappers(value);
  if (node.type !== AST_NODE_TYPES.NewExpression || node.callee.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(node.callee), node.callee);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type !== "ImportBinding" || def.node.type !== AST_NODE_TYPES.ImportSpecifier || def.parent?.type !== AST_NODE_TYPES.ImportDeclaration) return false;
  const imported = def.node.imported.type === AST_NODE_TYPES.Identifier ? def.node.imported.name : def.node.imported.value;
  return imported === "AsyncLocalStorage" && MODULES.has(def.parent.source.value);
}
