/**
 * Spans ended by an `exit` listener (issue 13, "who owns the span"): a CLI that catches its command's error inside
 * the span and exits there, while its telemetry module ends the active span when the process exits and exports it
 * synchronously as it ends (Redwood's CLI: `process.on("exit", shutdownTelemetry)`, whose
 * `trace.getActiveSpan()?.end()` goes through a `SimpleSpanProcessor` to an exporter that writes with
 * `appendFileSync`).
 *
 *   // cli.js                                       // telemetry.js
 *   startTelemetry();                               export function startTelemetry() {
 *   tracer.startActiveSpan("cli", async (span) => {   const processor = new SimpleSpanProcessor(new FileExporter());
 *     try {                                            new NodeTracerProvider({ spanProcessors: [processor] }).register();
 *       await run();                                   process.on("exit", () => trace.getActiveSpan()?.end());
 *     } catch (error) {                              }
 *       exitWithError(error);  // process.exit(1)
 *     }
 *     span.end();
 *   });
 *
 * Measured (tests/e2e/runtime-exit-listener.test.ts, OpenTelemetry SDK 2.x): `process.exit()` runs the `exit`
 * listeners synchronously, in the async context of the exit, so `getActiveSpan()` is the span the catch runs in;
 * its `end()` reaches a simple processor, which calls the exporter at once. Only an exporter that writes before it
 * returns keeps the span: a batch processor queues it, and an OTLP exporter's request is cut by the exit.
 *
 * All of it must be proven, or the span counts as lost:
 * - the scope's span is the active OpenTelemetry span, and its callback has a top-level `try` whose `catch` always
 *   exits: one of its statements is `process.exit()` (by binding), or a call of a same-file function, or of a function
 *   of a module it imports by a relative path, one of whose statements does (three deep);
 * - the linted file, or a module it imports by a relative path, registers on Node's `process` an `exit` listener
 *   that ends the active span (`….getActiveSpan()?.end()`, in the listener or in a function of that module it calls),
 *   and every processor that module registers is a `SimpleSpanProcessor` (no `NodeSDK`) over an
 *   `InMemorySpanExporter` or a class (of that module or one it imports by a relative path) whose `export()` only
 *   calls `…Sync()` functions, `JSON.stringify` and its result callback.
 * Other files are read from disk (cached a few seconds, as installed SDK versions are), parsed on their own, their
 * names matched within the file: one import away, no further. A catch that exits inside a child span (the listener
 * ends only the innermost active span) and a listener registered elsewhere are not seen.
 */
import * as path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import { parseForESLint } from "./parser";
import type { SourceFile } from "./files-on-disk";
import { resolveRelative } from "./files-on-disk";
import type { FunctionNode } from "./ast";
import { isFunction, keyName, memberName, skipWrappers, walk } from "./ast";
import type { FileModel, TracedScope } from "./model";
import { resolveCallback } from "./model";

type VisitorKeys = TSESLint.SourceCode["visitorKeys"];

/** A module read from disk: its program and the names it declares at the top level. */
interface Module {
  readonly file: string;
  readonly ast: TSESTree.Program;
  readonly visitorKeys: VisitorKeys;
  /** Top-level functions and classes by name (`function f`, `const f = () => …`, `class C`, exported or not). */
  readonly functions: ReadonlyMap<string, FunctionNode>;
  readonly classes: ReadonlyMap<string, TSESTree.ClassDeclaration | TSESTree.ClassExpression>;
  /** The file declares its own `process`: its `process.on(…)` is not Node's. */
  readonly shadowsProcess: boolean;
}

const HOPS = 3;
const LISTEN = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener"]);

const JS = /\.[cm]?js$/u;

