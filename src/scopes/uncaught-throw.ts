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
 * Only what the file shows is judged: same-file functions called by name (a few hops, cycles guarded), from a
 * scope that runs its callback at once. A function exported, passed as a value or a method is not followed, so
 * a caller in another file is not judged.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { isFunction, skipWrappers, type FunctionNode } from "./ast";
import { returnsTracedFunction, type OpenerSpec } from "./catalogue";
import type { Entry } from "./process-level";
import type { TracedScope } from "./model";
import { rethrows } from "../fixes/exit-fix";

const MAX_HOPS = 3;

/** The throw leaving `outermost` reaches a top-level statement that is not an entry, with no `try` in between. */
export function throwEscapesAtTopLevel(outermost: TracedScope, entries: readonly Entry[], sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (outermost.anchor.type !== AST_NODE_TYPES.CallExpression || !runsCallbackAtOnce(outermost.spec)) return false;
  const inEntry = (node: TSESTree.Node) => entries.some(({ statement }) => statement.range[0] <= node.range[0] && node.range[1] <= statement.range[1]);
  const seen = new Set<FunctionNode>();
  const escapes = (node: TSESTree.Node, hops: number): boolean => {
    const { fn, catches } = leave(node);
    if (catches.some((handler) => !rethrows(handler, sourceCode))) return false;
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

/**
 * The `catch` of a same-file caller (or of the scope's own function, around the scope's call) that the throw leaving
 * `outermost` reaches and that handles it instead of ending the program: the throw would change the program's
 * control flow. `undefined` when every path found reaches an entry, a rethrowing `catch`, or leaves what the file shows.
 */
export function throwSwallowedBy(outermost: TracedScope, entries: readonly Entry[], sourceCode: Readonly<TSESLint.SourceCode>): TSESTree.CatchClause | undefined {
  if (outermost.anchor.type !== AST_NODE_TYPES.CallExpression || !runsCallbackAtOnce(outermost.spec)) return undefined;
  const seen = new Set<FunctionNode>();
  const swallowed = (node: TSESTree.Node, hops: number): TSESTree.CatchClause | undefined => {
    const { fn, catches } = leave(node);
    const handler = catches.find((clause) => !rethrows(clause, sourceCode));
    // The entry's own `catch` gets the guard that keeps the error's exit code.
    if (handler) return entries.some((entry) => entry.tryStatement?.handler === handler) ? undefined : handler;
    if (!fn || hops >= MAX_HOPS || seen.has(fn)) return undefined;
    seen.add(fn);
    for (const call of callsOf(fn, sourceCode)) {
      const found = swallowed(call, hops + 1);
      if (found) return found;
    }
    return undefined;
  };
  return swallowed(outermost.anchor, 0);
}

/** The function `node` runs in (undefined at top level), and the `catch` clauses of the `try` blocks around `node` in it, innermost first. */
function leave(node: TSESTree.Node): { fn: FunctionNode | undefined; catches: TSESTree.CatchClause[] } {
  const catches: TSESTree.CatchClause[] = [];
  let child: TSESTree.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (isFunction(current)) return { fn: current, catches };
    if (current.type === AST_NODE_TYPES.TryStatement && current.block === child && current.handler) catches.push(current.handler);
  }
  return { fn: undefined, catches };
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
