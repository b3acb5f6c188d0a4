/**
 * A tracing set-up that a dependency of the program runs when the program constructs one of its classes (issue 16):
 *
 *   // the linted file                                              // node_modules/@trigger.dev/core/dist/esm/v3/otel/tracingSDK.js
 *   import { TracingSDK } from "@trigger.dev/core/v3/workers";      export class TracingSDK {
 *   process.on("disconnect", () => process.exit(0));                  constructor(config) {
 *   const tracingSDK = new TracingSDK({ url, … });                      const traceProvider = new NodeTracerProvider({ spanProcessors });
 *                                                                       traceProvider.register();
 *                                                                     }
 *                                                                   }
 *
 *   // or through a function of the package that the constructor calls
 *   constructor(params) { if (this.telemetrySettings.enabled) initializeTelemetry(this); }
 *   // telemetry/sdk.js
 *   export function initializeTelemetry(config) { sdk = new NodeSDK({ spanProcessors: [new BatchSpanProcessor(e)] }); sdk.start(); }
 *
 * `new C(…)` in the linted file, where `C` is imported by name from an installed package (not one of the catalogue's
 * SDK modules, which the catalogue describes itself), is an initializer of the file when C's constructor runs a
 * catalogue initializer that starts tracing: in its own body (conditions included: the set-up may run), or in a
 * function it calls by name, a method of the class (`this.setup()`) or a function of the package (same file, or
 * imported by a relative specifier), up to two calls deep (`constructor → this.boot() → startTelemetry()`). The class and the functions are read from the installed code as
 * src/scopes/package-functions.ts reads functions (Node's resolution, JavaScript only, 3 re-export hops, files up to
 * 2 MB), and the initializers of each file read are found with the same catalogue (src/scopes/model.ts), so the
 * delivery (batch, simple, in memory, off: src/scopes/pipeline.ts) is that file's.
 *
 * The instance must be used: a method of it called, or returned to the caller (`return new Config({…})`: the caller's
 * set-up, src/scopes/imported-setup.ts). A function of such a package that awaits the flush of what its initializer
 * made (`shutdownTelemetry()` → `await sdk.shutdown()`) is a flush where the file calls it (`dependencyFlushCalls`).
 *
 * Bounded and cached: only files whose text has `new ` and a package import are looked at, and only classes of
 * packages that declare a catalogue SDK among their dependencies are read (the rest cannot import an initializer by
 * binding); each class is judged once
 * per declaration node (the package's parsed files are cached by path, size and mtime; the text search before a
 * file is parsed, `mayReachInitializer`, by path for the life of the process), and a constructor is followed
 * two calls deep. What it takes on trust: the installed code is the code that runs (package-functions.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FlushSpec, InitializerSpec } from "./catalogue";
import type { Catalogue } from "./settings";
import type { ForeignModel } from "./imported-setup";
import type { Delivery } from "./pipeline";
import { cachedPair, enclosingFunction, isFunction, skipWrappers, walk } from "./ast";
import { exportedFunction, packageClass, packageClassNamed, packageFunctionFrom, topLevelFunction } from "./package-functions";
import { catalogueModules, dependsOnCatalogue } from "./installed";
import { RELATIVE_SPECIFIER, constructedImports, mightConstructDependency, mightInitialize } from "./prefilter";
import type { FunctionNode } from "./ast";

type Source = Readonly<TSESLint.SourceCode>;

/** What a dependency's class starts when the program constructs it, as messages name it. */
export interface DependencySetup {
  /** `@trigger.dev/core/v3/workers` */
  readonly specifier: string;
  /** `TracingSDK` */
  readonly className: string;
  /** `initializeTelemetry()` when the constructor starts tracing through a function it calls. */
  readonly via: string | undefined;
  readonly delivery: Delivery;
  /** The class's methods that run a catalogue flush (`flush() { return this._provider.forceFlush(); }`). */
  readonly flushMethods: readonly string[];
  /**
   * The file only hands the instance to its caller (`return new Config({…})`) and calls no method of it: the set-up is
   * the caller's, which runs the file's other functions before or after it (src/scopes/process-level.ts).
   */
  readonly handedOver: boolean;
}

interface Started {
  readonly spec: InitializerSpec;
  readonly via: string | undefined;
  readonly delivery: Delivery;
  readonly flushMethods: readonly string[];
}

