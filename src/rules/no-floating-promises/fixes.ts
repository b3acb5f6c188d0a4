/**
 * Suggestion fixers for floating promises:
 *
 *   doWork();                →  await doWork();                 (the enclosing function is async)
 *   a || b;                  →  await (a || b);
 *   void doWork();           →  await doWork();
 *   doWork();                →  doWork().catch(recordErrorOnSpan);
 *   items.forEach(async …)   →  await Promise.all(items.map(async …))
 *   setTimeout(async () => { work(); })  →  the body in try { … } catch (error) { recordErrorOnSpan(error); }
 *
 * `recordErrorOnSpan` is added once per file. It records the error on the active span and
 * sets ERROR, and does not end the span: the floating promise is not the scope's callback,
 * so the span's owner (the SDK wrapper, or the `finally` of `startActiveSpan`) still ends it.
 * `endSpanWithError` would end it early, cutting the scope's duration at the failure.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "../../scopes/ast";
import { toFix, wrapBodyInTry } from "../../fixes/edits";
import { ensureOtelHelpers, fileFlavour } from "../../fixes/imports";

export const RECORD_HELPER = "recordErrorOnSpan";

type SourceCode = Readonly<TSESLint.SourceCode>;
type Fixer = TSESLint.RuleFixer;
type Fix = TSESLint.RuleFix;

/** The range of a node with the grouping parentheses around it: `(a || b)`. */
function outerRange(sourceCode: SourceCode, node: TSESTree.Node): [number, number] {
  let first: TSESTree.Node | TSESTree.Token = node;
  let last: TSESTree.Node | TSESTree.Token = node;
  for (;;) {
    const before: TSESTree.Token | null = sourceCode.getTokenBefore(first);
    const after: TSESTree.Token | null = sourceCode.getTokenAfter(last);
    if (!before || !after || !ASTUtils.isOpeningParenToken(before) || !ASTUtils.isClosingParenToken(after)) break;
    // `f(p)`: those are the call's parentheses, not a group.
    if (
      (node.parent?.type === AST_NODE_TYPES.CallExpression || node.parent?.type === AST_NODE_TYPES.NewExpression) &&
      node.parent.arguments.includes(node as TSESTree.CallExpressionArgument)
    ) {
      break;
    }
    first = before;
    last = after;
  }
  return [first.range[0], last.range[1]];
}

/** `await x` binds tighter than these: `await (a || b)`, `await (p as Promise<void>)`. */
function needsParensForAwait(node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.AssignmentExpression:
    case AST_NODE_TYPES.ArrowFunctionExpression:
    case AST_NODE_TYPES.BinaryExpression:
    case AST_NODE_TYPES.ConditionalExpression:
    case AST_NODE_TYPES.LogicalExpression:
    case AST_NODE_TYPES.SequenceExpression:
    case AST_NODE_TYPES.TSAsExpression:
    case AST_NODE_TYPES.TSSatisfiesExpression:
    case AST_NODE_TYPES.YieldExpression:
      return true;
    default:
      return false;
  }
}

/** `x.catch(…)` can follow these directly; anything else goes in parentheses first. */
function acceptsMemberAccess(sourceCode: SourceCode, node: TSESTree.Node): boolean {
  switch (node.type) {
    case AST_NODE_TYPES.Identifier:
    case AST_NODE_TYPES.MemberExpression:
    case AST_NODE_TYPES.CallExpression:
    case AST_NODE_TYPES.ChainExpression:
    case AST_NODE_TYPES.ImportExpression:
    case AST_NODE_TYPES.ThisExpression:
    case AST_NODE_TYPES.TSNonNullExpression:
    case AST_NODE_TYPES.TaggedTemplateExpression:
    case AST_NODE_TYPES.ArrayExpression:
      return true;
    case AST_NODE_TYPES.NewExpression:
      // `new Promise(run).catch(…)`, but `new Thing.catch(…)` would construct `Thing.catch`.
      return sourceCode.getLastToken(node)?.value === ")";
    default:
      return false;
  }
}

/** A `(` put at the start of a statement must not continue the previous line: `a()\n(b || c).catch()`. */
function needsAsiGuard(sourceCode: SourceCode, statement: TSESTree.Node): boolean {
  const parent = statement.parent;
  if (
    parent?.type !== AST_NODE_TYPES.BlockStatement &&
    parent?.type !== AST_NODE_TYPES.Program &&
    parent?.type !== AST_NODE_TYPES.SwitchCase &&
    parent?.type !== AST_NODE_TYPES.StaticBlock
  ) {
    return false;
  }
  const previous = sourceCode.getTokenBefore(statement);
  if (!previous || [";", "{", ":"].includes(previous.value)) return false;
  if (previous.value === "}") {
    const owner = sourceCode.getNodeByRangeIndex(previous.range[0]);
    return !(owner && owner.range[1] === previous.range[1] && /Statement$|Declaration$|ClassBody|StaticBlock|SwitchCase/u.test(owner.type));
  }
  return true;
}