function parse(file: string, text: string): Module | undefined {
  for (const sourceType of ["module", "script"] as const) {
    try {
      // espree for JavaScript (faster, and what ESLint parses it with); typescript-eslint's parser for TypeScript.
      if (JS.test(file)) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy and synchronous (dist/ is CommonJS)
        const espree = require("espree") as typeof import("espree");
        const ast = espree.parse(text, { range: true, sourceType, ecmaVersion: "latest" }) as unknown as TSESTree.Program;
        return describeModule(file, ast, espree.VisitorKeys as unknown as VisitorKeys);
      }
      const { ast, visitorKeys } = parseForESLint(text, { range: true, sourceType, ecmaVersion: "latest", filePath: file });
      return describeModule(file, ast, visitorKeys as VisitorKeys);
    } catch {
      // a script with top-level `return`, `with` …: try the other source type
    }
  }
  return undefined;
}

function describeModule(file: string, ast: TSESTree.Program, visitorKeys: VisitorKeys): Module {
  const functions = new Map<string, FunctionNode>();
  const classes = new Map<string, TSESTree.ClassDeclaration | TSESTree.ClassExpression>();
  let shadowsProcess = false;
  for (const raw of ast.body) {
    const statement = raw.type === AST_NODE_TYPES.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
    if (statement.type === AST_NODE_TYPES.FunctionDeclaration && statement.id) functions.set(statement.id.name, statement);
    if (statement.type === AST_NODE_TYPES.ClassDeclaration && statement.id) classes.set(statement.id.name, statement);
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of statement.declarations) {
      if (declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) continue;
      const init = skipWrappers(declarator.init);
      if (isFunction(init) && statement.kind === "const") functions.set(declarator.id.name, init);
      if (init.type === AST_NODE_TYPES.ClassExpression && statement.kind === "const") classes.set(declarator.id.name, init);
    }
  }
  walk(ast, visitorKeys, (node) => {
    if (shadowsProcess) return false;
    if ((node.type === AST_NODE_TYPES.VariableDeclarator || node.type === AST_NODE_TYPES.FunctionDeclaration) && node.id?.type === AST_NODE_TYPES.Identifier && node.id.name === "process") shadowsProcess = true;
    if (isFunction(node) && node.params.some((param) => param.type === AST_NODE_TYPES.Identifier && param.name === "process")) shadowsProcess = true;
    return !shadowsProcess;
  });
  return { file, ast, visitorKeys, functions, classes, shadowsProcess };
}

const modules = new WeakMap<SourceFile, { module: Module | undefined }>();

/** `./x` from the directory `dir`, parsed (once per file read), or undefined. */
function moduleAt(dir: string, specifier: string): Module | undefined {
  const source = resolveRelative(dir, specifier);
  if (!source) return undefined;
  let parsed = modules.get(source);
  if (!parsed) {
    parsed = { module: parse(source.file, source.text) };
    modules.set(source, parsed);
  }
  return parsed.module;
}

/** `require("./x")`, `__toESM(require("./x"))` (esbuild's interop): the relative specifier. */
function requiredSpecifier(node: TSESTree.Node | null | undefined): string | undefined {
  let current = node ? skipWrappers(node) : undefined;
  if (current?.type === AST_NODE_TYPES.CallExpression && current.callee.type === AST_NODE_TYPES.Identifier && current.callee.name !== "require" && current.arguments.length >= 1) {
    current = skipWrappers(current.arguments[0] as TSESTree.Node);
  }
  if (current?.type !== AST_NODE_TYPES.CallExpression || current.callee.type !== AST_NODE_TYPES.Identifier || current.callee.name !== "require") return undefined;
  const arg = current.arguments[0];
  return arg?.type === AST_NODE_TYPES.Literal && typeof arg.value === "string" ? arg.value : undefined;
}

/** Every relative specifier the program imports or requires. */
function importedSpecifiers(ast: TSESTree.Program, visitorKeys: VisitorKeys): string[] {
  const found = new Set<string>();
  walk(ast, visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.ImportDeclaration && typeof node.source.value === "string") found.add(node.source.value);
    const required = node.type === AST_NODE_TYPES.CallExpression ? requiredSpecifier(node) : undefined;
    if (required) found.add(required);
    return true;
  });
  return [...found].filter((specifier) => specifier.startsWith("./") || specifier.startsWith("../"));
}

