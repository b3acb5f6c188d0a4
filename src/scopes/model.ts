/**
 * The traced-scope model of one file, shared by every rule (and so by the codemods,
 * which apply the rules' fixes). Built lazily, once per `SourceCode`, from bindings:
 * an opener or `process.exit` counts only when it resolves to the real module
 * export or the real global, never to a shadowing local.
 */
import * as path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ExitMethod, ExportOpener, FlushSpec, InitializerSpec, OpenerSpec, SdkId } from "./catalogue";
import { EXIT_METHODS, PROCESS_MODULES } from "./catalogue";
import type { Catalogue } from "./settings";
import { catalogueFor } from "./settings";
import { catalogueForFile } from "./specifiers";
import { MAX_IMPORT_HOPS, mightImportPackage, mightOpenScope, mightStartSpanThroughImport, mightTrace } from "./prefilter";
import type { FunctionNode } from "./ast";
import { cachedPair, functionName, isFunction, keyName, lazy, memberKey, memberName, propertyNode, resolveConst, skipWrappers, staticProperty, staticString, topLevelRequire, walk } from "./ast";
import type { ThisCalls } from "./members";
import { callsOf, createThisCalls, functionBinding, memberCallSites, memberFunction } from "./members";
import { tableCallSites, tableValuesCalled } from "./lookup-tables";

export { walk } from "./ast";
import { HELPER_END_OWNED, HELPER_WRAP } from "../fixes/span-helper";
import type { ReleaseNote } from "./releases";
import { createReleaseLookup } from "./releases";
import type { ManualSpan } from "./manual-spans";
import { findManualSpans } from "./manual-spans";
import type { TraceMap, Tracker } from "./globals";
import { addToTraceMap, createTracker, trackModules } from "./globals";
import { foreignOpenerCalls, programMayOpenScope } from "./foreign-openers";
import { runnerCalls } from "./runners";
import type { ForeignModelOf, ImportedInitializer, ImportedSetup } from "./imported-setup";
import { importedFlushCalls, importedInitializers, mightImportSetup, preloadedInitializers } from "./imported-setup";
import type { DependencyModelOf, DependencySetup } from "./program-setup";
import { dependencyFlushCalls, dependencyFlushes, dependencyInitializers } from "./program-setup";
import { mockedSpecifiers } from "./mocks";
import { packageName } from "./installed";
import { resolveRelative } from "./files-on-disk";
import { deliveryOf, startsTracing } from "./pipeline";

const { ReferenceTracker } = ASTUtils;

export interface TracedScope {
  /** The catalogue's opener, with `errors` as the SDK release in use has them (src/scopes/releases.ts). */
  readonly spec: OpenerSpec;
  /** Which release of the SDK `spec.errors` comes from, for openers whose behaviour changed between releases. */
  readonly release?: ReleaseNote;
  /** The opener call (`withTask(...)`), or the decorated method for decorators. */
  readonly anchor: TSESTree.Node;
  /** The function that runs inside the scope. */
  readonly callback: FunctionNode;
  /** The argument as written: the function, an identifier naming it, or our `recordSpanErrors(fn)` wrapper. */
  readonly callbackArg: TSESTree.Node | undefined;
  readonly name: string | undefined;
  /** The callback is already wrapped in the helper that records errors on the span. */
  readonly wrapped: boolean;
  /**
   * The opener is in a function of another file that this call runs (`traceStep(name, cb)` around
   * `Sentry.startSpan`, src/scopes/foreign-openers.ts): that function's name. The span is the wrapper's.
   */
  readonly foreign?: string;
  /** A foreign scope whose wrapper initializes the SDK first (src/scopes/foreign-openers.ts `opensRoot`): taken as the trace's root span. */
  readonly root?: true;
}

export interface ExitCall {
  readonly node: TSESTree.CallExpression;
  readonly method: ExitMethod;
  /** Source text of the exit code argument, when there is one. */
  readonly codeText: string | undefined;
  /** Static value of the exit code, when known. */
  readonly codeValue: number | undefined;
  /** Source text of the signal argument of `process.kill(process.pid, signal)`, when there is one. */
  readonly signalText: string | undefined;
}

/** `process.kill(process.pid, "SIGTERM")`, as messages name it: with the signal the call sends, when it is short and on one line. */
export function killLabel(exit: ExitCall): string {
  const signal = exit.signalText !== undefined && exit.signalText.length <= 24 && !exit.signalText.includes("\n") ? `, ${exit.signalText}` : "";
  return `process.kill(process.pid${signal})`;
}

export interface Reach {
  readonly scope: TracedScope;
  /** Enclosing scopes, innermost first: the workflow a task runs in. */
  readonly outer: readonly TracedScope[];
  /** Same-file functions from the scope down to the node, outermost first. */
  readonly via: ViaPath;
  /** The node is in the scope callback's own body, not in a nested function. */
  readonly direct: boolean;
}

/** A call in a traced scope of a same-file function that runs a given node (see `FileModel.scopeCallsReaching`). */
export interface ScopeCall {
  readonly call: TSESTree.CallExpression;
  readonly reach: Reach;
  /** The called function, and the ones it calls down to the node's, outermost first. */
  readonly via: readonly string[];
}

export interface FlushCall {
  readonly node: TSESTree.CallExpression;
  readonly spec: FlushSpec;
  /** A flush method of an installed package's class that starts tracing (`tracingSDK.flush()`): src/scopes/program-setup.ts. */
  readonly dependency?: true;
}

export interface InitializerCall {
  /** `import()` for a set-up module imported dynamically, the program for one preloaded (src/scopes/imported-setup.ts). */
  readonly node: TSESTree.CallExpression | TSESTree.NewExpression | TSESTree.ImportDeclaration | TSESTree.ImportExpression | TSESTree.Program;
  readonly spec: InitializerSpec | undefined;
  /** For `const sdk = new NodeSDK()`: `sdk`. */
  readonly binding: string | undefined;
  /** A set-up in a relatively imported module (`import { provider } from "./tracing.js"`): src/scopes/imported-setup.ts. */
  readonly imported?: ImportedSetup;
  /** A set-up an installed package's class runs when constructed (`new TracingSDK(…)`): src/scopes/program-setup.ts. */
  readonly dependency?: DependencySetup;
}

export interface FileModel {
  readonly catalogue: Catalogue;
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  /** The file's directory (absolute on disk; the cwd for unnamed text), from which its imports resolve. */
  readonly dir: string;
  /** How many relative imports further this model follows a set-up (or a flush: src/scopes/process-level.ts); -1 for a package's file. */
  readonly importHops: number;
  exits(): readonly ExitCall[];
  scopes(): readonly TracedScope[];
  scopeOfCallback(fn: TSESTree.Node): TracedScope | undefined;
  reachOf(node: TSESTree.Node): Reach | undefined;
  /**
   * The calls that run `node` through same-file functions and are written inside a traced scope (in its
   * callback, not reached through another same-file call): `await abort()` in a step's callback, where `abort`
   * exits. Each with its reach, and the functions from the called one down to `node`'s, outermost first.
   */
  scopeCallsReaching(node: TSESTree.Node): readonly ScopeCall[];
  flushes(): readonly FlushCall[];
  initializers(): readonly InitializerCall[];
  /** Spans started by hand and kept in a local (`const span = tracer.startSpan("x")`): src/scopes/manual-spans.ts. */
  manualSpans(): readonly ManualSpan[];
}

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

const models = new WeakMap<object, FileModel>();

/** The model for the file being linted, built once and shared by all rules. */
export function getFileModel(context: AnyContext): FileModel {
  const sourceCode = context.sourceCode;
  let model = models.get(sourceCode);
  if (!model) {
    model = createModel(sourceCode, catalogueForFile(catalogueFor(context.settings), sourceCode), fileDirectory(context), MAX_IMPORT_HOPS, lintedFile(context));
    models.set(sourceCode, model);
  }
  return model;
}

