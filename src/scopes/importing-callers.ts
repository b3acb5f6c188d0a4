/**
 * The calls, in other files of the package, of a function this file exports (issue 14, case 1b across files):
 *
 *   // worker.ts                                      // cli.ts
 *   export async function handleOne(item) {           import { handleOne } from "./worker.js";
 *     return withWorkflow({ name: "h" }, async () => {  for (const item of items) {
 *       if (!item) process.exit(3);                       try { await handleOne(item); } catch (e) { log(e); }   ← here
 *     });                                               }
 *   }
 *
 * What counts as exported: `export function f`, `export const f = …`, `export { f as g }`, `export default f` (or the
 * function itself), `module.exports = f`, `module.exports.g = f` / `exports.g = f`, `module.exports = { f, g: f }`;
 * and a method of an exported class (static, or called on an instance the importer makes: `new Worker().run()`,
 * `const w = new Worker(); w.run()`) or of an exported const object literal (`handlers.run()`).
 *
 * What counts as an import of it, in a file `importersOf` lists: `import { g } from "./worker.js"`, `import g from`,
 * `import * as ns` then `ns.g(…)`, `const { g } = require("./worker")`, `const ns = require("./worker")` then
 * `ns.g(…)` (or `ns(…)` for `module.exports = f`), `const { g } = await import("./worker.js")`; also through a file
 * that re-exports it (`export { g } from "./worker.js"`, `export * from`), two deep. The calls found are the calls of
 * those bindings, the calls through the const objects they are stored in, and the calls they are passed to
 * (`items.map(g)`). Not followed: `export * as ns from`, an `import()` not assigned to a const, an instance made in
 * another file than the import's.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "./ast";
import { keyName, memberKey, skipWrappers, walk } from "./ast";
import { importersOf, importersTruncated } from "./importers";
import { resolveRelative } from "./files-on-disk";
import { parseSourceCode } from "./parser";
import type { ThisCalls } from "./members";
import { callsOfValue, functionBinding, instanceCallsOf, memberCallsOf, memberOfFunction, storedMemberCallSites, useOf } from "./members";

type SourceCode = Readonly<TSESLint.SourceCode>;
type Variable = TSESLint.Scope.Variable;

/** Importers read per exported function, at most: the cost of one exit's check stays bounded in a large package. */
export const MAX_IMPORTERS = 20;

/** How another file reaches the function: the export's name (`default` for a default export) and, for a method, its key. */
interface Exported {
  readonly name: string;
  /** The method's key, for a method of an exported class or object. */
  readonly member?: string;
  /** An instance method: called on `new C()` or a const holding one. */
  readonly instance?: boolean;
}

/** A call in another file of a function of this one. */
export interface ImportedCallSite {
  readonly file: string;
  readonly sourceCode: SourceCode;
  readonly site: TSESTree.Node;
}

/** The calls of an exported function found in its importers. */
export interface ImportedCalls {
  readonly sites: ImportedCallSite[];
  /** Some importer was not read: more than MAX_IMPORTERS, past the importer index's limit, or not parsed. */
  unread: boolean;
}

/** Barrels followed: a file that re-exports the function (`export { g } from "./worker"`), and one that re-exports that. */
const MAX_REEXPORTS = 2;

/**
 * The calls of `fn` (a function of `file`) in the files of the package that import it, also through files that
 * re-export it (`index.ts`: `export { handleOne } from "./worker.js"`, `export * from "./worker.js"`); [] when it is
 * not exported.
 */
export function importedCallSites(sourceCode: SourceCode, file: string, fn: FunctionNode, thisCallsOf: (sourceCode: SourceCode) => ThisCalls): ImportedCalls {
  const calls: ImportedCalls = { sites: [], unread: false };
  if (!path.isAbsolute(file)) return calls;
  const visited = new Set<string>();
  const visit = (target: string, exported: readonly Exported[], depth: number) => {
    if (exported.length === 0 || visited.has(target)) return;
    visited.add(target);
    const importers = importersOf(target);
    // Importers that are not read may call it: the caller's verdict is unknown.
    calls.unread ||= importers.length > MAX_IMPORTERS || importersTruncated(target);
    for (const importer of importers.slice(0, MAX_IMPORTERS)) {
      const other = parsed(importer);
      calls.unread ||= !other;
      if (!other) continue;
      for (const site of callsInImporter(other, importer, target, exported, thisCallsOf(other))) calls.sites.push({ file: importer, sourceCode: other, site });
      if (depth < MAX_REEXPORTS) visit(importer, reexported(other, importer, target, exported), depth + 1);
    }
  };
  visit(file, exportsOf(sourceCode, fn), 0);
  return calls;
}

/** What an importer re-exports of `file`'s `exported`, under its own names: `export { g as h } from`, `export * from`. */
function reexported(sourceCode: SourceCode, importer: string, file: string, exported: readonly Exported[]): Exported[] {
  const names: Exported[] = [];
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ExportAllDeclaration && !statement.exported && isImportOf(importer, file, statement.source.value)) {
      names.push(...exported.filter((target) => target.name !== "default"));
    }
    if (statement.type !== AST_NODE_TYPES.ExportNamedDeclaration || !statement.source || !isImportOf(importer, file, statement.source.value)) continue;
    for (const specifier of statement.specifiers) {
      for (const target of exported) if (nameOf(specifier.local) === target.name) names.push({ ...target, name: nameOf(specifier.exported) });
    }
  }
  return names;
}

