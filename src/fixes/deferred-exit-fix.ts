/**
 * The rewrite of an exit that a timer or an event registration runs later, inside a traced scope:
 *
 *   withWorkflow({ name: "job" }, async () => {
 *     await withTask({ name: "poll" }, async () => {
 *       setTimeout(() => {
 *         if (!ready) { console.log("not ready"); process.exit(6); }
 *         resolve();
 *       }, 10);
 *     });
 *   });
 *
 * A throw there would run after the scope's call, as an uncaught exception: exit code 1 instead of 6, no
 * entry handler, no flush. What keeps the behaviour is the exit itself, once the spans it would lose are
 * ended and flushed. Each scope around the exit notes its span when it starts; in the deferred callback, the
 * exit ends them with the error (innermost first), flushes with the object that owns the spans, exits with
 * the same code once the flush settles, and leaves the callback at once, so nothing after the exit runs:
 *
 *   withWorkflow({ name: "job" }, async () => {
 *     const jobSpan = trace.getActiveSpan();
 *     await withTask({ name: "poll" }, async () => {
 *       const pollSpan = trace.getActiveSpan();
 *       setTimeout(() => {
 *         if (!ready) {
 *           console.log("not ready");
 *           const exitError = Object.assign(new Error("process.exit() in task 'poll'"), { exitCode: 6 });
 *           endSpanWithError(exitError, pollSpan);
 *           endSpanWithError(exitError, jobSpan);
 *           traceloop.forceFlush().then(() => process.exit(6), () => process.exit(6));
 *           return;
 *         }
 *         resolve();
 *       }, 10);
 *     });
 *   });
 *
 * What differs: while the flush is in flight (milliseconds against a reachable collector, up to the
 * exporter's timeout otherwise), other timers and I/O callbacks of the program may still run; the original
 * ended at once.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ExitCall, Reach, TracedScope } from "../scopes/model";
import { describeScope } from "../scopes/model";
import { enclosingStatementList, isFunction, memberName, skipWrappers } from "../scopes/ast";
import type { FunctionNode } from "../scopes/ast";
import type { Edit } from "./edits";
import { indentAt, indentUnit, toFix } from "./edits";
import { fileFlavour, insertImport } from "./imports";
import { deferredCallbackOf, exitError, exitSite, type DeferredCallback } from "./exit-fix";
import { HELPER_END, ensureSpanHelpers, onlyEndsSpans } from "./span-helper";

export interface FlushText {
  readonly text: string;
  readonly fixes: readonly TSESLint.RuleFix[];
}

/** Suggestion fixer for an exit in a deferred callback of a scope; `undefined` where no rewrite keeps the behaviour. */
export function endSpansThenExit(
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  exit: ExitCall,
  reach: Reach,
  flush: FlushText | undefined,
): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[]) | undefined {
  const site = exitSite(exit);
  const registered = deferredCallbackOf(exit.node, reach.scope.callback);
  // Only `process.exit(…)`: a signal or an abort ends the process another way. A callback that runs once (a
  // timer, `once`), or a listener whose emitter can be detached: an emitter would go on delivering events to
  // its listeners, and the program on running, while the flush is in flight (measured in
  // tests/codemods/__runnable__/deferred-listener.ts: two lines printed that the original never printed).
  if (!flush || !site || !registered || exit.method !== "exit") return undefined;
  const emitter = registered.repeats ? detachableEmitter(sourceCode, registered, exit.node) : undefined;
  if (registered.repeats && !emitter) return undefined;
  const deferred = registered.fn;
  if (nearestFunction(exit.node) !== deferred || leavesThroughFinally(exit.node, deferred)) return undefined;
  const scopes = scopesNoting(reach, exit.node);
  if (!scopes) return undefined;
  return (fixer) => {
    const { eol } = fileFlavour(sourceCode, filename);
    const { spans, edits, fresh } = noteSpans(sourceCode, filename, scopes);
    const error = fresh("exitError");
    const exitText = sourceCode.getText(exit.node);
    const lines = [
      `const ${error} = ${exitError(sourceCode, exit, site, reach.scope)};`,
      ...spans.map((span) => `${HELPER_END}(${error}, ${span});`),
      // Nothing more from this emitter, to this listener or any other, as when the process ended here; an `error`
      // it emits while the flush is in flight is ignored, as the ended process never saw it (with no listener
      // left, Node would throw it: exit code 1, and the flush cut short; measured in listener-error-during-flush).
      ...(emitter ? [`${emitter}.removeAllListeners().on("error", () => undefined);`] : []),
      // Both paths exit, as `finally` would; a `then` with a rejection handler is a handled promise.
      `${flush.text}.then(() => ${exitText}, () => ${exitText});`,
    ];
    const at = site.kind === "statement" ? site.statement : site.expression;
    const indent = indentAt(sourceCode.text, at.range[0]);
    const block = () => `{${eol}${lines.map((line) => `${indent}${indentUnit(sourceCode.text)}${line}`).join(eol)}${eol}${indent}}`;
    if (site.kind === "statement") {
      const statement = site.statement;
      const last = deferred.body.type === AST_NODE_TYPES.BlockStatement && deferred.body.body.at(-1) === statement;
      if (!last) lines.push("return;");
      // `if (late) process.exit(6);`: the statements go in a block.
      edits.push({ range: statement.range, text: enclosingStatementList(statement) ? lines.join(`${eol}${indent}`) : block() });
    } else {
      // `() => process.exit(4)`: the arrow gets a block body.
      edits.push({ range: site.expression.range, text: block() });
    }
    return [...flush.fixes, ...edits.map(toFix), ...ensureSpanHelpers(fixer, sourceCode, filename, "end")];
  };
}

