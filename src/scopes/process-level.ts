/**
 * The process level of a traced program: where it ends (exits, signal and error handlers,
 * the entry call) and whether the span queue is flushed on the way. Used by
 * require-flush-before-exit; code inside a traced scope is no-process-exit's business.
 *
 * Path reasoning is local and deliberately simple (docs/rules/require-flush-before-exit.md):
 * - a flush counts before an exit when it is an awaited statement earlier in the same
 *   statement list as the exit, or in one of the lists around it up to the function
 *   (`await sdk.shutdown(); process.exit(0)`, also in a `try` block or `finally` before it);
 *   a flush inside an `if` or a loop does not count;
 * - a promise callback counts as after a flush when the chain it hangs on contains one
 *   (`sdk.shutdown().finally(() => process.exit(0))`), or calls a same-file function that
 *   flushes (`main().then(() => process.exit(0))` when `main` ends with `await flush()`);
 * - a function's promise has flushed when its body awaits a flush, or a `finally` of it does (also under a guard
 *   with no `else`: `finally { if (sdk) await sdk.shutdown(); }`); the function may be of this file, exported by a
 *   relatively imported module (judged by that module's own process level, MAX_IMPORT_HOPS deep), or the callback
 *   of an AsyncLocalStorage's `run` (src/scopes/async-local-storage.ts);
 * - a same-file function whose every call site is after a flush is itself after a flush;
 * - an exit in a function written before every initializer of the file, all in that same function (no loop around
 *   both), or in the other branch of an `if`, has queued nothing yet; nor has one in another function when every
 *   initializer is an instance the file only returns to importers (src/scopes/program-setup.ts `handedOver`);
 * - an exit in a timer callback beside a flush is a watchdog for a hanging flush.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "./ast";
import { enclosingStatementList, isFunction, isLoop, lazy, memberName, resolveConst, skipWrappers, staticString, walk } from "./ast";
import type { ExitCall, FileModel, TracedScope } from "./model";
import { modelOfImportedFile, resolveCallback } from "./model";
import { importedFunction } from "./imported-setup";
import { storeRunCallback } from "./async-local-storage";
import { functionBinding, memberFunction, memberUses } from "./members";
import type { Tracker } from "./globals";
import { createTracker } from "./globals";
import { crashIsSafe, deliveryOf, naturalEndIsSafe } from "./pipeline";
import { runnerCalls } from "./runners";
import { onlyEndsSpans } from "../fixes/span-helper";
import { returnsTracedFunction } from "./catalogue";

type Variable = TSESLint.Scope.Variable;

const { ReferenceTracker } = ASTUtils;
const CALL = ReferenceTracker.CALL;

export type PromisePath = "success" | "failure";

/** Methods that finish an initializer's set-up and start no span: a provider's `register()`, NodeSDK's `start()`. */
const SET_UP_METHODS = new Set(["register", "start"]);

/** A listener that runs when the process is about to end: `process.on("SIGTERM", fn)`, `rl.on("close", fn)`. */
export interface Handler {
  readonly event: string;
  readonly emitter: "process" | "readline";
  readonly fn: FunctionNode;
  /** The function is written in the registration (else it is named and only registered). */
  readonly inline: boolean;
  /** `process.on("SIGTERM", fn)`. */
  readonly registration: TSESTree.CallExpression;
}

/** One `.then/.catch/.finally(...)` of an entry chain, innermost first. */
export interface ChainLink {
  readonly call: TSESTree.CallExpression;
  readonly method: "then" | "catch" | "finally";
}

/**
 * How the entry call runs the program (issue 16):
 * - `call`: a same-file function, or anything chained as a promise: `main()`, `(async () => { … })()`;
 * - `scope`: an opener whose callback is the whole program: `traceloop.withWorkflow(cfg, async () => { … })`;
 * - `runner`: a catalogue runner that opens no span: `traceloop.withAssociationProperties(props, async () => { … })`;
 * - `wrapped`: the traced function a wrapper returns, called at once: `traceAgent(main)()`, `traceable(fn)()`;
 * - `callback`: any other call given an async callback that ends with an awaited flush:
 *   `run(async () => { …; await sdk.shutdown(); })`. What `run` does with the promise is not known.
 */
export type EntryKind = "call" | "scope" | "runner" | "wrapped" | "callback";

/**
 * The top-level call that runs the program: `main()`, `void main()`, `main().catch(...)`,
 * `await main()`, `(async () => { … })()`, and the kinds above.
 */
export interface Entry {
  readonly kind: EntryKind;
  readonly statement: TSESTree.ExpressionStatement;
  /** `main()`: the innermost call of the chain. */
  readonly call: TSESTree.CallExpression;
  /** The same-file function it runs (for `scope`, `runner`, `wrapped` and `callback`: the program's callback), when there is one. */
  readonly fn: FunctionNode | undefined;
  readonly links: readonly ChainLink[];
  readonly awaited: boolean;
  /** `try { await main(); } …` at top level: the try around the statement. */
  readonly tryStatement: TSESTree.TryStatement | undefined;
}

export interface ExitFinding {
  readonly exit: ExitCall;
  readonly handler: Handler | undefined;
}

export interface EntryFinding {
  readonly entry: Entry;
  /** Where the program ends without a flush. */
  readonly paths: readonly PromisePath[];
  /** Exits in the chain's inline callbacks that end a path without a flush: the entry fix rewrites them. */
  readonly exits: readonly ExitCall[];
}

export interface ProcessLevel {
  /** The file starts tracing, or ends a traced program: the rule looks at it at all. */
  readonly tracing: boolean;
  exitFindings(): readonly ExitFinding[];
  /**
   * Whether ending the process at `node` would drop queued spans, as for an exit written there: not in
   * traced scope (no-process-exit's), not in an `exit` listener, not before this file's initializer,
   * not after a flush. Undefined when it would not; else the handler it runs in, if any.
   */
  unflushedAt(node: TSESTree.Node): { readonly handler: Handler | undefined } | undefined;
  entryFindings(): readonly EntryFinding[];
  /**
   * Entries flushed on both paths whose error handler swallows errors (a top-level `catch`, a `.catch(…)`
   * link, that neither rethrows, exits nor sets `process.exitCode`), in a file that throws errors carrying an
   * exit code (`throw Object.assign(new Error(…), { exitCode: 3 })`, no-process-exit's rewrite): the program
   * that meant to end with that code ends with 0.
   */
  exitCodeFindings(): readonly Entry[];
  entries(): readonly Entry[];
  handlerOf(fn: TSESTree.Node): Handler | undefined;
  /**
   * `process.kill(process.pid, "SIGTERM")` where this file listens to that signal on `process`: the signal
   * runs the program's listener, which decides whether and how the process ends (and is judged there).
   */
  signalListened(exit: ExitCall): boolean;
  /**
   * The signal `exit` (a `process.kill(process.pid, …)`) sends, when this file listens to it on `process` and every
   * such listener ends the process: its body's last statement is `process.exit(…)`, with no `return` or `throw`
   * before (nested functions aside); and each is registered by a statement of the module's top level written
   * before every entry, so that it is there when the program runs (a listener added to a signal nobody listens to
   * would stop the signal's default end of the process).
   */
  signalEndingListeners(exit: ExitCall): string | undefined;
  /** An un-awaited/awaited flush already runs before `node` on its path. */
  flushedBefore(node: TSESTree.Node): boolean;
  /** `expression` is a promise that has flushed once it settles on `path`. */
  isFlushPromise(expression: TSESTree.Node, path: PromisePath): boolean;
  /** `statement` awaits a flush unconditionally. */
  statementFlushes(statement: TSESTree.Node): boolean;
  /** `fn` is a callback whose return value nobody uses, so it may become `async`. */
  mayBecomeAsync(fn: FunctionNode): boolean;
  /** Whether `fn`'s promise has flushed when it resolves (`success`) and when it rejects (`failure`: a `finally` flushes). */
  functionFlushes(fn: FunctionNode): { readonly success: boolean; readonly failure: boolean };
  /** The function (or the program) whose body `node` runs in. */
  functionOf(node: TSESTree.Node): FunctionNode | TSESTree.Program;
}