/**
 * The model of another file of the program (src/scopes/reached-from-importers.ts), with the linted file's catalogue
 * and settings, as that file's own lint would build it. Not cached here: its caller keeps it per program.
 */
export function modelOfOtherFile(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue, fileName: string): FileModel {
  return createModel(sourceCode, catalogueForFile(catalogue, sourceCode), path.dirname(fileName), MAX_IMPORT_HOPS, fileName);
}

const importedModels = new WeakMap<object, WeakMap<Catalogue, Map<number, FileModel>>>();

/**
 * The model of a module the file imports relatively (src/scopes/process-level.ts reads whether its function flushes),
 * following `hops` imports further; one per parsed module, catalogue and hops.
 */
export function modelOfImportedFile(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue, fileName: string, hops: number): FileModel {
  const byHops = cachedPair(importedModels, sourceCode, catalogue, () => new WeakMap<Catalogue, Map<number, FileModel>>(), () => new Map<number, FileModel>());
  let model = byHops.get(hops);
  if (!model) {
    model = createModel(sourceCode, catalogue, path.dirname(fileName), hops);
    byHops.set(hops, model);
  }
  return model;
}

/**
 * Where the linted file is on disk, to read the SDK versions installed for it: `physicalFilename` (the
 * file itself when a processor lints a code block in it), relative to ESLint's cwd; `<input>` and
 * `<text>` (stdin, `Linter` without a name) resolve to the cwd.
 */
export function fileDirectory(context: AnyContext): string {
  const file = context.physicalFilename ?? context.filename;
  const cwd = context.cwd ?? process.cwd();
  return path.resolve(cwd, file.startsWith("<") ? "." : path.dirname(file));
}

/** The linted file's absolute path, as `fileDirectory` reads it; undefined for stdin and unnamed text. */
function lintedFile(context: AnyContext): string | undefined {
  const file = context.physicalFilename ?? context.filename;
  return file.startsWith("<") ? undefined : path.resolve(context.cwd ?? process.cwd(), file);
}

const CALL = ReferenceTracker.CALL;
const CONSTRUCT = ReferenceTracker.CONSTRUCT;
const READ = ReferenceTracker.READ;


/** `process.exit()` and friends, and `process.pid` (for `process.kill(process.pid)`): as a global and as the `process` module. */
const PROCESS_MAP: Record<string | symbol, unknown> = { pid: { [READ]: "pid" } };
for (const method of EXIT_METHODS) PROCESS_MAP[method] = { [CALL]: method };
const PROCESS_GLOBAL_MAP = { process: PROCESS_MAP };
const PROCESS_MODULE_MAP: TraceMap = Object.fromEntries(PROCESS_MODULES.map((module) => [module, PROCESS_MAP]));

/**
 * `hops`: how many relative imports away a tracing set-up is followed from this file (src/scopes/imported-setup.ts);
 * an imported module's model follows one fewer, and 0 follows none. `file`: the linted file, whose package.json
 * scripts may preload a set-up (src/scopes/preloads.ts); not given for the modules it imports.
 */
function createModel(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue, dir: string, hops = MAX_IMPORT_HOPS, file?: string): FileModel {
  const globalScope = sourceCode.scopeManager?.globalScope;
  const tracker = createTracker(sourceCode);

  const exits = lazy((): ExitCall[] => {
    if (!tracker) return [];
    const pidReads = new Set<TSESTree.Node>();
    const calls: { node: TSESTree.CallExpression; method: ExitMethod }[] = [];
    const found = [...tracker.iterateGlobalReferences(PROCESS_GLOBAL_MAP as never), ...trackModules(tracker, PROCESS_MODULE_MAP)];
    for (const ref of found) {
      // `with (obj) { process.exit() }`: `process` is `obj.process` when obj has one, which no static analysis can know.
      if (insideWithBody(ref.node)) continue;
      if (ref.info === "pid") pidReads.add(ref.node);
      else if (ref.node.type === AST_NODE_TYPES.CallExpression) calls.push({ node: ref.node, method: ref.info as ExitMethod });
    }
    const result: ExitCall[] = [];
    const seen = new Set<TSESTree.Node>();
    for (const { node, method } of calls) {
      if (seen.has(node)) continue;
      seen.add(node);
      // process.kill(pid) ends this process only when pid is our own, and signal 0 only tests that it exists.
      if (method === "kill" && !(node.arguments[0] && pidReads.has(skipWrappers(node.arguments[0])))) continue;
      if (method === "kill" && node.arguments[1] && ASTUtils.getStaticValue(node.arguments[1], sourceCode.getScope(node.arguments[1]))?.value === 0) continue;
      const codeArg = method === "exit" || method === "reallyExit" ? node.arguments[0] : undefined;
      const staticValue = codeArg && globalScope ? ASTUtils.getStaticValue(codeArg, sourceCode.getScope(codeArg)) : null;
      result.push({
        node,
        method,
        codeText: codeArg ? sourceCode.getText(codeArg) : undefined,
        codeValue: typeof staticValue?.value === "number" ? staticValue.value : undefined,
        signalText: method === "kill" && node.arguments[1] ? sourceCode.getText(node.arguments[1]) : undefined,
      });
    }
    return result.sort((a, b) => a.node.range[0] - b.node.range[0]);
  });

  // A file that does not spell an opener (module + export, or `startActiveSpan`) cannot resolve one,
  // nor a flush or initializer: skip the reference tracking (src/scopes/prefilter.ts). Openers are
  // a subset of the tracing words, so most files take one text test.
  const tracingWords = lazy(() => mightTrace(sourceCode.text, catalogue));
  const scopes = lazy(() => {
    const own = tracingWords() && mightOpenScope(sourceCode.text, catalogue) ? findScopes(sourceCode, catalogue, tracker, dir) : [];
    const foreign = foreignScopes(sourceCode, catalogue);
    return foreign.length === 0 ? own : [...own, ...foreign].sort((a, b) => a.anchor.range[0] - b.anchor.range[0]);
  });
  const scopeByCallback = lazy(() => new Map(scopes().map((scope) => [scope.callback as TSESTree.Node, scope])));
  const { reachOf: reach, scopeCallsReaching } = createReach(sourceCode, (fn) => scopeByCallback().get(fn));

  const mocked = lazy(() => mockedModules(sourceCode, dir));
  const imported = lazy(() =>
    [
      ...(file === undefined ? [] : preloadedInitializers(sourceCode, catalogue, file, foreignModelOf(catalogue))),
      ...(hops > 0 && mightImportSetup(sourceCode.text) ? importedInitializers(sourceCode, catalogue, dir, foreignModelOf(catalogue), hops) : []),
    ].filter(({ imported: setup }) => !mocked().replaces(setup)),
  );
  // `new TracingSDK(…)` of an installed package whose constructor starts tracing (src/scopes/program-setup.ts): read
  // for the linted file and the modules it imports (`return new Config({…})` in an exported function makes its calls
  // set-ups: src/scopes/imported-setup.ts), not for the package's own files (PACKAGE_FILE).
  const dependencies = lazy(() =>
    hops >= 0 ? dependencyInitializers(sourceCode, dir, catalogue, foreignModelOf(catalogue)).filter(({ setup }) => !mocked().mocks(setup.specifier)) : [],
  );
  // `await shutdownTelemetry(config)`: an installed package's function that flushes what the package set up.
  const dependencyFlushFunctions = lazy(() => (hops >= 0 && mightImportPackage(sourceCode.text) ? dependencyFlushCalls(sourceCode, dir, catalogue, foreignModelOf(catalogue)) : []));
  const byStart = (a: { node: TSESTree.Node }, b: { node: TSESTree.Node }) => a.node.range[0] - b.node.range[0];
  // Asked for flushes only (an imported module's model is asked for its initializers, and does not read the package).
  const allFlushes = lazy(() => {
    const own = flushesAndInits().flushes;
    const extra = dependencyFlushFunctions();
    if (extra.length === 0) return own;
    const ownNodes = new Set<TSESTree.Node>(own.map((flush) => flush.node));
    return [...own, ...extra.filter((flush) => !ownNodes.has(flush.node))].sort(byStart);
  });
  const flushesAndInits = lazy(() => {
    if (!tracingWords() && imported().length === 0 && dependencies().length === 0) return { flushes: [], initializers: [] };
    const found = findFlushesAndInitializers(sourceCode, catalogue, tracker, imported());
    if (dependencies().length === 0) return found;
    const initializers: InitializerCall[] = [...found.initializers, ...dependencies().map(({ node, spec, setup }) => ({ node, spec, binding: declaredName(node), dependency: setup }))];
    // `await tracingSDK.flush()`: a method of the class that runs a catalogue flush in the package.
    const own = new Set<TSESTree.Node>(found.flushes.map((flush) => flush.node));
    const flushes: FlushCall[] = [
      ...found.flushes,
      ...dependencyFlushes(sourceCode, dependencies())
        .filter((call) => !own.has(call))
        .map((call) => ({ node: call, spec: dependencyFlushSpec(call, dependencies()[0]?.spec.sdk ?? "opentelemetry"), dependency: true as const })),
    ];
    return { flushes: flushes.sort(byStart), initializers: initializers.sort(byStart) };
  });

  const manualSpans = lazy(() =>
    (tracingWords() && mightOpenScope(sourceCode.text, catalogue)) || mightStartSpanThroughImport(sourceCode.text, dir, catalogue) ? findManualSpans(sourceCode, catalogue, tracker, dir) : [],
  );

  return {
    catalogue,
    sourceCode,
    dir,
    importHops: hops,
    manualSpans,
    exits,
    scopes,
    scopeOfCallback: (fn) => scopeByCallback().get(fn),
    // Most files that exit open no scope (CLIs, scripts): no need to search their callers.
    reachOf: (node) => (scopes().length === 0 ? undefined : reach(node)),
    scopeCallsReaching: (node) => (scopes().length === 0 ? [] : scopeCallsReaching(node)),
    flushes: allFlushes,
    initializers: () => flushesAndInits().initializers,
  };
}

