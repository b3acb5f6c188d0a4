/**
 * Who ends a span when the work fails: error-handling helpers of the catalogue (`ERROR_HANDLERS`), recognised by
 * import binding, that run a callback and hand its failure to callbacks of the caller.
 *
 *   tracer.startActiveSpan("op", (span) =>
 *     handleCallbackErrors(() => work(), (error) => { span.setStatus({ code: 2 }); span.end(); }));
 *
 * A scope's callback whose work runs through such a helper at its top level (a statement, `return`, `await`, or
 * `const x = …`), with an error callback that ends the scope's span (`span.end()`, or in a same-file function it hands
 * the span to, three deep; or `getActiveSpan()?.end()` where the scope's span is the active one), ends its span on the
 * error path, as a `try` whose `catch` ends it does. A helper that sees only a
 * synchronous throw (`safeExecuteInTheMiddle`) is not enough on its own: a promise its callback returns may reject
 * later, unseen. It counts only where its callback is not `async` and its result is kept in a `const` that is handed,
 * with the scope's span, to a same-file function that ends that span on a later failure, from an error listener or a
 * rejection handler (instrumentation-http's `_traceClientRequest` ends it from the request's `error` listener):
 *
 *   const request = safeExecuteInTheMiddle(() => original.apply(this, args), (error) => { if (error) { this._onError(span, error); throw error; } });
 *   return this._traceClientRequest(request, span);
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "./ast";
import { memberName, skipWrappers, walk } from "./ast";
import type { ErrorHandlerSpec } from "./catalogue";
import type { TraceMap } from "./globals";
import { addToTraceMap, createTracker, trackModules } from "./globals";
import { parameterHandedTo, resolveCallback } from "./model";

type SourceCode = Readonly<TSESLint.SourceCode>;
type Variable = TSESLint.Scope.Variable;

/** How many same-file functions deep an `end()` is looked for. */
const MAX_HOPS = 3;

/** Per file, the handlers looked for (the catalogue's and those of settings) and their calls. */
const calls = new WeakMap<SourceCode, { handlers: readonly ErrorHandlerSpec[]; map: ReadonlyMap<TSESTree.Node, ErrorHandlerSpec> }>();

/** The file's calls of these error handlers (catalogue `ERROR_HANDLERS` and `settings.errorHandlers`), by node. */
function handlerCalls(sourceCode: SourceCode, handlers: readonly ErrorHandlerSpec[]): ReadonlyMap<TSESTree.Node, ErrorHandlerSpec> {
  const cached = calls.get(sourceCode);
  if (cached?.handlers === handlers) return cached.map;
  const map = new Map<TSESTree.Node, ErrorHandlerSpec>();
  calls.set(sourceCode, { handlers, map });
  // Most files name none of them: no reference tracking there.
  if (!handlers.some((spec) => sourceCode.text.includes(spec.path.at(-1) ?? ""))) return map;
  const tracker = createTracker(sourceCode);
  if (!tracker) return map;
  const traceMap: TraceMap = {};
  handlers.forEach((spec, index) => addToTraceMap(traceMap, spec.modules, spec.path, ASTUtils.ReferenceTracker.CALL, String(index)));
  for (const ref of trackModules(tracker, traceMap)) {
    const spec = handlers[Number(ref.info)];
    if (spec && ref.node.type === AST_NODE_TYPES.CallExpression) map.set(ref.node, spec);
  }
  return map;
}

/** The calls a function body makes at its top level, with the `const` each one's result is kept in. */
function topLevelCalls(sourceCode: SourceCode, fn: FunctionNode): { call: TSESTree.CallExpression; kept?: Variable; awaited: boolean }[] {
  const found: { call: TSESTree.CallExpression; kept?: Variable; awaited: boolean }[] = [];
  const add = (expression: TSESTree.Node | null | undefined, declarator?: TSESTree.VariableDeclarator) => {
    if (!expression) return;
    let inner = skipWrappers(expression);
    const awaited = inner.type === AST_NODE_TYPES.AwaitExpression;
    if (inner.type === AST_NODE_TYPES.AwaitExpression) inner = skipWrappers(inner.argument);
    if (inner.type !== AST_NODE_TYPES.CallExpression) return;
    const kept = declarator?.parent.kind === "const" && declarator.id.type === AST_NODE_TYPES.Identifier ? sourceCode.getDeclaredVariables(declarator)[0] : undefined;
    found.push({ call: inner, kept, awaited });
  };
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) add(fn.body);
  else {
    for (const statement of fn.body.body) {
      if (statement.type === AST_NODE_TYPES.ExpressionStatement) add(statement.expression);
      else if (statement.type === AST_NODE_TYPES.ReturnStatement) add(statement.argument);
      else if (statement.type === AST_NODE_TYPES.VariableDeclaration) for (const declarator of statement.declarations) add(declarator.init, declarator);
    }
  }
  return found;
}

