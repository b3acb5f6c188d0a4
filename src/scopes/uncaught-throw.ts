/**
 * Where a throw that replaces an exit goes once it leaves the outermost traced scope: up through the function
 * that opens the scope to its callers. A caller that is a top-level statement other than an entry (`main();`,
 * `main().catch(…)`, `try { await main(); } catch …`, which keep the error's exit code) lets it become an
 * uncaught exception: exit code 1 instead of the original, and no flush. Measured with dd-trace:
 *
 *   function plan(items) { return tracer.trace("plan", () => { if (!items.length) process.exit(0); … }); }
 *   console.log("planned", plan([]));    // the original exits 0; with the throw, 1
 *
 * A caller that calls it inside a `try` whose `catch` handles the error (logs it, counts it, goes on) swallows the
 * throw: the program goes on where the exit ended it (issue 14, new-user report 1b, measured: a loop that stopped
 * with exit 3 went on to the next item and ended with 0). A `catch` that rethrows the caught error does not
 * swallow it, and the entry's own `try` keeps the code (src/fixes/entry-exit-code.ts).
 *
 * A promise's rejection handler (`handleOne(item).catch(log)`, `.then(ok, log)`) swallows it as a `catch` does.
 *
 * Judged from a scope that runs its callback at once, three calls deep, cycles guarded. `throwEscapesAtTopLevel`
 * follows same-file functions called by name; `throwSwallowedBy` follows the callers reach finds (named functions,
 * methods, functions stored in const objects and tables) and, for an exported function, its calls in the files of
 * the package that import it (src/scopes/importing-callers.ts). Callers outside the package are not judged.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { enclosingFunction, functionName, isFunction, memberName, skipWrappers, type FunctionNode } from "./ast";
import { returnsTracedFunction, type OpenerSpec } from "./catalogue";
import type { Entry } from "./process-level";
import * as path from "node:path";
import { callSitesOf, type TracedScope } from "./model";
import { importedCallSites } from "./importing-callers";
import { createThisCalls, functionBinding, storedMemberCallSites, useOf, type ThisCalls } from "./members";
import { rethrows, rethrowsCaught } from "../fixes/exit-fix";

const MAX_HOPS = 3;

/** The throw leaving `outermost` reaches a top-level statement that is not an entry, with no `try` in between. */
export function throwEscapesAtTopLevel(outermost: TracedScope, entries: readonly Entry[], sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (outermost.anchor.type !== AST_NODE_TYPES.CallExpression || !runsCallbackAtOnce(outermost.spec)) return false;
  const inEntry = (node: TSESTree.Node) => entries.some(({ statement }) => statement.range[0] <= node.range[0] && node.range[1] <= statement.range[1]);
  const seen = new Set<FunctionNode>();
  const escapes = (node: TSESTree.Node, hops: number): boolean => {
    const { fn, catches } = leave(node);
    if (catches.some((handler) => !handlerRethrows(handler, sourceCode))) return false;
    // A scope opened at top level runs where the program starts: only an entry statement keeps the code.
    if (!fn) return hops > 0 && !inEntry(node);
    if (hops >= MAX_HOPS || seen.has(fn)) return false;
    seen.add(fn);
    return callsOf(fn, sourceCode).some((call) => escapes(call, hops + 1));
  };
  return escapes(outermost.anchor, 0);
}

/**
 * `tracer.trace(name, fn)`, `withTask(cfg, fn)`, `startActiveSpan(name, fn)` run the callback at once, so a throw
 * from it leaves the call; not so an opener that returns the traced function (`traceable(fn)`, `observe(fn)`)
 * nor dd-trace's `tracer.wrap(name, fn)` (packages/dd-trace/src/tracer.js: it returns a wrapper), nor a decorator.
 */
function runsCallbackAtOnce(spec: OpenerSpec): boolean {
  if (spec.form === "decorator") return false;
  if (spec.form === "method") return spec.method !== "wrap";
  return !returnsTracedFunction(spec);
}

/** What handles the throw instead of ending the program: a `catch` clause, or a promise's rejection handler (`.catch(h)`, `.then(f, h)`). */
export type Catcher = TSESTree.CatchClause | TSESTree.Node;

/** Where the throw replacing an exit would stop ending the program. */
export interface Swallow {
  /** The handler that goes on; for `uncaught`, the top-level statement the throw leaves (or the exported function whose importers were not all read). */
  readonly node: Catcher;
  /**
   * The handler rethrows what it caught, but runs more than span recording and standard error first (`rethrows`
   * in src/fixes/exit-fix.ts): the program still ends, and that code now runs where the exit ran nothing.
   */
  readonly runsFirst?: boolean;
  /** The other file of the package it is in (absolute path); undefined for the linted file. */
  readonly file?: string;
  /**
   * Nothing handles it: it reaches the top level of another file, where no entry guard keeps the exit code (exit
   * code 1); or the function is exported and some of its importers were not read, so where it goes is not known.
   */
  readonly uncaught?: boolean;
}

