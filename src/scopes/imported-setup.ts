/**
 * The usual layout of a traced program (issue 16): the tracing set-up in a module of its own, which the program
 * imports for its effect or for the provider it exports.
 *
 *   // tracing.ts                                                      // index.ts
 *   export const provider = new NodeTracerProvider({                   import { provider } from "./tracing.js";
 *     spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
 *   });                                                                process.on("SIGTERM", () => process.exit(0));
 *   provider.register();                                               main().catch(…);
 *
 * A relative import of such a module is an initializer of the importing file, as if the set-up were written there.
 * The shapes followed:
 * - a top-level import (`import … from "./tracing.js"`, `import "./tracing.js"`, `require("./tracing")`) or a
 *   top-level dynamic import (`await import("./tracing.js")`, `const { provider } = await import(…)`) of a module
 *   whose set-up runs at its own top level;
 * - the same through modules in between, up to MAX_IMPORT_HOPS modules away (`index.ts` imports `./app.js`, which
 *   imports `./tracing.js`): what a module's top level imports runs when it is loaded;
 * - a set-up in an exported function of the imported module, where the importing file calls it
 *   (`import { setupTracing } from "./tracing.js"; setupTracing();`, `await initTelemetry()` in `main`): the call is
 *   the initializer, wherever it is in the file, as an initializer written in the file counts wherever it is.
 *   A function that is imported and never called starts nothing. The set-up may be a construction of an installed
 *   package's class that starts tracing (src/scopes/program-setup.ts: `return new Config({…})` in gemini-cli's
 *   `loadCliConfig()`), and the function's own call of another module's set-up function makes it one too (gemini-cli's
 *   `main()` calls `loadCliConfig()`): a chain, bounded by MAX_IMPORT_HOPS and cached like the rest;
 * - not through a module the file mocks (`vi.mock("./config.js")`: src/scopes/mocks.ts, applied by src/scopes/model.ts).
 * The module is read from disk (`./x.js` names `./x.ts` as TypeScript resolves it; src/scopes/files-on-disk.ts),
 * parsed on its own, and its initializers found by binding with the same catalogue.
 * - Its delivery (batch, simple, in memory, off: src/scopes/pipeline.ts) is the set-up module's, so an in-memory or
 *   switched-off set-up there keeps the importing file quiet as it would if written in it.
 * - The flush target is the object the module keeps from a constructed initializer when it exports it
 *   (`export const provider = …`, `export { sdk }`, `export let sdk` assigned in the set-up function), or the
 *   module's exported function that flushes it (`export async function shutdownTracing() { await sdk?.shutdown(); }`),
 *   preferred for a set-up in a function, whose holder is empty until the function runs; or what the set-up
 *   function returns, kept by the importing file (`const provider = startTracing()`). A call of that exported
 *   function in the importing file is a flush.
 * - a module the command that runs the file preloads, as its package.json `scripts` say (`node --import ./tracing.js
 *   index.js`; src/scopes/preloads.ts): anchored at the program, which it runs before.
 * Not followed: a module's re-exports of another's provider, namespace imports of a set-up function
 * (`tracing.setup()`), dynamic imports inside functions, and preloads of packages or from outside package.json.
 * `importedFunction` gives src/scopes/process-level.ts the exported function a relative import names, to judge
 * whether a call of it flushes (`await runNonInteractive({…})`).
 * Results are cached per file read (src/scopes/files-on-disk.ts keeps what it read for a few seconds), per catalogue
 * and per hops left.
 */
import * as path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FlushSpec, InitializerSpec } from "./catalogue";
import type { Catalogue } from "./settings";
import type { SourceFile } from "./files-on-disk";
import { resolveRelative } from "./files-on-disk";
import type { FunctionNode } from "./ast";
import { cachedPair, isFunction, skipWrappers, statementExpression, topLevelRequire, walk } from "./ast";
import { parseSourceCode } from "./parser";
import { preloadsOf } from "./preloads";
import { MAX_IMPORT_HOPS, RELATIVE_SPECIFIER, mightInitialize, mightReachSetup } from "./prefilter";
import { constructsTracingClass } from "./program-setup";
import type { DependencyModel } from "./program-setup";
import type { Delivery } from "./pipeline";