/**
 * `span.end()` on this span runs under `root` (nested functions included: a listener it registers), or in a same-file
 * function or method it hands the span to, through the parameter that receives it (three deep); or
 * `trace.getActiveSpan()?.end()`, when the caller says the span is the active one there.
 */
function endsSpan(sourceCode: SourceCode, root: TSESTree.Node, span: Variable | undefined, activeIsSpan: boolean, hops = MAX_HOPS): boolean {
  const isSpan = (node: TSESTree.Node) => {
    const inner = skipWrappers(node);
    return !!span && inner.type === AST_NODE_TYPES.Identifier && span.references.some((reference) => reference.identifier === inner);
  };
  let found = false;
  walk(root, sourceCode.visitorKeys, (node) => {
    if (found) return false;
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    const callee = skipWrappers(node.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === "end") {
      const object = skipWrappers(callee.object);
      const getter = object.type === AST_NODE_TYPES.CallExpression ? skipWrappers(object.callee) : undefined;
      const active = !!getter && ((getter.type === AST_NODE_TYPES.Identifier && getter.name === "getActiveSpan") || memberName(getter) === "getActiveSpan");
      found = isSpan(object) || (activeIsSpan && active);
    }
    const receiver = !found && hops > 0 ? parameterHandedTo(node, isSpan, sourceCode) : undefined;
    if (receiver) found = endsSpan(sourceCode, receiver.helper.body, receiver.variable, false, hops - 1);
    return !found;
  });
  return found;
}

const LISTEN = new Set(["on", "once", "addListener", "prependListener", "prependOnceListener"]);

/**
 * Where `body` handles a failure that comes later: an `error` listener (`x.on("error", h)`, `x.on(errorMonitor, h)`),
 * a rejection handler (`.catch(h)`, `.then(ok, h)`), a `catch` clause. The failure paths' code, to search for an end.
 */
function failurePaths(sourceCode: SourceCode, body: TSESTree.Node): TSESTree.Node[] {
  const paths: TSESTree.Node[] = [];
  walk(body, sourceCode.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.CatchClause) paths.push(node.body);
    if (node.type !== AST_NODE_TYPES.CallExpression) return true;
    const method = memberName(skipWrappers(node.callee));
    const [first, second] = node.arguments;
    const isErrorEvent = (first?.type === AST_NODE_TYPES.Literal && first.value === "error") || (first?.type === AST_NODE_TYPES.Identifier && first.name === "errorMonitor");
    const handler = method === "catch" ? first : method === "then" ? second : LISTEN.has(method ?? "") && isErrorEvent ? second : undefined;
    const fn = handler && resolveCallback(sourceCode, handler)?.fn;
    if (fn) paths.push(fn.body);
    return true;
  });
  return paths;
}

/**
 * `kept` and `span` are both arguments of a top-level call to a same-file function that ends that span on a later
 * failure: in an error listener or a rejection handler it sets up (instrumentation-http's `_traceClientRequest`).
 * A function that ends it on success only does not count.
 */
function handedOnWithSpan(sourceCode: SourceCode, fn: FunctionNode, kept: Variable, span: Variable): boolean {
  const argumentOf = (variable: Variable) => (arg: TSESTree.Node) => variable.references.some((reference) => skipWrappers(arg) === reference.identifier);
  return topLevelCalls(sourceCode, fn).some(({ call }) => {
    if (!call.arguments.some(argumentOf(kept))) return false;
    const receiver = parameterHandedTo(call, argumentOf(span), sourceCode);
    return !!receiver && failurePaths(sourceCode, receiver.helper.body).some((path) => endsSpan(sourceCode, path, receiver.variable, false));
  });
}

/**
 * The callback runs its work through an error handler (`handlers`: the catalogue's and those of settings) whose error
 * callback ends a span, so an error of that work ends the span. `span`: the scope's span, when the code names it
 * (needed for a `sync` helper).
 */
export function endsSpanThroughErrorHandler(
  sourceCode: SourceCode,
  handlers: readonly ErrorHandlerSpec[],
  fn: FunctionNode,
  span: Variable | undefined,
  spanIsActive: boolean,
): boolean {
  const known = handlerCalls(sourceCode, handlers);
  if (known.size === 0) return false;
  return topLevelCalls(sourceCode, fn).some(({ call, kept, awaited }) => {
    const spec = known.get(call);
    if (!spec) return false;
    // The failure callbacks run in the scope's context: `getActiveSpan()` there is the scope's span when it is an OpenTelemetry one.
    const onErrorEnds = spec.onError.some((index) => {
      const handler = resolveCallback(sourceCode, call.arguments[index]);
      return !!handler && endsSpan(sourceCode, handler.fn.body, span, spanIsActive);
    });
    if (!onErrorEnds) return false;
    if (spec.catches === "sync-and-async") return true;
    const run = resolveCallback(sourceCode, call.arguments[spec.run]);
    return !!run && !run.fn.async && !awaited && !!kept && !!span && handedOnWithSpan(sourceCode, fn, kept, span);
  });
}