/**
 * Where a name used in `module` comes from when another module exports it: `name` of `import { name } from "./x"`
 * or of `const { name } = require("./x")`, `ns.name` of `const ns = require("./x")` / `import * as ns from "./x"`.
 * Matched by name within the module (it is not scope-analysed): a local that shadows the import is not seen.
 */
function importedFrom(module: Module, callee: TSESTree.Node): { specifier: string; name: string } | undefined {
  const target = skipWrappers(callee);
  const local = target.type === AST_NODE_TYPES.Identifier ? target.name : target.type === AST_NODE_TYPES.MemberExpression && target.object.type === AST_NODE_TYPES.Identifier ? target.object.name : undefined;
  const member = target.type === AST_NODE_TYPES.MemberExpression ? memberName(target) : undefined;
  if (local === undefined || (target.type === AST_NODE_TYPES.MemberExpression && member === undefined)) return undefined;
  for (const statement of module.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration && typeof statement.source.value === "string") {
      for (const specifier of statement.specifiers) {
        if (specifier.local.name !== local) continue;
        if (specifier.type === AST_NODE_TYPES.ImportSpecifier && member === undefined && specifier.imported.type === AST_NODE_TYPES.Identifier) return { specifier: statement.source.value, name: specifier.imported.name };
        if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier && member !== undefined) return { specifier: statement.source.value, name: member };
      }
    }
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of statement.declarations) {
      const specifier = requiredSpecifier(declarator.init);
      if (!specifier) continue;
      if (declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === local && member !== undefined) return { specifier, name: member };
      if (declarator.id.type === AST_NODE_TYPES.ObjectPattern && member === undefined) {
        for (const property of declarator.id.properties) {
          if (property.type === AST_NODE_TYPES.Property && property.key.type === AST_NODE_TYPES.Identifier && property.value.type === AST_NODE_TYPES.Identifier && property.value.name === local) return { specifier, name: property.key.name };
        }
      }
    }
  }
  return undefined;
}

/** `(0, ns.f)(…)`, esbuild's call of an import: the callee is `ns.f`. */
function calleeOf(call: TSESTree.CallExpression): TSESTree.Node {
  const callee = skipWrappers(call.callee);
  return callee.type === AST_NODE_TYPES.SequenceExpression ? (callee.expressions.at(-1) ?? callee) : callee;
}

/** The calls `root` makes itself, not those of the functions nested in it (they run later, if ever). */
function ownCalls(root: TSESTree.Node, visitorKeys: VisitorKeys): TSESTree.CallExpression[] {
  const calls: TSESTree.CallExpression[] = [];
  walk(root, visitorKeys, (node) => {
    if (node !== root && isFunction(node)) return false;
    if (node.type === AST_NODE_TYPES.CallExpression) calls.push(node);
    return true;
  });
  return calls;
}

/**
 * The calls a block makes as its own statements (`f(…);`, `await f(…);`, `return f(…);`): they run whenever the block
 * runs, where a call under an `if` or in an expression may not.
 */
function statementCalls(block: TSESTree.Node): TSESTree.CallExpression[] {
  if (block.type !== AST_NODE_TYPES.BlockStatement) return [];
  const calls: TSESTree.CallExpression[] = [];
  for (const statement of block.body) {
    const expression = statement.type === AST_NODE_TYPES.ExpressionStatement ? statement.expression : statement.type === AST_NODE_TYPES.ReturnStatement ? statement.argument : undefined;
    let inner = expression ? skipWrappers(expression) : undefined;
    if (inner?.type === AST_NODE_TYPES.AwaitExpression) inner = skipWrappers(inner.argument);
    if (inner?.type === AST_NODE_TYPES.CallExpression) calls.push(inner);
  }
  return calls;
}