/** `specifier`, written in `importer`, names `file`. */
function isImportOf(importer: string, file: string, specifier: unknown): boolean {
  return typeof specifier === "string" && resolveRelative(path.dirname(importer), specifier)?.file === path.resolve(file);
}

/** The names this file exports `fn` under (directly, or as a method of what it exports). */
function exportsOf(sourceCode: SourceCode, fn: FunctionNode): Exported[] {
  const program = sourceCode.ast;
  if (useOf(fn).parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration) return [{ name: "default" }];
  const binding = functionBinding(sourceCode, fn);
  if (binding) return exportNames(sourceCode, program, binding.variables, fn).map((name) => ({ name }));
  const member = memberOfFunction(sourceCode, fn);
  if (!member) return [];
  const holder = member.holder.type === AST_NODE_TYPES.ClassBody ? member.holder.parent : member.holder;
  const names = [...(useOf(holder).parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration ? ["default"] : []), ...exportNames(sourceCode, program, member.instanceOf ?? member.holders, holder)];
  return names.map((name) => ({ name, member: member.name, instance: member.instanceOf !== undefined }));
}

/** The export names of a module-level binding: ESM `export` forms and CommonJS `module.exports` / `exports` writes. */
function exportNames(sourceCode: SourceCode, program: TSESTree.Program, variables: readonly Variable[], value: TSESTree.Node): string[] {
  const holds = (node: TSESTree.Node | null | undefined): boolean => {
    if (!node) return false;
    const inner = skipWrappers(node);
    if (inner === value) return true;
    if (inner.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(inner), inner);
    return variable !== null && variables.includes(variable);
  };
  const names: string[] = [];
  for (const statement of program.body) {
    if (statement.type === AST_NODE_TYPES.ExportNamedDeclaration && !statement.source) {
      const declaration = statement.declaration;
      if ((declaration?.type === AST_NODE_TYPES.FunctionDeclaration || declaration?.type === AST_NODE_TYPES.ClassDeclaration) && declaration.id && holds(declaration.id)) names.push(declaration.id.name);
      if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
        for (const declarator of declaration.declarations) if (declarator.id.type === AST_NODE_TYPES.Identifier && holds(declarator.id)) names.push(declarator.id.name);
      }
      for (const specifier of statement.specifiers) {
        if (specifier.type === AST_NODE_TYPES.ExportSpecifier && specifier.local.type === AST_NODE_TYPES.Identifier && holds(specifier.local)) names.push(nameOf(specifier.exported));
      }
    } else if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration && holds(statement.declaration as TSESTree.Node)) {
      names.push("default");
    } else if (statement.type === AST_NODE_TYPES.ExpressionStatement && statement.expression.type === AST_NODE_TYPES.AssignmentExpression) {
      names.push(...commonJsNames(statement.expression, holds));
    }
  }
  return names;
}

/** `module.exports = f` (as `default`), `module.exports.g = f`, `exports.g = f`, `module.exports = { f, g: f }`. */
function commonJsNames(assignment: TSESTree.AssignmentExpression, holds: (node: TSESTree.Node) => boolean): string[] {
  const left = assignment.left;
  const isModuleExports = (node: TSESTree.Node) =>
    node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.Identifier && node.object.name === "module" && memberKey(node) === "exports";
  const isExportsObject = (node: TSESTree.Node) => isModuleExports(node) || (node.type === AST_NODE_TYPES.Identifier && node.name === "exports");
  if (isModuleExports(left)) {
    const right = skipWrappers(assignment.right);
    if (holds(right)) return ["default"];
    if (right.type !== AST_NODE_TYPES.ObjectExpression) return [];
    return right.properties.flatMap((property) => {
      const key = property.type === AST_NODE_TYPES.Property && holds(property.value) ? keyName(property) : undefined;
      return key === undefined ? [] : [key];
    });
  }
  if (left.type === AST_NODE_TYPES.MemberExpression && isExportsObject(left.object) && holds(assignment.right)) {
    const key = memberKey(left);
    return key === undefined ? [] : [key];
  }
  return [];
}

function nameOf(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === AST_NODE_TYPES.Identifier ? node.name : node.value;
}

/**
 * The importer's bindings of `file`, each with the export it names (undefined: the whole module, a namespace):
 * import declarations, and `const … = require("./worker")` / `await import("./worker")` anywhere in the file.
 */
