/**
 * Who ends a span started by hand, on which paths, and the rewrite that ends it on the error path.
 * Go's `spancheck` is the model: between `const span = tracer.startSpan(…)` and `span.end()`,
 *
 *   - a call, `await` or `throw` that can throw, with no `try` whose `catch` or `finally` ends the span,
 *     leaves the span open on the error path: never ended, never exported;
 *   - a `process.exit()` skips the end (and every `finally`): the span is lost on that path too.
 *
 * A span this function does not own is not judged: one returned, stored on an object or in another local,
 * ended by a closure that runs at a time we cannot tell, or handed to another function when this one never
 * ends it itself (that function may end it later).
 *
 * A closure that is a settle handler of a promise, or a listener of a stream, in this function's own flow
 * is judged by the path it runs on:
 *
 *   res.then((value) => { span.end(); return value; });           // fulfilment only
 *   stream.on("finish", () => span.end());                          // the stream's success only
 *   res.then(ok, () => span.end()); res.catch(…); res.finally(…)    // the error path too
 *   stream.on("error" | "close", () => span.end())                  // idem
 *
 * A span whose only ends (in closures) run on success, with no handler that ends it on the error path, is
 * left open when the promise rejects or the stream fails: `successOnly` names the handler's call.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ManualSpan } from "../scopes/manual-spans";
import { endCallOn, isContextCall, methodCallOn, outermost, ownerOf, STORED_IN } from "../scopes/manual-spans";
import { calledFunctions, parameterHandedTo, resolveCallback } from "../scopes/model";
import type { FileModel } from "../scopes/model";
import type { FunctionNode } from "../scopes/ast";
import { enclosingStatementList, functionName, isFunction, memberName, skipWrappers, staticString, walk } from "../scopes/ast";
import type { Edit } from "./edits";
import { toFix, wrapStatementsInTry } from "./edits";
import { fileFlavour } from "./imports";
import { HELPER_END, ensureSpanHelpers, handlesSpan } from "./span-helper";

export interface ManualSpanVerdict {
  /** This function owns the span: nobody else can end it. */
  readonly ownedHere: boolean;
  /** Never ended, returned nor handed on: open on every path. */
  readonly neverEnded: boolean;
  /** The last end call outside a `catch`: where the success path ends the span. */
  readonly successEnd: TSESTree.CallExpression | undefined;
  /** Calls, awaits and throws between the start and the end that can throw with nothing to end the span, in source order. */
  readonly unguarded: readonly TSESTree.Node[];
  /**
   * The span is ended in closures that run on success only (`res.then(onFulfilled)`, `stream.on("finish", …)`)
   * and in none that runs on the error path: the first such handler's call, and the handler.
   */
  readonly successOnly?: SuccessOnlyEnd;
}

/**
 * Where a span is ended on success only: in a settle handler or a stream listener (`call` is the `then()` or
 * `on()`), or (`path: "handed"`) in the same-file function `call` hands it to, after `step` (an await, a
 * `for await` loop or a yield) that can fail or stop with nothing to end the span; or (`path: "runner"`) in the
 * callback of a runner `call` (dd-trace's `scope().activate(span, fn)`), after `step`, an operation that can throw.
 */
export type SuccessOnlyEnd =
  | { readonly call: TSESTree.CallExpression; readonly handler: FunctionNode; readonly path: SettlePath }
  | { readonly call: TSESTree.CallExpression; readonly handler: FunctionNode; readonly path: "handed"; readonly step: TSESTree.Node }
  | { readonly call: TSESTree.CallExpression; readonly handler: FunctionNode; readonly path: "runner"; readonly step: TSESTree.Node };

/** Which outcome of a promise or a stream a handler runs on. */
export type SettlePath = "fulfilled" | "rejected" | "both" | "stream-success" | "stream-failure";

/** Stream events that fire on success only, and those that fire on failure (`close` follows an error too). */
const STREAM_SUCCESS_EVENTS = new Set(["end", "finish"]);
const STREAM_FAILURE_EVENTS = new Set(["error", "close", "abort", "aborted"]);
const LISTEN_METHODS = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener"]);

/**
 * The outcome a closure runs on when it is passed straight to a settle or listen method in `owner`'s own flow:
 * `p.then(f)` fulfilled, `p.then(_, f)` / `p.catch(f)` rejected, `p.finally(f)` both, `s.on("finish", f)`
 * stream success, `s.on("error", f)` stream failure. Anything else (a helper, a timer, a const): undefined.
 */
export function settlePathOf(handler: FunctionNode, owner: ManualSpan["owner"]): { call: TSESTree.CallExpression; path: SettlePath } | undefined {
  const call = handler.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || ownerOf(call) !== owner) return undefined;
  const callee = skipWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const index = call.arguments.findIndex((argument) => argument === handler);
  const method = memberName(callee);
  if (method === "then" && index <= 1) return { call, path: index === 0 ? "fulfilled" : "rejected" };
  if (method === "catch" && index === 0) return { call, path: "rejected" };
  if (method === "finally" && index === 0) return { call, path: "both" };
  if (method !== undefined && LISTEN_METHODS.has(method) && index === 1) {
    const event = staticString(call.arguments[0]);
    if (event !== undefined && STREAM_SUCCESS_EVENTS.has(event)) return { call, path: "stream-success" };
    if (event !== undefined && STREAM_FAILURE_EVENTS.has(event)) return { call, path: "stream-failure" };
  }
  return undefined;
}