const LISTEN = ["on", "once", "addListener", "prependListener", "prependOnceListener"] as const;
const PROMISE_METHODS = new Set(["then", "catch", "finally"]);
const PROMISE_COMBINATORS = new Set(["all", "allSettled", "race", "any"]);
const TIMERS = new Set(["setTimeout", "setInterval", "setImmediate"]);
const READLINE_MODULES = ["readline", "node:readline", "readline/promises", "node:readline/promises"];
/** Events whose listener runs while the process is ending; `exit` listeners cannot await anything. */
const ENDING_EVENTS = /^(?:SIG[A-Z0-9]+|uncaughtException|unhandledRejection|beforeExit)$/u;

const models = new WeakMap<object, ProcessLevel>();

export function getProcessLevel(model: FileModel): ProcessLevel {
  let level = models.get(model);
  if (!level) {
    level = createProcessLevel(model);
    models.set(model, level);
  }
  return level;
}

function* trackEverywhere(tracker: Tracker, map: Record<string, unknown>, globals: boolean) {
  if (globals) yield* tracker.iterateGlobalReferences(map as never);
  yield* tracker.iterateEsmReferences(map as never);
  yield* tracker.iterateCjsReferences(map as never);
}

function createProcessLevel(model: FileModel): ProcessLevel {
  const sourceCode = model.sourceCode;
  const tracker = createTracker(sourceCode);

  // An SDK without a flush in the catalogue (dd-trace) gives the rule nothing to ask for.
  const flushable = (sdk: string) => model.catalogue.flushes.some((spec) => spec.form === "call" && spec.sdk === sdk);
  // An initializer of an SDK whose flush is a method (LangSmith's `wrapOpenAI()`: `client.awaitPendingTraceBatches()`).
  const hasFlush = (sdk: string) => model.catalogue.flushes.some((spec) => spec.sdk === sdk);
  const tracing = lazy(
    () =>
      (model.initializers().some(
        (init) => !init.spec || init.spec.construct === true || init.spec.handleless === true || init.spec.sdk === "custom" || hasFlush(init.spec.sdk),
      ) ||
        model.flushes().length > 0 ||
        model.catalogue.entry === true ||
        model.scopes().some((scope) => "modules" in scope.spec && !!scope.spec.modules && flushable(scope.spec.sdk))) &&
      // Tracing switched off, or spans kept in memory: nothing leaves the process, so nothing is lost (./pipeline.ts).
      deliveryOf(model) !== "none",
  );
  const flushNodes = lazy(() => new Set<TSESTree.Node>(model.flushes().map((flush) => flush.node)));
  const initializerNodes = lazy(() => new Set<TSESTree.Node>(model.initializers().map((init) => init.node)));

  const listeners = lazy(() => findListeners(sourceCode, tracker));
  // `trace.getTracer("app")` of @opentelemetry/api, by binding: it returns a tracer and starts no span.
  const getTracerCalls = lazy(() => {
    const calls = new Set<TSESTree.Node>();
    if (tracker) for (const ref of trackEverywhere(tracker, { "@opentelemetry/api": { trace: { getTracer: { [CALL]: true } } } }, false)) calls.add(ref.node);
    return calls;
  });

  const functionOf = (node: TSESTree.Node): FunctionNode | TSESTree.Program => {
    for (let current = node.parent; current; current = current.parent) {
      if (isFunction(current)) return current;
      if (current.type === AST_NODE_TYPES.Program) return current;
    }
    return sourceCode.ast;
  };

  // --- flush promises and statements -------------------------------------------------------------

  const functionFlushCache = new Map<FunctionNode, FunctionFlush | "pending">();

  function functionFlushes(fn: FunctionNode): FunctionFlush {
    const cached = functionFlushCache.get(fn);
    if (cached === "pending") return NO_FLUSH;
    if (cached) return cached;
    functionFlushCache.set(fn, "pending");
    let result: FunctionFlush;
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) {
      result = { success: isFlushPromise(fn.body, "success"), failure: isFlushPromise(fn.body, "failure"), neverRejects: false, exitsAtEnd: false };
    } else {
      const body = fn.body.body;
      const returnsFlush = (statement: TSESTree.Statement) =>
        statement.type === AST_NODE_TYPES.ReturnStatement && !!statement.argument && isFlushPromise(statement.argument, "success");
      // `finally { if (sdk) await sdk.shutdown(); }`: the usual guard, for a set-up that may not have run.
      const finallyFlushes = (statement: TSESTree.Statement) =>
        statement.type === AST_NODE_TYPES.TryStatement && !!statement.finalizer && statement.finalizer.body.some((inner) => statementFlushes(inner) || guardedFlush(inner));
      const failure = body.some(finallyFlushes);
      // `if (args.dryRun) return; …; await sdk.shutdown();`: a return of the function before the flush skips it.
      const flushing = body.findIndex((statement) => statementFlushes(statement) || returnsFlush(statement));
      result = {
        success: failure || (flushing >= 0 && !body.slice(0, flushing).some((statement) => returnsOf(statement))),
        failure,
        // `try { … } catch (error) { report(error) }` around everything: the promise never rejects.
        neverRejects:
          body.length > 0 &&
          // `async () => { process.exit(1); }`: it ends the process before it can reject.
          (body.every((statement) => exitStatement(statement) !== undefined) ||
          body.every(
            (statement) =>
              statementFlushes(statement) ||
              (statement.type === AST_NODE_TYPES.ReturnStatement && !statement.argument) ||
              (statement.type === AST_NODE_TYPES.TryStatement && !!statement.handler && !statement.handler.body.body.some((s) => s.type === AST_NODE_TYPES.ThrowStatement)),
          )),
        exitsAtEnd: body.some((statement) => exitStatement(statement) !== undefined),
      };
    }
    functionFlushCache.set(fn, result);
    return result;
  }

  /** A process-ending call written as a statement of its own: `process.exit(1);`. */
  const exitNodes = lazy(() => new Map<TSESTree.Node, ExitCall>(model.exits().map((exit) => [exit.node, exit])));
  function exitStatement(statement: TSESTree.Node): ExitCall | undefined {
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement && statement.type !== AST_NODE_TYPES.ReturnStatement) return undefined;
    const expression = statement.type === AST_NODE_TYPES.ExpressionStatement ? statement.expression : statement.argument;
    if (!expression) return undefined;
    let inner = skipWrappers(expression);
    if (inner.type === AST_NODE_TYPES.ChainExpression) inner = inner.expression;
    return exitNodes().get(inner);
  }

  function handlerFlushes(arg: TSESTree.Node | undefined, path: PromisePath): boolean {
    if (!arg || arg.type === AST_NODE_TYPES.SpreadElement) return false;
    const resolved = resolveCallback(sourceCode, arg);
    if (!resolved) return false;
    const flush = functionFlushes(resolved.fn);
    return path === "success" ? flush.success : flush.failure || flush.success;
  }

  function isGlobal(identifier: TSESTree.Identifier): boolean {
    const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
    return !variable || variable.defs.length === 0;
  }

  function isFlushPromise(expression: TSESTree.Node, path: PromisePath): boolean {
    let node = skipWrappers(expression);
    if (node.type === AST_NODE_TYPES.AwaitExpression) node = skipWrappers(node.argument);
    if (node.type === AST_NODE_TYPES.ChainExpression) node = node.expression;
    if (node.type !== AST_NODE_TYPES.CallExpression) return false;
    if (flushNodes().has(node)) return true;
    const callee = skipWrappers(node.callee);
    const method = memberName(callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && method !== undefined && PROMISE_METHODS.has(method)) {
      // The promise this link returns has flushed when what it hangs on has, or when its own callback flushes.
      const [first, second] = node.arguments;
      if (isFlushPromise(callee.object, path)) return true;
      if (method === "finally") return handlerFlushes(first, "success");
      if (method === "then") return path === "success" ? handlerFlushes(first, "success") : handlerFlushes(second, "success");
      return path === "failure" && handlerFlushes(first, "success");
    }
    // Promise.all([sdk.shutdown(), …]), Promise.race([flush(), timeout])
    if (
      callee.type === AST_NODE_TYPES.MemberExpression &&
      callee.object.type === AST_NODE_TYPES.Identifier &&
      callee.object.name === "Promise" &&
      PROMISE_COMBINATORS.has(method ?? "") &&
      isGlobal(callee.object)
    ) {
      const list = node.arguments[0];
      return list?.type === AST_NODE_TYPES.ArrayExpression && list.elements.some((element) => !!element && isFlushPromise(element, path));
    }
    // `await shutdownTracing()` where `async function shutdownTracing() { await sdk.shutdown(); }`, or a same-file method (`this.flush()`)
    if (callee.type === AST_NODE_TYPES.Identifier || callee.type === AST_NODE_TYPES.MemberExpression || isFunction(callee)) {
      const resolved = resolveCallback(sourceCode, callee);
      if (resolved) return flushesOn(functionFlushes(resolved.fn), path);
    }
    // `return store.run(id, async () => { …; await flush(); })`: the store returns the callback's promise.
    const ran = storeRunCallback(sourceCode, node, model.dir);
    const callback = ran && resolveCallback(sourceCode, ran);
    if (callback) return flushesOn(functionFlushes(callback.fn), path);
    // `await runNonInteractive({…})`, an exported function of a relatively imported module that flushes.
    if (callee.type === AST_NODE_TYPES.Identifier) return importedFunctionFlushes(callee, path);
    return false;
  }

  const flushesOn = (flush: { readonly success: boolean; readonly failure: boolean }, path: PromisePath) => (path === "success" ? flush.success : flush.failure);

  /**
   * A function of a module the file imports by a relative specifier, judged by that module's own process level (its
   * flushes, its functions), one import fewer: a chain of such calls is followed MAX_IMPORT_HOPS modules deep, and
   * each function is judged once per module model (a cycle back finds it pending: no flush).
   */
  function importedFunctionFlushes(callee: TSESTree.Identifier, path: PromisePath): boolean {
    if (model.importHops <= 0) return false;
    const found = importedFunction(sourceCode, callee, model.dir);
    if (!found) return false;
    const other = getProcessLevel(modelOfImportedFile(found.sourceCode, model.catalogue, found.file, model.importHops - 1));
    return flushesOn(other.functionFlushes(found.fn), path);
  }

  /** A `return` of the function `statement` is in (not of a function nested in it). */
  function returnsOf(statement: TSESTree.Node): boolean {
    let found = false;
    walk(statement, sourceCode.visitorKeys, (current) => {
      if (current.type === AST_NODE_TYPES.ReturnStatement) found = true;
      return !found && !isFunction(current);
    });
    return found;
  }

  /**
   * `if (sdk) await sdk.shutdown();` or `if (isTelemetrySdkInitialized()) { await shutdownTelemetry(config); }`: a
   * flush under a condition, with no `else`, whose test asks whether the set-up ran: it reads the flush receiver's own
   * variable, or calls a function imported from the same module as the flushing function (by binding). Any other test
   * (`if (process.env.DEBUG)`) may skip the flush.
   */
  function guardedFlush(statement: TSESTree.Node): boolean {
    if (statement.type !== AST_NODE_TYPES.IfStatement || statement.alternate || !statementFlushes(statement.consequent)) return false;
    const testVariables = new Set<Variable>();
    const testImports = new Set<TSESTree.ImportDeclaration>();
    walk(statement.test, sourceCode.visitorKeys, (current) => {
      if (current.type !== AST_NODE_TYPES.Identifier) return;
      const variable = ASTUtils.findVariable(sourceCode.getScope(current), current);
      if (!variable) return;
      testVariables.add(variable);
      const source = importOf(variable);
      if (source && current.parent.type === AST_NODE_TYPES.CallExpression && current.parent.callee === current) testImports.add(source);
    });
    let guarded = false;
    walk(statement.consequent, sourceCode.visitorKeys, (current) => {
      if (current.type === AST_NODE_TYPES.CallExpression && isFlushPromise(current, "success")) {
        const root = rootIdentifier(current.callee);
        const variable = root && ASTUtils.findVariable(sourceCode.getScope(root), root);
        const source = variable && importOf(variable);
        if (variable && ((root !== skipWrappers(current.callee) && testVariables.has(variable)) || (source && testImports.has(source)))) guarded = true;
      }
      return !guarded && !isFunction(current);
    });
    return guarded;
  }

  /** `sdk` of `sdk.shutdown`, `sdk?.shutdown`, `this.sdk.shutdown` → undefined; `shutdownTelemetry` of itself. */
  function rootIdentifier(node: TSESTree.Node): TSESTree.Identifier | undefined {
    let current = skipWrappers(node);
    while (current.type === AST_NODE_TYPES.MemberExpression || current.type === AST_NODE_TYPES.ChainExpression) {
      current = skipWrappers(current.type === AST_NODE_TYPES.ChainExpression ? current.expression : current.object);
    }
    return current.type === AST_NODE_TYPES.Identifier ? current : undefined;
  }

  /** The import declaration that binds `variable`, if it is an import. */
  function importOf(variable: Variable): TSESTree.ImportDeclaration | undefined {
    const def = variable.defs[0];
    return def?.type === "ImportBinding" && def.parent.type === AST_NODE_TYPES.ImportDeclaration ? def.parent : undefined;
  }

  function statementFlushes(statement: TSESTree.Node): boolean {
    switch (statement.type) {
      case AST_NODE_TYPES.ExpressionStatement: {
        const expression = skipWrappers(statement.expression);
        return expression.type === AST_NODE_TYPES.AwaitExpression && isFlushPromise(expression.argument, "success");
      }
      case AST_NODE_TYPES.VariableDeclaration:
        return statement.declarations.some((declarator) => {
          const init = declarator.init && skipWrappers(declarator.init);
          return init?.type === AST_NODE_TYPES.AwaitExpression && isFlushPromise(init.argument, "success");
        });
      case AST_NODE_TYPES.BlockStatement:
        return statement.body.some(statementFlushes);
      case AST_NODE_TYPES.IfStatement:
        // `if (traceloop) await traceloop.forceFlush(); else await sdk.shutdown();`: flushed on either branch.
        return !!statement.alternate && statementFlushes(statement.consequent) && statementFlushes(statement.alternate);
      case AST_NODE_TYPES.TryStatement:
        // `try { await flush(); } catch {}`: the flush was attempted either way; `finally { if (sdk) await sdk.shutdown(); }` too.
        return statement.block.body.some(statementFlushes) || (!!statement.finalizer && statement.finalizer.body.some((inner) => statementFlushes(inner) || guardedFlush(inner)));
      default:
        return false;
    }
  }

  // --- before an exit ---------------------------------------------------------------------------

  const pendingFunctions = new Set<FunctionNode>();

  function flushedBefore(node: TSESTree.Node): boolean {
    let child: TSESTree.Node = node;
    for (let current = node.parent; current; child = current, current = current.parent) {
      const list = enclosingStatementList(child);
      if (list && child.parent === current) {
        const index = list.indexOf(child);
        if (list.slice(0, index).some(statementFlushes)) return true;
      }
      if (current.type === AST_NODE_TYPES.TryStatement && (child === current.handler || child === current.finalizer) && startsWithFlush(current.block)) return true;
      if (isFunction(current)) return callbackAfterFlush(current) || watchdog(current) || calledAfterFlush(current);
    }
    return false;
  }

  /**
   * `try { await sdk.shutdown(); } finally { process.exit(0); }`: the try block awaits a flush before anything
   * else can throw (console output at most), so its `catch` and `finally` run once the flush has settled. A flush
   * that fails has still been run, as a flush awaited with its failure ignored counts (statementFlushes).
   */
  function startsWithFlush(block: TSESTree.BlockStatement): boolean {
    for (const statement of block.body) {
      if (statementFlushes(statement)) return true;
      if (!consoleOutput(statement)) return false;
    }
    return false;
  }

  /** `console.log("shutting down");`, `console.error("got", signal);`: output of the global console, with literals, names and templates of names. */
  function consoleOutput(statement: TSESTree.Statement): boolean {
    if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
    const call = skipWrappers(statement.expression);
    if (call.type !== AST_NODE_TYPES.CallExpression || call.callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    const object = skipWrappers(call.callee.object);
    const plain = (arg: TSESTree.Node): boolean =>
      arg.type === AST_NODE_TYPES.Literal ||
      arg.type === AST_NODE_TYPES.Identifier ||
      (arg.type === AST_NODE_TYPES.TemplateLiteral && arg.expressions.every((inner) => inner.type === AST_NODE_TYPES.Identifier));
    return object.type === AST_NODE_TYPES.Identifier && object.name === "console" && isGlobal(object) && call.arguments.every(plain);
  }

  /** `flush().then(() => process.exit(0))`, `sdk.shutdown().finally(() => …)`. */
  function callbackAfterFlush(fn: TSESTree.Node): boolean {
    const link = promiseLinkOf(fn);
    if (!link) return false;
    const object = (skipWrappers(link.call.callee) as TSESTree.MemberExpression).object;
    if (link.path === "both") return isFlushPromise(object, "success") && isFlushPromise(object, "failure");
    return isFlushPromise(object, link.path);
  }

  /** `setTimeout(() => process.exit(1), 5000).unref(); await sdk.shutdown();`: the exit only fires when the flush hangs. */
  function watchdog(fn: TSESTree.Node): boolean {
    const call = fn.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(fn as TSESTree.CallExpressionArgument)) return false;
    const callee = skipWrappers(call.callee);
    if (callee.type !== AST_NODE_TYPES.Identifier || !TIMERS.has(callee.name) || !isGlobal(callee)) return false;
    const owner = functionOf(call);
    return model.flushes().some((flush) => functionOf(flush.node) === owner);
  }

  /** A same-file function whose every use is a call after a flush, or a callback after a flush. */
  function calledAfterFlush(fn: FunctionNode): boolean {
    if (pendingFunctions.has(fn)) return false;
    const references = referencesOf(sourceCode, fn);
    if (references.length === 0) return false;
    pendingFunctions.add(fn);
    try {
      return references.every((reference) => {
        const parent = reference.parent;
        if (parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === reference) return flushedBefore(parent);
        return callbackAfterFlush(reference);
      });
    } finally {
      pendingFunctions.delete(fn);
    }
  }

  // --- entries ----------------------------------------------------------------------------------

  const entries = lazy((): Entry[] => {
    const found: Entry[] = [];
    const visit = (statements: readonly TSESTree.Node[], tryStatement: TSESTree.TryStatement | undefined) => {
      for (const statement of statements) {
        if (statement.type === AST_NODE_TYPES.IfStatement) {
          // `if (require.main === module) main();`
          for (const branch of [statement.consequent, statement.alternate]) {
            if (branch?.type === AST_NODE_TYPES.BlockStatement) visit(branch.body, undefined);
            else if (branch) visit([branch], undefined);
          }
        } else if (statement.type === AST_NODE_TYPES.TryStatement && !tryStatement) {
          visit(statement.block.body, statement);
        } else if (statement.type === AST_NODE_TYPES.ExpressionStatement) {
          const entry = entryOf(statement, tryStatement);
          if (entry) found.push(entry);
        }
      }
    };
    visit(sourceCode.ast.body, undefined);
    return found;
  });

  function entryOf(statement: TSESTree.ExpressionStatement, tryStatement: TSESTree.TryStatement | undefined): Entry | undefined {
    let expression = skipWrappers(statement.expression);
    let awaited = false;
    if (expression.type === AST_NODE_TYPES.AwaitExpression) {
      awaited = true;
      expression = skipWrappers(expression.argument);
    } else if (expression.type === AST_NODE_TYPES.UnaryExpression && expression.operator === "void") {
      expression = skipWrappers(expression.argument);
    }
    const links: ChainLink[] = [];
    while (expression.type === AST_NODE_TYPES.CallExpression) {
      const callee = skipWrappers(expression.callee);
      const method = memberName(callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || !method || !PROMISE_METHODS.has(method)) break;
      links.unshift({ call: expression, method: method as ChainLink["method"] });
      expression = skipWrappers(callee.object);
    }
    if (expression.type !== AST_NODE_TYPES.CallExpression) return undefined;
    if (flushNodes().has(expression) || initializerNodes().has(expression)) return undefined;
    const callee = skipWrappers(expression.callee);
    const program = programOf(expression);
    let fn: FunctionNode | undefined;
    let kind: EntryKind = "call";
    if (program) ({ fn, kind } = program);
    else if (isFunction(callee)) fn = callee;
    else if (callee.type === AST_NODE_TYPES.Identifier) fn = resolveCallback(sourceCode, callee)?.fn;
    else {
      // `new Planner().plan(goal).then(…)`: a method this file defines, run as the program (a decorated method's
      // throw reaches the process here, as from `main()`).
      fn = memberFunction(sourceCode, callee);
      if (!fn) return undefined;
    }
    if (fn?.generator) return undefined;
    // A same-file async function, or anything whose result is treated as a promise.
    if (!(fn?.async || links.length > 0)) return undefined;
    if (tryStatement && !awaited) tryStatement = undefined;
    return { kind, statement, call: expression, fn, links, awaited, tryStatement };
  }

  /** Context runners of the catalogue, by binding: `withAssociationProperties(…)` → its callback argument. */
  const runners = lazy(() => runnerCalls(sourceCode, model.catalogue.runners));
  const scopeByAnchor = lazy(() => new Map<TSESTree.Node, TracedScope>(model.scopes().map((scope) => [scope.anchor, scope])));

  /** The program's own function when the entry call runs it through a scope, runner, wrapper or callback (see EntryKind). */
  function programOf(call: TSESTree.CallExpression): { fn: FunctionNode; kind: EntryKind } | undefined {
    const scope = scopeByAnchor().get(call);
    if (scope && !returnsTracedFunction(scope.spec)) return { fn: scope.callback, kind: "scope" };
    const callee = skipWrappers(call.callee);
    // `traceAgent(main)()`, or `const agent = traceAgent(main); agent();`
    const wrapper = scopeByAnchor().get(resolveConst(sourceCode, callee));
    if (wrapper && returnsTracedFunction(wrapper.spec)) return { fn: wrapper.callback, kind: "wrapped" };
    if (runners().has(call)) {
      const runner = resolveCallback(sourceCode, runners().get(call));
      return runner ? { fn: runner.fn, kind: "runner" } : undefined;
    }
    if (scope || wrapper) return undefined;
    // `run(async () => { …; await sdk.shutdown(); })`: the callback is the program, which says so by flushing last.
    const callbacks = call.arguments.map((arg) => skipWrappers(arg)).filter(isFunction);
    const only = callbacks.length === 1 ? callbacks[0] : undefined;
    if (!only?.async || only.body.type !== AST_NODE_TYPES.BlockStatement) return undefined;
    // `process.on("SIGTERM", async () => { …; await sdk.shutdown(); })` is an ending handler, judged as one.
    if (listeners().handlers.has(only) || listeners().exitListeners.has(only)) return undefined;
    // Something runs before the flush: a throw there skips it.
    const [first, ...rest] = only.body.body;
    const last = rest.at(-1);
    return first && last && statementFlushes(last) && !statementFlushes(first) ? { fn: only, kind: "callback" } : undefined;
  }

  const entryFindings = lazy((): EntryFinding[] => {
    const result: EntryFinding[] = [];
    for (const entry of entries()) {
      const outcome = simulateEntry(entry);
      if (outcome.paths.length > 0) result.push({ entry, paths: outcome.paths, exits: outcome.exits });
    }
    return result;
  });

  const exitCodeFindings = lazy((): Entry[] => {
    if (!throwsExitCode()) return [];
    const reported = new Set(entryFindings().map((finding) => finding.entry));
    return entries().filter((entry) => !reported.has(entry) && swallowingHandler(entry) !== undefined);
  });

  /** `throw Object.assign(new Error(…), { exitCode: … })` somewhere in the file. */
  const throwsExitCode = lazy(() => {
    if (!sourceCode.text.includes("exitCode")) return false;
    let found = false;
    walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
      if (found) return false;
      if (node.type !== AST_NODE_TYPES.ThrowStatement) return undefined;
      const thrown = skipWrappers(node.argument);
      found =
        thrown.type === AST_NODE_TYPES.CallExpression &&
        memberName(skipWrappers(thrown.callee)) === "assign" &&
        thrown.arguments.some(
          (arg) =>
            arg.type === AST_NODE_TYPES.ObjectExpression &&
            arg.properties.some((property) => property.type === AST_NODE_TYPES.Property && !property.computed && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === "exitCode"),
        );
      return false;
    });
    return found;
  });

  /**
   * The entry's top-level `catch` clause or `.catch(…)` link that swallows an error's exit code: it neither ends
   * the error nor takes the code from it. A constant `process.exitCode = 1;` drops it too: the program that
   * exited 5 would end with 1 (measured with the flush codemod alone, tests/codemods/__runnable__/flush-entry-constant-code.ts).
   */
  function swallowingHandler(entry: Entry): TSESTree.CatchClause | ChainLink | undefined {
    const clause = entry.tryStatement?.handler;
    if (clause) return dropsExitCode(clause.body, sourceCode) ? clause : undefined;
    return entry.links.find((link) => {
      const [arg] = link.call.arguments;
      if (link.method !== "catch" || link.call.arguments.length !== 1 || !arg) return false;
      const resolved = resolveCallback(sourceCode, arg);
      if (resolved) return dropsExitCode(resolved.fn.body, sourceCode);
      // `.catch(console.error)`, `.catch(logger.warn)`: a function of elsewhere, which logs.
      const callee = skipWrappers(arg);
      return callee.type === AST_NODE_TYPES.MemberExpression && !callee.computed && callee.object.type === AST_NODE_TYPES.Identifier;
    });
  }

  interface PathState {
    readonly origin: PromisePath;
    state: PromisePath;
    flushed: boolean;
    done: boolean;
    lost: boolean;
  }

  /** Runs the entry's two paths through its chain; a path is lost when it ends (exit, crash or natural end) unflushed. */
  function simulateEntry(entry: Entry): { paths: PromisePath[]; exits: ExitCall[] } {
    const base = entry.fn ? functionFlushes(entry.fn) : NO_FLUSH;
    // A flush inside the scope's (or the wrapper's) callback runs while the program's own span is still open.
    const inSpan = entry.kind === "scope" || entry.kind === "wrapped";
    const states: PathState[] = [
      // An exit at the end of the entry function is reported on its own, with its own fix.
      { origin: "success", state: "success", flushed: base.success && !inSpan, done: base.exitsAtEnd, lost: false },
      { origin: "failure", state: "failure", flushed: base.failure && !inSpan, done: base.neverRejects, lost: false },
    ];
    const lostExits: ExitCall[] = [];
    const run = (state: PathState, arg: TSESTree.Node | undefined) => {
      if (!arg || arg.type === AST_NODE_TYPES.SpreadElement) return;
      const resolved = resolveCallback(sourceCode, arg);
      if (!resolved) return;
      const fn = resolved.fn;
      const inline = skipWrappers(arg) === fn;
      const exits = model.exits().filter((exit) => functionOf(exit.node) === fn && !model.reachOf(exit.node));
      const unflushed = exits.filter((exit) => !flushedBefore(exit.node));
      if (unflushed.length > 0) {
        state.done = true;
        // A named callback's exit is reported where it is written; an inline one belongs to this entry.
        if (inline && !state.flushed) {
          state.lost = true;
          for (const exit of unflushed) if (!lostExits.includes(exit)) lostExits.push(exit);
        }
        return;
      }
      if (functionFlushes(fn).success) state.flushed = true;
      if (exits.length > 0) state.done = true;
      if (fn.body.type === AST_NODE_TYPES.BlockStatement && fn.body.body.some((s) => s.type === AST_NODE_TYPES.ThrowStatement)) state.state = "failure";
    };
    for (const link of entry.links) {
      const [first, second] = link.call.arguments;
      for (const state of states) {
        if (state.done) continue;
        if (link.method === "finally") {
          run(state, first);
        } else if (link.method === "then") {
          if (state.state === "success") run(state, first);
          else if (second) {
            state.state = "success";
            run(state, second);
          }
        } else if (state.state === "failure" && first) {
          state.state = "success";
          run(state, first);
        }
      }
    }
    const delivery = deliveryOf(model);
    for (const state of states) {
      if (state.done || state.flushed) continue;
      if (entry.awaited && continuesToFlushOrExit(entry, state.state)) continue;
      // The path ends the program by itself: naturally (resolved, or its rejection handled), or in a crash (an
      // unhandled rejection). A simple processor's exports in flight keep a natural end alive; Sentry also survives
      // the crash (./pipeline.ts).
      if (state.state === "success" ? naturalEndIsSafe(delivery) : crashIsSafe(delivery)) continue;
      // `run(async () => …)`: whether a rejection crashes or ends the program naturally is up to `run`.
      if (entry.kind === "callback" && entry.links.length === 0 && (naturalEndIsSafe(delivery) || crashIsSafe(delivery))) continue;
      state.lost = true;
    }
    const paths = states.filter((state) => state.lost).map((state) => state.origin);
    return { paths, exits: lostExits };
  }

  /** After `await main()`: a later flush, or a later exit (reported on its own), in the statements that follow. */
  function continuesToFlushOrExit(entry: Entry, state: PromisePath): boolean {
    const handles = (statements: readonly TSESTree.Node[]) => statements.some((statement) => statementFlushes(statement) || exitStatement(statement) !== undefined);
    const after = (statement: TSESTree.Node) => {
      const list = enclosingStatementList(statement) ?? [];
      return list.slice(list.indexOf(statement) + 1);
    };
    const tryStatement = entry.tryStatement;
    if (!tryStatement) return state === "success" && handles(after(entry.statement));
    if (tryStatement.finalizer && handles(tryStatement.finalizer.body)) return true;
    if (state === "success" && handles(after(entry.statement))) return true;
    if (state === "failure" && tryStatement.handler && handles(tryStatement.handler.body.body)) return true;
    if (state === "failure" && !tryStatement.handler) return false;
    return handles(after(tryStatement));
  }

  // --- exits ------------------------------------------------------------------------------------

  const exitFindings = lazy((): ExitFinding[] => {
    const consumed = new Set(entryFindings().flatMap((finding) => finding.exits));
    const result: ExitFinding[] = [];
    for (const exit of model.exits()) {
      // `process.kill(process.pid, "SIGTERM")` where this file listens to SIGTERM: its listener ends the process, and is judged itself.
      if (consumed.has(exit) || signalListened(exit)) continue;
      const unflushed = unflushedAt(exit.node);
      if (unflushed) result.push({ exit, handler: unflushed.handler });
    }
    return result;
  });

  function signalListened(exit: ExitCall): boolean {
    if (exit.method !== "kill") return false;
    // No signal argument: kill sends SIGTERM.
    const signal = exit.node.arguments[1] ? staticString(exit.node.arguments[1]) : "SIGTERM";
    return signal !== undefined && [...listeners().handlers.values()].some((handler) => handler.emitter === "process" && handler.event === signal);
  }

  function unflushedAt(node: TSESTree.Node): { handler: Handler | undefined } | undefined {
    if (model.reachOf(node)) return undefined;
    const { handlers, exitListeners } = listeners();
    const fn = functionOf(node);
    if (fn.type !== AST_NODE_TYPES.Program && exitListeners.has(fn)) return undefined;
    // Top-level code before this file's own initializer has queued nothing yet.
    const firstInitializer = model.initializers()[0];
    if (
      fn.type === AST_NODE_TYPES.Program &&
      firstInitializer &&
      firstInitializer.node.type !== AST_NODE_TYPES.ImportDeclaration &&
      model.initializers().every((init) => init.node.range[0] > node.range[1])
    ) {
      return undefined;
    }
    if (fn.type === AST_NODE_TYPES.Program && beforeAnySpan(node)) return undefined;
    if (fn.type !== AST_NODE_TYPES.Program && (beforeEveryInitializerOf(fn, node) || calledOnlyBeforeSetup(fn, new Set()))) return undefined;
    if (setUpByCallers(fn)) return undefined;
    if (flushedBefore(node)) return undefined;
    return { handler: fn.type === AST_NODE_TYPES.Program ? undefined : handlers.get(fn) };
  }

  /**
   * An exit in a function that sets up tracing itself, written before the set-up:
   *
   *   export async function main() {
   *     if (argv.promptInteractive && !process.stdin.isTTY) process.exit(1);   // nothing set up yet
   *     const config = await loadCliConfig(settings);                           // the file's initializer
   *
   * Every initializer of the file is written in `fn`'s own body (not in a function nested in it), starts after the
   * exit's statement ends, and no loop of `fn` holds both. Not when `fn` may run again after its set-up: it calls
   * itself (a retry), or an initializer's result is kept in a variable declared outside `fn` or the set-up sits under
   * an `if` testing that variable (`if (!sdk) sdk = new NodeSDK(…)`: a lazy set-up, which a second call skips). What
   * is not seen: `fn` run a second time by its callers otherwise, and an initializer another file runs before calling `fn`.
   */
  function beforeEveryInitializerOf(fn: FunctionNode, node: TSESTree.Node): boolean {
    const inits = model.initializers();
    if (inits.length === 0 || refersToItself(fn)) return false;
    const statement = statementOf(node, fn);
    return inits.every(
      (init) =>
        functionOf(init.node) === fn &&
        (init.node.range[0] >= statement.range[1] || otherBranch(statement, init.node, fn)) &&
        !sharedLoop(statement, init.node, fn) &&
        !keptForAnotherRun(init.node, fn),
    );
  }

  /** `main(attempt + 1)` inside `main`: the function runs again, after its own set-up. */
  function refersToItself(fn: FunctionNode): boolean {
    const binding = functionBinding(sourceCode, fn);
    const own = fn.type === AST_NODE_TYPES.FunctionExpression && fn.id ? sourceCode.getDeclaredVariables(fn) : [];
    return [...(binding?.variables ?? []), ...own].some((variable) => variable.references.some((reference) => within(reference.identifier, fn)));
  }

  /** The initializer's result is held by a variable declared outside `fn`, or tested by an `if` of `fn` around it. */
  function keptForAnotherRun(initializer: TSESTree.Node, fn: FunctionNode): boolean {
    let value: TSESTree.Node = initializer;
    while (value.parent && (value.parent.type === AST_NODE_TYPES.AwaitExpression || value.parent.type === AST_NODE_TYPES.TSAsExpression || value.parent.type === AST_NODE_TYPES.TSNonNullExpression)) value = value.parent;
    const parent = value.parent;
    let holder: Variable | null | undefined;
    if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === value && parent.id.type === AST_NODE_TYPES.Identifier) holder = sourceCode.getDeclaredVariables(parent)[0];
    else if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === value && parent.left.type === AST_NODE_TYPES.Identifier) holder = ASTUtils.findVariable(sourceCode.getScope(parent.left), parent.left);
    if (!holder) return false;
    if (!within(holder.scope.block, fn, true)) return true;
    for (let current = initializer.parent; current && current !== fn; current = current.parent) {
      if (current.type === AST_NODE_TYPES.IfStatement && holder.references.some((reference) => within(reference.identifier, current.test, true))) return true;
    }
    return false;
  }

  /**
   * `function preflight() { checkEnv(); }`, a same-file function not exported, every use of which is a call made
   * before every initializer of the function that makes it (itself judged so, or called only so in turn).
   */
  function calledOnlyBeforeSetup(fn: FunctionNode, seen: Set<FunctionNode>): boolean {
    if (seen.has(fn) || refersToItself(fn)) return false;
    seen.add(fn);
    const binding = functionBinding(sourceCode, fn);
    if (!binding || binding.exported) return false;
    const uses = binding.variables.flatMap((variable) => variable.references.filter((reference) => !reference.init));
    return (
      uses.length > 0 &&
      uses.every((reference) => {
        const call = reference.identifier.parent;
        if (call.type !== AST_NODE_TYPES.CallExpression || call.callee !== reference.identifier) return false;
        const caller = functionOf(call);
        return caller.type !== AST_NODE_TYPES.Program && (beforeEveryInitializerOf(caller, call) || calledOnlyBeforeSetup(caller, seen));
      })
    );
  }

  /** `inner` lies within `outer` (`orSame`: or is it). */
  function within(inner: TSESTree.Node, outer: TSESTree.Node, orSame = false): boolean {
    if (inner === outer) return orSame;
    return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
  }

  /** `if (c) { …set-up… } else { …exit… }`: the two nodes are in different branches of one `if` of `fn`, never both run. */
  function otherBranch(first: TSESTree.Node, second: TSESTree.Node, fn: FunctionNode): boolean {
    const inside = (node: TSESTree.Node, outer: TSESTree.Node | null | undefined) => !!outer && within(node, outer, true);
    for (let current = first.parent; current && current !== fn; current = current.parent) {
      if (current.type !== AST_NODE_TYPES.IfStatement || !inside(second, current)) continue;
      return (inside(first, current.consequent) && inside(second, current.alternate)) || (inside(first, current.alternate) && inside(second, current.consequent));
    }
    return false;
  }

  /**
   * Every initializer of the file is an instance it only hands to its caller, in a function other than `fn`:
   *
   *   export async function parseArguments() { …; process.exit(0); }          // the exit
   *   export async function loadCliConfig() { …; return new Config({…}); }    // the set-up, the caller's
   *
   * Whether `fn` runs after the set-up is up to the callers (gemini-cli calls parseArguments() first), and is judged
   * at their calls (a type-checked program reaches the exit from them: src/scopes/cross-file.ts).
   */
  function setUpByCallers(fn: FunctionNode | TSESTree.Program): boolean {
    const inits = model.initializers();
    return (
      inits.length > 0 &&
      inits.every((init) => {
        const owner = functionOf(init.node);
        // `const s = new Settings(…); await validate(args); return s;`: validate() runs after the set-up, in it.
        return init.dependency?.handedOver === true && owner !== fn && onlyCalledElsewhere(owner) && (fn.type === AST_NODE_TYPES.Program || !callsOf(owner).has(fn));
      })
    );
  }

  /** The same-file functions `fn` calls by name (`validate(args)`), and those they call, transitively. */
  function callsOf(fn: FunctionNode | TSESTree.Program): Set<FunctionNode> {
    const reached = new Set<FunctionNode>();
    const visit = (root: TSESTree.Node) =>
      walk(root, sourceCode.visitorKeys, (current) => {
        if (current.type === AST_NODE_TYPES.CallExpression && current.callee.type === AST_NODE_TYPES.Identifier) {
          const callee = resolveCallback(sourceCode, current.callee)?.fn;
          if (callee && !reached.has(callee)) {
            reached.add(callee);
            visit(callee.body);
          }
        }
        return current === root || !isFunction(current);
      });
    visit(fn.type === AST_NODE_TYPES.Program ? fn : fn.body);
    return reached;
  }

  /** `export function loadCliConfig() { … }` that this file never uses itself: only importers run it. */
  function onlyCalledElsewhere(fn: FunctionNode | TSESTree.Program): boolean {
    if (fn.type === AST_NODE_TYPES.Program) return false;
    const binding = functionBinding(sourceCode, fn);
    return !!binding?.exported && binding.variables.every((variable) => variable.references.every((reference) => reference.init));
  }

  /** The statement of `fn`'s body (at any depth, not in a nested function) that holds `node`. */
  function statementOf(node: TSESTree.Node, fn: FunctionNode): TSESTree.Node {
    let child: TSESTree.Node = node;
    for (let current = node.parent; current && current !== fn; child = current, current = current.parent) {
      if (enclosingStatementList(child) && child.parent === current) return child;
    }
    return node;
  }

  /** A loop of `fn` (not of a nested function) around both nodes: its next iteration runs the first after the second. */
  function sharedLoop(first: TSESTree.Node, second: TSESTree.Node, fn: FunctionNode): boolean {
    for (let current = first.parent; current && current !== fn; current = current.parent) {
      if (isLoop(current) && within(second, current, true)) return true;
    }
    return false;
  }

  /**
   * Top-level code that runs before anything can have started a span: nothing before it (in the
   * statements before it, or in its own statement) awaits, opens a scope or calls anything but the
   * initializer (with what its options build), a method of the object it returns (`provider.register()`,
   * `sdk.start()`), OpenTelemetry's `trace.getTracer()`, `console` and `require`. The set-up check at the
   * top of a program (`if (!process.env.KEY) { console.error("…"); process.exit(1); }`) has nothing to lose.
   */
  function beforeAnySpan(node: TSESTree.Node): boolean {
    const statement = sourceCode.ast.body.find((candidate) => candidate.range[0] <= node.range[0] && node.range[1] <= candidate.range[1]);
    if (!statement) return false;
    const anchors = new Set(model.scopes().map((scope) => scope.anchor));
    let started = false;
    // Code before `node`, in source order; nested functions run later, if ever.
    const visit = (root: TSESTree.Node) =>
      walk(root, sourceCode.visitorKeys, (current) => {
        if (started || current.range[0] >= node.range[0]) return false;
        // The initializer's options build processors and exporters, which start no span.
        if (initializerNodes().has(current)) return false;
        if (current.type === AST_NODE_TYPES.AwaitExpression || current.type === AST_NODE_TYPES.TaggedTemplateExpression || anchors.has(current)) started = true;
        else if ((current.type === AST_NODE_TYPES.CallExpression || current.type === AST_NODE_TYPES.NewExpression) && !harmlessCall(current)) started = true;
        return !started && !isFunction(current);
      });
    const harmlessCall = (call: TSESTree.CallExpression | TSESTree.NewExpression) => {
      if (getTracerCalls().has(call)) return true;
      const callee = skipWrappers(call.callee);
      if (callee.type === AST_NODE_TYPES.MemberExpression && callsInitialized(callee)) return true;
      if (callee.type === AST_NODE_TYPES.Identifier) return callee.name === "require" && isGlobal(callee);
      const object = callee.type === AST_NODE_TYPES.MemberExpression ? skipWrappers(callee.object) : undefined;
      return object?.type === AST_NODE_TYPES.Identifier && object.name === "console" && isGlobal(object);
    };
    for (const before of sourceCode.ast.body) {
      if (before.range[0] > statement.range[0]) break;
      visit(before);
      if (started) return false;
    }
    return true;
  }

  /**
   * `provider.register()`, `sdk.start()`: the set-up step of the object a `const` keeps from an initializer call.
   * Other methods are not taken (a LangSmith client's `createRun()` queues a run).
   */
  function callsInitialized(callee: TSESTree.MemberExpression): boolean {
    const object = skipWrappers(callee.object);
    if (object.type !== AST_NODE_TYPES.Identifier || !SET_UP_METHODS.has(memberName(callee) ?? "")) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(object), object);
    return !!variable?.defs.some((def) => def.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init && initializerNodes().has(skipWrappers(def.node.init)));
  }

  /** The listeners on `process` of the signal a `process.kill(process.pid, …)` sends. */
  function signalHandlers(exit: ExitCall): Handler[] {
    if (exit.method !== "kill") return [];
    // No signal argument: kill sends SIGTERM.
    const signal = exit.node.arguments[1] ? staticString(exit.node.arguments[1]) : "SIGTERM";
    return signal === undefined ? [] : [...listeners().handlers.values()].filter((handler) => handler.emitter === "process" && handler.event === signal);
  }

  function endsEveryPath(fn: FunctionNode): boolean {
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return false;
    const last = fn.body.body.at(-1);
    if (!last || exitStatement(last)?.method !== "exit") return false;
    let leaves = false;
    walk(fn.body, sourceCode.visitorKeys, (node) => {
      if (node !== fn.body && isFunction(node)) return false;
      leaves ||= node.type === AST_NODE_TYPES.ReturnStatement || node.type === AST_NODE_TYPES.ThrowStatement;
      return !leaves;
    });
    return !leaves;
  }

  function mayBecomeAsync(fn: FunctionNode): boolean {
    if (fn.async || fn.generator) return false;
    const handler = listeners().handlers.get(fn);
    if (handler) return handler.inline || listeners().onlyRegistered.has(fn);
    const call = fn.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(fn as TSESTree.CallExpressionArgument)) return false;
    if (promiseLinkOf(fn)) return true;
    const callee = skipWrappers(call.callee);
    return callee.type === AST_NODE_TYPES.Identifier && TIMERS.has(callee.name) && isGlobal(callee);
  }

  return {
    get tracing() {
      return tracing();
    },
    exitFindings,
    unflushedAt,
    entryFindings,
    exitCodeFindings,
    entries,
    handlerOf: (fn) => listeners().handlers.get(fn as FunctionNode),
    signalListened,
    signalEndingListeners(exit) {
      // The listeners no-process-exit's `endSpansOnSignal` puts before the program's own only end spans: not the
      // program's, and judged as if absent (another kill of the file is judged as before its rewrite).
      const handlers = signalHandlers(exit).filter((handler) => !onlyEndsSpans(handler.fn));
      const registeredFirst = (handler: Handler) => {
        const statement = handler.registration.parent;
        return statement?.type === AST_NODE_TYPES.ExpressionStatement && statement.parent?.type === AST_NODE_TYPES.Program && entries().every((entry) => statement.range[1] <= entry.statement.range[0]);
      };
      return handlers.length > 0 && handlers.every((handler) => endsEveryPath(handler.fn) && registeredFirst(handler)) ? handlers[0]?.event : undefined;
    },
    flushedBefore,
    isFlushPromise,
    statementFlushes,
    mayBecomeAsync,
    functionFlushes,
    functionOf,
  };
}