export { MAX_IMPORT_HOPS };

/** A binding of the importing file, and the node that declares it (for `getDeclaredVariables`). */
export interface LocalBinding {
  readonly name: string;
  readonly declaration: TSESTree.Node;
}

/** What the imported module sets up, as the importing file sees it. */
export interface ImportedSetup {
  /**
   * The set-up module, as the importing file would import it: the specifier it writes (`./tracing.js`), or, for a
   * set-up further away, the path to it in the spelling of the module that imports it (`./lib/tracing.js`).
   */
  readonly specifier: string;
  readonly file: string;
  readonly delivery: Delivery;
  /** The module's export that holds the initializer's result (`provider`), when it exports one. */
  readonly exported: string | undefined;
  /**
   * The importing file's own binding of that result: `import { provider as p }` → `p`, or the constant it keeps
   * what the set-up function returns in (`const p = startTracing()`).
   */
  readonly local: LocalBinding | undefined;
  /** The module's exported function that flushes the set-up (`shutdownTracing`), and the importing file's binding of it. */
  readonly shutdown?: { readonly exported: string; readonly local: LocalBinding | undefined };
  /**
   * `import`: the set-up runs when the module is loaded by a static import or `require`; `dynamic`: by a top-level
   * `import()`, whose place the program chose (a fix adds no static import of it, which would load it earlier);
   * `call`: when the importing file calls the module's function; `preload`: before the file, by the command that runs
   * it (src/scopes/preloads.ts), which a fix's static import would not reproduce.
   */
  readonly runs: "import" | "dynamic" | "call" | "preload";
  /** The modules between the importing file and the set-up module, outermost first (absolute paths). */
  readonly through: readonly string[];
  /** The installed package whose class the set-up module constructs, when that starts the tracing (src/scopes/program-setup.ts). */
  readonly dependency?: string;
}

/** One initializer that loading (or calling into) a module starts, and where its set-up is. */
interface ForeignInitializer {
  readonly spec: InitializerSpec;
  /** The set-up module (this one, or one it imports) and its delivery. */
  readonly file: string;
  readonly delivery: Delivery;
  /** The set-up module's export of the initializer's result, and its exported flush function. */
  readonly exported: string | undefined;
  readonly shutdown: string | undefined;
  /** The specifier of the set-up module as this module would import it (`./tracing.js`; empty when it is this module). */
  readonly specifier: string;
  /** This module and those after it down to the set-up module's importer (empty when the set-up is this module's). */
  readonly through: readonly string[];
  readonly dependency: string | undefined;
}

interface ForeignSetup {
  /** Started when the module is loaded. */
  readonly onLoad: readonly ForeignInitializer[];
  /** Started by calling an exported function, by export name; `returnsHolder`: the function returns the result. */
  readonly functions: ReadonlyMap<string, { readonly inits: readonly ForeignInitializer[]; readonly returnsHolder: boolean }>;
}

/** The minimum of a file model this module needs of the imported module (built by src/scopes/model.ts). */
export interface ForeignModel {
  initializers(): readonly {
    readonly node: TSESTree.Node;
    readonly spec: InitializerSpec | undefined;
    readonly binding: string | undefined;
    readonly imported?: ImportedSetup;
    /** A class of an installed package whose constructor starts tracing (src/scopes/program-setup.ts), with that package's delivery. */
    readonly dependency?: { readonly delivery: Delivery; readonly specifier: string };
  }[];
  readonly delivery: Delivery;
  startsTracing(init: { readonly node: TSESTree.Node; readonly spec: InitializerSpec | undefined }): boolean;
}

/** The imported module's model, following its own imports up to `hops` modules further. */
/** A model of another file; with its flushes, so that a package class's constructor can be judged from it (src/scopes/program-setup.ts). */
export type ForeignModelOf = (sourceCode: Readonly<TSESLint.SourceCode>, file: string, hops: number) => DependencyModel;

