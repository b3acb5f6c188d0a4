/**
 * Who ends a span started by hand, on which paths, and the rewrite that ends it on the error path.
 * Go's `spancheck` is the model: between `const span = tracer.startSpan(…)` and `span.end()`,
 *
 *   - a call, `await` or `throw` that can throw, with no `try` whose `catch` or `finally` ends the span,
 *     leaves the span open on the error path: never ended, never exported;
 *   - a `process.exit()` skips the end (and every `finally`): the span is lost on that path too.
 *
 * A span this function does not own is not judged: one returned, stored on an object or in another local,
 * ended by a closure (`stream.on("end", () => span.end())`), or handed to another function when this one
 * never ends it itself (that function may end it later).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ManualSpan } from "../scopes/manual-spans";
import { methodCallOn, outermost, ownerOf, spanUses } from "../scopes/manual-spans";
import { resolveCallback } from "../scopes/model";
import { enclosingStatementList, functionName, isFunction, memberName, skipWrappers, walk } from "../scopes/ast";
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
]);
/** Calls of globals that do not throw on ordinary arguments. */
const PROCESS_ENDS = new Set(["exit", "abort", "reallyExit"]);
const QUIET_OBJECTS = new Set(["console", "Math", "Date", "performance", "Object", "Array", "Number", "String"]);
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
  const { ends, elsewhere } = spanUses(span.variable, span.owner, span.spec.end);
  if (elsewhere) return { ownedHere: false, neverEnded: false, successEnd: undefined, unguarded: [] };
  if (ends.length === 0) return { ownedHere: true, neverEnded: true, successEnd: undefined, unguarded: [] };
  const successEnd = ends.filter((call) => !insideCatch(call, span.owner)).at(-1);
  if (!successEnd) return { ownedHere: true, neverEnded: false, successEnd: undefined, unguarded: [] };
  const spanIds = new Set<TSESTree.Node>(span.variable.references.map((reference) => reference.identifier));
  const endStatements = new Set<TSESTree.Node>(ends.map((call) => outermost(call).parent).filter((node): node is TSESTree.Node => node?.type === AST_NODE_TYPES.ExpressionStatement));
  const unguarded: TSESTree.Node[] = [];
  ownNodes(bodyOf(span.owner), sourceCode, (node) => {
    if (node.range[0] <= span.statement.range[1] || node.range[1] > successEnd.range[0]) return;
    if (!canThrow(node, spanIds, sourceCode)) return;
    if (endedBefore(node, span, endStatements) || guarded(node, span.owner, spanIds, sourceCode)) return;
    unguarded.push(node);
  });
  return { ownedHere: true, neverEnded: false, successEnd, unguarded: unguarded.sort((a, b) => a.range[0] - b.range[0]) };
}

/** `process.exit()` at `node` ends the process while the span is open: between its start and its end, on a path that has not ended it. */
function exitLosesManualSpan(span: ManualSpan, verdict: ManualSpanVerdict, node: TSESTree.Node): boolean {
  const end = verdict.successEnd;
  if (!verdict.ownedHere || !end || ownerOf(node) !== span.owner) return false;
  if (node.range[0] <= span.statement.range[1] || node.range[1] > end.range[0]) return false;
  return !endedBefore(node, span, endStatementsOf(span));
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
        const callee = skipWrappers(node.callee);
        if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return;
        const called = resolveCallback(sourceCode, callee)?.fn;
        if (!called || searched.has(called)) return;
        searched.add(called);
        search(called.body, [...via, functionName(called) ?? "(anonymous)"], false);
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
    const method = methodCallOn(reference.identifier);
    const statement = method?.method === span.spec.end ? outermost(method.call).parent : undefined;
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
function guarded(node: TSESTree.Node, owner: ManualSpan["owner"], spanIds: ReadonlySet<TSESTree.Node>, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (node.type === AST_NODE_TYPES.CallExpression && handedToHandler(node, spanIds, sourceCode)) return true;
  let child: TSESTree.Node = node;
  for (let current = node.parent; current && current !== owner; child = current, current = current.parent) {
    if (current.type !== AST_NODE_TYPES.TryStatement) continue;
    if (child === current.block && current.handler && (endsSpan(current.handler.body, spanIds, sourceCode) || !throwsAgain(current.handler.body, sourceCode))) return true;
    if ((child === current.block || child === current.handler) && current.finalizer && endsSpan(current.finalizer, spanIds, sourceCode)) return true;
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

/** A `span.end()` (any end method) under `root`, or a call handed the span or one of its properties (`endSpanWithError(error, span)`). */
function endsSpan(root: TSESTree.Node, spanIds: ReadonlySet<TSESTree.Node>, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let found = false;
  ownNodes(root, sourceCode, (node) => {
    if (found || node.type !== AST_NODE_TYPES.CallExpression) return;
    const callee = skipWrappers(node.callee);
    const onSpan = callee.type === AST_NODE_TYPES.MemberExpression && spanIds.has(skipWrappers(callee.object));
    const name = memberName(callee);
    found =
      (onSpan && (name === "end" || name === "finish")) ||
      node.arguments.some((arg) => {
        const inner = skipWrappers(arg);
        return spanIds.has(inner) || (inner.type === AST_NODE_TYPES.MemberExpression && spanIds.has(skipWrappers(inner.object)));
      });
  });
  return found;
}

function throwsAgain(root: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let found = false;
  ownNodes(root, sourceCode, (node) => {
    found ||= node.type === AST_NODE_TYPES.ThrowStatement;
  });
  return found;
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
  const spanExpression = span.spec.otelSpan === undefined ? undefined : span.spec.otelSpan === "self" ? span.variable.name : `${span.variable.name}.${span.spec.otelSpan}`;
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
    return [toFix(edit), ...ensureSpanHelpers(fixer, sourceCode, filename)];
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