interface FunctionFlush {
  /** The function's promise has flushed when it resolves. */
  readonly success: boolean;
  /** … and when it rejects (a `finally` flushes). */
  readonly failure: boolean;
  readonly neverRejects: boolean;
  /** Its body ends the process itself (reported as an exit). */
  readonly exitsAtEnd: boolean;
}

const NO_FLUSH: FunctionFlush = { success: false, failure: false, neverRejects: false, exitsAtEnd: false };

/** `fn` as the callback of `x.then(fn)`, `x.catch(fn)`, `x.then(_, fn)`, `x.finally(fn)`, with the path it runs on. */
export function promiseLinkOf(fn: TSESTree.Node): { call: TSESTree.CallExpression; path: PromisePath | "both" } | undefined {
  const call = fn.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = skipWrappers(call.callee);
  const method = memberName(callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || !method || !PROMISE_METHODS.has(method)) return undefined;
  const index = call.arguments.indexOf(fn as TSESTree.CallExpressionArgument);
  if (index < 0) return undefined;
  if (method === "finally") return index === 0 ? { call, path: "both" } : undefined;
  if (method === "catch") return index === 0 ? { call, path: "failure" } : undefined;
  return index === 0 ? { call, path: "success" } : index === 1 ? { call, path: "failure" } : undefined;
}