/**
 * The handler of a caller (or of the scope's own function, around the scope's call) that the throw leaving
 * `outermost` reaches and that handles it instead of ending the program: the throw would change the program's
 * control flow. `undefined` when every path found reaches an entry, a rethrowing handler, or leaves what is seen.
 *
 * Callers are found as reach finds them (`callSitesOf`): functions called by name, methods of classes and object
 * literals (`this.run()`, `worker.run()` on `const worker = new Worker()`, `Config.load()`, `handlers.run()`), and
 * functions stored in const lookup tables (`{ run: handleOne }`, `new Map([["run", handleOne]])`), a few calls deep.
 * A function the file exports is followed into the files of its package that import it (src/scopes/importing-callers.ts,
 * `filename` absolute): there any handler counts (the entry guard is written in the linted file only), and so does a
 * throw reaching the top level unhandled.
 */
export function throwSwallowedBy(outermost: TracedScope, entries: readonly Entry[], sourceCode: Readonly<TSESLint.SourceCode>, filename = ""): Swallow | undefined {
  if (outermost.anchor.type !== AST_NODE_TYPES.CallExpression || !runsCallbackAtOnce(outermost.spec)) return undefined;
  const inEntry = (node: TSESTree.Node) => entries.some(({ statement }) => statement.range[0] <= node.range[0] && node.range[1] <= statement.range[1]);
  const thisCallsByFile = new Map<Readonly<TSESLint.SourceCode>, ThisCalls>();
  const thisCallsOf = (code: Readonly<TSESLint.SourceCode>) => {
    let calls = thisCallsByFile.get(code);
    if (!calls) thisCallsByFile.set(code, (calls = createThisCalls(code.visitorKeys)));
    return calls;
  };
  const seen = new Set<FunctionNode>();
  const swallowed = (node: TSESTree.Node, code: Readonly<TSESLint.SourceCode>, file: string | undefined, hops: number): Swallow | undefined => {
    const { fn, catches } = leave(node);
    // The entry's own `catch` (or `.catch`) gets the guard that keeps the error's exit code.
    if (!fn && file === undefined && inEntry(node)) return undefined;
    const handler = catches.find((clause) => !handlerRethrows(clause, code));
    if (handler) return swallowAt(handler, code, file);
    // Top level of the linted file: throwEscapesAtTopLevel's to judge.
    if (!fn) return file === undefined ? undefined : { node: topLevelStatement(node), file, uncaught: true };
    if (hops >= MAX_HOPS || seen.has(fn)) return undefined;
    seen.add(fn);
    for (const call of callerSites(code, fn, thisCallsOf(code))) {
      const found = swallowed(call, code, file, hops + 1);
      if (found) return found;
    }
    const imported = importedCallSites(code, file ?? filename, fn, thisCallsOf);
    for (const { site, sourceCode: other, file: importer } of imported.sites) {
      const found = swallowed(site, other, importer, hops + 1);
      if (found) return found;
    }
    // An importer that was not read may catch it: uncertain, so the exit stays.
    return imported.unread ? { node: fn, file, uncaught: true } : undefined;
  };
  return swallowed(outermost.anchor, sourceCode, undefined, 0);
}

/**
 * The handler a throw replacing the exit at `exit` meets on its way up to the scope's callback, when the exit is
 * in a same-file function the callback calls (`check(x)` inside `try { … } catch { log(); }` in a loop of the
 * callback): the exit's own function, then every same-file caller of it (inside the scope or not: the rewrite
 * changes the function for all of them), a few calls up, stopping at `callback`. `undefined` when every handler
 * met rethrows as `rethrows` allows. The callback's own `try` blocks around the exit are `caughtLocally`'s.
 */
export function swallowedOnTheWayUp(exit: TSESTree.Node, callback: FunctionNode, sourceCode: Readonly<TSESLint.SourceCode>): Swallow | undefined {
  const thisCalls = createThisCalls(sourceCode.visitorKeys);
  const seen = new Set<FunctionNode>();
  const swallowed = (node: TSESTree.Node, hops: number): Swallow | undefined => {
    const { fn, catches } = leave(node);
    // The exit's own try blocks in the callback are caughtLocally's (hops 0); a call's are met on the way up.
    const handler = fn === callback && hops === 0 ? undefined : catches.find((clause) => !handlerRethrows(clause, sourceCode));
    if (handler) return swallowAt(handler, sourceCode);
    if (!fn || fn === callback || hops >= MAX_HOPS * 2 || seen.has(fn)) return undefined;
    seen.add(fn);
    for (const call of callerSites(sourceCode, fn, thisCalls)) {
      const found = swallowed(call, hops + 1);
      if (found) return found;
    }
    return undefined;
  };
  return swallowed(exit, 0);
}