const setups = new WeakMap<SourceFile, WeakMap<Catalogue, Map<number, ForeignSetup | null>>>();

/** What the module read from disk starts when loaded or called, or null when it starts nothing. */
function setupOf(source: SourceFile, catalogue: Catalogue, modelOf: ForeignModelOf, hops: number): ForeignSetup | null {
  const byHops = cachedPair(setups, source, catalogue, () => new WeakMap(), () => new Map<number, ForeignSetup | null>());
  let setup = byHops.get(hops);
  if (setup === undefined) {
    // Set first: an import cycle back to this module finds nothing more here.
    byHops.set(hops, null);
    setup = readSetup(source, catalogue, modelOf, hops);
    byHops.set(hops, setup);
  }
  return setup;
}

function readSetup(source: SourceFile, catalogue: Catalogue, modelOf: ForeignModelOf, hops: number): ForeignSetup | null {
  const dir = path.dirname(source.file);
  // Most imported modules name no initializer, construct no package class that starts tracing (the package's file is
  // read, hops -1 as model.ts's PACKAGE_FILE), and import no module that does: not parsed.
  const constructs = (text: string, from: string) => constructsTracingClass(text, from, catalogue, (other, file) => modelOf(other, file, -1));
  if (!mightInitialize(source.text, catalogue) && !constructs(source.text, dir) && !mightReachSetup(dir, source.text, catalogue, hops, new Map(), constructs)) return null;
  const sourceCode = parsedOf(source);
  if (!sourceCode) return null;
  const model = modelOf(sourceCode, source.file, hops);
  const exportedFunctions = exportedFunctionsOf(sourceCode);
  const onLoad: ForeignInitializer[] = [];
  const functions = new Map<string, { inits: ForeignInitializer[]; returnsHolder: boolean }>();
  for (const init of model.initializers()) {
    if (init.spec === undefined || (init.node.type === AST_NODE_TYPES.ImportDeclaration && !init.imported)) continue;
    if (!init.imported && !model.startsTracing(init)) continue;
    const holder = init.imported ? undefined : holderOf(sourceCode, init.node);
    const foreign: ForeignInitializer = init.imported
      ? {
          spec: init.spec,
          file: init.imported.file,
          delivery: init.imported.delivery,
          exported: init.imported.exported,
          shutdown: init.imported.shutdown?.exported,
          specifier: init.imported.specifier,
          through: [source.file, ...init.imported.through],
          dependency: init.imported.dependency,
        }
      : {
          spec: init.spec,
          file: source.file,
          delivery: init.dependency?.delivery ?? model.delivery,
          exported: holder && atModuleLevel(holder) ? exportName(sourceCode, holder.name) : undefined,
          shutdown: holder && atModuleLevel(holder) ? flushFunction(sourceCode, exportedFunctions, holder, init.spec) : undefined,
          specifier: "",
          through: [],
          dependency: init.dependency?.specifier,
        };
    const fn = runningFunction(init.node);
    if (fn === null) {
      onLoad.push(foreign);
      continue;
    }
    const name = fn && exportedFunctions.get(fn);
    if (!fn || name === undefined) continue;
    const entry = functions.get(name) ?? { inits: [], returnsHolder: false };
    entry.inits.push(foreign);
    if (holder && returns(sourceCode, fn, holder)) entry.returnsHolder = true;
    functions.set(name, entry);
  }
  return onLoad.length === 0 && functions.size === 0 ? null : { onLoad, functions };
}

const parsed = new WeakMap<SourceFile, Readonly<TSESLint.SourceCode> | null>();

/** The module parsed once per file read, whatever the hops it is reached with (an intermediate module is reached often). */
function parsedOf(source: SourceFile): Readonly<TSESLint.SourceCode> | null {
  let sourceCode = parsed.get(source);
  if (sourceCode === undefined) {
    sourceCode = parseSourceCode(source.file, source.text, "module") ?? parseSourceCode(source.file, source.text, "script") ?? null;
    parsed.set(source, sourceCode);
  }
  return sourceCode;
}