/**
 * With a type-checked program: the callbacks handed to a function of another file that passes them on to an
 * opener (src/scopes/foreign-openers.ts). That file's scopes come from its own model, with this catalogue.
 */
function foreignScopes(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue): TracedScope[] {
  const modelOf = (other: Readonly<TSESLint.SourceCode>, fileName: string) => createModel(other, catalogue, path.dirname(fileName));
  const runnersOf = (other: Readonly<TSESLint.SourceCode>) => runnerCalls(other, catalogue.runners);
  return foreignOpenerCalls(sourceCode, modelOf, runnersOf, mayOpenIn(catalogue), catalogue).flatMap(({ call, profile, callbackArg, name }) => {
    const resolved = resolveCallback(sourceCode, callbackArg);
    if (!resolved) return [];
    return [{ spec: profile.spec, release: profile.release, anchor: call, callback: resolved.fn, callbackArg, name, wrapped: resolved.wrapped, foreign: profile.wrapper, ...(profile.root ? { root: true } : {}) }];
  });
}

/** The flush spec of a dependency class's flush method, as the file calls it: `tracingSDK.flush()`. */
function dependencyFlushSpec(call: TSESTree.CallExpression, sdk: SdkId): FlushSpec {
  const method = memberName(skipWrappers(call.callee)) ?? "flush";
  return { sdk, form: "method", method, example: `${method}()` };
}

/** `const tracingSDK = new TracingSDK(…)`: `tracingSDK`. */
function declaredName(node: TSESTree.Node): string | undefined {
  const declarator = node.parent;
  return declarator?.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier ? declarator.id.name : undefined;
}

/**
 * What the file's `vi.mock(…)`/`jest.mock(…)` replace (src/scopes/mocks.ts): relative modules by path, a package's
 * specifier as written, the whole package when the bare name is mocked. An imported set-up is replaced when its module, a module on the way to it, or the package whose class it
 * constructs is.
 */
function mockedModules(sourceCode: Readonly<TSESLint.SourceCode>, dir: string): { mocks(specifier: string): boolean; replaces(setup: ImportedSetup): boolean } {
  const files = new Set<string>();
  const specifiers = new Set<string>();
  for (const specifier of mockedSpecifiers(sourceCode)) {
    if (specifier.startsWith("./") || specifier.startsWith("../")) {
      const source = resolveRelative(dir, specifier);
      if (source) files.add(path.resolve(source.file));
    } else if (!specifier.startsWith("/")) specifiers.add(specifier.replace(/^node:/u, ""));
  }
  // `vi.mock("@acme/kit")` replaces the package's entry, which its classes come from; `vi.mock("@acme/kit/dist/context.js")`
  // only that file: a set-up imported from another of its specifiers is the real one.
  const mocks = (specifier: string) => specifiers.has(specifier) || specifiers.has(packageName(specifier));
  return {
    mocks,
    replaces: (setup) => files.has(setup.file) || setup.through.some((through) => files.has(through)) || (setup.dependency !== undefined && mocks(setup.dependency)),
  };
}

/** The hops of an installed package's file: it follows no relative import and reads no class of another package. */
const PACKAGE_FILE = -1;

/**
 * The model of an imported module, which follows its own imports `hops` modules further, or of an installed
 * package's file (src/scopes/program-setup.ts), which follows none (PACKAGE_FILE).
 */
function foreignModelOf(catalogue: Catalogue): ForeignModelOf & DependencyModelOf {
  return (other: Readonly<TSESLint.SourceCode>, file: string, hops: number = PACKAGE_FILE) => {
    const model = createModel(other, catalogue, path.dirname(file), hops);
    return {
      initializers: model.initializers,
      flushes: model.flushes,
      get delivery() {
        return deliveryOf(model);
      },
      startsTracing: (init) => init.node.type === AST_NODE_TYPES.ImportDeclaration || startsTracing(other, init as InitializerCall),
    };
  };
}

const mayOpenIn = (catalogue: Catalogue) => (text: string) => mightTrace(text, catalogue) && mightOpenScope(text, catalogue);

/**
 * A file that spells no opener may still run code in one (with a type-checked program whose files spell
 * one: src/scopes/foreign-openers.ts). Rules that skip such files by their text ask this first.
 */
export function mayOpenScopeElsewhere(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue): boolean {
  return programMayOpenScope(sourceCode, mayOpenIn(catalogue), catalogue);
}

/** The node is in the body of a `with` statement (at any depth, functions included): its free names may be the object's properties. */
function insideWithBody(node: TSESTree.Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type === AST_NODE_TYPES.WithStatement && parent.body === child) return true;
  }
  return false;
}

function callbackArgument(call: TSESTree.CallExpression, position: number | "last"): TSESTree.Node | undefined {
  const args = call.arguments;
  if (position === "last") return args.at(-1);
  return args[position];
}

/**
 * `helper(…, span, …)` where `helper` is a same-file function: the helper and its parameter that receives the
 * argument `isSpan` picks (the first one), when that parameter is a plain name and no spread comes before it.
 */
