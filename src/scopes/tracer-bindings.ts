/**
 * Tracers kept in a module-level binding that the program fills at run time (issue 16), for the catalogue's
 * tracers that are their module object (dd-trace, `moduleIsTracer`):
 *
 *   // tracer.js                                     // trace-decorator.js
 *   var tracer = mockTracer;                          var tracer_1 = require("./tracer");
 *   exports.tracer = tracer;                          …
 *   exports.init = function (options) {              var span = tracer_1.tracer.startSpan(name, options);
 *     exports.tracer = tracer = require("dd-trace");
 *     tracer.init(options);
 *   };
 *
 * The binding is not a `const` of the module, so reference tracking cannot follow it; its writes can. A
 * module-level variable one of whose writes is the SDK's tracer (`require("dd-trace")`, its `init()` result, a
 * default or namespace import of it) holds that tracer whenever that write has run, and a span it starts is the
 * SDK's: `tracer.startSpan()` in the same module, or through another module's export of it, read from disk
 * (`require("./tracer")`, `import { tracer } from "./tracer"`) one import away, as src/scopes/imported-setup.ts
 * reads set-ups. A write of something else (a mock, a no-op) does not clear it: the span is lost whenever the
 * real tracer is in place.
 */
import * as path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ManualSpanSpec } from "./catalogue";
import { cachedPair, memberKey, memberName, skipWrappers, staticString, walk } from "./ast";
import type { SourceFile } from "./files-on-disk";
import { resolveRelative } from "./files-on-disk";
import { parseSourceCode } from "./parser";

type Variable = TSESLint.Scope.Variable;
type SourceCode = Readonly<TSESLint.SourceCode>;

/** `require` itself, not a local of that name. */
function isRequire(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  return node.type === AST_NODE_TYPES.Identifier && node.name === "require" && !(ASTUtils.findVariable(sourceCode.getScope(node), node)?.defs.length ?? 0);
}

/** `require("<module>")`: the module, when the specifier is static. */
function requiredModule(sourceCode: SourceCode, node: TSESTree.Node): string | undefined {
  const call = skipWrappers(node);
  if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments.length !== 1 || !isRequire(sourceCode, call.callee)) return undefined;
  return staticString(call.arguments[0]);
}

/** The right-most value of `a = b = <value>`. */
function assignedValue(node: TSESTree.Node): TSESTree.Node {
  let value = skipWrappers(node);
  while (value.type === AST_NODE_TYPES.AssignmentExpression && value.operator === "=") value = skipWrappers(value.right);
  return value;
}