/**
 * `<flush>.then(() => process.exit(6), () => process.exit(6))` just after `endSpanWithError(…)`: the exit this rewrite writes,
 * which loses nothing (the spans of its scopes have ended, and the flush has settled when it runs).
 */
export function exitsAfterEndedSpans(exit: ExitCall, isFlush: (node: TSESTree.Node) => boolean): boolean {
  const fn = exit.node.parent;
  if (fn?.type !== AST_NODE_TYPES.ArrowFunctionExpression || fn.body !== exit.node) return false;
  const call = fn.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || !call.arguments.includes(fn)) return false;
  const callee = skipWrappers(call.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.property.type !== AST_NODE_TYPES.Identifier || callee.property.name !== "then") return false;
  if (!isFlush(callee.object)) return false;
  const statement = call.parent;
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const list = enclosingStatementList(statement) ?? [];
  let at = list.indexOf(statement) - 1;
  // `stream.removeAllListeners();`, the detach of a repeating listener's emitter, comes between.
  if (isDetach(list[at])) at--;
  const previous = list[at];
  return (
    previous?.type === AST_NODE_TYPES.ExpressionStatement &&
    previous.expression.type === AST_NODE_TYPES.CallExpression &&
    previous.expression.callee.type === AST_NODE_TYPES.Identifier &&
    previous.expression.callee.name === HELPER_END
  );
}

/** `stream.removeAllListeners().on("error", () => undefined);`, or `stream.removeAllListeners();` as the rewrite first wrote it. */
function isDetach(statement: TSESTree.Node | undefined): boolean {
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || statement.expression.type !== AST_NODE_TYPES.CallExpression) return false;
  const call = statement.expression;
  const callee = call.callee;
  const detach = callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === "on" && callee.object.type === AST_NODE_TYPES.CallExpression ? callee.object : call;
  const { callee: detachCallee, arguments: args } = detach;
  return args.length === 0 && detachCallee.type === AST_NODE_TYPES.MemberExpression && detachCallee.object.type === AST_NODE_TYPES.Identifier && memberName(detachCallee) === "removeAllListeners";
}

function nearestFunction(node: TSESTree.Node): TSESTree.Node | undefined {
  let current = node.parent;
  while (current && !isFunction(current)) current = current.parent;
  return current;
}

/**
 * `process.kill(process.pid, "SIGTERM")` inside traced scopes, in a file whose every listener of that signal on
 * `process` ends the process (issue 14, case 5). The kill stays: a throw would bypass those listeners and exit 1.
 * The signal is delivered later, from the event loop; until then the scopes go on running. So the spans of the
 * scopes around the kill (noted as each starts, as above) are ended with an error by a listener put before the
 * program's own, once the signal arrives: the program's listener then flushes them (require-flush-before-exit
 * gives it its flush) and ends the process. A span that has ended by then (its callback returned) is left
 * alone; none can end after, since the program's listener ends the process.
 *
 *   const killError = Object.assign(new Error("process.kill() in task 'budget'"), { signal: "SIGTERM" });
 *   process.prependOnceListener("SIGTERM", () => {
 *     endSpanWithError(killError, budgetSpan);
 *     endSpanWithError(killError, watchSpan);
 *   });
 *   process.kill(process.pid, "SIGTERM");
 *
 * Measured (tests/codemods/__runnable__/kill-self.ts): ending the active span at the kill instead ended the
 * task's span twice (Traceloop ends it when the callback returns), and ending the workflow's there ended it twice
 * when the listener did not exit, or when the workflow finished before the signal was handled.
 */