/** Methods that never throw, on a span or on the tracing API (`span.setAttribute`, `trace.setSpan`, `context.active`). */
const QUIET_METHODS = new Set([
  // Ending another span (a child): OpenTelemetry's end() and dd-trace's finish() never throw.
  "end",
  "finish",
  "setAttribute",
  "setAttributes",
  "addEvent",
  "addLink",
  "setStatus",
  "recordException",
  "updateName",
  "spanContext",
  "isRecording",
  "setTag",
  "addTags",
  "startSpan",
  "startInactiveSpan",
  "getTracer",
  "setSpan",
  "getSpan",
  "getActiveSpan",
  "active",
  // An OpenTelemetry Context's values: a map lookup, or a copy with one key changed.
  "getValue",
  "setValue",
  "deleteValue",
]);
/** Calls of globals that do not throw on ordinary arguments. */
// `Promise.reject(error)`, `Promise.all(…)`: a bad argument rejects the promise they return, it is not thrown.
const QUIET_OBJECTS = new Set(["console", "Math", "Date", "performance", "Object", "Array", "Number", "String", "Promise"]);
const PROCESS_ENDS = new Set(["exit", "abort", "reallyExit"]);
const QUIET_FUNCTIONS = new Set(["String", "Number", "Boolean", "Symbol", "BigInt", "isNaN", "isFinite", "parseInt", "parseFloat"]);
const QUIET_CONSTRUCTORS = new Set(["Date", "Map", "Set", "WeakMap", "WeakSet", "Array", "Object", "Error", "TypeError", "RangeError", "AbortController"]);

/** Nodes under `root` in its own function, not in nested ones (which run later, if ever). */
function ownNodes(root: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>, visit: (node: TSESTree.Node) => void): void {
  walk(root, sourceCode.visitorKeys, (node) => {
    if (node !== root && isFunction(node)) return false;
    visit(node);
    return undefined;
  });
}

function bodyOf(owner: ManualSpan["owner"]): TSESTree.Node {
  return owner.type === AST_NODE_TYPES.Program ? owner : owner.body;
}

const verdicts = new WeakMap<ManualSpan, ManualSpanVerdict>();

/** The verdict on a span, judged once per span (every rule of a file shares the model's spans). */
export function judgeManualSpan(span: ManualSpan, sourceCode: Readonly<TSESLint.SourceCode>): ManualSpanVerdict {
  let verdict = verdicts.get(span);
  if (!verdict) {
    verdict = judge(span, sourceCode);
    verdicts.set(span, verdict);
  }
  return verdict;
}

/** The innermost manual span that `process.exit()` at `node` loses, if any. */
export function manualSpanLostByExit(spans: readonly ManualSpan[], node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): ManualSpan | undefined {
  return spans.findLast((span) => exitLosesManualSpan(span, judgeManualSpan(span, sourceCode), node));
}