/** The function whose body runs the node (null: the module's top level; undefined: a static block). */
function runningFunction(node: TSESTree.Node): FunctionNode | null | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunction(current)) return current;
    if (current.type === AST_NODE_TYPES.StaticBlock) return undefined;
  }
  return null;
}

/** The variable that keeps the initializer's result: `const sdk = new NodeSDK()`, `sdk = new NodeSDK()`. */
function holderOf(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): TSESLint.Scope.Variable | undefined {
  const parent = node.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
    const name = parent.id.name;
    return sourceCode.getDeclaredVariables(parent).find((variable) => variable.name === name);
  }
  if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.operator === "=" && parent.right === node && parent.left.type === AST_NODE_TYPES.Identifier) {
    return ASTUtils.findVariable(sourceCode.getScope(parent), parent.left) ?? undefined;
  }
  return undefined;
}

const atModuleLevel = (variable: TSESLint.Scope.Variable) => variable.scope.type === "module" || variable.scope.type === "global";

/** The module's exported functions, by node: `export function f`, `export const f = () => …`, `export { f as g }`, `export default function`. */
function exportedFunctionsOf(sourceCode: Readonly<TSESLint.SourceCode>): Map<FunctionNode, string> {
  const found = new Map<FunctionNode, string>();
  const add = (fn: TSESTree.Node | null | undefined, local: string | undefined, exported: string | undefined) => {
    const name = exported ?? (local === undefined ? undefined : exportName(sourceCode, local));
    if (isFunction(fn) && name !== undefined) found.set(fn, name);
  };
  for (const statement of sourceCode.ast.body) {
    const exported = statement.type === AST_NODE_TYPES.ExportNamedDeclaration && statement.exportKind !== "type";
    const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration ? statement.declaration : statement;
    if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration) add(statement.declaration, undefined, "default");
    if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration && declaration.id) add(declaration, declaration.id.name, exported ? declaration.id.name : undefined);
    if (declaration?.type === AST_NODE_TYPES.VariableDeclaration && declaration.kind === "const") {
      for (const declarator of declaration.declarations) {
        if (declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) continue;
        add(skipWrappers(declarator.init), declarator.id.name, exported ? declarator.id.name : undefined);
      }
    }
  }
  return found;
}

/** The calls of `variable.method()` (or `variable?.method()`) in `root`, for `method` among `methods`. */
function callsMethodOf(sourceCode: Readonly<TSESLint.SourceCode>, root: TSESTree.Node, variable: TSESLint.Scope.Variable, methods: readonly string[]): boolean {
  let found = false;
  walk(root, sourceCode.visitorKeys, (node) => {
    if (found || node.type !== AST_NODE_TYPES.CallExpression) return !found;
    const callee = skipWrappers(node.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return true;
    const object = skipWrappers(callee.object);
    if (object.type !== AST_NODE_TYPES.Identifier || !methods.includes(callee.property.name)) return true;
    found = ASTUtils.findVariable(sourceCode.getScope(object), object) === variable;
    return !found;
  });
  return found;
}

/** The exported function that flushes the holder: `export async function shutdownTracing() { await sdk?.shutdown(); }`. */
function flushFunction(sourceCode: Readonly<TSESLint.SourceCode>, exported: ReadonlyMap<FunctionNode, string>, holder: TSESLint.Scope.Variable, spec: InitializerSpec): string | undefined {
  if (!spec.construct) return undefined;
  const methods = ["shutdown", "forceFlush", ...(spec.flushMethod ? [spec.flushMethod] : [])];
  for (const [fn, name] of exported) {
    if (callsMethodOf(sourceCode, fn.body, holder, methods)) return name;
  }
  return undefined;
}

/** The function returns the holder: `return provider;`, or an arrow whose body is it. */
function returns(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode, holder: TSESLint.Scope.Variable): boolean {
  const isHolder = (node: TSESTree.Node | null | undefined) => {
    const expression = node && skipWrappers(node);
    return expression?.type === AST_NODE_TYPES.Identifier && ASTUtils.findVariable(sourceCode.getScope(expression), expression) === holder;
  };
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return isHolder(fn.body);
  let found = false;
  walk(fn.body, sourceCode.visitorKeys, (node) => {
    if (isFunction(node)) return false;
    if (node.type === AST_NODE_TYPES.ReturnStatement && isHolder(node.argument)) found = true;
    return !found;
  });
  return found;
}

/** The name under which the module exports its top-level `binding`: `export const provider = …`, `export { sdk as tracing }`. */
function exportName(sourceCode: Readonly<TSESLint.SourceCode>, binding: string): string | undefined {
  for (const statement of sourceCode.ast.body) {
    if (statement.type !== AST_NODE_TYPES.ExportNamedDeclaration || statement.exportKind === "type") continue;
    const declaration = statement.declaration;
    if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
      if (declaration.declarations.some((declarator) => declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === binding)) return binding;
    }
    if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration && declaration.id?.name === binding) return binding;
    if (statement.source) continue;
    for (const specifier of statement.specifiers) {
      if (specifier.local.type !== AST_NODE_TYPES.Identifier || specifier.local.name !== binding || specifier.exportKind === "type") continue;
      if (specifier.exported.type === AST_NODE_TYPES.Identifier) return specifier.exported.name;
    }
  }
  return undefined;
}