export function endSpansOnSignal(
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  exit: ExitCall,
  reach: Reach,
  signal: string,
): ((fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[]) | undefined {
  const site = exitSite(exit);
  if (exit.method !== "kill" || site?.kind !== "statement" || !enclosingStatementList(site.statement)) return undefined;
  // Only spans that `trace.getActiveSpan()` or a span parameter names: OpenTelemetry's.
  if (deferredCallbackOf(exit.node, reach.scope.callback) || [reach.scope, ...reach.outer].some((scope) => scope.spec.activeOtelSpan === false)) return undefined;
  const scopes = scopesNoting(reach, exit.node);
  if (!scopes) return undefined;
  return (fixer) => {
    const { eol } = fileFlavour(sourceCode, filename);
    const { spans, edits, fresh } = noteSpans(sourceCode, filename, scopes);
    const error = fresh("killError");
    const statement = site.statement;
    const indent = indentAt(sourceCode.text, statement.range[0]);
    const unit = indentUnit(sourceCode.text);
    const message = JSON.stringify(`process.kill() in ${describeScope(reach.scope)}`);
    const lines = [
      `const ${error} = Object.assign(new Error(${message}), { signal: ${JSON.stringify(signal)} });`,
      `process.prependOnceListener(${JSON.stringify(signal)}, () => {`,
      ...spans.map((span) => `${unit}${HELPER_END}(${error}, ${span});`),
      "});",
    ];
    edits.push({ range: [statement.range[0], statement.range[0]], text: `${lines.join(`${eol}${indent}`)}${eol}${indent}` });
    return [...edits.map(toFix), ...ensureSpanHelpers(fixer, sourceCode, filename, "end")];
  };
}

/** The kill as `endSpansOnSignal` writes it: just after `process.prependOnceListener(signal, () => { endSpanWithError(…); … })`. */
export function endsSpansOnSignalFirst(exit: ExitCall): boolean {
  const statement = exit.node.parent;
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const list = enclosingStatementList(statement) ?? [];
  const previous = list[list.indexOf(statement) - 1];
  if (previous?.type !== AST_NODE_TYPES.ExpressionStatement || previous.expression.type !== AST_NODE_TYPES.CallExpression) return false;
  const { callee, arguments: args } = previous.expression;
  return (
    callee.type === AST_NODE_TYPES.MemberExpression &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    callee.object.name === "process" &&
    memberName(callee) === "prependOnceListener" &&
    onlyEndsSpans(args[1])
  );
}

/** The scopes around `node`, each once, when each can note its span where `node` sees it: lexically around it, with a block body. */
function scopesNoting(reach: Reach, node: TSESTree.Node): TracedScope[] | undefined {
  const scopes = [reach.scope, ...reach.outer].filter((scope, index, all) => all.findIndex((other) => other.callback === scope.callback) === index);
  return scopes.every((scope) => contains(scope.callback, node) && scope.callback.body.type === AST_NODE_TYPES.BlockStatement) ? scopes : undefined;
}

/**
 * The name of each scope's span, innermost first: its span parameter, a `const x = trace.getActiveSpan();` already
 * first in its callback, or one this fix adds there (`edits`). `fresh` gives more names that clash with nothing.
 */
function noteSpans(sourceCode: Readonly<TSESLint.SourceCode>, filename: string, scopes: readonly TracedScope[]): { spans: string[]; edits: Edit[]; fresh: (base: string) => string } {
  const { eol } = fileFlavour(sourceCode, filename);
  const trace = traceName(sourceCode, filename);
  const taken = new Set<string>();
  const fresh = (base: string) => {
    let name = base;
    for (let n = 2; taken.has(name) || new RegExp(`\\b${name}\\b`, "u").test(sourceCode.text); n++) name = `${base}${n}`;
    taken.add(name);
    return name;
  };
  const edits: Edit[] = [];
  const spans = scopes.map((scope) => {
    const existing = spanOf(scope, trace);
    if (existing) return existing;
    const name = fresh(`${identifierFrom(scope.name)}Span`);
    const first = (scope.callback.body as TSESTree.BlockStatement).body[0] as TSESTree.Statement;
    edits.push({ range: [first.range[0], first.range[0]], text: `const ${name} = ${trace}.getActiveSpan();${eol}${indentAt(sourceCode.text, first.range[0])}` });
    return name;
  });
  return { spans, edits, fresh };
}

/** Registrations on an emitter whose `removeAllListeners()` stops every later delivery. */
const EMITTER_REGISTRATIONS = new Set(["on", "addListener", "prependListener"]);

/**
 * The emitter a repeating listener is registered on, when the rewrite can detach it: `stream.on("data", fn)`
 * with `stream` a `const` of this file (not `process`, whose listeners include the SDKs' own exit hooks), the
 * same binding at the exit, and no other repeating registration between the exit and `fn` (`setInterval`, an
 * `addEventListener` target: neither has `removeAllListeners()`).
 */
function detachableEmitter(sourceCode: Readonly<TSESLint.SourceCode>, registered: DeferredCallback, exit: TSESTree.Node): string | undefined {
  if (registered.repeatsInside) return undefined;
  const callee = skipWrappers(registered.registration.callee);
  if (callee.type !== AST_NODE_TYPES.MemberExpression || callee.computed || callee.property.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (!EMITTER_REGISTRATIONS.has(callee.property.name)) return undefined;
  const object = skipWrappers(callee.object);
  if (object.type !== AST_NODE_TYPES.Identifier || object.name === "process") return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(object), object);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.parent?.type !== AST_NODE_TYPES.VariableDeclaration || def.parent.kind !== "const") return undefined;
  if (ASTUtils.findVariable(sourceCode.getScope(exit), object.name) !== variable) return undefined;
  return object.name;
}