/** A file of the package as the model sees it: its initializers (./imported-setup.ts) and its flush calls. */
export interface DependencyModel extends ForeignModel {
  flushes(): readonly { readonly node: TSESTree.Node; readonly spec?: FlushSpec }[];
}

export type DependencyModelOf = (sourceCode: Source, file: string) => DependencyModel;


/** `from "pkg"`, `from "@scope/pkg/sub"`: a package import (not relative, not absolute, not `node:`). */

const started = new WeakMap<TSESTree.ClassDeclaration, WeakMap<Catalogue, Started | null>>();

/**
 * The initializers that `new C(…)` calls of the linted file bring in: one per construction of a package class whose
 * constructor starts tracing, anchored at the `new` expression.
 */
export function dependencyInitializers(
  sourceCode: Source,
  dir: string,
  catalogue: Catalogue,
  modelOf: DependencyModelOf,
): { node: TSESTree.NewExpression; spec: InitializerSpec; setup: DependencySetup }[] {
  if (!path.isAbsolute(dir) || !mightConstructDependency(sourceCode.text)) return [];
  const known = catalogueModules(catalogue);
  const candidates = packageNames(sourceCode, known);
  if (candidates.size === 0) return [];
  const found: { node: TSESTree.NewExpression; spec: InitializerSpec; setup: DependencySetup }[] = [];
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.NewExpression || node.callee.type !== AST_NODE_TYPES.Identifier || !candidates.has(node.callee.name)) return;
    const use = instanceUse(sourceCode, node);
    if (!use) return;
    const specifier = importSource(sourceCode, node.callee);
    if (specifier === undefined || !dependsOnCatalogue(specifier, dir, known)) return;
    const cls = packageClass(sourceCode, node.callee, dir, (file) => mayReachInitializer(file, catalogue));
    if (!cls) return;
    const start = perCatalogue(started, cls.declaration, catalogue, () => constructorStarts(cls.declaration, cls.sourceCode, cls.file, modelOf));
    if (start) {
      const setup = { specifier: cls.specifier, className: node.callee.name, via: start.via, delivery: start.delivery, flushMethods: start.flushMethods, handedOver: use === "returned" };
      found.push({ node, spec: start.spec, setup });
    }
  });
  return found;
}

/**
 * `text` (of a module in `dir`) constructs a class imported by name from a package that declares a catalogue module,
 * whose constructor starts tracing (judged once per class, as for a linted file): a relatively imported module worth
 * parsing for a set-up (src/scopes/imported-setup.ts). Only the package's files are read; `text` is not parsed.
 */
export function constructsTracingClass(text: string, dir: string, catalogue: Catalogue, modelOf: DependencyModelOf): boolean {
  if (!path.isAbsolute(dir)) return false;
  const known = catalogueModules(catalogue);
  return constructedImports(text).some(({ specifier, name }) => {
    if (known.has(specifier) || !dependsOnCatalogue(specifier, dir, known)) return false;
    const cls = packageClassNamed(specifier, name, dir, (file) => mayReachInitializer(file, catalogue));
    return !!cls && perCatalogue(started, cls.declaration, catalogue, () => constructorStarts(cls.declaration, cls.sourceCode, cls.file, modelOf)) !== null;
  });
}

/** The local names the file imports by name from a package the catalogue does not describe. */
function packageNames(sourceCode: Source, known: ReadonlySet<string>): Set<string> {
  const candidates = new Set<string>();
  for (const statement of sourceCode.ast.body) {
    if (statement.type !== AST_NODE_TYPES.ImportDeclaration || statement.importKind === "type") continue;
    const specifier = statement.source.value;
    if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:") || known.has(specifier)) continue;
    for (const local of statement.specifiers) if (local.type === AST_NODE_TYPES.ImportSpecifier && local.importKind !== "type") candidates.add(local.local.name);
  }
  return candidates;
}

/** A function of an installed package that flushes the tracing its package set up, as the file calls it. */
export interface DependencyFlush {
  readonly node: TSESTree.CallExpression;
  readonly spec: FlushSpec;
}

/**
 * Files a package's function is followed through: the package's index, a folder's index that re-exports it, and the
 * file that defines it (`index.js` → `src/index.js` → `src/telemetry/index.js` → `src/telemetry/sdk.js`).
 */
const FLUSH_FUNCTION_FILES = 4;
const flushingFunctions = new WeakMap<FunctionNode, WeakMap<Catalogue, FlushSpec | null>>();