/** The spec whose module object `node` is: `require("dd-trace")`, an `import tracer from "dd-trace"` binding, or `<that>.init(…)`. */
function tracerValue(sourceCode: SourceCode, node: TSESTree.Node, specs: readonly ManualSpanSpec[]): ManualSpanSpec | undefined {
  let value = assignedValue(node);
  if (value.type === AST_NODE_TYPES.CallExpression && value.callee.type === AST_NODE_TYPES.MemberExpression && memberName(value.callee) === "init") {
    value = skipWrappers(value.callee.object);
  }
  const required = requiredModule(sourceCode, value);
  if (required !== undefined) return specs.find((spec) => spec.modules.includes(required));
  if (value.type !== AST_NODE_TYPES.Identifier) return undefined;
  const def = ASTUtils.findVariable(sourceCode.getScope(value), value)?.defs[0];
  if (def?.type !== "ImportBinding" || def.parent?.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
  if (def.node.type !== AST_NODE_TYPES.ImportDefaultSpecifier && def.node.type !== AST_NODE_TYPES.ImportNamespaceSpecifier) return undefined;
  const module = def.parent.source.value;
  return specs.find((spec) => spec.modules.includes(module));
}

/** A variable of the module's own top level (a CommonJS file's is its wrapper function's). */
function moduleLevel(variable: Variable): boolean {
  const scope = variable.scope;
  return scope.block.type === AST_NODE_TYPES.Program && (scope.type === "global" || scope.type === "module" || scope.type === "function");
}

/** The module-level variables one of whose writes (anywhere in the file) is the SDK's tracer. */
function tracerVariables(sourceCode: SourceCode, specs: readonly ManualSpanSpec[]): Map<Variable, ManualSpanSpec> {
  const found = new Map<Variable, ManualSpanSpec>();
  const visit = (scope: TSESLint.Scope.Scope) => {
    if (scope.block.type !== AST_NODE_TYPES.Program) return;
    for (const variable of scope.variables) {
      if (!moduleLevel(variable)) continue;
      for (const reference of variable.references) {
        const spec = reference.isWrite() && reference.writeExpr ? tracerValue(sourceCode, reference.writeExpr, specs) : undefined;
        if (spec) {
          found.set(variable, spec);
          break;
        }
      }
    }
    for (const child of scope.childScopes) visit(child);
  };
  const global = sourceCode.scopeManager?.globalScope;
  if (global) visit(global as TSESLint.Scope.Scope);
  return found;
}

/** `exports.name = …`, `module.exports.name = …` (the free `exports`/`module`): `name`. */
function exportedName(sourceCode: SourceCode, node: TSESTree.Node): string | undefined {
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const object = skipWrappers(node.object);
  const free = (id: TSESTree.Node, name: string) =>
    id.type === AST_NODE_TYPES.Identifier && id.name === name && !(ASTUtils.findVariable(sourceCode.getScope(id), id)?.defs.length ?? 0);
  const onExports =
    free(object, "exports") || (object.type === AST_NODE_TYPES.MemberExpression && free(skipWrappers(object.object), "module") && memberKey(object) === "exports");
  return onExports ? memberKey(node) : undefined;
}

/** The names a module exports that hold the SDK's tracer once set: `exports.tracer = tracer = require("dd-trace")`, `export { tracer }`. */
function exportedTracers(sourceCode: SourceCode, specs: readonly ManualSpanSpec[]): Map<string, ManualSpanSpec> {
  const variables = tracerVariables(sourceCode, specs);
  const exported = new Map<string, ManualSpanSpec>();
  const held = (value: TSESTree.Node): ManualSpanSpec | undefined => {
    // Any link of `exports.x = local = …` that is the tracer, or a tracer variable.
    for (let node = skipWrappers(value); ; node = skipWrappers(node.right)) {
      const id = node.type === AST_NODE_TYPES.AssignmentExpression ? node.left : node;
      if (id.type === AST_NODE_TYPES.Identifier) {
        const variable = ASTUtils.findVariable(sourceCode.getScope(id), id);
        const spec = variable && variables.get(variable);
        if (spec) return spec;
      }
      if (node.type !== AST_NODE_TYPES.AssignmentExpression || node.operator !== "=") return tracerValue(sourceCode, node, specs);
    }
  };
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.AssignmentExpression && node.operator === "=") {
      const name = exportedName(sourceCode, node.left);
      const spec = name === undefined ? undefined : held(node.right);
      if (name !== undefined && spec) exported.set(name, spec);
    } else if (node.type === AST_NODE_TYPES.ExportNamedDeclaration) {
      for (const variable of sourceCode.getDeclaredVariables(node.declaration ?? node)) {
        const spec = variables.get(variable);
        if (spec) exported.set(variable.name, spec);
      }
      for (const specifier of node.source ? [] : node.specifiers) {
        if (specifier.local.type !== AST_NODE_TYPES.Identifier || specifier.exported.type !== AST_NODE_TYPES.Identifier) continue;
        const variable = ASTUtils.findVariable(sourceCode.getScope(specifier.local), specifier.local);
        const spec = variable && variables.get(variable);
        if (spec) exported.set(specifier.exported.name, spec);
      }
    }
    return undefined;
  });
  return exported;
}