export function parameterHandedTo(
  call: TSESTree.CallExpression,
  isSpan: (argument: TSESTree.CallExpressionArgument) => boolean,
  sourceCode: Readonly<TSESLint.SourceCode>,
): { helper: FunctionNode; variable: TSESLint.Scope.Variable } | undefined {
  const at = call.arguments.findIndex(isSpan);
  if (at < 0 || call.arguments.slice(0, at).some((arg) => arg.type === AST_NODE_TYPES.SpreadElement)) return undefined;
  const callee = skipWrappers(call.callee);
  const helper = callee.type === AST_NODE_TYPES.Identifier || callee.type === AST_NODE_TYPES.MemberExpression ? resolveCallback(sourceCode, callee)?.fn : undefined;
  const param = helper?.params[at];
  if (!helper || param?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = sourceCode.getDeclaredVariables(helper).find((candidate) => candidate.defs.some((def) => def.name === param));
  return variable && { helper, variable };
}

/** The function an argument stands for: itself, a same-file `const fn = …`, a same-file method (`helpers.fn`, `this.fn`), or `recordSpanErrors(fn)`. */
export function resolveCallback(
  sourceCode: Readonly<TSESLint.SourceCode>,
  arg: TSESTree.Node | undefined,
): { fn: FunctionNode; wrapped: boolean } | undefined {
  if (!arg || arg.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const inner = skipWrappers(arg);
  if (isFunction(inner)) return { fn: inner, wrapped: false };
  if (
    inner.type === AST_NODE_TYPES.CallExpression &&
    inner.callee.type === AST_NODE_TYPES.Identifier &&
    inner.callee.name === HELPER_WRAP &&
    inner.arguments.length === 1
  ) {
    const wrappedFn = resolveCallback(sourceCode, inner.arguments[0]);
    return wrappedFn ? { fn: wrappedFn.fn, wrapped: true } : undefined;
  }
  // `endObservationOnError(fn)`: the callback still runs in its scope, whose SDK records errors itself.
  if (inner.type === AST_NODE_TYPES.CallExpression && inner.callee.type === AST_NODE_TYPES.Identifier && inner.callee.name === HELPER_END_OWNED && inner.arguments.length === 1) {
    return resolveCallback(sourceCode, inner.arguments[0]);
  }
  if (inner.type === AST_NODE_TYPES.MemberExpression) {
    const fn = memberFunction(sourceCode, inner);
    return fn && { fn, wrapped: false };
  }
  if (inner.type === AST_NODE_TYPES.Identifier) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(inner), inner);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (!def) return undefined;
    // A parameter's definition node is its function too: only the function's own name resolves to it.
    if (def.type === "FunctionName" && def.node.type === AST_NODE_TYPES.FunctionDeclaration) return { fn: def.node, wrapped: false };
    if (
      def.node.type === AST_NODE_TYPES.VariableDeclarator &&
      def.node.init &&
      isFunction(skipWrappers(def.node.init)) &&
      def.parent?.type === AST_NODE_TYPES.VariableDeclaration &&
      def.parent.kind === "const"
    ) {
      return { fn: skipWrappers(def.node.init) as FunctionNode, wrapped: false };
    }
  }
  return undefined;
}

/**
 * The same-file functions a call's callee may run: the one it names (as `resolveCallback` resolves it), or
 * every function of a lookup table it dispatches through (`handlers.get(cmd)(…)`, src/scopes/lookup-tables.ts).
 */
export function calledFunctions(sourceCode: Readonly<TSESLint.SourceCode>, written: TSESTree.Node): FunctionNode[] {
  const callee = skipWrappers(written);
  const named = callee.type === AST_NODE_TYPES.Identifier || callee.type === AST_NODE_TYPES.MemberExpression ? resolveCallback(sourceCode, callee)?.fn : undefined;
  if (named) return [named];
  const values = tableValuesCalled(sourceCode, callee) ?? [];
  return values.flatMap((value) => {
    const fn = resolveCallback(sourceCode, value)?.fn;
    return fn ? [fn] : [];
  });
}

/**
 * Whether `test` holds somewhere under `root`, or in the same-file functions and methods it calls
 * (resolved as `resolveCallback` does), `hops` calls deep. `test` answers true (found), false (do not
 * look inside this node) or undefined (look on); `depth` is 0 under `root` itself, 1 in what it calls …
 */
export function someReached(
  sourceCode: Readonly<TSESLint.SourceCode>,
  root: TSESTree.Node,
  hops: number,
  test: (node: TSESTree.Node, depth: number) => boolean | undefined,
): boolean {
  // A function searched with as many hops left already answered: cycles end, shared helpers are read once.
  const searched = new Map<TSESTree.Node, number>();
  const search = (node: TSESTree.Node, depth: number, left: number): boolean => {
    let found = false;
    walk(node, sourceCode.visitorKeys, (current) => {
      if (found) return false;
      const verdict = test(current, depth);
      if (verdict !== undefined) {
        found = verdict;
        return false;
      }
      if (current.type === AST_NODE_TYPES.CallExpression && left > 0) {
        for (const called of calledFunctions(sourceCode, current.callee)) {
          if (found || (searched.get(called) ?? -1) >= left - 1) continue;
          searched.set(called, left - 1);
          found = search(called.body, depth + 1, left - 1);
        }
      }
      return !found;
    });
    return found;
  };
  return search(root, 0, hops);
}

function scopeName(spec: OpenerSpec, args: readonly TSESTree.Node[], callback: FunctionNode, methodKey?: TSESTree.Node): string | undefined {
  for (const source of spec.names) {
    if ("callbackName" in source) {
      if (methodKey?.type === AST_NODE_TYPES.Identifier) return methodKey.name;
      const name = functionName(callback);
      if (name) return name;
      continue;
    }
    const arg = args[source.arg];
    const value = source.property ? staticProperty(arg, source.property) : staticString(arg);
    if (value !== undefined) return value;
  }
  return undefined;
}

interface OpenerTraceMap {
  readonly map: TraceMap;
  readonly exportSpecs: ReadonlyMap<string, readonly OpenerSpec[]>;
  /** Keys of `firstArgCallOf` calls (`trace.setSpan`), one per opener that needs one. */
  readonly firstArgKeyNames: readonly string[];
}

const firstArgKey = (path: readonly string[]) => `a${path.join(".")}`;

const openerTraceMaps = new WeakMap<Catalogue, OpenerTraceMap>();

/** The ReferenceTracker map of a catalogue's openers: the same for every file linted with the same settings, so built once. */
function openerTraceMap(catalogue: Catalogue): OpenerTraceMap {
  const cached = openerTraceMaps.get(catalogue);
  if (cached) return cached;
  const exportSpecs = new Map<string, OpenerSpec[]>();
  const map: TraceMap = {};
  const firstArgKeyNames: string[] = [];
  catalogue.openers.forEach((spec, index) => {
    if (spec.form === "method") {
      if (spec.modules) {
        addToTraceMap(map, spec.modules, [...(spec.receiver ?? []), spec.method], CALL, `m${index}`);
        addToTraceMap(map, spec.modules, ["init"], CALL, "init");
      }
      return;
    }
    const key = `o${index}`;
    exportSpecs.set(key, [spec]);
    addToTraceMap(map, spec.modules, spec.path, CALL, key);
    if (spec.form === "call" && spec.firstArgCallOf) {
      // Keyed by the path, not the opener: `context.with` and `context.bind` both take `trace.setSpan(…)`.
      const argKey = firstArgKey(spec.firstArgCallOf);
      if (!firstArgKeyNames.includes(argKey)) firstArgKeyNames.push(argKey);
      addToTraceMap(map, spec.modules, spec.firstArgCallOf, CALL, argKey);
    }
  });
  const built = { map, exportSpecs, firstArgKeyNames };
  openerTraceMaps.set(catalogue, built);
  return built;
}