function judge(span: ManualSpan, sourceCode: Readonly<TSESLint.SourceCode>): ManualSpanVerdict {
  const ends: TSESTree.CallExpression[] = [];
  const handed: TSESTree.Node[] = [];
  /** Closures that end the span, by the outcome they run on. */
  const settled: { call: TSESTree.CallExpression; handler: FunctionNode; path: SettlePath }[] = [];
  let elsewhere = false;
  /** Calls in closures (run later, if ever) that hand the span to a function: `() => self.iterate(stream, span)`. */
  const handedLater: TSESTree.CallExpression[] = [];
  const runners = [...(span.runners ?? [])];
  for (const reference of span.variable.references) {
    if (!reference.isRead()) continue;
    const id = reference.identifier;
    // `tracer.scope().activate(span, () => { … })`: the callback's flow is judged as the span's own, below.
    if (runners.some(([call, callback]) => call.arguments.includes(outermost(id) as TSESTree.CallExpressionArgument) || within(id, callback))) continue;
    const method = methodCallOn(id);
    const end = endCallOn(id, span.spec);
    const at = ownerOf(id);
    if (at !== span.owner) {
      // A closure that ends the span: judged by the outcome it runs on when it is a settle handler or a stream
      // listener of this function (`res.then(() => span.end())`); any other closure owns it. One that uses it does not.
      const settle = at.type === AST_NODE_TYPES.Program ? undefined : settlePathOf(at, span.owner);
      if (end) {
        if (settle) settled.push({ ...settle, handler: at as FunctionNode });
        else elsewhere = true;
      } else if (settle && settle.path !== "fulfilled" && settle.path !== "stream-success" && handedToCall(id)) {
        // An error-path handler that hands the span on (`(error) => { throw endSpanWithError(error, span); }`)
        // ends it there, as a catch clause that does is taken to (endsSpan).
        settled.push({ ...settle, handler: at as FunctionNode });
      } else if (!method && handedToCall(id)) {
        handedLater.push(outermost(id).parent as TSESTree.CallExpression);
      }
      continue;
    }
    if (method) {
      if (end) ends.push(end);
      continue;
    }
    const usage = outermost(id);
    const parent = usage.parent;
    if (!parent) continue;
    if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(usage as TSESTree.CallExpressionArgument)) {
      if (!isContextCall(parent)) handed.push(parent);
    } else if (wrappedIntoArgument(usage)) {
      // fn({ span: new LLMSpan(span) }): handed to `fn` inside a wrapper made right there, as Traceloop's withLLMCall does.
      handed.push(parent);
    } else if (STORED_IN.has(parent.type) && !(parent.type === AST_NODE_TYPES.AssignmentExpression && parent.left === usage)) {
      elsewhere = true;
    }
  }
  // Handed to a same-file function that ends it only after an await, a `for await` loop or a yield, with no
  // try to end it on the error path, while nothing here ends it on both paths: open when that step fails.
  const spanIds = new Set<TSESTree.Node>(span.variable.references.map((reference) => reference.identifier));
  const bothPaths = settled.some((end) => end.path === "both") || ends.some((call) => insideFinally(call, span.owner));
  // A runner's callback that ends the span only after an operation that can throw: the throw leaves both (src/scopes/manual-spans.ts `runners`).
  const ranOn = firstDefined(runners, ([call, callback]) => endedAfterThrowIn(call, callback, span, spanIds, sourceCode));
  if (ranOn) return { ownedHere: true, neverEnded: false, successEnd: undefined, unguarded: [], successOnly: ranOn };
  // A runner's callback that ends it with nothing before that can throw: ended there; the rest is not judged.
  if (runners.some(([, callback]) => endsSpan(callback.body, spanIds, span.spec.end, sourceCode) || endedInClosureOf(callback, span))) elsewhere = true;
  // Handed, in a closure, to a same-file generator that ends it only after its iteration: whoever iterates it
  // later, when the closure has returned, no handler of this function runs if the iteration throws.
  const handedOn =
    elsewhere || bothPaths
      ? undefined
      : (firstDefined(handed, (call) => endedOnSuccessBy(call, spanIds, span, sourceCode)) ??
        firstDefined(handedLater, (call) => {
          const verdict = endedOnSuccessBy(call, spanIds, span, sourceCode);
          return verdict?.path === "handed" && iterationStep(verdict.step) ? verdict : undefined;
        }));
  // Handed to a function while this one never ends it: that function may end it later.
  if (handed.length > 0 && ends.length === 0 && !handedOn) elsewhere = true;
  // Only handed on, by closures, to functions that may end it: not "never ended".
  if (handedLater.length > 0 && ends.length === 0 && settled.length === 0 && !handedOn) elsewhere = true;
  if (elsewhere) return { ownedHere: false, neverEnded: false, successEnd: undefined, unguarded: [] };
  if (handedOn) return { ownedHere: true, neverEnded: false, successEnd: undefined, unguarded: [], successOnly: handedOn };
  if (ends.length === 0 && settled.length === 0) return { ownedHere: true, neverEnded: true, successEnd: undefined, unguarded: [] };
  // Ended on success only: no handler ends it when the promise rejects or the stream fails.
  const errorPathEnded = settled.some((end) => end.path === "rejected" || end.path === "both" || end.path === "stream-failure");
  const successOnly = errorPathEnded ? undefined : settled.sort((a, b) => a.call.range[0] - b.call.range[0])[0];
  const successEnd = ends.filter((call) => !insideCatch(call, span.owner)).at(-1);
  if (!successEnd) return { ownedHere: true, neverEnded: false, successEnd: undefined, unguarded: [], successOnly };
  const endStatements = new Set<TSESTree.Node>(ends.map((call) => outermost(call).parent).filter((node): node is TSESTree.Node => node?.type === AST_NODE_TYPES.ExpressionStatement));
  const unguarded: TSESTree.Node[] = [];
  ownNodes(bodyOf(span.owner), sourceCode, (node) => {
    if (node.range[0] <= span.statement.range[1] || node.range[1] > successEnd.range[0]) return;
    if (!canThrow(node, spanIds, sourceCode)) return;
    if (endedBefore(node, span, endStatements) || guarded(node, span.owner, span.spec.end, spanIds, sourceCode)) return;
    unguarded.push(node);
  });
  return { ownedHere: true, neverEnded: false, successEnd, unguarded: unguarded.sort((a, b) => a.range[0] - b.range[0]), successOnly };
}

function within(node: TSESTree.Node, root: TSESTree.Node): boolean {
  return node.range[0] >= root.range[0] && node.range[1] <= root.range[1];
}

/** A `for await` loop or a `yield` of a generator: it runs only when the generator is iterated. */
function iterationStep(step: TSESTree.Node): boolean {
  const fn = ownerOf(step);
  return fn.type !== AST_NODE_TYPES.Program && fn.generator && (step.type === AST_NODE_TYPES.YieldExpression || (step.type === AST_NODE_TYPES.ForOfStatement && step.await));
}