/** `process.exit(…)` on Node's process, in a module read from disk. */
function isProcessExit(module: Module, call: TSESTree.CallExpression): boolean {
  const callee = calleeOf(call);
  return !module.shadowsProcess && callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === "process" && memberName(callee) === "exit";
}

/** A function of a module read from disk that exits as a statement of its body, or in a top-level function of its module it calls so. */
function foreignFunctionExits(module: Module, fn: FunctionNode, hops: number): boolean {
  return statementCalls(fn.body).some((call) => {
    if (isProcessExit(module, call)) return true;
    const callee = calleeOf(call);
    const next = hops > 1 && callee.type === AST_NODE_TYPES.Identifier ? module.functions.get(callee.name) : undefined;
    return !!next && next !== fn && foreignFunctionExits(module, next, hops - 1);
  });
}

/** The function an imported callee names, in the module it is imported from. */
function importedFunction(module: Module, callee: TSESTree.Node): { module: Module; fn: FunctionNode } | undefined {
  const from = importedFrom(module, callee);
  const target = from && moduleAt(path.dirname(module.file), from.specifier);
  const fn = target?.functions.get(from?.name ?? "");
  return target && fn ? { module: target, fn } : undefined;
}

const linted = new WeakMap<FileModel, Module>();

/** The linted file as a Module: its program, its top-level names, where it is on disk. */
function lintedModule(model: FileModel, file: string): Module {
  let module = linted.get(model);
  if (!module) {
    module = describeModule(file, model.sourceCode.ast, model.sourceCode.visitorKeys);
    linted.set(model, module);
  }
  return module;
}

/**
 * A `catch` block that always ends the process synchronously: a statement of it is `process.exit()` (the model's, by
 * binding), or a call of a same-file function that exits so (three deep), or of a function of a relatively imported
 * module that does. An exit under an `if` may not run, and the error then goes on with the span open.
 */
function exitsSynchronously(model: FileModel, module: Module, root: TSESTree.Node, hops: number): boolean {
  const exits = new Set<TSESTree.Node>(model.exits().filter((exit) => exit.method === "exit").map((exit) => exit.node));
  return statementCalls(root).some((call) => {
    if (exits.has(call)) return true;
    if (hops <= 1) return false;
    const callee = calleeOf(call);
    const local = callee.type === AST_NODE_TYPES.Identifier || callee.type === AST_NODE_TYPES.MemberExpression ? resolveCallback(model.sourceCode, callee)?.fn : undefined;
    if (local) return exitsSynchronously(model, module, local.body, hops - 1);
    const foreign = importedFunction(module, callee);
    return !!foreign && foreignFunctionExits(foreign.module, foreign.fn, hops - 1);
  });
}

/** `….getActiveSpan()?.end()` / `getActiveSpan().end()`. */
function endsActiveSpan(call: TSESTree.CallExpression): boolean {
  const callee = skipWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || memberName(callee) !== "end") return false;
  const object = skipWrappers(callee.object);
  if (object.type !== AST_NODE_TYPES.CallExpression) return false;
  const getter = skipWrappers(object.callee);
  return (getter.type === AST_NODE_TYPES.Identifier && getter.name === "getActiveSpan") || memberName(getter) === "getActiveSpan";
}

/** The function ends the active span in its own body, or in a top-level function of its module it calls (three deep). */
function listenerEndsActiveSpan(module: Module, fn: FunctionNode, hops: number): boolean {
  return ownCalls(fn.body, module.visitorKeys).some((call) => {
    if (endsActiveSpan(call)) return true;
    const callee = calleeOf(call);
    const next = hops > 1 && callee.type === AST_NODE_TYPES.Identifier ? module.functions.get(callee.name) : undefined;
    return !!next && next !== fn && listenerEndsActiveSpan(module, next, hops - 1);
  });
}