/**
 * The calls of the file that run a flush of an installed package (issue 16):
 *
 *   // the linted file                                   // node_modules/@google/gemini-cli-core/dist/src/telemetry/sdk.js
 *   import { shutdownTelemetry } from "@google/gemini-cli-core";   let sdk;
 *   await shutdownTelemetry(config);                      export function initializeTelemetry(config) { sdk = new NodeSDK({…}); sdk.start(); }
 *                                                         export async function shutdownTelemetry(config) { …; await sdk.shutdown(); }
 *
 * `f(…)`, where `f` is imported by name from a package that declares a catalogue SDK among its dependencies, is a
 * flush when f's body (read as src/scopes/package-functions.ts reads functions, FLUSH_FUNCTION_FILES files deep)
 * awaits a catalogue flush, not in a function nested in it, on the object a catalogue initializer of its file made
 * (`sdk` above), or a catalogue flush call (`await traceloop.forceFlush()`). A guard before it (`if (!sdk) return;`)
 * is the package's business: when it returns, nothing was set up there. Judged once per function and catalogue.
 */
export function dependencyFlushCalls(sourceCode: Source, dir: string, catalogue: Catalogue, modelOf: DependencyModelOf): DependencyFlush[] {
  if (!path.isAbsolute(dir)) return [];
  const known = catalogueModules(catalogue);
  const candidates = packageNames(sourceCode, known);
  if (candidates.size === 0) return [];
  const found: DependencyFlush[] = [];
  // Judged once per imported name of the file (a file calls the same package function many times).
  const byName = new Map<string, FlushSpec | null>();
  const flushOf = (callee: TSESTree.Identifier): FlushSpec | null => {
    const specifier = importSource(sourceCode, callee);
    if (specifier === undefined || !dependsOnCatalogue(specifier, dir, known)) return null;
    const fn = packageFunctionFrom(sourceCode, callee, dir, FLUSH_FUNCTION_FILES, (file) => mayReachInitializer(file, catalogue));
    if (!fn) return null;
    const flush = cachedPair(flushingFunctions, fn.fn, catalogue, () => new WeakMap<Catalogue, FlushSpec | null>(), () => flushIn(fn.fn, fn.sourceCode, fn.file, modelOf));
    return flush && { sdk: flush.sdk, form: "call", modules: [specifier], path: [callee.name], example: `${callee.name}()` };
  };
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.CallExpression) return;
    const callee = skipWrappers(node.callee);
    if (callee.type !== AST_NODE_TYPES.Identifier || !candidates.has(callee.name)) return;
    let spec = byName.get(callee.name);
    if (spec === undefined) {
      spec = flushOf(callee);
      byName.set(callee.name, spec);
    }
    if (spec) found.push({ node, spec });
  });
  return found;
}

/** The catalogue flush `fn` awaits in its own body, on an object a catalogue initializer of its file made; null when none. */
function flushIn(fn: FunctionNode, sourceCode: Source, file: string, modelOf: DependencyModelOf): FlushSpec | null {
  const model = modelFor(sourceCode, file, modelOf);
  const made = new Set<TSESLint.Scope.Variable>();
  for (const init of model.initializers()) {
    if (!init.spec) continue;
    const holder = holderVariable(sourceCode, init.node);
    if (holder) made.add(holder);
  }
  for (const flush of model.flushes()) {
    const call = flush.node;
    if (call.type !== AST_NODE_TYPES.CallExpression || call.range[0] < fn.range[0] || call.range[1] > fn.range[1] || enclosingFunction(call) !== fn) continue;
    let value: TSESTree.Node = call;
    if (value.parent?.type === AST_NODE_TYPES.ChainExpression) value = value.parent;
    if (value.parent?.type !== AST_NODE_TYPES.AwaitExpression) continue;
    const spec = flush.spec;
    if (spec?.form === "call") return spec;
    const callee = skipWrappers(call.callee);
    const object = callee.type === AST_NODE_TYPES.MemberExpression ? skipWrappers(callee.object) : undefined;
    const variable = object?.type === AST_NODE_TYPES.Identifier ? findVariableOf(sourceCode, object) : undefined;
    if (spec && variable && made.has(variable)) return spec;
  }
  return null;
}