const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");

/**
 * The importing file's bindings of this import's exports, by export name: `import { name as local }`,
 * `const { name: local } = require(…)`, `const { name } = await import(…)`.
 */
function localBindings(sourceCode: Readonly<TSESLint.SourceCode>, statement: TSESTree.ProgramStatement): Map<string, { binding: LocalBinding; variable: TSESLint.Scope.Variable | undefined }> {
  const found = new Map<string, { binding: LocalBinding; variable: TSESLint.Scope.Variable | undefined }>();
  const variableOf = (declaration: TSESTree.Node, name: string) => sourceCode.getDeclaredVariables(declaration).find((variable) => variable.name === name);
  if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
    for (const specifier of statement.specifiers) {
      if (specifier.type !== AST_NODE_TYPES.ImportSpecifier || specifier.importKind === "type") continue;
      const imported = specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
      found.set(imported, { binding: { name: specifier.local.name, declaration: specifier }, variable: variableOf(specifier, specifier.local.name) });
    }
    return found;
  }
  const declarator = statement.type === AST_NODE_TYPES.VariableDeclaration ? statement.declarations[0] : undefined;
  if (declarator?.id.type !== AST_NODE_TYPES.ObjectPattern) return found;
  for (const property of declarator.id.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier) continue;
    if (property.value.type === AST_NODE_TYPES.Identifier) {
      found.set(property.key.name, { binding: { name: property.value.name, declaration: declarator }, variable: variableOf(declarator, property.value.name) });
    }
  }
  return found;
}

/** `import("./x")` as a top-level statement, awaited or not, or `const … = await import("./x")`: the import and its specifier. */
function topLevelDynamicImport(statement: TSESTree.ProgramStatement): { node: TSESTree.ImportExpression; module: string } | undefined {
  const expression = statementExpression(statement);
  const imported = expression?.type === AST_NODE_TYPES.AwaitExpression ? expression.argument : expression;
  if (imported?.type !== AST_NODE_TYPES.ImportExpression || imported.source.type !== AST_NODE_TYPES.Literal || typeof imported.source.value !== "string") return undefined;
  return { node: imported, module: imported.source.value };
}

/** `./lib/tracing.js`: the set-up module as the importing file in `dir` would name it, from its specifier in the module `from` imports. */
function specifierFrom(dir: string, from: string, specifier: string): string {
  const relative = path.relative(dir, path.resolve(path.dirname(from), specifier)).split(path.sep).join("/");
  return relative.startsWith("../") ? relative : `./${relative}`;
}