function findScopes(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue, tracker: Tracker | undefined, dir: string): TracedScope[] {
  const scopes: TracedScope[] = [];
  const seen = new Set<TSESTree.Node>();
  const releaseOf = createReleaseLookup(catalogue.versions, dir);
  /** The opener as the installed release behaves; `undefined` where that release runs no callback. */
  const asReleased = (spec: OpenerSpec, callback: FunctionNode): { spec: OpenerSpec; release?: ReleaseNote } | undefined => {
    const release = releaseOf(spec, callback.async);
    if (!release) return { spec };
    if (release.errors === undefined) return undefined;
    return { spec: release.errors === spec.errors ? spec : { ...spec, errors: release.errors }, release: release.note };
  };
  const add = (spec: OpenerSpec, call: TSESTree.CallExpression) => {
    if (seen.has(call)) return;
    if (spec.form === "call" && spec.callbackProperties) {
      seen.add(call);
      scopes.push(...propertyScopes(sourceCode, spec, call));
      return;
    }
    const arg = callbackArgument(call, spec.callback);
    const resolved = resolveCallback(sourceCode, arg);
    if (!resolved) return;
    const released = asReleased(spec, resolved.fn);
    // Seen either way: in a release where this export runs no callback, no other opener (`startActiveSpan` on any object) may claim the call.
    seen.add(call);
    if (!released) return;
    scopes.push({ ...released, spec: ownedByDone(released.spec, resolved.fn), anchor: call, callback: resolved.fn, callbackArg: arg, name: scopeName(spec, call.arguments, resolved.fn), wrapped: resolved.wrapped });
  };
  const addDecorator = (spec: OpenerSpec, call: TSESTree.CallExpression) => {
    const decorator = call.parent;
    const method = decorator?.parent;
    if (decorator?.type !== AST_NODE_TYPES.Decorator || method?.type !== AST_NODE_TYPES.MethodDefinition) return;
    if (seen.has(method) || !isFunction(method.value)) return;
    const released = asReleased(spec, method.value);
    seen.add(method);
    if (!released) return;
    scopes.push({ ...released, anchor: method, callback: method.value, callbackArg: undefined, name: scopeName(spec, call.arguments, method.value, method.key), wrapped: false });
  };

  const { map, exportSpecs, firstArgKeyNames } = openerTraceMap(catalogue);
  const firstArgKeys = new Map<string, Set<TSESTree.Node>>(firstArgKeyNames.map((key) => [key, new Set()]));

  const moduleMethodCalls: { spec: OpenerSpec; node: TSESTree.CallExpression }[] = [];
  const initCalls: TSESTree.CallExpression[] = [];
  const exportCalls: { spec: OpenerSpec; node: TSESTree.CallExpression }[] = [];
  if (tracker) {
    for (const ref of trackModules(tracker, map)) {
      const key = ref.info as string;
      if (ref.node.type !== AST_NODE_TYPES.CallExpression) continue;
      if (key === "init") initCalls.push(ref.node);
      else if (key.startsWith("a")) firstArgKeys.get(key)?.add(ref.node);
      else if (key.startsWith("m")) moduleMethodCalls.push({ spec: catalogue.openers[Number(key.slice(1))] as OpenerSpec, node: ref.node });
      else for (const spec of exportSpecs.get(key) ?? []) exportCalls.push({ spec, node: ref.node });
    }
  }
  for (const { spec, node } of exportCalls) {
    if (spec.form === "decorator") {
      addDecorator(spec, node);
      continue;
    }
    if (spec.form === "call" && spec.firstArgCallOf) {
      const first = node.arguments[0];
      const calls = firstArgKeys.get(firstArgKey(spec.firstArgCallOf));
      if (!first || !calls || !calls.has(resolveConst(sourceCode, first))) continue;
    }
    add(spec, node);
  }
  for (const { spec, node } of moduleMethodCalls) add(spec, node);

  // Methods on any object (`tracer.startActiveSpan`) and on tracers returned by `init()`.
  const anyObjectMethods = catalogue.openers.filter((spec): spec is Extract<OpenerSpec, { form: "method" }> => spec.form === "method" && !spec.modules);
  const initResultMethods = catalogue.openers.filter((spec): spec is Extract<OpenerSpec, { form: "method" }> => spec.form === "method" && !!spec.modules);
  const initVariables = new Set<TSESLint.Scope.Variable>();
  for (const init of initCalls) {
    const declarator = init.parent;
    if (declarator?.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier) {
      for (const variable of sourceCode.getDeclaredVariables(declarator)) initVariables.add(variable);
    }
  }
  const text = sourceCode.text;
  const wanted = anyObjectMethods.filter((spec) => text.includes(spec.method));
  if (wanted.length > 0 || initVariables.size > 0) {
    walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
      if (node.type !== AST_NODE_TYPES.CallExpression) return;
      const callee = skipWrappers(node.callee);
      const method = memberName(callee);
      if (method === undefined || callee.type !== AST_NODE_TYPES.MemberExpression) return;
      for (const spec of wanted) if (spec.method === method) add(spec, node);
      if (initVariables.size > 0) {
        for (const spec of initResultMethods) {
          if (spec.method !== method) continue;
          // `tracer.trace(…)`, and `tracer.llmobs.trace(…)` for a receiver path.
          const root = receiverRoot(callee.object, spec.receiver ?? []);
          if (root?.type !== AST_NODE_TYPES.Identifier) continue;
          const variable = ASTUtils.findVariable(sourceCode.getScope(root), root);
          if (variable && initVariables.has(variable)) add(spec, node);
        }
      }
    });
  }
  return scopes.sort((a, b) => a.anchor.range[0] - b.anchor.range[0]);
}

/** The object under `path` (`tracer` of `tracer.llmobs` for `["llmobs"]`), or undefined when the properties differ. */
function receiverRoot(object: TSESTree.Node, path: readonly string[]): TSESTree.Node | undefined {
  let current = skipWrappers(object);
  for (let index = path.length - 1; index >= 0; index--) {
    if (current.type !== AST_NODE_TYPES.MemberExpression || memberName(current) !== path[index]) return undefined;
    current = skipWrappers(current.object);
  }
  return current;
}

/** dd-trace's `(span, done) => …` async callback owns its span: the opener's `doneParam` (see the catalogue). */
function ownedByDone(spec: OpenerSpec, callback: FunctionNode): OpenerSpec {
  if (spec.doneParam === undefined || !callback.async || callback.params.length <= spec.doneParam) return spec;
  return { ...spec, errors: "user-owned", spanParam: 0, finishParam: spec.doneParam };
}

/**
 * The scopes of an opener whose callbacks are properties of its options object, one per callback found:
 *   generateText({ experimental_telemetry: { isEnabled: true }, onFinish, tools: { weather: tool({ execute }) } })
 * None when the options say the SDK makes no span (`enabledBy` statically false or absent).
 */
function propertyScopes(sourceCode: Readonly<TSESLint.SourceCode>, spec: ExportOpener, call: TSESTree.CallExpression): TracedScope[] {
  const options = call.arguments[spec.callback === "last" ? call.arguments.length - 1 : spec.callback];
  if (!options || options.type === AST_NODE_TYPES.SpreadElement) return [];
  if (spec.enabledBy && !optionMayBeOn(sourceCode, options, spec.enabledBy)) return [];
  const scopes: TracedScope[] = [];
  for (const { path, kind } of spec.callbackProperties ?? []) {
    for (const { value, key } of propertiesAt(sourceCode, options, path, undefined)) {
      const resolved = resolveCallback(sourceCode, value);
      if (!resolved) continue;
      scopes.push({ spec: { ...spec, kind }, anchor: call, callback: resolved.fn, callbackArg: value, name: key, wrapped: resolved.wrapped });
    }
  }
  return scopes;
}