/** The variable an initializer's result is kept in: `const sdk = new NodeSDK()`, `sdk = new NodeSDK()`. */
function holderVariable(sourceCode: Source, node: TSESTree.Node): TSESLint.Scope.Variable | undefined {
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) return findVariableOf(sourceCode, parent.id);
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.operator === "=" && parent.right === node && parent.left.type === AST_NODE_TYPES.Identifier) {
    return findVariableOf(sourceCode, parent.left);
  }
  return undefined;
}

/**
 * Relative-import hops a constructor's calls can cross: two calls, each through up to three re-exporting files
 * (package-functions.ts), plus the file that defines the function.
 */
const IMPORT_HOPS = 8;
/** Past this many files the search stops and the class is read (never a wrong "cannot"). */
const MAX_REACHED_FILES = 400;
const reachCache = new Map<string, WeakMap<Catalogue, boolean>>();

/**
 * Before a package file is parsed: some file within IMPORT_HOPS relative imports of it (`import … from "./x.js"`,
 * `export … from "./x.js"`, read as text) names a catalogue initializer. Otherwise no call its class's constructor
 * can make reaches one, and the file is not parsed (most classes a program constructs start nothing).
 */
function mayReachInitializer(file: string, catalogue: Catalogue): boolean {
  return perCatalogue(reachCache, file, catalogue, () => searchReach(file, catalogue));
}

/** `compute()`, kept per key and catalogue (settings make a catalogue of their own). */
function perCatalogue<K, V>(cache: { get(key: K): WeakMap<Catalogue, V> | undefined; has(key: K): boolean; set(key: K, value: WeakMap<Catalogue, V>): unknown }, key: K, catalogue: Catalogue, compute: () => V): V {
  return cachedPair(cache, key, catalogue, () => new WeakMap<Catalogue, V>(), compute);
}

function searchReach(start: string, catalogue: Catalogue): boolean {
  const seen = new Set<string>([start]);
  let frontier = [start];
  for (let hop = 0; hop <= IMPORT_HOPS && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const file of frontier) {
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue;
      }
      if (mightInitialize(text, catalogue)) return true;
      for (const match of text.matchAll(new RegExp(RELATIVE_SPECIFIER.source, "gu"))) {
        const target = path.resolve(path.dirname(file), match[1] as string);
        if (seen.has(target)) continue;
        seen.add(target);
        if (seen.size > MAX_REACHED_FILES) return true;
        next.push(target);
      }
    }
    frontier = next;
  }
  return false;
}

/** The module a name is imported from by `import { name } from "…"` of the file's top level. */
function importSource(sourceCode: Source, identifier: TSESTree.Identifier): string | undefined {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  return def?.type === "ImportBinding" && def.parent?.type === AST_NODE_TYPES.ImportDeclaration ? def.parent.source.value : undefined;
}


/**
 * The program works with the instance: a method of it is called, on the `new` expression itself
 * (`new TracingSDK(o).getTracer("x")`) or on the `const`/`let` that keeps it (`tracingSDK.getTracer("x")`,
 * `config.getModel()`), or its function returns it to the caller (`return new Config({…})`, `return config;`). An instance only constructed for its side effects and dropped (trigger.dev's index worker
 * builds a TracingSDK so that instrumentations load, and records nothing) is not taken as the program's tracing:
 * what it could record then comes only from instrumentations, which are not followed (a documented miss).
 */
function instanceUse(sourceCode: Source, node: TSESTree.NewExpression): "method" | "returned" | undefined {
  const isMethodCall = (object: TSESTree.Node) => {
    const member = object.parent;
    return member?.type === AST_NODE_TYPES.MemberExpression && member.object === object && member.parent?.type === AST_NODE_TYPES.CallExpression && member.parent.callee === member;
  };
  if (isMethodCall(node)) return "method";
  if (returned(node)) return "returned";
  const declarator = node.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  const reads = sourceCode.getDeclaredVariables(declarator).flatMap((variable) => variable.references.filter((reference) => reference.isRead()));
  if (reads.some((reference) => isMethodCall(reference.identifier))) return "method";
  return reads.some((reference) => returned(reference.identifier)) ? "returned" : undefined;
}

/**
 * The value is what its function returns, so the caller gets the instance (gemini-cli's `loadCliConfig()` ends with
 * `return new Config({…})`): `return new C()`, `return await new C()`, `() => new C()`, `const c = new C(); …; return c;`.
 */