/** The span is ended in a function nested in `callback` (`output.finally(() => span.finish())`). */
function endedInClosureOf(callback: FunctionNode, span: ManualSpan): boolean {
  return span.variable.references.some((reference) => {
    const end = endCallOn(reference.identifier, span.spec);
    return end !== undefined && within(end, callback.body) && ownerOf(end) !== callback;
  });
}

/**
 * `tracer.scope().activate(span, callback)`, whose callback ends the span (in its own flow or in a closure it
 * registers, `output.finally(() => span.finish())`) only after an operation of its own flow that can throw, with
 * no try to end it: a synchronous throw there leaves the callback, the runner and this function, and nothing ends
 * the span. The first such operation is the step.
 */
function endedAfterThrowIn(
  call: TSESTree.CallExpression,
  callback: FunctionNode,
  span: ManualSpan,
  spanIds: ReadonlySet<TSESTree.Node>,
  sourceCode: Readonly<TSESLint.SourceCode>,
): SuccessOnlyEnd | undefined {
  const ends = span.variable.references.map((reference) => endCallOn(reference.identifier, span.spec)).filter((end): end is TSESTree.CallExpression => end !== undefined && within(end, callback.body));
  const first = ends.sort((a, b) => a.range[0] - b.range[0])[0];
  // A try around the runner's call that finishes the span on a throw covers the callback's throws too.
  if (!first || guarded(call, span.owner, span.spec.end, spanIds, sourceCode)) return undefined;
  let step: TSESTree.Node | undefined;
  ownNodes(callback.body, sourceCode, (node) => {
    if (step || node.range[1] > first.range[0] || !canThrow(node, spanIds, sourceCode)) return;
    if (!guarded(node, callback, span.spec.end, spanIds, sourceCode)) step = node;
  });
  return step && { call, handler: callback, path: "runner", step };
}

function firstDefined<T, R>(items: readonly T[], map: (item: T) => R | undefined): R | undefined {
  for (const item of items) {
    const mapped = map(item);
    if (mapped !== undefined) return mapped;
  }
  return undefined;
}

/**
 * `call` hands the span to a same-file function (`wrapAsyncIterable(res, generation)`) whose every end of that
 * parameter comes after a step that can fail or stop, with no try to end it on that path: an `await`, a
 * `for await` loop, a `yield` (a consumer that stops early never resumes the generator), in the function or in
 * a function nested in it; or in a fulfilment handler or stream success listener there. Langfuse's OpenAI
 * wrapper does this with a streamed completion:
 *
 *   function wrapAsyncIterable(iterable, generation) {
 *     async function* traced() { for await (const chunk of iterable) yield chunk; generation.end(); }
 *     return traced();
 *   }
 *
 * Any other use of the parameter (handed on, stored, returned, ended with nothing before it) gives no verdict.
 */
function endedOnSuccessBy(call: TSESTree.Node, spanIds: ReadonlySet<TSESTree.Node>, span: ManualSpan, sourceCode: Readonly<TSESLint.SourceCode>): SuccessOnlyEnd | undefined {
  if (call.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const received = parameterHandedTo(call, (arg) => spanIds.has(skipWrappers(arg)), sourceCode);
  if (!received) return undefined;
  const { helper, variable } = received;
  const ids = new Set<TSESTree.Node>(variable.references.map((reference) => reference.identifier));
  let step: TSESTree.Node | undefined;
  let ended = false;
  for (const reference of variable.references) {
    const id = reference.identifier;
    const end = endCallOn(id, span.spec);
    if (!end) {
      // Read for its attributes (`generation.update({ … })`) only; anything else gives no verdict.
      if (methodCallOn(id) === undefined) return undefined;
      continue;
    }
    ended = true;
    const where = ownerOf(end);
    if (where.type === AST_NODE_TYPES.Program) return undefined;
    const settle = where === helper ? undefined : settlePathOf(where, ownerOf(where));
    if (settle) {
      if (settle.path !== "fulfilled" && settle.path !== "stream-success") return undefined;
      step ??= settle.call;
      continue;
    }
    const before = interruptionBefore(end, where, span.spec.end, ids, sourceCode);
    if (!before) return undefined;
    step ??= before;
  }
  return ended && step ? { call, handler: helper, path: "handed", step } : undefined;
}

/** The first await, `for await` loop or yield of `fn`'s own flow before `end`, outside a try that ends the span on its error path. */
function interruptionBefore(end: TSESTree.Node, fn: FunctionNode, endMethod: string, ids: ReadonlySet<TSESTree.Node>, sourceCode: Readonly<TSESLint.SourceCode>): TSESTree.Node | undefined {
  let found: TSESTree.Node | undefined;
  ownNodes(fn.body, sourceCode, (node) => {
    if (found || node.range[0] >= end.range[0]) return;
    const step =
      node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.YieldExpression || (node.type === AST_NODE_TYPES.ForOfStatement && node.await);
    if (step && !guarded(node, fn, endMethod, ids, sourceCode)) found = node;
  });
  return found;
}

function insideFinally(node: TSESTree.Node, owner: ManualSpan["owner"]): boolean {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current && current !== owner; child = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.TryStatement && current.finalizer === child) return true;
  }
  return false;
}