function bindingsOf(sourceCode: SourceCode, importer: string, file: string): { variable: Variable; name: string | undefined }[] {
  const isFile = (specifier: unknown) => isImportOf(importer, file, specifier);
  const found: { variable: Variable; name: string | undefined }[] = [];
  const declared = (node: TSESTree.Node, name: string | undefined) => {
    for (const variable of sourceCode.getDeclaredVariables(node)) found.push({ variable, name });
  };
  for (const statement of sourceCode.ast.body) {
    if (statement.type !== AST_NODE_TYPES.ImportDeclaration || statement.importKind === "type" || !isFile(statement.source.value)) continue;
    for (const specifier of statement.specifiers) {
      if (specifier.type === AST_NODE_TYPES.ImportSpecifier) {
        if (specifier.importKind !== "type") declared(specifier, nameOf(specifier.imported));
      } else declared(specifier, specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier ? "default" : undefined);
    }
  }
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.VariableDeclarator || !node.init || !isFile(loadedSpecifier(node.init))) return;
    // `const ns = require("./worker")`: a namespace, and the `module.exports = f` value itself.
    if (node.id.type === AST_NODE_TYPES.Identifier) declared(node, undefined);
    if (node.id.type !== AST_NODE_TYPES.ObjectPattern) return;
    for (const property of node.id.properties) {
      const key = property.type === AST_NODE_TYPES.Property ? keyName(property) : undefined;
      if (key === undefined || property.type !== AST_NODE_TYPES.Property || property.value.type !== AST_NODE_TYPES.Identifier) continue;
      const variable = ASTUtils.findVariable(sourceCode.getScope(property.value), property.value);
      if (variable) found.push({ variable, name: key });
    }
  });
  return found;
}

/** `require("./worker")`, `await import("./worker")`: the specifier loaded. */
function loadedSpecifier(init: TSESTree.Node): unknown {
  let inner = skipWrappers(init);
  if (inner.type === AST_NODE_TYPES.AwaitExpression) inner = skipWrappers(inner.argument);
  if (inner.type === AST_NODE_TYPES.ImportExpression) return inner.source.type === AST_NODE_TYPES.Literal ? inner.source.value : undefined;
  if (inner.type !== AST_NODE_TYPES.CallExpression || inner.callee.type !== AST_NODE_TYPES.Identifier || inner.callee.name !== "require") return undefined;
  const arg = inner.arguments[0];
  return arg?.type === AST_NODE_TYPES.Literal ? arg.value : undefined;
}

/** The calls in the importer of what `file` exports as `exported`. */
function callsInImporter(sourceCode: SourceCode, importer: string, file: string, exported: readonly Exported[], thisCalls: ThisCalls): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  for (const { variable, name } of bindingsOf(sourceCode, importer, file)) {
    for (const target of exported) {
      // A namespace binding (`import * as ns`, `const ns = require(…)`) reaches the export as `ns.name`.
      const viaNamespace = name === undefined;
      const matches = viaNamespace || name === target.name;
      if (!matches) continue;
      const valueSites = (values: readonly TSESTree.Node[]) => values.flatMap((value) => memberPath(value, target.member === undefined ? [] : [target.member]));
      if (viaNamespace) {
        const members = variable.references.flatMap((ref) => memberPath(ref.identifier as TSESTree.Node, [target.name]));
        if (target.member === undefined) {
          for (const member of members) callsOfValue(member, sites);
          // `module.exports = f` required as `const f = require(…)`: the binding is the function.
          if (target.name === "default") sites.push(...directSites(variable));
        } else if (!target.instance) {
          for (const member of valueSites(members)) callsOfValue(member, sites);
        }
        continue;
      }
      if (target.member === undefined) {
        sites.push(...directSites(variable), ...storedMemberCallSites(sourceCode, [variable], thisCalls));
      } else if (target.instance) {
        sites.push(...instanceCallsOf(sourceCode, [variable], target.member));
      } else {
        sites.push(...memberCallsOf([variable], target.member));
      }
    }
  }
  return sites;
}

/** The calls a binding's references take part in: `f()`, `f.call(…)`, `items.map(f)`. */
function directSites(variable: Variable): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  for (const ref of variable.references) callsOfValue(ref.identifier as TSESTree.Node, sites);
  return sites;
}

/** `node.a.b` for the path `[a, b]`: the outermost member expression, or nothing when the uses differ. */
function memberPath(node: TSESTree.Node, keys: readonly string[]): TSESTree.Node[] {
  let current = node;
  for (const key of keys) {
    const use = useOf(current);
    const member = use.parent;
    if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== use || memberKey(member) !== key) return [];
    current = member;
  }
  return [current];
}

/** Importers parsed, kept while their text is the same (at most MAX_PARSED of them). */
const MAX_PARSED = 200;
const parsedFiles = new Map<string, { text: string; sourceCode: SourceCode | undefined }>();

function parsed(file: string): SourceCode | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const cached = parsedFiles.get(file);
  if (cached?.text === text) return cached.sourceCode;
  const sourceType = /\.c[jt]s$/u.test(file) || (/\.js$/u.test(file) && /\brequire\s*\(/u.test(text) && !/^\s*(?:import|export)\b/mu.test(text)) ? "script" : "module";
  const sourceCode = parseSourceCode(file, text, sourceType);
  if (parsedFiles.size >= MAX_PARSED) parsedFiles.clear();
  parsedFiles.set(file, { text, sourceCode });
  return sourceCode;
}