/** The swallow a handler that does not pass the throw on makes: `runsFirst` when it rethrows after doing more. */
function swallowAt(handler: Catcher, sourceCode: Readonly<TSESLint.SourceCode>, file?: string): Swallow {
  const runsFirst = handlerRethrows(handler, sourceCode, rethrowsCaught);
  return { node: handler, ...(file === undefined ? {} : { file }), ...(runsFirst ? { runsFirst } : {}) };
}

/** The statement of the program `node` is in. */
function topLevelStatement(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (current.parent && current.parent.type !== AST_NODE_TYPES.Program) current = current.parent;
  return current;
}

/** Where `fn` is called in its file: as reach finds calls, and through the const objects its name is stored in. */
function callerSites(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode, thisCalls: ThisCalls): readonly TSESTree.Node[] {
  const binding = functionBinding(sourceCode, fn);
  const stored = binding ? storedMemberCallSites(sourceCode, binding.variables, thisCalls) : [];
  return [...callSitesOf(sourceCode, fn, thisCalls), ...stored];
}

/**
 * Where a swallow is, for a message: `in main()`, `in a caller`, `at top level`, and for another file its path
 * from the linted file's folder and line: `in main() at cli.ts:12`.
 */
export function describeCatcher(swallow: Swallow, filename: string): string {
  const fn = enclosingFunction(swallow.node);
  const name = fn && functionName(fn);
  const where = name ? `in ${name}()` : fn ? "in a caller" : "at top level";
  if (swallow.file === undefined) return where;
  const relative = path.relative(path.dirname(filename), swallow.file).split(path.sep).join("/");
  return `${where} at ${relative}:${swallow.node.loc.start.line}`;
}

/**
 * The function `node` runs in (undefined at top level), and what handles a throw from `node` in it, innermost
 * first: the rejection handlers of a promise chain it starts (`run(item).catch(log)`, `.then(ok, onError)`), then
 * the `catch` clauses of the `try` blocks around it.
 */
function leave(node: TSESTree.Node): { fn: FunctionNode | undefined; catches: Catcher[] } {
  const catches: Catcher[] = [];
  let child: TSESTree.Node = node;
  for (;;) {
    const use = useOf(child);
    const member = use.parent;
    const call = member?.parent;
    const method = member?.type === AST_NODE_TYPES.MemberExpression && member.object === use ? memberName(member) : undefined;
    if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== member || (method !== "then" && method !== "catch" && method !== "finally")) break;
    const onRejected = method === "catch" ? call.arguments[0] : method === "then" ? call.arguments[1] : undefined;
    if (onRejected) catches.push(onRejected);
    child = call;
  }
  for (let current = child.parent; current; child = current, current = current.parent) {
    if (isFunction(current)) return { fn: current, catches };
    if (current.type === AST_NODE_TYPES.TryStatement && current.block === child && current.handler) catches.push(current.handler);
  }
  return { fn: undefined, catches };
}

/**
 * A handler that ends by throwing what it caught: a `catch` clause (see `rethrows`), or a rejection handler
 * written as a function with a block body, `(error) => { log(error); throw error; }`. Any other handler
 * (`console.error`, `(e) => log(e)`) handles the error.
 */
function handlerRethrows(handler: Catcher, sourceCode: Readonly<TSESLint.SourceCode>, judge = rethrows): boolean {
  if (handler.type === AST_NODE_TYPES.CatchClause) return judge(handler, sourceCode);
  const fn = skipWrappers(handler);
  if (!isFunction(fn) || fn.body.type !== AST_NODE_TYPES.BlockStatement) return false;
  return judge({ param: fn.params[0] ?? null, body: fn.body } as TSESTree.CatchClause, sourceCode);
}

/** The same-file calls of `fn` by its name: a function declaration, or a `const` initialized with it. */
function callsOf(fn: FunctionNode, sourceCode: Readonly<TSESLint.SourceCode>): TSESTree.CallExpression[] {
  let name: TSESTree.Identifier | undefined;
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration && fn.id) name = fn.id;
  const declarator = fn.parent;
  if (!name && declarator?.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier && skipWrappers(declarator.init ?? declarator) === fn) name = declarator.id;
  if (!name) return [];
  const variable = ASTUtils.findVariable(sourceCode.getScope(name), name);
  return (variable?.references ?? []).flatMap((reference) => {
    const parent = reference.identifier.parent;
    return parent?.type === AST_NODE_TYPES.CallExpression && parent.callee === reference.identifier ? [parent] : [];
  });
}