/**
 * The expressions through which a named same-file function is used (its declaration excluded): the
 * identifiers of `function f`/`const f`, the member expressions of a method whose every use is visible
 * (src/scopes/members.ts). Empty when the uses cannot all be seen (`export function f`).
 */
function referencesOf(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode): TSESTree.Node[] {
  const binding = functionBinding(sourceCode, fn);
  if (!binding) return memberUses(sourceCode, fn) ?? [];
  // `export function f`: other files call it too.
  if (binding.exported) return [];
  return binding.variables.flatMap((variable) => variable.references.filter((reference) => !reference.init).map((reference) => reference.identifier as TSESTree.Identifier));
}

interface Listeners {
  readonly handlers: Map<TSESTree.Node, Handler>;
  /** Named handlers used nowhere but in registrations: they may become async. */
  readonly onlyRegistered: Set<TSESTree.Node>;
  readonly exitListeners: Set<TSESTree.Node>;
}

function findListeners(sourceCode: Readonly<TSESLint.SourceCode>, tracker: Tracker | undefined): Listeners {
  const handlers = new Map<TSESTree.Node, Handler>();
  const exitListeners = new Set<TSESTree.Node>();
  const registrations = new Set<TSESTree.Node>();
  const register = (call: TSESTree.CallExpression, emitter: Handler["emitter"]) => {
    const event = staticString(call.arguments[0]);
    const listener = call.arguments[1];
    if (event === undefined || !listener) return;
    const resolved = resolveCallback(sourceCode, listener);
    if (!resolved) return;
    if (emitter === "process" && event === "exit") {
      exitListeners.add(resolved.fn);
      return;
    }
    if (emitter === "process" ? !ENDING_EVENTS.test(event) : event !== "close") return;
    registrations.add(skipWrappers(listener));
    handlers.set(resolved.fn, { event, emitter, fn: resolved.fn, inline: skipWrappers(listener) === resolved.fn, registration: call });
  };
  if (tracker) {
    const processMap: Record<string, unknown> = {};
    for (const method of LISTEN) processMap[method] = { [CALL]: method };
    const modules: Record<string, unknown> = { process: processMap, "node:process": processMap };
    for (const ref of [...tracker.iterateGlobalReferences({ process: processMap } as never), ...trackEverywhere(tracker, modules, false)]) {
      if (ref.node.type === AST_NODE_TYPES.CallExpression) register(ref.node, "process");
    }
    const readlineMap: Record<string, unknown> = {};
    for (const module of READLINE_MODULES) readlineMap[module] = { createInterface: { [CALL]: "rl" } };
    for (const ref of trackEverywhere(tracker, readlineMap, false)) {
      if (ref.node.type !== AST_NODE_TYPES.CallExpression) continue;
      const interfaces: TSESTree.Node[] = [ref.node];
      const declarator = ref.node.parent;
      if (declarator?.type === AST_NODE_TYPES.VariableDeclarator && declarator.init === ref.node && declarator.id.type === AST_NODE_TYPES.Identifier) {
        for (const variable of sourceCode.getDeclaredVariables(declarator)) {
          for (const reference of variable.references) if (!reference.init) interfaces.push(reference.identifier as TSESTree.Node);
        }
      }
      for (let node of interfaces) {
        // rl.on("line", …).on("close", …): `on` returns the interface.
        for (;;) {
          const member = node.parent;
          const call = member?.parent;
          if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== node || call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== member) break;
          if (!LISTEN.includes(memberName(member) as (typeof LISTEN)[number])) break;
          register(call, "readline");
          node = call;
        }
      }
    }
  }
  const onlyRegistered = new Set<TSESTree.Node>();
  for (const handler of handlers.values()) {
    if (handler.inline) continue;
    const references = referencesOf(sourceCode, handler.fn);
    if (references.length > 0 && references.every((reference) => registrations.has(reference))) onlyRegistered.add(handler.fn);
  }
  return { handlers, onlyRegistered, exitListeners };
}