/** A `finally` between the exit and the callback would run code that the exit skipped. */
function leavesThroughFinally(node: TSESTree.Node, fn: FunctionNode): boolean {
  for (let current = node.parent; current && current !== fn; current = current.parent) {
    if (current.type === AST_NODE_TYPES.TryStatement && current.finalizer) return true;
  }
  return false;
}

function contains(outer: TSESTree.Node, inner: TSESTree.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/**
 * The name the scope's span already has in its callback: the span parameter of a callback that receives it
 * (`startActiveSpan("x", (span) => …)`), or a first statement `const x = trace.getActiveSpan();` (this
 * rewrite's, from another exit of the same scope).
 */
function spanOf(scope: TracedScope, trace: string): string | undefined {
  const param = scope.spec.spanParam === undefined ? undefined : scope.callback.params[scope.spec.spanParam];
  if (param?.type === AST_NODE_TYPES.Identifier) return param.name;
  const first = scope.callback.body.type === AST_NODE_TYPES.BlockStatement ? scope.callback.body.body[0] : undefined;
  const declarator = first?.type === AST_NODE_TYPES.VariableDeclaration && first.declarations.length === 1 ? first.declarations[0] : undefined;
  const init = declarator?.init;
  if (declarator?.id.type !== AST_NODE_TYPES.Identifier || init?.type !== AST_NODE_TYPES.CallExpression) return undefined;
  const callee = init.callee;
  const capturesSpan =
    callee.type === AST_NODE_TYPES.MemberExpression &&
    callee.object.type === AST_NODE_TYPES.Identifier &&
    callee.object.name === trace &&
    callee.property.type === AST_NODE_TYPES.Identifier &&
    callee.property.name === "getActiveSpan";
  return capturesSpan ? declarator.id.name : undefined;
}

/** "rag_pipeline" → "ragPipeline"; "scope" when the name gives no identifier. */
function identifierFrom(name: string | undefined): string {
  const words = (name ?? "").split(/[^A-Za-z0-9]+/u).filter(Boolean);
  const joined = words.map((word, index) => (index === 0 ? word[0]?.toLowerCase() + word.slice(1) : word[0]?.toUpperCase() + word.slice(1))).join("");
  return /^[A-Za-z]/u.test(joined) ? joined : "scope";
}

/** A fixer that only builds fix objects, to learn the local names an import would get. */
const dryFixer = {
  insertTextAfter: (node: TSESTree.Node | TSESTree.Token, text: string) => ({ range: [node.range[1], node.range[1]], text }),
  insertTextAfterRange: (range: readonly [number, number], text: string) => ({ range: [range[1], range[1]], text }),
} as unknown as TSESLint.RuleFixer;

/** The local name of `@opentelemetry/api`'s `trace` in this file, as the helpers' import makes it available. */
function traceName(sourceCode: Readonly<TSESLint.SourceCode>, filename: string): string {
  return insertImport(dryFixer, sourceCode, fileFlavour(sourceCode, filename), "@opentelemetry/api", ["SpanStatusCode", "trace"]).names.trace as string;
}