const readExports = new WeakMap<SourceFile, WeakMap<readonly ManualSpanSpec[], Map<string, ManualSpanSpec>>>();

/** What another module (read from disk) exports that holds the SDK's tracer, cached per file read and per spec list. */
function exportsOf(source: SourceFile, specs: readonly ManualSpanSpec[]): Map<string, ManualSpanSpec> {
  return cachedPair(readExports, source, specs, () => new WeakMap(), () => {
    // Only a module that names the SDK can hold its tracer.
    if (!specs.some((spec) => spec.modules.some((module) => source.text.includes(module)))) return new Map<string, ManualSpanSpec>();
    const esm = /^\s*(?:import|export)\s/mu.test(source.text);
    const parsed = parseSourceCode(source.file, source.text, esm ? "module" : "script");
    return parsed ? exportedTracers(parsed, specs) : new Map<string, ManualSpanSpec>();
  });
}

/** The relative module a binding stands for: `var m = require("./tracer")` (never reassigned) or `import * as m from "./tracer"`. */
function relativeModuleOf(sourceCode: SourceCode, variable: Variable): string | undefined {
  const def = variable.defs.length === 1 ? variable.defs[0] : undefined;
  if (!def) return undefined;
  if (def.type === "ImportBinding" && def.node.type === AST_NODE_TYPES.ImportNamespaceSpecifier && def.parent?.type === AST_NODE_TYPES.ImportDeclaration) return def.parent.source.value;
  if (def.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init || def.node.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (variable.references.some((reference) => reference.isWrite() && !reference.init)) return undefined;
  return requiredModule(sourceCode, def.node.init);
}

/**
 * The spec of the tracer a receiver holds through a module-level binding: `tracer` of this module, `m.tracer` of
 * `m = require("./tracer")`, or `tracer` of `import { tracer } from "./tracer"` (`dir`: the linted file's directory).
 */
export function createTracerBindings(sourceCode: SourceCode, specs: readonly ManualSpanSpec[], dir: string | undefined): (receiver: TSESTree.Node) => ManualSpanSpec | undefined {
  if (specs.length === 0) return () => undefined;
  let own: Map<Variable, ManualSpanSpec> | undefined;
  const fromModule = (specifier: string, name: string): ManualSpanSpec | undefined => {
    if (dir === undefined || !path.isAbsolute(dir)) return undefined;
    const source = resolveRelative(dir, specifier);
    return source && exportsOf(source, specs).get(name);
  };
  return (receiver) => {
    const object = skipWrappers(receiver);
    if (object.type === AST_NODE_TYPES.Identifier) {
      const variable = ASTUtils.findVariable(sourceCode.getScope(object), object);
      if (!variable) return undefined;
      own ??= tracerVariables(sourceCode, specs);
      const spec = own.get(variable);
      if (spec) return spec;
      const def = variable.defs.length === 1 ? variable.defs[0] : undefined;
      // import { tracer } from "./tracer"
      if (def?.type === "ImportBinding" && def.node.type === AST_NODE_TYPES.ImportSpecifier && def.parent?.type === AST_NODE_TYPES.ImportDeclaration) {
        const imported = def.node.imported;
        return fromModule(def.parent.source.value, imported.type === AST_NODE_TYPES.Identifier ? imported.name : imported.value);
      }
      return undefined;
    }
    // tracer_1.tracer, with `var tracer_1 = require("./tracer")`
    if (object.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    const holder = skipWrappers(object.object);
    const name = memberKey(object);
    if (holder.type !== AST_NODE_TYPES.Identifier || name === undefined) return undefined;
    const variable = ASTUtils.findVariable(sourceCode.getScope(holder), holder);
    const specifier = variable ? relativeModuleOf(sourceCode, variable) : undefined;
    return specifier === undefined ? undefined : fromModule(specifier, name);
  };
}