/** An object literal as written, through a `const` and through a call that takes it (`tool({ … })`); else undefined. */
function objectLiteral(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): TSESTree.ObjectExpression | undefined {
  let value = resolveConst(sourceCode, node);
  if (value.type === AST_NODE_TYPES.CallExpression && value.arguments[0]) value = resolveConst(sourceCode, value.arguments[0]);
  return value.type === AST_NODE_TYPES.ObjectExpression ? value : undefined;
}

/** The values at `path` in an options object (`*`: every property, whose key is returned). */
function propertiesAt(
  sourceCode: Readonly<TSESLint.SourceCode>,
  node: TSESTree.Node,
  path: readonly string[],
  key: string | undefined,
): { value: TSESTree.Node; key: string | undefined }[] {
  const [head, ...rest] = path;
  if (head === undefined) return [{ value: node, key }];
  const object = objectLiteral(sourceCode, node);
  if (!object) return [];
  if (head !== "*") {
    const value = propertyNode(object, head);
    return value ? propertiesAt(sourceCode, value, rest, key) : [];
  }
  return object.properties.flatMap((property) => {
    if (property.type !== AST_NODE_TYPES.Property) return [];
    const name = keyName(property);
    return name === undefined ? [] : propertiesAt(sourceCode, property.value, rest, name);
  });
}

/**
 * Whether `options[path]` may be truthy: false only when it is statically falsy, or absent from object
 * literals that have no spread. Anything not written out (a variable, a spread) may turn it on.
 */
function optionMayBeOn(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, path: readonly string[]): boolean {
  const [head, ...rest] = path;
  if (head === undefined) {
    const value = ASTUtils.getStaticValue(node, sourceCode.getScope(node));
    return value === null || Boolean(value.value);
  }
  const object = resolveConst(sourceCode, node);
  if (object.type !== AST_NODE_TYPES.ObjectExpression) return true;
  const value = propertyNode(object, head);
  if (value) return optionMayBeOn(sourceCode, value, rest);
  return object.properties.some((property) => property.type === AST_NODE_TYPES.SpreadElement);
}

/** Where a function is called from in this file (or passed as a callback), lookup tables included (src/scopes/lookup-tables.ts). */
export function callSitesOf(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode, thisCalls: ThisCalls): readonly TSESTree.Node[] {
  const binding = functionBinding(sourceCode, fn);
  const own = binding ? callsOf(binding.variables) : (memberCallSites(sourceCode, fn, thisCalls) ?? []);
  const values = binding ? binding.variables.flatMap((variable) => variable.references.map((ref) => ref.identifier as TSESTree.Node)) : [fn];
  const viaTables = tableCallSites(sourceCode, values);
  return viaTables.length === 0 ? own : [...own, ...viaTables];
}

/** Reach: is a node run inside a traced scope, lexically or through same-file calls? */
function createReach(sourceCode: Readonly<TSESLint.SourceCode>, scopeOf: (fn: TSESTree.Node) => TracedScope | undefined) {
  const byFunction = new Map<TSESTree.Node, Reach | null>();
  const outerByScope = new Map<TracedScope, readonly TracedScope[]>();
  const thisCalls = createThisCalls(sourceCode.visitorKeys);
  const graph = createCallerGraph(sourceCode, scopeOf, thisCalls);

  const outerOf = (scope: TracedScope): readonly TracedScope[] => {
    let outer = outerByScope.get(scope);
    if (!outer) {
      outerByScope.set(scope, []); // guards a scope reaching itself
      const r = reachOfNode(scope.anchor);
      outer = r ? [r.scope, ...r.outer] : [];
      outerByScope.set(scope, outer);
    }
    return outer;
  };

  /** The shortest chain of callers from `fn` up to a traced scope (see `createCallerGraph`), as a Reach; kept per function. */
  const reachOfFunction = (fn: FunctionNode): Reach | null => {
    const cached = byFunction.get(fn);
    if (cached !== undefined) return cached;
    const path = graph.pathOf(fn);
    const result: Reach | null = path ? { scope: path.scope, outer: outerOf(path.scope), via: path.via, direct: false } : null;
    byFunction.set(fn, result);
    return result;
  };

  function reachOfNode(node: TSESTree.Node): Reach | undefined {
    let crossed = false;
    for (let current = node.parent; current; current = current.parent) {
      if (!isFunction(current)) continue;
      const scope = scopeOf(current);
      if (scope) return { scope, outer: outerOf(scope), via: NO_VIA, direct: !crossed };
      const name = functionName(current);
      if (name !== undefined) {
        const viaCalls = reachOfFunction(current);
        if (viaCalls) return { ...viaCalls, via: viaCalls.via.then([name]), direct: false };
      }
      crossed = true;
    }
    return undefined;
  }

  /**
   * Down from `node`'s enclosing named functions, up their callers (as reach climbs them): each call site
   * that reach finds inside a scope without crossing another same-file call is a call in the scope that runs
   * `node`; any other site is in a function whose own callers are searched next, each function once.
   */
  function scopeCallsReaching(node: TSESTree.Node): ScopeCall[] {
    const found: ScopeCall[] = [];
    const down = new Map<FunctionNode, readonly string[]>();
    const queue: FunctionNode[] = [];
    const enqueue = (from: TSESTree.Node, below: readonly string[]) => {
      for (let current = from.parent; current; current = current.parent) {
        if (!isFunction(current)) continue;
        // Code in a scope's callback runs in that scope: the callers of the functions around it are another matter.
        if (scopeOf(current)) return;
        const name = functionName(current);
        if (name === undefined || down.has(current)) continue;
        down.set(current, [name, ...below]);
        queue.push(current);
      }
    };
    enqueue(node, []);
    for (let index = 0; index < queue.length; index++) {
      const fn = queue[index] as FunctionNode;
      const via = down.get(fn) as readonly string[];
      for (const site of callSitesOf(sourceCode, fn, thisCalls)) {
        if (site.type !== AST_NODE_TYPES.CallExpression || !callsByName(site, via[0] as string)) continue;
        const reach = reachOfNode(site);
        if (!reach) continue;
        if (reach.via.length === 0) found.push({ call: site, reach, via });
        else enqueue(site, via);
      }
    }
    return found;
  }

  return { reachOf: reachOfNode, scopeCallsReaching };
}

/** `name(…)`, `(0, mod.name)(…)`, `obj.name(…)`, `name.call(…)`: the call runs the function, not a callback handed to another. */
function callsByName(call: TSESTree.CallExpression, name: string): boolean {
  let callee = skipWrappers(call.callee);
  if (callee.type === AST_NODE_TYPES.SequenceExpression) callee = callee.expressions.at(-1) ?? callee;
  if (callee.type === AST_NODE_TYPES.MemberExpression && ["call", "apply"].includes(memberName(callee) ?? "")) callee = skipWrappers(callee.object);
  if (callee.type === AST_NODE_TYPES.Identifier) return callee.name === name;
  if (callee.type === AST_NODE_TYPES.MemberExpression) return memberKey(callee) === name;
  return false;
}

/** How many names `describeVia` shows at each end of a long chain. */
const VIA_ENDS = 2;

/**
 * Named functions from a traced scope down to a node, outermost first: a chain of segments, one per call,
 * shared by every function further down (so a chain N calls deep costs O(1) per function, not O(N)), with
 * its length and first and last `VIA_ENDS` names kept, which is all a message shows of a long one.
 */
export class ViaPath {
  readonly length: number;
  /** The first names (outermost), at most `VIA_ENDS`. */
  readonly head: readonly string[];
  /** The last names (innermost), at most `VIA_ENDS`. */
  readonly tail: readonly string[];