/** `process.on("exit", listener)` and friends on Node's process whose listener ends the active span. */
function hasSpanEndingExitListener(module: Module): boolean {
  if (module.shadowsProcess) return false;
  let found = false;
  walk(module.ast, module.visitorKeys, (node) => {
    if (found) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    const callee = skipWrappers(node.callee);
    const [event, listener] = node.arguments;
    if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.object.type !== AST_NODE_TYPES.Identifier || callee.object.name !== "process") return true;
    if (!LISTEN.has(memberName(callee) ?? "") || event?.type !== AST_NODE_TYPES.Literal || event.value !== "exit" || !listener) return true;
    const fn = isFunction(listener) ? listener : listener.type === AST_NODE_TYPES.Identifier ? module.functions.get(listener.name) : undefined;
    found = !!fn && listenerEndsActiveSpan(module, fn, HOPS);
    return !found;
  });
  return found;
}

/** `new C(…)` / `new ns.C(…)`: the constructed class's name. */
function constructedName(node: TSESTree.Node): string | undefined {
  if (node.type !== AST_NODE_TYPES.NewExpression) return undefined;
  const callee = skipWrappers(node.callee);
  return callee.type === AST_NODE_TYPES.Identifier ? callee.name : memberName(callee);
}

/** Only synchronous calls: `…Sync()`, `JSON.stringify()`, and the result callback (the method's second parameter). */
function exportsSynchronously(module: Module, cls: TSESTree.ClassDeclaration | TSESTree.ClassExpression): boolean {
  const method = cls.body.body.find((member) => member.type === AST_NODE_TYPES.MethodDefinition && !member.static && member.kind === "method" && keyName(member) === "export");
  if (method?.type !== AST_NODE_TYPES.MethodDefinition || method.value.async || method.value.generator) return false;
  const callback = method.value.params[1];
  const callbackName = callback?.type === AST_NODE_TYPES.Identifier ? callback.name : undefined;
  let synchronous = true;
  walk(method.value.body as TSESTree.Node, module.visitorKeys, (node) => {
    if (!synchronous) return false;
    if (isFunction(node) || node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.NewExpression || node.type === AST_NODE_TYPES.YieldExpression) synchronous = false;
    if (node.type === AST_NODE_TYPES.CallExpression) {
      const callee = calleeOf(node);
      const name = callee.type === AST_NODE_TYPES.Identifier ? callee.name : memberName(callee);
      const isStringify = callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === "JSON" && name === "stringify";
      synchronous = (name !== undefined && name.endsWith("Sync")) || isStringify || (callee.type === AST_NODE_TYPES.Identifier && name === callbackName);
    }
    return synchronous;
  });
  return synchronous;
}

/** The exporter built by `node` (`new C()`) exports synchronously: an InMemorySpanExporter, or a class of this module or one it imports whose `export()` does. */
function isSyncExporter(module: Module, node: TSESTree.Node): boolean {
  const name = constructedName(node);
  if (name === undefined || node.type !== AST_NODE_TYPES.NewExpression) return false;
  if (name === "InMemorySpanExporter") return true;
  const local = skipWrappers(node.callee).type === AST_NODE_TYPES.Identifier ? module.classes.get(name) : undefined;
  if (local) return exportsSynchronously(module, local);
  const from = importedFrom(module, node.callee);
  const target = from && moduleAt(path.dirname(module.file), from.specifier);
  const cls = target?.classes.get(from?.name ?? "");
  return !!target && !!cls && exportsSynchronously(target, cls);
}

/** Every value written to the name `name` in the module (`const x = …`, `x = …`). */
function writesOf(module: Module, name: string): TSESTree.Node[] {
  const writes: TSESTree.Node[] = [];
  walk(module.ast, module.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.VariableDeclarator && node.id.type === AST_NODE_TYPES.Identifier && node.id.name === name && node.init) writes.push(skipWrappers(node.init));
    if (node.type === AST_NODE_TYPES.AssignmentExpression && node.left.type === AST_NODE_TYPES.Identifier && node.left.name === name) writes.push(skipWrappers(node.right));
    return true;
  });
  return writes;
}