/** One initializer the importing file gets: where it is anchored, its spec, and what the module sets up. */
export interface ImportedInitializer {
  /** The program itself for a preload. */
  readonly node: TSESTree.ImportDeclaration | TSESTree.CallExpression | TSESTree.ImportExpression | TSESTree.Program;
  readonly spec: InitializerSpec;
  readonly imported: ImportedSetup;
}

/**
 * The initializers the file's relative imports bring in: one per initializer the imported module starts when loaded
 * (anchored at the import), and one per call of an exported set-up function of it (anchored at the call).
 * `hops`: how many modules away a set-up is followed (1: the imported modules' own imports are not).
 */
export function importedInitializers(
  sourceCode: Readonly<TSESLint.SourceCode>,
  catalogue: Catalogue,
  dir: string,
  modelOf: ForeignModelOf,
  hops: number = MAX_IMPORT_HOPS,
): ImportedInitializer[] {
  const found: ImportedInitializer[] = [];
  for (const statement of sourceCode.ast.body) {
    let node: ImportedInitializer["node"];
    let specifier: string;
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      // `import type { … }` loads nothing.
      if (statement.importKind === "type") continue;
      node = statement;
      specifier = statement.source.value;
    } else {
      const loaded = topLevelRequire(statement) ?? topLevelDynamicImport(statement);
      if (!loaded) continue;
      node = "call" in loaded ? loaded.call : loaded.node;
      specifier = loaded.module;
    }
    if (!isRelative(specifier)) continue;
    const source = resolveRelative(dir, specifier);
    const setup = source && setupOf(source, catalogue, modelOf, hops - 1);
    if (!source || !setup) continue;
    const locals = localBindings(sourceCode, statement);
    const imported = (init: ForeignInitializer, runs: ImportedSetup["runs"], local: LocalBinding | undefined) => importedSetup(dir, specifier, init, runs, local, locals);
    const runs = node.type === AST_NODE_TYPES.ImportExpression ? "dynamic" : "import";
    for (const init of setup.onLoad) found.push({ node, spec: init.spec, imported: imported(init, runs, undefined) });
    // `import { setupTracing } from "./tracing.js"`: each call of it starts what the function sets up.
    for (const [name, fn] of setup.functions) {
      const variable = locals.get(name)?.variable;
      for (const reference of variable?.references ?? []) {
        const call = reference.identifier.parent;
        if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== reference.identifier) continue;
        const kept = fn.returnsHolder ? keptIn(call) : undefined;
        for (const init of fn.inits) found.push({ node: call, spec: init.spec, imported: imported(init, "call", kept) });
      }
    }
  }
  // The same set-up reached twice (`./app.js` imports `./tracing.js`, which the file imports too): the one the file holds a binding of.
  return found.filter(
    (entry) => entry.imported.local !== undefined || !found.some((other) => other !== entry && other.imported.file === entry.imported.file && other.spec === entry.spec && other.imported.local !== undefined),
  );
}

/**
 * What the importing file (in `dir`) gets of `init`, reached through its `specifier`: the set-up module by its path
 * from here when it is further away, the file's bindings (`locals`) of its exports when it is the imported module.
 */
function importedSetup(
  dir: string,
  specifier: string,
  init: ForeignInitializer,
  runs: ImportedSetup["runs"],
  local: LocalBinding | undefined,
  locals: ReadonlyMap<string, { binding: LocalBinding }>,
): ImportedSetup {
  const direct = init.through.length === 0;
  const shutdown = init.shutdown === undefined ? undefined : { exported: init.shutdown, local: direct ? locals.get(init.shutdown)?.binding : undefined };
  return {
    specifier: direct ? specifier : specifierFrom(dir, init.through[0] as string, init.specifier),
    file: path.resolve(init.file),
    delivery: init.delivery,
    exported: init.exported,
    local: local ?? (direct && init.exported !== undefined ? locals.get(init.exported)?.binding : undefined),
    ...(shutdown ? { shutdown } : {}),
    runs,
    through: init.through.map((file) => path.resolve(file)),
    ...(init.dependency === undefined ? {} : { dependency: init.dependency }),
  };
}