/**
 * The handler lets an error's exit code go: it does not throw, return a value, or end the process, and any exit
 * code it sets is a constant (`process.exitCode = 1;`), not one taken from the error (`error?.exitCode ?? 1`,
 * what a guard or the flush codemod's handler writes).
 */
export function dropsExitCode(body: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let keeps = false;
  walk(body, sourceCode.visitorKeys, (node) => {
    if (node !== body && isFunction(node)) return false;
    if (node.type === AST_NODE_TYPES.AssignmentExpression && node.left.type === AST_NODE_TYPES.MemberExpression && memberName(node.left) === "exitCode") {
      keeps ||= !isConstant(node.right);
      return !keeps;
    }
    const ends = node.type === AST_NODE_TYPES.ThrowStatement || (node.type === AST_NODE_TYPES.ReturnStatement && !!node.argument);
    keeps ||= ends || (node.type === AST_NODE_TYPES.CallExpression && ENDS_PROCESS.has(memberName(skipWrappers(node.callee)) ?? ""));
    return !keeps;
  });
  return !keeps;
}

/** Calls that end the process: a handler that makes one ends the error too. */
const ENDS_PROCESS = new Set(["exit", "abort", "kill", "reallyExit"]);

/** `1`, `-1`, `"2"`: a literal exit code. */
function isConstant(node: TSESTree.Node): boolean {
  const inner = skipWrappers(node);
  if (inner.type === AST_NODE_TYPES.Literal) return typeof inner.value === "number" || typeof inner.value === "string";
  return inner.type === AST_NODE_TYPES.UnaryExpression && (inner.operator === "-" || inner.operator === "+") && isConstant(inner.argument);
}

/** An error handler's body rethrows, returns something, ends the process or sets its exit code: it does not swallow the error. */
export function endsTheError(body: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let ends = false;
  walk(body, sourceCode.visitorKeys, (node) => {
    if (node !== body && isFunction(node)) return false;
    if (node.type === AST_NODE_TYPES.ThrowStatement || (node.type === AST_NODE_TYPES.ReturnStatement && node.argument)) ends = true;
    if (node.type === AST_NODE_TYPES.AssignmentExpression && node.left.type === AST_NODE_TYPES.MemberExpression && memberName(node.left) === "exitCode") ends = true;
    if (node.type === AST_NODE_TYPES.CallExpression && ENDS_PROCESS.has(memberName(skipWrappers(node.callee)) ?? "")) ends = true;
    return !ends;
  });
  return ends;
}
