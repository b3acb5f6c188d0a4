/**
 * Where a throw that replaces an exit goes once it leaves the outermost traced scope: up through the function
 * that opens the scope to its callers. A caller that is a top-level statement other than an entry (`main();`,
 * `main().catch(…)`, `try { await main(); } catch …`, which keep the error's exit code) lets it become an
 * uncaught exception: exit code 1 instead of the original, and no flush. Measured with dd-trace:
 *
 *   function plan(items) { return tracer.trace("plan", () => { if (!items.length) process.exit(0); … }); }
 *   console.log("planned", plan([]));    // the original exits 0; with the throw, 1
 *
 * Only what the file shows is judged: same-file functions called by name (a few hops, cycles guarded), from a
 * scope that runs its callback at once. A function exported, passed as a value or a method is not followed.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { isFunction, skipWrappers, type FunctionNode } from "./ast";
import { returnsTracedFunction, type OpenerSpec } from "./catalogue";
import type { Entry } from "./process-level";
import type { TracedScope } from "./model";

const MAX_HOPS = 3;

/** The throw leaving `outermost` reaches a top-level statement that is not an entry, with no `try` in between. */
export function throwEscapesAtTopLevel(outermost: TracedScope, entries: readonly Entry[], sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (outermost.anchor.type !== AST_NODE_TYPES.CallExpression || !runsCallbackAtOnce(outermost.spec)) return false;
  const inEntry = (node: TSESTree.Node) => entries.some(({ statement }) => statement.range[0] <= node.range[0] && node.range[1] <= statement.range[1]);
  const seen = new Set<FunctionNode>();
  const escapes = (node: TSESTree.Node, hops: number): boolean => {
    const { fn, caught } = leave(node);
    if (caught) return false;
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

/** The function `node` runs in (undefined at top level), and whether a `try` with a `catch` in it surrounds `node` first. */
function leave(node: TSESTree.Node): { fn: FunctionNode | undefined; caught: boolean } {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (isFunction(current)) return { fn: current, caught: false };
    if (current.type === AST_NODE_TYPES.TryStatement && current.block === child && current.handler) return { fn: undefined, caught: true };
  }
  return { fn: undefined, caught: false };
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