/**
 * The initializers the command that runs `file` preloads (`node --import ./tracing.js index.js` in its package.json
 * `scripts`: src/scopes/preloads.ts), anchored at the program: they run before any of it.
 */
export function preloadedInitializers(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue, file: string, modelOf: ForeignModelOf): ImportedInitializer[] {
  const found: ImportedInitializer[] = [];
  const dir = path.dirname(file);
  for (const preload of preloadsOf(file)) {
    const source = resolveRelative(preload.dir, preload.specifier);
    const setup = source && setupOf(source, catalogue, modelOf, MAX_IMPORT_HOPS - 1);
    if (!setup) continue;
    // The module by its path from the linted file, as a fix would name it.
    const specifier = specifierFrom(dir, path.join(preload.dir, "package.json"), preload.specifier);
    for (const init of setup.onLoad) found.push({ node: sourceCode.ast, spec: init.spec, imported: importedSetup(dir, specifier, init, "preload", undefined, new Map()) });
  }
  return found;
}

/** `const provider = startTracing()` (or `await startTracing()`): the constant the call's result is kept in. */
function keptIn(call: TSESTree.CallExpression): LocalBinding | undefined {
  const value = call.parent?.type === AST_NODE_TYPES.AwaitExpression ? call.parent : call;
  const declarator = value.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== value || declarator.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (declarator.parent.type !== AST_NODE_TYPES.VariableDeclaration || declarator.parent.kind !== "const") return undefined;
  return { name: declarator.id.name, declaration: declarator };
}

/**
 * The calls of an imported set-up module's flush function in the importing file (`await shutdownTracing()`), as
 * flushes of the set-up's SDK.
 */
export function importedFlushCalls(sourceCode: Readonly<TSESLint.SourceCode>, imported: readonly ImportedInitializer[]): { node: TSESTree.CallExpression; spec: FlushSpec }[] {
  const calls: { node: TSESTree.CallExpression; spec: FlushSpec }[] = [];
  const seen = new Set<TSESTree.Node>();
  for (const { spec, imported: setup } of imported) {
    const local = setup.shutdown?.local;
    if (!setup.shutdown || !local) continue;
    const variable = sourceCode.getDeclaredVariables(local.declaration).find((candidate) => candidate.name === local.name);
    const flush: FlushSpec = { sdk: spec.sdk, form: "call", modules: [setup.specifier], path: [setup.shutdown.exported], example: `${local.name}()` };
    for (const reference of variable?.references ?? []) {
      const call = reference.identifier.parent;
      if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== reference.identifier || seen.has(call)) continue;
      seen.add(call);
      calls.push({ node: call, spec: flush });
    }
  }
  return calls;
}

/** The file's text has a relative import or `require` at all: the model may look for an imported set-up. */
export function mightImportSetup(text: string): boolean {
  return RELATIVE_SPECIFIER.test(text);
}

/**
 * The exported function of a relatively imported module that a name of the file stands for
 * (`import { runNonInteractive } from "./nonInteractiveCli.js"`), read and parsed as set-up modules are; `dir` is
 * the file's directory. Re-exports are not followed.
 */
export function importedFunction(
  sourceCode: Readonly<TSESLint.SourceCode>,
  identifier: TSESTree.Identifier,
  dir: string,
): { fn: FunctionNode; sourceCode: Readonly<TSESLint.SourceCode>; file: string } | undefined {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type !== "ImportBinding" || def.node.type !== AST_NODE_TYPES.ImportSpecifier || def.parent?.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
  if (def.parent.importKind === "type" || !isRelative(def.parent.source.value) || !path.isAbsolute(dir)) return undefined;
  const name = def.node.imported.type === AST_NODE_TYPES.Identifier ? def.node.imported.name : def.node.imported.value;
  const source = resolveRelative(dir, def.parent.source.value);
  const module = source && parsedOf(source);
  if (!source || !module) return undefined;
  for (const [fn, exported] of exportedFunctionsOf(module)) if (exported === name) return { fn, sourceCode: module, file: source.file };
  return undefined;
}