/** `id` (or `id.otelSpan`) is an argument of a call that is not `trace.setSpan(ctx, span)`. */
function handedToCall(id: TSESTree.Node): boolean {
  let usage = outermost(id);
  if (usage.parent?.type === AST_NODE_TYPES.MemberExpression && usage.parent.object === usage) usage = outermost(usage.parent);
  const call = usage.parent;
  return call?.type === AST_NODE_TYPES.CallExpression && call.arguments.includes(usage as TSESTree.CallExpressionArgument) && !isContextCall(call);
}

/**
 * `usage` is wrapped, right where it is an argument, into a new object or an object or array literal:
 * `fn.apply(thisArg, [{ span: new LLMSpan(span) }])`. The wrapper goes to that call and nowhere else.
 */
function wrappedIntoArgument(usage: TSESTree.Node): boolean {
  let node = usage;
  let wrapped = false;
  for (;;) {
    const parent = node.parent;
    if (!parent) return false;
    const inside =
      (parent.type === AST_NODE_TYPES.NewExpression && parent.arguments.includes(node as TSESTree.CallExpressionArgument)) ||
      parent.type === AST_NODE_TYPES.ArrayExpression ||
      parent.type === AST_NODE_TYPES.ObjectExpression ||
      (parent.type === AST_NODE_TYPES.Property && parent.value === node);
    if (!inside) return wrapped && parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(node as TSESTree.CallExpressionArgument);
    if (parent.type !== AST_NODE_TYPES.Property) wrapped = true;
    node = parent;
  }
}

/** `process.exit()` at `node` ends the process while the span is open: between its start and its end, on a path that has not ended it. */
function exitLosesManualSpan(span: ManualSpan, verdict: ManualSpanVerdict, node: TSESTree.Node): boolean {
  const end = verdict.successEnd;
  if (!verdict.ownedHere || !end || ownerOf(node) !== span.owner) return false;
  if (node.range[0] <= span.statement.range[1] || node.range[1] > end.range[0]) return false;
  return !endedBefore(node, span, endStatementsOf(span));
}

const reachedByModel = new WeakMap<FileModel, Map<TSESTree.Node, { span: ManualSpan; via: string[] }>>();

/**
 * The span started by hand that the exit at `node` loses: the innermost one it is written between the start
 * and the end of, or the first that reaches it through same-file calls (`via`, outermost first). The exit is
 * no-process-exit's finding, as in any traced scope; require-flush-before-exit leaves it to that rule.
 */
export function manualSpanReachingExit(model: FileModel, node: TSESTree.Node): { span: ManualSpan; via: string[] } | undefined {
  const spans = model.manualSpans();
  if (spans.length === 0) return undefined;
  const span = manualSpanLostByExit(spans, node, model.sourceCode);
  if (span) return { span, via: [] };
  let reached = reachedByModel.get(model);
  if (!reached) {
    reached = exitsReachedFromManualSpans(spans, new Set(model.exits().map((exit) => exit.node)), model.sourceCode);
    reachedByModel.set(model, reached);
  }
  return reached.get(node);
}

/** How many same-file calls deep an exit is looked for from between a span's start and its end. */
const EXIT_HOPS = 3;

/**
 * Exits in same-file functions called between a span's start and its end (directly, or up to three calls
 * deep), each with the names of the functions on the way, outermost first:
 *
 *   const span = tracer.startSpan("load");
 *   requireConfig();          // function requireConfig() { if (!ok) process.exit(1); }
 *   span.end();
 *
 * The first span (in source order) that reaches an exit names it. Only the called functions' own bodies
 * count, as between the start and the end: a callback they register runs later, if ever.
 */
export function exitsReachedFromManualSpans(
  spans: readonly ManualSpan[],
  exits: ReadonlySet<TSESTree.Node>,
  sourceCode: Readonly<TSESLint.SourceCode>,
): Map<TSESTree.Node, { span: ManualSpan; via: string[] }> {
  const found = new Map<TSESTree.Node, { span: ManualSpan; via: string[] }>();
  if (exits.size === 0) return found;
  for (const span of spans) {
    const verdict = judgeManualSpan(span, sourceCode);
    const end = verdict.successEnd;
    if (!verdict.ownedHere || !end) continue;
    const ends = endStatementsOf(span);
    const searched = new Set<TSESTree.Node>();
    const search = (root: TSESTree.Node, via: string[], inRegion: boolean) => {
      ownNodes(root, sourceCode, (node) => {
        if (inRegion && (node.range[0] <= span.statement.range[1] || node.range[1] > end.range[0] || endedBefore(node, span, ends))) return;
        if (!inRegion && exits.has(node) && !found.has(node)) found.set(node, { span, via });
        if (node.type !== AST_NODE_TYPES.CallExpression || via.length >= EXIT_HOPS) return;
        for (const called of calledFunctions(sourceCode, node.callee)) {
          if (searched.has(called)) continue;
          searched.add(called);
          search(called.body, [...via, functionName(called) ?? "(anonymous)"], false);
        }
      });
    };
    search(bodyOf(span.owner), [], true);
  }
  return found;
}