/**
 * The module's pipeline exports each span synchronously as it ends: every processor it registers (an element of a
 * `spanProcessors` array, an argument of `addSpanProcessor(…)`) is a `new SimpleSpanProcessor(exporter)`, inline or
 * in a name only ever given one, over a synchronous exporter; there is at least one, and no `NodeSDK` (which batches).
 */
function exportsOnEndSynchronously(module: Module): boolean {
  const slots: TSESTree.Node[] = [];
  let sdk = false;
  walk(module.ast, module.visitorKeys, (node) => {
    if (constructedName(node) === "NodeSDK") sdk = true;
    if (node.type === AST_NODE_TYPES.Property && keyName(node) === "spanProcessors") {
      const list = skipWrappers(node.value);
      if (list.type === AST_NODE_TYPES.ArrayExpression) slots.push(...list.elements.map((element) => element ?? list));
      else slots.push(list);
    }
    if (node.type === AST_NODE_TYPES.CallExpression && memberName(skipWrappers(node.callee)) === "addSpanProcessor") slots.push(node.arguments[0] ?? node);
    return true;
  });
  if (sdk || slots.length === 0) return false;
  const valuesOf = (node: TSESTree.Node) => {
    const inner = skipWrappers(node);
    return inner.type === AST_NODE_TYPES.Identifier ? writesOf(module, inner.name) : [inner];
  };
  return slots.every((slot) => {
    const processors = valuesOf(slot);
    return (
      processors.length > 0 &&
      processors.every((processor) => {
        if (constructedName(processor) !== "SimpleSpanProcessor" || processor.type !== AST_NODE_TYPES.NewExpression || !processor.arguments[0]) return false;
        const exporters = valuesOf(processor.arguments[0]);
        return exporters.length > 0 && exporters.every((exporter) => isSyncExporter(module, exporter));
      })
    );
  });
}

const owners = new WeakMap<FileModel, boolean>();
/** What a module that ends spans on exit writes: an `exit` event name and a simple processor. */
const MIGHT_OWN = /["'`]exit["'`][\s\S]*SimpleSpanProcessor|SimpleSpanProcessor[\s\S]*["'`]exit["'`]/u;

/** The linted file or a module it imports by a relative path registers a span-ending exit listener next to a synchronous pipeline. */
function programEndsSpansOnExit(model: FileModel, module: Module): boolean {
  let known = owners.get(model);
  if (known === undefined) {
    const dir = path.dirname(module.file);
    // Only a module whose text names an `exit` listener and a simple processor is parsed. Text without a file
    // (`<input>`, a relative name) has no directory to resolve imports from.
    const candidates = [module, ...importedSpecifiers(module.ast, module.visitorKeys).map((specifier) => (MIGHT_OWN.test(resolveRelative(dir, specifier)?.text ?? "") ? moduleAt(dir, specifier) : undefined))];
    known = candidates.some((candidate) => !!candidate && hasSpanEndingExitListener(candidate) && exportsOnEndSynchronously(candidate));
    owners.set(model, known);
  }
  return known;
}

/**
 * The scope's error path exits inside its span, and the program's exit listener ends that span and exports it
 * synchronously: nothing is lost there (see above). `file`: the linted file on disk.
 */
export function exitListenerEndsSpan(scope: TracedScope, model: FileModel, file: string): boolean {
  const body = scope.callback.body;
  // The listener ends the active OpenTelemetry span: not the scope's where it is not one (dd-trace, withLLMCall).
  if (body.type !== AST_NODE_TYPES.BlockStatement || scope.spec.activeOtelSpan === false) return false;
  const module = lintedModule(model, file);
  const catchExits = body.body.some((statement) => statement.type === AST_NODE_TYPES.TryStatement && !!statement.handler && exitsSynchronously(model, module, statement.handler.body, HOPS));
  return catchExits && programEndsSpansOnExit(model, module);
}