function returned(node: TSESTree.Node): boolean {
  let value: TSESTree.Node = node;
  while (value.parent?.type === AST_NODE_TYPES.AwaitExpression || value.parent?.type === AST_NODE_TYPES.TSAsExpression || value.parent?.type === AST_NODE_TYPES.TSNonNullExpression) value = value.parent;
  const parent = value.parent;
  return parent?.type === AST_NODE_TYPES.ReturnStatement || (parent?.type === AST_NODE_TYPES.ArrowFunctionExpression && parent.body === value);
}

/** The catalogue initializer C's constructor runs, in its body or up to two calls away; null when it runs none. */
function constructorStarts(declaration: TSESTree.ClassDeclaration, sourceCode: Source, file: string, modelOf: DependencyModelOf): Started | null {
  const ctor = declaration.body.body.find(
    (member): member is TSESTree.MethodDefinition => member.type === AST_NODE_TYPES.MethodDefinition && member.kind === "constructor",
  );
  if (ctor?.value.type !== AST_NODE_TYPES.FunctionExpression) return null;
  const flushMethods = flushingMethods(declaration, sourceCode, file, modelOf);
  const found = startsIn({ fn: ctor.value, sourceCode, file }, declaration, modelOf, CALL_DEPTH, []);
  return found ? { ...found, flushMethods } : null;
}

/** How many calls deep a constructor is followed: `constructor → this.boot() → startTelemetry()`. */
const CALL_DEPTH = 2;

/** A catalogue initializer in `fn`, or in a function it calls (`left` calls deep), with the calls that lead to it. */
function startsIn(
  fn: { fn: FunctionNode; sourceCode: Source; file: string },
  declaration: TSESTree.ClassDeclaration,
  modelOf: DependencyModelOf,
  left: number,
  chain: readonly string[],
): Omit<Started, "flushMethods"> | undefined {
  const own = initializerIn(fn.fn, fn.sourceCode, fn.file, modelOf);
  if (own) return { ...own, via: chain.length === 0 ? undefined : chain.map((name) => `${name}()`).join(" → ") };
  if (left === 0) return undefined;
  for (const call of callsIn(fn.fn, fn.sourceCode)) {
    const target = calledFunction(call, declaration, fn.sourceCode, fn.file);
    if (!target || target.fn === fn.fn) continue;
    const found = startsIn(target, declaration, modelOf, left - 1, [...chain, target.name]);
    if (found) return found;
  }
  return undefined;
}

/** The class's own methods whose body runs a catalogue flush of its file (`this._traceProvider.forceFlush()`). */
function flushingMethods(declaration: TSESTree.ClassDeclaration, sourceCode: Source, file: string, modelOf: DependencyModelOf): string[] {
  const flushes = modelFor(sourceCode, file, modelOf).flushes();
  const names: string[] = [];
  for (const member of declaration.body.body) {
    if (member.type !== AST_NODE_TYPES.MethodDefinition || member.kind !== "method" || member.static || member.key.type !== AST_NODE_TYPES.Identifier) continue;
    const [start, end] = member.value.range;
    if (flushes.some((flush) => flush.node.range[0] >= start && flush.node.range[1] <= end)) names.push(member.key.name);
  }
  return names;
}

function modelFor(sourceCode: Source, file: string, modelOf: DependencyModelOf): DependencyModel {
  let model = models.get(sourceCode);
  if (!model) {
    model = modelOf(sourceCode, file);
    models.set(sourceCode, model);
  }
  return model;
}

const models = new WeakMap<Source, DependencyModel>();

/** The first catalogue initializer inside `fn` that starts tracing, with its file's delivery. */
function initializerIn(fn: FunctionNode, sourceCode: Source, file: string, modelOf: DependencyModelOf): Omit<Started, "via" | "flushMethods"> | undefined {
  const model = modelFor(sourceCode, file, modelOf);
  const [start, end] = fn.range;
  const init = model
    .initializers()
    .find((one) => one.spec !== undefined && one.node.range[0] >= start && one.node.range[1] <= end && model.startsTracing(one));
  return init?.spec ? { spec: init.spec, delivery: model.delivery } : undefined;
}