/** The statement an expression starts, when it does: `(` put before it needs the ASI guard. */
function statementStartingWith(start: number, node: TSESTree.Node): TSESTree.Node | undefined {
  for (let current: TSESTree.Node | undefined = node; current; current = current.parent) {
    if (current.range[0] !== start && current.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
    if (current.type === AST_NODE_TYPES.ExpressionStatement) return current.range[0] === start ? current : undefined;
  }
  return undefined;
}

function voidToken(sourceCode: SourceCode, node: TSESTree.Node): TSESTree.Token | undefined {
  if (node.type !== AST_NODE_TYPES.UnaryExpression || node.operator !== "void") return undefined;
  return sourceCode.getFirstToken(node) ?? undefined;
}

/** `p` → `await p`, `a || b` → `await (a || b)`, `void p` → `await p`. */
export function awaitFix(sourceCode: SourceCode, node: TSESTree.Node): (fixer: Fixer) => Fix[] {
  return (fixer) => {
    const keyword = voidToken(sourceCode, node);
    if (keyword) return [fixer.replaceText(keyword, "await")];
    const [start, end] = outerRange(sourceCode, node);
    const grouped = start !== node.range[0];
    if (grouped || !needsParensForAwait(node)) return [fixer.insertTextBeforeRange([start, start], "await ")];
    return [fixer.insertTextBeforeRange([start, start], "await ("), fixer.insertTextAfterRange([end, end], ")")];
  };
}

/** `.catch(recordErrorOnSpan)` is safe only when every branch is a promise: `(flag && p).catch` throws on `false`. */
export function catchFix(sourceCode: SourceCode, filename: string, node: TSESTree.Node): (fixer: Fixer) => Fix[] {
  return (fixer) => {
    const fixes: Fix[] = [];
    let target = node;
    const keyword = voidToken(sourceCode, node);
    if (keyword && node.type === AST_NODE_TYPES.UnaryExpression) {
      // `void p` → `p.catch(…)`: the operator goes, the promise stays.
      const next = sourceCode.getTokenAfter(keyword) as TSESTree.Token;
      fixes.push(fixer.removeRange([keyword.range[0], next.range[0]]));
      target = node.argument;
    }
    const [start, end] = outerRange(sourceCode, target);
    const grouped = start !== target.range[0];
    const handler = `.catch(${RECORD_HELPER})`;
    if (grouped || acceptsMemberAccess(sourceCode, target)) {
      fixes.push(fixer.insertTextAfterRange([end, end], handler));
    } else {
      const statement = keyword ? undefined : statementStartingWith(start, target);
      const guard = statement && needsAsiGuard(sourceCode, statement) ? ";" : "";
      fixes.push(fixer.insertTextBeforeRange([start, start], `${guard}(`), fixer.insertTextAfterRange([end, end], `)${handler}`));
    }
    fixes.push(...ensureRecordHelper(fixer, sourceCode, filename));
    return fixes;
  };
}

/** `items.forEach(cb)` as a statement → `await Promise.all(items.map(cb))`: the same concurrency, now awaited. */
export function awaitAllFix(call: TSESTree.CallExpression): ((fixer: Fixer) => Fix[]) | undefined {
  const callee = call.callee;
  if (
    call.parent?.type !== AST_NODE_TYPES.ExpressionStatement ||
    callee.type !== AST_NODE_TYPES.MemberExpression ||
    callee.computed ||
    callee.optional ||
    callee.property.type !== AST_NODE_TYPES.Identifier
  ) {
    return undefined;
  }
  const property = callee.property;
  return (fixer) => [
    fixer.insertTextBefore(call, "await Promise.all("),
    fixer.replaceText(property, "map"),
    fixer.insertTextAfter(call, ")"),
  ];
}

/** The callback's own body catches: `try { … } catch (error) { recordErrorOnSpan(error); }`. */
export function catchInsideFix(sourceCode: SourceCode, filename: string, fn: FunctionNode, bodyIsPromise: boolean): ((fixer: Fixer) => Fix[]) | undefined {
  const body = fn.body;
  if (body.type !== AST_NODE_TYPES.BlockStatement) return bodyIsPromise ? catchFix(sourceCode, filename, body) : undefined;
  if (!fn.async || body.body.length === 0) return undefined;
  return (fixer) => {
    const eol = fileFlavour(sourceCode, filename).eol;
    return [toFix(wrapBodyInTry(sourceCode, body, `${RECORD_HELPER}(error);`, [], eol)), ...ensureRecordHelper(fixer, sourceCode, filename)];
  };
}

function helperSource(typescript: boolean, trace: string, status: string, eol: string): string {
  return [
    `// Added by eslint-plugin-traced-exit: record an error nobody awaits on the active span and mark it ERROR.`,
    `// The span's owner still ends it; the rejection stops here instead of ending the process.`,
    `function ${RECORD_HELPER}(error${typescript ? ": unknown" : ""})${typescript ? ": void" : ""} {`,
    `  const span = ${trace}.getActiveSpan();`,
    `  if (span) {`,
    `    span.recordException(error instanceof Error ? error : String(error));`,
    `    span.setStatus({ code: ${status}.ERROR, message: error instanceof Error ? error.message : String(error) });`,
    `  }`,
    `}`,
  ].join(eol);
}

/** Adds `recordErrorOnSpan` and its `@opentelemetry/api` import after the file's imports, once. */
export function ensureRecordHelper(fixer: Fixer, sourceCode: SourceCode, filename: string): Fix[] {
  return ensureOtelHelpers(fixer, sourceCode, filename, [RECORD_HELPER], (flavour, { trace, status }) =>
    helperSource(flavour.typescript, trace, status, flavour.eol),
  );
}

/**
 * `items.map(async …)` as a statement → `await Promise.all(items.map(async …))`; `await jobs`, which
 * waits for none of them → `await Promise.all(jobs)`.
 */
export function awaitArrayFix(sourceCode: SourceCode, node: TSESTree.Node): (fixer: Fixer) => Fix[] {
  return (fixer) => {
    const awaited = node.type === AST_NODE_TYPES.AwaitExpression;
    const [start, end] = outerRange(sourceCode, awaited ? node.argument : node);
    return [fixer.insertTextBeforeRange([start, start], awaited ? "Promise.all(" : "await Promise.all("), fixer.insertTextAfterRange([end, end], ")")];
  };
}
