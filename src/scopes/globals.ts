/**
 * Node's globals whether or not the user's config declares them.
 *
 * `ReferenceTracker.iterateGlobalReferences` (and `iterateCjsReferences`, which looks for
 * `require` the same way) only sees a global that the config declared: without
 * `languageOptions.globals` (a `.ts` file under typescript-eslint's parser, oxlint's JS plugins,
 * a config that declares browser globals only) `process.exit()` is an unresolved reference in
 * `globalScope.through`, and the rules would see no exit at all. unicorn and typescript-eslint do
 * not inject Node globals into users' files, and neither do our configs, so the rules give the
 * tracker a view of the global scope in which each name below that is neither declared nor
 * assigned stands for Node's global, made of its unresolved references.
 *
 * The view never changes the scope manager itself (other rules, `no-undef` first, see the user's
 * declarations only). A name the file declares itself (`const process = …`) shadows the global
 * as usual: the reference then resolves, so it is not in `through`.
 *
 * References inside a `with` body are dropped from the view: `with (obj) { process.exit() }` may
 * read `obj.process`, which no static analysis can rule out.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";

type Scope = TSESLint.Scope.Scope;
type Variable = Scope["set"] extends Map<string, infer V> ? V : never;
type Reference = TSESLint.Scope.Reference;

export type Tracker = InstanceType<typeof ASTUtils.ReferenceTracker>;

/** The Node globals the rules resolve: the process object, `require` for CommonJS, and the global object. */
const NODE_GLOBALS = ["process", "require", "globalThis", "global"] as const;

function insideWith(reference: Reference): boolean {
  for (let scope: Scope | null = reference.from; scope; scope = scope.upper) if (scope.type === "with") return true;
  return false;
}

/** A stand-in for a global the config did not declare: no definitions, its unresolved references. */
function implicitGlobal(name: string, references: Reference[]): Variable {
  return { name, defs: [], identifiers: [], references, scope: undefined } as unknown as Variable;
}

/** The same variable with the references inside `with` bodies left out; the variable itself when there are none. */
function withoutWithReferences(variable: Variable): Variable {
  if (!variable.references.some(insideWith)) return variable;
  return Object.assign(Object.create(variable) as Variable, { references: variable.references.filter((reference) => !insideWith(reference)) });
}

const views = new WeakMap<Scope, Scope>();

/** The global scope as the tracker should see it: Node's globals present whether declared or not. */
export function nodeGlobalScope(globalScope: Scope): Scope {
  let view = views.get(globalScope);
  if (view) return view;
  const set = new Map(globalScope.set);
  for (const name of NODE_GLOBALS) {
    const declared = set.get(name);
    if (declared) {
      set.set(name, withoutWithReferences(declared));
      continue;
    }
    const references = globalScope.through.filter((reference) => reference.identifier.name === name && !insideWith(reference));
    if (references.length > 0) set.set(name, implicitGlobal(name, references));
  }
  // Everything else (block, childScopes, through, …) is the real scope's, through the prototype.
  view = Object.assign(Object.create(globalScope) as Scope, { set });
  views.set(globalScope, view);
  return view;
}

/** A `legacy` ReferenceTracker over `nodeGlobalScope`, or undefined when the parser gave no scope manager. */
export function createTracker(sourceCode: Readonly<TSESLint.SourceCode>): Tracker | undefined {
  const globalScope = sourceCode.scopeManager?.globalScope;
  return globalScope ? new ASTUtils.ReferenceTracker(nodeGlobalScope(globalScope), { mode: "legacy" }) : undefined;
}

export type TraceMap = Record<string, Record<string | symbol, unknown>>;

/** Adds `[kind]: key` at `modules[m].path` in a trace map. */
export function addToTraceMap(map: TraceMap, modules: readonly string[], path: readonly string[], kind: symbol, key: string): void {
  for (const module of modules) {
    let node = (map[module] ??= {}) as Record<string | symbol, unknown>;
    for (const segment of path) node = (node[segment] ??= {}) as Record<string | symbol, unknown>;
    node[kind] = key;
  }
}

/**
 * The module interop helpers compilers write around `require` for an `import` (tsc with esModuleInterop, tslib,
 * esbuild): `const Sentry = __importStar(require("@sentry/node"))` is the module's namespace, and
 * `__importDefault(require("chalk")).default` its default export. Their names are the compilers' own.
 */
const INTEROP_NAMESPACE = new Set(["__importStar", "__toESM"]);
const INTEROP_DEFAULT = new Set(["__importDefault"]);

function interopHelper(callee: TSESTree.Node): string | undefined {
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name;
  // `tslib_1.__importStar(…)` with importHelpers.
  if (callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.property.type === AST_NODE_TYPES.Identifier) return callee.property.name;
  return undefined;
}

type Found = ReturnType<Tracker["iterateEsmReferences"]> extends Iterable<infer R> ? R : never;

/** The references a trace map finds through `import` and `require`, and through `require` wrapped in an interop helper. */
export function* trackModules(tracker: Tracker, map: TraceMap): Generator<Found> {
  yield* tracker.iterateEsmReferences(map as never);
  yield* tracker.iterateCjsReferences(map as never);
  // `iteratePropertyReferences` is eslint-utils' (4.x); typescript-eslint's types of the tracker leave it out.
  const properties = tracker as unknown as { iteratePropertyReferences(node: TSESTree.Node, map: unknown): Iterable<Found> };
  const required = Object.fromEntries(Object.keys(map).map((module) => [module, { [ASTUtils.ReferenceTracker.READ]: module }]));
  for (const { node, info } of tracker.iterateCjsReferences(required as never)) {
    const call = node.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || call.arguments.length !== 1 || call.arguments[0] !== node) continue;
    const helper = interopHelper(call.callee);
    const moduleMap = map[info as string];
    if (!helper || !moduleMap) continue;
    if (INTEROP_NAMESPACE.has(helper)) yield* properties.iteratePropertyReferences(call, moduleMap);
    else if (INTEROP_DEFAULT.has(helper)) yield* properties.iteratePropertyReferences(call, { default: moduleMap });
  }
}