/** The `span.end()` statements of a span (its end method, as a whole statement). */
function endStatementsOf(span: ManualSpan): Set<TSESTree.Node> {
  const ends = new Set<TSESTree.Node>();
  for (const reference of span.variable.references) {
    const end = endCallOn(reference.identifier, span.spec);
    const statement = end ? outermost(end).parent : undefined;
    if (statement?.type === AST_NODE_TYPES.ExpressionStatement) ends.add(statement);
  }
  return ends;
}

function insideCatch(node: TSESTree.Node, owner: ManualSpan["owner"]): boolean {
  for (let current = node.parent; current && current !== owner; current = current.parent) {
    if (current.type === AST_NODE_TYPES.CatchClause) return true;
  }
  return false;
}

function canThrow(node: TSESTree.Node, spanIds: ReadonlySet<TSESTree.Node>, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (node.type === AST_NODE_TYPES.AwaitExpression || node.type === AST_NODE_TYPES.ThrowStatement) return true;
  if (node.type === AST_NODE_TYPES.NewExpression) return !(node.callee.type === AST_NODE_TYPES.Identifier && QUIET_CONSTRUCTORS.has(node.callee.name));
  if (node.type !== AST_NODE_TYPES.CallExpression) return false;
  const callee = skipWrappers(node.callee);
  if (callee.type === AST_NODE_TYPES.Identifier) return !QUIET_FUNCTIONS.has(callee.name);
  if (callee.type !== AST_NODE_TYPES.MemberExpression) return true;
  const object = skipWrappers(callee.object);
  if (spanIds.has(object)) return false;
  const global = object.type === AST_NODE_TYPES.Identifier && !ASTUtils.findVariable(sourceCode.getScope(object), object)?.defs.length;
  // `console.log(…)`, `Date.now()`: the global, not a local of that name.
  if (global && QUIET_OBJECTS.has(object.name)) return false;
  // `process.exit()` throws nothing: it ends the process, skipping the end, which no-process-exit reports as such.
  if (global && object.name === "process" && PROCESS_ENDS.has(memberName(callee) ?? "")) return false;
  return !QUIET_METHODS.has(memberName(callee) ?? "");
}

/** A statement `span.end()` runs before `node` on every path to it: an earlier statement of a list `node` is in. */
function endedBefore(node: TSESTree.Node, span: ManualSpan, endStatements: ReadonlySet<TSESTree.Node>): boolean {
  for (let current: TSESTree.Node | undefined = node; current && current !== span.owner; current = current.parent) {
    const list = enclosingStatementList(current);
    if (!list) continue;
    const index = list.indexOf(current);
    if (list.slice(0, index).some((earlier) => endStatements.has(earlier) && earlier.range[0] > span.statement.range[1])) return true;
  }
  return false;
}

/** `node` is in a `try` whose `finally` or `catch` ends the span, or whose `catch` rethrows nothing; or it hands the span to a same-file function that ends it on error. */
function guarded(node: TSESTree.Node, owner: ManualSpan["owner"], end: string, spanIds: ReadonlySet<TSESTree.Node>, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (node.type === AST_NODE_TYPES.CallExpression && handedToHandler(node, spanIds, sourceCode)) return true;
  let child: TSESTree.Node = node;
  for (let current = node.parent; current && current !== owner; child = current, current = current.parent) {
    if (current.type !== AST_NODE_TYPES.TryStatement) continue;
    if (child === current.block && current.handler && (endsSpan(current.handler.body, spanIds, end, sourceCode) || !throwsAgain(current.handler.body, sourceCode))) return true;
    if ((child === current.block || child === current.handler) && current.finalizer && endsSpan(current.finalizer, spanIds, end, sourceCode)) return true;
  }
  return false;
}

/** `helper(span, …)` where `helper` is a same-file function whose `try` ends or records the span (span-helper.ts `handlesSpan`). */
function handedToHandler(call: TSESTree.CallExpression, spanIds: ReadonlySet<TSESTree.Node>, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const at = call.arguments.findIndex((arg) => spanIds.has(skipWrappers(arg)));
  if (at < 0 || call.arguments.slice(0, at).some((arg) => arg.type === AST_NODE_TYPES.SpreadElement)) return false;
  const callee = skipWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return false;
  const helper = resolveCallback(sourceCode, callee);
  return !!helper && handlesSpan(helper.fn, at, sourceCode, 0);
}

/** A `span.end()` (the span's own end method: `finish` for dd-trace) under `root`, or a call handed the span or one of its properties (`endSpanWithError(error, span)`). */
function endsSpan(root: TSESTree.Node, spanIds: ReadonlySet<TSESTree.Node>, end: string, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let found = false;
  ownNodes(root, sourceCode, (node) => {
    if (found || node.type !== AST_NODE_TYPES.CallExpression) return;
    const callee = skipWrappers(node.callee);
    const onSpan = callee.type === AST_NODE_TYPES.MemberExpression && spanIds.has(chainRoot(callee.object));
    const name = memberName(callee);
    found =
      (onSpan && name === end) ||
      node.arguments.some((arg) => {
        const inner = skipWrappers(arg);
        return spanIds.has(inner) || (inner.type === AST_NODE_TYPES.MemberExpression && spanIds.has(skipWrappers(inner.object)));
      });
  });
  return found;
}