  constructor(
    private readonly prefix: ViaPath | undefined,
    private readonly segment: readonly string[],
  ) {
    this.length = (prefix?.length ?? 0) + segment.length;
    this.head = prefix && prefix.length >= VIA_ENDS ? prefix.head : [...(prefix?.head ?? []), ...segment].slice(0, VIA_ENDS);
    this.tail = segment.length >= VIA_ENDS ? segment.slice(-VIA_ENDS) : [...(prefix?.tail ?? []), ...segment].slice(-VIA_ENDS);
  }

  /** This path followed by `names`. */
  then(names: readonly string[]): ViaPath {
    return names.length === 0 ? this : new ViaPath(this, names);
  }

  /** Every name, outermost first: O(length), so for short paths and tests. */
  names(): string[] {
    const segments = [this.segment];
    for (let path = this.prefix; path; path = path.prefix) segments.push(path.segment);
    return segments.reverse().flat();
  }
}

const NO_VIA = new ViaPath(undefined, []);

/** A caller of a function, as reach climbs to it from one of the function's call sites. */
interface CallerEdge {
  readonly caller: FunctionNode;
  readonly name: string;
  /** Named functions between the call site and `caller`, outermost first. */
  readonly crossed: readonly string[];
}

interface CallerNode {
  /** The first call site written inside a traced scope's callback: the scope, and the named functions crossed to it. */
  readonly entry: { readonly scope: TracedScope; readonly crossed: readonly string[] } | undefined;
  /** The named functions the call sites are written in, in order (site by site, innermost first), each once. */
  readonly callers: readonly CallerEdge[];
  /** Calls from this function to the nearest entry; Infinity when none reaches one. */
  distance: number;
  /** Once asked: the scope and the path (`null`: unreachable). */
  path?: { readonly scope: TracedScope; readonly via: ViaPath } | null;
}

const UNSOLVED = -1;

/**
 * Same-file functions and their callers, for reach. Reach of a function is a breadth-first search up its
 * callers that stops at the first call site inside a traced scope: the shortest chain of calls, and among
 * chains as short, the first by call-site order. That answer is the same whether the search starts at the
 * function or further down, so it is computed once per function over the graph of callers:
 *
 * - `distance`: the fewest calls to a call site inside a scope. The callers of a function not seen yet are
 *   read once (`explore`), then distances are solved for all of them in one breadth-first pass from the
 *   entries and from functions solved by earlier questions (`solve`); cycles need no guard there.
 * - the path: follow, from each function, its first caller one call nearer (the tie-break of the search),
 *   down to an entry; each function's scope and via are built once from its caller's, so a chain of N
 *   functions costs O(N), not O(N²) to answer for all of them, and O(N³) as a search per function did.
 */
function createCallerGraph(sourceCode: Readonly<TSESLint.SourceCode>, scopeOf: (fn: TSESTree.Node) => TracedScope | undefined, thisCalls: ThisCalls) {
  const nodes = new Map<FunctionNode, CallerNode>();

  const read = (fn: FunctionNode): CallerNode => {
    const callers: CallerEdge[] = [];
    const seen = new Set<TSESTree.Node>();
    for (const site of callSitesOf(sourceCode, fn, thisCalls)) {
      // Named functions the site is lexically inside, innermost first.
      const crossed: string[] = [];
      for (let current = site.parent; current; current = current.parent) {
        if (!isFunction(current)) continue;
        const scope = scopeOf(current);
        if (scope) return { entry: { scope, crossed: crossed.reverse() }, callers: [], distance: 0 };
        const name = functionName(current);
        if (name === undefined) continue;
        if (!seen.has(current)) {
          seen.add(current);
          callers.push({ caller: current, name, crossed: crossed.slice().reverse() });
        }
        crossed.push(name);
      }
    }
    return { entry: undefined, callers, distance: UNSOLVED };
  };

  /** Reads `fn` and every function up its callers not read yet; returns the ones read now. */
  const explore = (fn: FunctionNode): FunctionNode[] => {
    const added = [fn];
    nodes.set(fn, read(fn));
    for (let index = 0; index < added.length; index++) {
      for (const { caller } of (nodes.get(added[index] as FunctionNode) as CallerNode).callers) {
        if (nodes.has(caller)) continue;
        nodes.set(caller, read(caller));
        added.push(caller);
      }
    }
    return added;
  };

  /**
   * Distances of the functions just read. Their callers are among them or solved before (exactly: a
   * distance depends only on what is up the callers), so one breadth-first pass down from the entries and
   * the solved callers, nearest first, settles every one; what it does not reach cannot reach a scope.
   */
  const solve = (added: readonly FunctionNode[]): void => {
    const callees = new Map<FunctionNode, FunctionNode[]>();
    const sources: FunctionNode[] = [];
    for (const fn of added) {
      const node = nodes.get(fn) as CallerNode;
      if (node.entry) sources.push(fn);
      for (const { caller } of node.callers) {
        let list = callees.get(caller);
        if (!list) {
          list = [];
          callees.set(caller, list);
          const distance = (nodes.get(caller) as CallerNode).distance;
          if (distance !== UNSOLVED && distance !== Infinity) sources.push(caller);
        }
        list.push(fn);
      }
    }
    const distanceOf = (fn: FunctionNode) => (nodes.get(fn) as CallerNode).distance;
    sources.sort((a, b) => distanceOf(a) - distanceOf(b));
    // Two queues in distance order: the sources, and what they reach (each one call further).
    const queue: FunctionNode[] = [];
    let next = 0;
    let nextSource = 0;
    while (next < queue.length || nextSource < sources.length) {
      const fromSources = nextSource < sources.length && (next >= queue.length || distanceOf(sources[nextSource] as FunctionNode) <= distanceOf(queue[next] as FunctionNode));
      const current = (fromSources ? sources[nextSource++] : queue[next++]) as FunctionNode;
      const distance = distanceOf(current);
      for (const callee of callees.get(current) ?? []) {
        const node = nodes.get(callee) as CallerNode;
        if (node.distance !== UNSOLVED) continue;
        node.distance = distance + 1;
        queue.push(callee);
      }
    }
    for (const fn of added) {
      const node = nodes.get(fn) as CallerNode;
      if (node.distance === UNSOLVED) node.distance = Infinity;
    }
  };

  /** The caller one call nearer a scope that the breadth-first search meets first. */
  const nextEdge = (node: CallerNode): CallerEdge =>
    node.callers.find(({ caller }) => (nodes.get(caller) as CallerNode).distance === node.distance - 1) as CallerEdge;

  /** The scope `fn` is reached from and the named functions on the way, outermost first, `fn` excluded. */
  const pathOf = (fn: FunctionNode): { readonly scope: TracedScope; readonly via: ViaPath } | null => {
    if (!nodes.has(fn)) solve(explore(fn));
    const start = nodes.get(fn) as CallerNode;
    if (start.path !== undefined) return start.path;
    if (start.distance === Infinity) return (start.path = null);
    // Down the chain to an entry or a function already answered, then back up, each answer from its caller's.
    const chain: { node: CallerNode; edge: CallerEdge | undefined }[] = [];
    for (let node = start; node.path === undefined; ) {
      if (node.entry) {
        node.path = { scope: node.entry.scope, via: NO_VIA.then(node.entry.crossed) };
        break;
      }
      const edge = nextEdge(node);
      chain.push({ node, edge });
      node = nodes.get(edge.caller) as CallerNode;
    }
    for (let index = chain.length - 1; index >= 0; index--) {
      const { node, edge } = chain[index] as { node: CallerNode; edge: CallerEdge };
      const above = (nodes.get(edge.caller) as CallerNode).path as { scope: TracedScope; via: ViaPath };
      node.path = { scope: above.scope, via: above.via.then([edge.name, ...edge.crossed]) };
    }
    return start.path ?? null;
  };

  return { pathOf };
}