/** The calls written in `fn`'s body, not in functions nested in it (those run later, if ever). */
function callsIn(fn: FunctionNode, sourceCode: Source): TSESTree.CallExpression[] {
  const calls: TSESTree.CallExpression[] = [];
  walk(fn.body, sourceCode.visitorKeys, (node) => {
    if (isFunction(node)) return false;
    if (node.type === AST_NODE_TYPES.CallExpression) calls.push(node);
    return true;
  });
  return calls;
}

/**
 * The function a constructor's call runs: `this.setup()` (a method of the class), `initializeTelemetry(this)` (a
 * top-level function of the same file, or one imported by a relative specifier from the package's own files).
 */
function calledFunction(
  call: TSESTree.CallExpression,
  declaration: TSESTree.ClassDeclaration,
  sourceCode: Source,
  file: string,
): { fn: FunctionNode; sourceCode: Source; file: string; name: string } | undefined {
  const callee = skipWrappers(call.callee);
  if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.ThisExpression && callee.property.type === AST_NODE_TYPES.Identifier && !callee.computed) {
    const name = callee.property.name;
    const method = declaration.body.body.find(
      (member): member is TSESTree.MethodDefinition =>
        member.type === AST_NODE_TYPES.MethodDefinition && member.kind === "method" && !member.static && member.key.type === AST_NODE_TYPES.Identifier && member.key.name === name,
    );
    return method?.value.type === AST_NODE_TYPES.FunctionExpression ? { fn: method.value, sourceCode, file, name } : undefined;
  }
  if (callee.type !== AST_NODE_TYPES.Identifier) return undefined;
  const name = callee.name;
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      const specifier = statement.source.value;
      const local = statement.specifiers.find((one): one is TSESTree.ImportSpecifier => one.type === AST_NODE_TYPES.ImportSpecifier && one.local.name === name);
      if (!local) continue;
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
      const imported = local.imported.type === AST_NODE_TYPES.Identifier ? local.imported.name : local.imported.value;
      const target = exportedFunction(path.resolve(path.dirname(file), specifier), imported);
      return target ? { fn: target.fn, sourceCode: target.sourceCode, file: target.file, name } : undefined;
    }
  }
  const local = topLevelFunction(sourceCode, name);
  return local ? { fn: local, sourceCode, file, name } : undefined;
}

/**
 * The calls of the linted file that run a dependency set-up's flush: `await tracingSDK.flush()` on the `const` that
 * keeps the instance, or on a variable every write of which copies a binding of that name (trigger.dev's
 * `_tracingSDK = tracingSDK`, after `const { tracingSDK } = await bootstrap()`), where `flush` is a method of the
 * class that runs a catalogue flush.
 */
export function dependencyFlushes(sourceCode: Source, setups: readonly { node: TSESTree.NewExpression; setup: DependencySetup }[]): TSESTree.CallExpression[] {
  const byName = new Map<string, Set<string>>();
  for (const { node, setup } of setups) {
    const declarator = node.parent;
    if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier || setup.flushMethods.length === 0) continue;
    const methods = byName.get(declarator.id.name) ?? new Set<string>();
    for (const method of setup.flushMethods) methods.add(method);
    byName.set(declarator.id.name, methods);
  }
  if (byName.size === 0) return [];
  /** The methods a variable's value has: its own name's, or those of the one name every write copies. */
  const methodsOf = (identifier: TSESTree.Identifier): Set<string> | undefined => {
    const variable = sourceCode.scopeManager && findVariableOf(sourceCode, identifier);
    if (!variable) return undefined;
    const own = byName.get(variable.name);
    if (own) return own;
    const writes = variable.references.filter((reference) => reference.isWrite());
    const sources = writes.map((reference) => (reference.writeExpr?.type === AST_NODE_TYPES.Identifier ? reference.writeExpr.name : undefined));
    const first = sources[0];
    return writes.length > 0 && first !== undefined && sources.every((name) => name === first) ? byName.get(first) : undefined;
  };
  const calls: TSESTree.CallExpression[] = [];
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.CallExpression) return;
    const callee = skipWrappers(node.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return;
    const object = skipWrappers(callee.object);
    if (object.type !== AST_NODE_TYPES.Identifier) return;
    if (methodsOf(object)?.has(callee.property.name)) calls.push(node);
  });
  return calls;
}

function findVariableOf(sourceCode: Source, identifier: TSESTree.Identifier): TSESLint.Scope.Variable | undefined {
  return ASTUtils.findVariable(sourceCode.getScope(identifier), identifier) ?? undefined;
}