/** `span` in `span.update({ … })` (a method chain that may return the span, as Langfuse's `update()` does). */
function chainRoot(node: TSESTree.Node): TSESTree.Node {
  let current = skipWrappers(node);
  while (current.type === AST_NODE_TYPES.CallExpression) {
    const callee = skipWrappers(current.callee);
    if (callee.type !== AST_NODE_TYPES.MemberExpression) break;
    current = skipWrappers(callee.object);
  }
  return current;
}

function throwsAgain(root: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let found = false;
  ownNodes(root, sourceCode, (node) => {
    found ||= node.type === AST_NODE_TYPES.ThrowStatement;
  });
  return found;
}

/**
 * How a finding says where the span ends and what leaves it open: "the fulfilment handler of `res.then()`" /
 * "`res` rejects"; "the 'finish' listener of `response`" / "`response` fails or is destroyed before 'finish'";
 * "wrapAsyncIterable(), after `for await (… of response)`" / "the iteration throws or its consumer stops early".
 * `promise` is the text of the promise a rejection handler would go on.
 */
export function describeSuccessOnly(end: SuccessOnlyEnd, sourceCode: Readonly<TSESLint.SourceCode>): { handler: string; failure: string; promise: string } {
  const callee = skipWrappers(end.call.callee);
  const target = describeOperation(callee.type === AST_NODE_TYPES.MemberExpression ? callee.object : callee, sourceCode);
  if (end.path === "runner") {
    const step = end.step;
    const failure = step.type === AST_NODE_TYPES.ThrowStatement ? `the \`throw\` at line ${step.loc.start.line} runs` : `\`${describeOperation(step, sourceCode)}\` throws`;
    return { handler: `the callback of \`${describeOperation(callee, sourceCode)}()\`, after \`${describeOperation(step, sourceCode)}\``, failure, promise: target };
  }
  if (end.path === "handed") {
    const step = end.step;
    const generator = isFunction(ownerOf(step)) && (ownerOf(step) as FunctionNode).generator;
    const [what, failure] =
      step.type === AST_NODE_TYPES.ForOfStatement
        ? [`\`for await (… of ${describeOperation(step.right, sourceCode)})\``, "the iteration throws"]
        : step.type === AST_NODE_TYPES.YieldExpression
          ? ["a `yield`", "the consumer stops early"]
          : step.type === AST_NODE_TYPES.CallExpression
            ? [`the fulfilment handler of \`${describeOperation(skipWrappers(step.callee), sourceCode)}()\``, "that promise rejects"]
            : [`\`${describeOperation(step, sourceCode)}\``, "it rejects"];
    const stops = generator && step.type !== AST_NODE_TYPES.YieldExpression ? " or its consumer stops early" : "";
    return { handler: `${describeOperation(callee, sourceCode)}(), after ${what}`, failure: `${failure}${stops}`, promise: target };
  }
  if (end.path === "stream-success") {
    const event = staticString(end.call.arguments[0]) ?? "";
    return { handler: `the '${event}' listener of \`${target}\``, failure: `\`${target}\` fails or is destroyed before '${event}'`, promise: target };
  }
  return { handler: `the fulfilment handler of \`${target}.then()\``, failure: `\`${target}\` rejects`, promise: target };
}