function findFlushesAndInitializers(
  sourceCode: Readonly<TSESLint.SourceCode>,
  catalogue: Catalogue,
  tracker: Tracker | undefined,
  imported: readonly ImportedInitializer[],
): { flushes: FlushCall[]; initializers: InitializerCall[] } {
  const flushes: FlushCall[] = [];
  const initializers: InitializerCall[] = [];
  const map: TraceMap = {};
  catalogue.flushes.forEach((spec, index) => {
    if (spec.form === "call") addToTraceMap(map, spec.modules, spec.path, CALL, `f${index}`);
  });
  catalogue.initializers.forEach((spec, index) => {
    addToTraceMap(map, spec.modules, spec.path, spec.construct ? CONSTRUCT : CALL, `i${index}`);
  });
  const constructed = new Map<TSESLint.Scope.Variable, string>();
  /** `const provider = getGlobalTraceProvider()`: the variable, and the flush spec its methods are. */
  const holders = new Map<TSESLint.Scope.Variable, Extract<FlushSpec, { form: "call" }>>();
  if (tracker) {
    for (const ref of trackModules(tracker, map)) {
      const key = ref.info as string;
      const index = Number(key.slice(1));
      if (key.startsWith("f") && ref.node.type === AST_NODE_TYPES.CallExpression) {
        const spec = catalogue.flushes[index] as FlushSpec;
        if (spec.form === "call" && spec.resultMethods) resultFlush(sourceCode, ref.node, spec, flushes, holders);
        else flushes.push({ node: ref.node, spec });
      } else if (key.startsWith("i") && (ref.node.type === AST_NODE_TYPES.CallExpression || ref.node.type === AST_NODE_TYPES.NewExpression)) {
        const spec = catalogue.initializers[index] as InitializerSpec;
        const declarator = ref.node.parent;
        let binding: string | undefined;
        if (declarator?.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier) {
          binding = declarator.id.name;
          for (const variable of sourceCode.getDeclaredVariables(declarator)) constructed.set(variable, spec.className ?? (spec.path.at(-1) as string));
        } else if (declarator?.type === AST_NODE_TYPES.AssignmentExpression && declarator.operator === "=" && declarator.right === ref.node && declarator.left.type === AST_NODE_TYPES.Identifier) {
          // `let sdk; … sdk = new NodeSDK({…});` in a set-up function: `sdk.shutdown()` flushes it as well.
          const variable = ASTUtils.findVariable(sourceCode.getScope(declarator), declarator.left);
          if (variable) constructed.set(variable, spec.className ?? (spec.path.at(-1) as string));
        }
        initializers.push({ node: ref.node, spec, binding });
      }
    }
  }
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration && catalogue.initializerModules.includes(statement.source.value)) {
      initializers.push({ node: statement, spec: undefined, binding: undefined });
    }
    // CommonJS: `require("./tracing");` or `const tracing = require("./tracing");` at top level.
    const required = topLevelRequire(statement);
    if (required && catalogue.initializerModules.includes(required.module)) {
      initializers.push({ node: required.call, spec: undefined, binding: undefined });
    }
  }
  // `import { provider } from "./tracing.js"`: the binding holds the provider the module constructed.
  for (const { node, spec, imported: setup } of imported) {
    initializers.push({ node, spec, binding: setup.local?.name, imported: setup });
    if (!spec.construct || !setup.local) continue;
    for (const variable of sourceCode.getDeclaredVariables(setup.local.declaration)) {
      if (variable.name === setup.local.name) constructed.set(variable, spec.className ?? (spec.path.at(-1) as string));
    }
  }
  // `await shutdownTracing()`: the set-up module's exported flush function.
  flushes.push(...importedFlushCalls(sourceCode, imported));
  if (holders.size > 0) {
    walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
      if (node.type !== AST_NODE_TYPES.CallExpression) return;
      const callee = skipWrappers(node.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.object.type !== AST_NODE_TYPES.Identifier) return;
      const variable = ASTUtils.findVariable(sourceCode.getScope(callee.object), callee.object);
      const spec = variable && holders.get(variable);
      if (spec?.resultMethods?.includes(memberName(callee) ?? "")) flushes.push({ node, spec });
    });
  }
  const methodSpecs = catalogue.flushes.filter((spec): spec is Extract<FlushSpec, { form: "method" }> => spec.form === "method");
  const text = sourceCode.text;
  const wanted = methodSpecs.filter((spec) => text.includes(spec.method));
  if (wanted.length > 0) {
    walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
      if (node.type !== AST_NODE_TYPES.CallExpression) return;
      const callee = skipWrappers(node.callee);
      const method = memberName(callee);
      if (method === undefined || callee.type !== AST_NODE_TYPES.MemberExpression) return;
      for (const spec of wanted) {
        if (spec.method !== method) continue;
        if (spec.onInstancesOf) {
          const object = skipWrappers(callee.object);
          if (object.type !== AST_NODE_TYPES.Identifier) continue;
          const variable = ASTUtils.findVariable(sourceCode.getScope(object), object);
          const made = variable ? constructed.get(variable) : undefined;
          if (!made || !spec.onInstancesOf.includes(made)) continue;
        }
        flushes.push({ node, spec });
      }
    });
  }
  const byStart = (a: { node: TSESTree.Node }, b: { node: TSESTree.Node }) => a.node.range[0] - b.node.range[0];
  return { flushes: flushes.sort(byStart), initializers: initializers.sort(byStart) };
}

/**
 * A flush that is a method of a call's result: `getGlobalTraceProvider().forceFlush()` is one, and
 * `const provider = getGlobalTraceProvider()` makes `provider`'s flush methods ones (collected in `holders`).
 */
function resultFlush(
  sourceCode: Readonly<TSESLint.SourceCode>,
  call: TSESTree.CallExpression,
  spec: Extract<FlushSpec, { form: "call" }>,
  flushes: FlushCall[],
  holders: Map<TSESLint.Scope.Variable, Extract<FlushSpec, { form: "call" }>>,
): void {
  let inner: TSESTree.Node = call;
  while (inner.parent?.type === AST_NODE_TYPES.TSAsExpression || inner.parent?.type === AST_NODE_TYPES.TSNonNullExpression) inner = inner.parent;
  const member = inner.parent;
  if (member?.type === AST_NODE_TYPES.MemberExpression && member.object === inner) {
    const outer = member.parent;
    if (outer?.type === AST_NODE_TYPES.CallExpression && outer.callee === member && spec.resultMethods?.includes(memberName(member) ?? "")) {
      flushes.push({ node: outer, spec });
    }
    return;
  }
  if (member?.type === AST_NODE_TYPES.VariableDeclarator && member.init === inner && member.id.type === AST_NODE_TYPES.Identifier) {
    for (const variable of sourceCode.getDeclaredVariables(member)) holders.set(variable, spec);
  }
}

/** "task 'bedrock_completion' of workflow 'rag_pipeline'" */
export function describeScope(scope: TracedScope): string {
  return scope.name === undefined ? `a ${scope.spec.kind}` : `${scope.spec.kind} '${scope.name}'`;
}

export function describeReach(reach: Reach): string {
  const chain = [reach.scope, ...reach.outer].map(describeScope).join(" of ");
  return `${chain}${describeVia(reach.via)}`;
}

/**
 * " (via a() → b())", or nothing; a long chain keeps its ends: " (via a() → b() → … 996 more … → y() → z())",
 * so a message stays one line however deep the call chain is.
 */
export function describeVia(via: ViaPath): string {
  if (via.length === 0) return "";
  const call = (name: string) => `${name}()`;
  const hidden = via.length - via.head.length - via.tail.length;
  const names = hidden <= 1 ? via.names().map(call) : [...via.head.map(call), `… ${hidden} more …`, ...via.tail.map(call)];
  return ` (via ${names.join(" → ")})`;
}