/** What a finding names: `load(key)` for a call, `await fetch(url)`, `throw error`. */
export function describeOperation(node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): string {
  const text = sourceCode.getText(node).replace(/\s+/gu, " ");
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The smallest node that explains a finding: a call's callee, an awaited call's callee, else the node. */
export function underlineOf(node: TSESTree.Node): TSESTree.Node {
  const inner = node.type === AST_NODE_TYPES.AwaitExpression ? skipWrappers(node.argument) : node;
  if (inner.type === AST_NODE_TYPES.CallExpression) return node.type === AST_NODE_TYPES.AwaitExpression ? node : inner.callee;
  return node;
}

/**
 * Suggestion fixer: the statements after the span's start, to the end of their block, go into
 *
 *   try { … } catch (error) { throw endSpanWithError(error, span); }
 *
 * which, on a throw, records the error on the span, sets ERROR, ends it and rethrows: the program goes on
 * as before (same error, same path), and a span that has already ended is left alone (`isRecording()`),
 * so statements after the success end that throw change nothing. `undefined` when no such rewrite is safe:
 * the SDK's spans are not OpenTelemetry spans (dd-trace, Sentry's types), the start is not a statement of
 * a block, an unguarded call is outside the statements that would move, or a name they declare is used
 * outside them (it would leave its scope), they hold an `import`/`export`, or a `catch` among them records
 * on the span already.
 */
export function recordManualSpanFix(
  span: ManualSpan,
  verdict: ManualSpanVerdict,
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[]) | undefined {
  // A span returned by the function that started it (src/scopes/returned-spans.ts): no rewrite has been proven by a run for it.
  if (span.returnedBy) return undefined;
  const spanExpression = otelSpanExpression(span);
  const parent = span.statement.parent;
  if (spanExpression === undefined || (parent?.type !== AST_NODE_TYPES.BlockStatement && parent?.type !== AST_NODE_TYPES.Program)) return undefined;
  const list: readonly TSESTree.Node[] = parent.body;
  const rest = list.slice(list.indexOf(span.statement) + 1);
  const first = rest[0];
  const last = rest.at(-1);
  if (!first || !last) return undefined;
  const [from, to] = [first.range[0], last.range[1]];
  if (!verdict.unguarded.every((node) => node.range[0] >= from && node.range[1] <= to)) return undefined;
  const moves = (statement: TSESTree.Node) =>
    statement.type === AST_NODE_TYPES.ImportDeclaration ||
    statement.type === AST_NODE_TYPES.ExportNamedDeclaration ||
    statement.type === AST_NODE_TYPES.ExportDefaultDeclaration ||
    statement.type === AST_NODE_TYPES.ExportAllDeclaration ||
    statement.type === AST_NODE_TYPES.TSExportAssignment;
  if (rest.some(moves)) return undefined;
  const leaks = rest.some((statement) =>
    sourceCode.getDeclaredVariables(statement).some((variable) => variable.references.some((reference) => reference.identifier.range[0] < from || reference.identifier.range[1] > to)),
  );
  if (leaks) return undefined;
  // A catch in there that records on the span already: the new catch would record the same error twice.
  if (recordsInACatch(rest, span, sourceCode)) return undefined;
  const param = span.variable.name === "error" ? "caught" : "error";
  return (fixer) => {
    const eol = fileFlavour(sourceCode, filename).eol;
    // Comments on their own lines between the start and the first statement go in with it (they describe it).
    const comments = sourceCode.getCommentsBefore(first as TSESTree.Statement).filter((comment) => comment.loc.start.line > span.statement.loc.end.line);
    const edit: Edit = wrapStatementsInTry(sourceCode, comments[0]?.range[0] ?? first.range[0], last, param, `throw ${HELPER_END}(${param}, ${spanExpression});`, eol);
    return [toFix(edit), ...ensureSpanHelpers(fixer, sourceCode, filename, "end")];
  };
}

function recordsInACatch(statements: readonly TSESTree.Node[], span: ManualSpan, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  return statements.some((statement) => {
    let found = false;
    walk(statement, sourceCode.visitorKeys, (node) => {
      if (found) return false;
      found = node.type === AST_NODE_TYPES.Identifier && insideCatch(node, span.owner) && methodCallOn(node)?.method === "recordException" && span.variable.references.some((reference) => reference.identifier === node);
      return !found;
    });
    return found;
  });
}

/**
 * Suggestion fixer for a span ended in a fulfilment handler only (`res.then(onFulfilled)`): a rejection
 * handler goes next to it,
 *
 *   res.then(onFulfilled, (error) => { throw endSpanWithError(error, span); })
 *
 * which records the error on the span, sets ERROR, ends it and rethrows: the promise that `then()` returns
 * rejects with the same error as before, so callers see no change. `undefined` where that is not safe: the
 * SDK's spans are not OpenTelemetry spans, or the `then()` has a second argument or a spread. A stream listener
 * gets no rewrite: adding an `error` listener would stop an unhandled stream error from crashing the process.
 */
export function endOnRejectionFix(
  span: ManualSpan,
  verdict: ManualSpanVerdict,
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[]) | undefined {
  const handled = verdict.successOnly;
  const spanExpression = otelSpanExpression(span);
  if (span.returnedBy || !handled || handled.path !== "fulfilled" || spanExpression === undefined || handled.call.arguments.length !== 1) return undefined;
  const onFulfilled = handled.call.arguments[0];
  if (!onFulfilled || onFulfilled.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const param = span.variable.name === "error" ? "caught" : "error";
  const handler = `(${param}) => { throw ${HELPER_END}(${param}, ${spanExpression}); }`;
  // Before the call's closing parenthesis, so that a parenthesised handler or a trailing comma stays as it is.
  const close = sourceCode.getLastToken(handled.call);
  const before = close && sourceCode.getTokenBefore(close);
  if (!close || !before) return undefined;
  const trailingComma = before.value === "," && before.range[0] >= onFulfilled.range[1];
  return (fixer) => [
    trailingComma ? fixer.insertTextAfter(before, ` ${handler}`) : fixer.insertTextBefore(close, `, ${handler}`),
    ...ensureSpanHelpers(fixer, sourceCode, filename, "end"),
  ];
}

/** How a rewrite reaches the OpenTelemetry span to record on (`span`, `observation.otelSpan`), if it can. */
function otelSpanExpression(span: ManualSpan): string | undefined {
  return span.spec.otelSpan === undefined ? undefined : span.spec.otelSpan === "self" ? span.variable.name : `${span.variable.name}.${span.spec.otelSpan}`;
}
