/**
 * Rewrites for require-flush-before-exit: run the SDK's flush before the process ends.
 *
 *   process.on("SIGTERM", () => process.exit(0))
 *   → process.on("SIGTERM", async () => { await sdk.shutdown(); process.exit(0); })
 *
 *   main().catch(() => process.exit(1));
 *   → main()
 *       .catch((error) => {
 *         console.error(error);
 *         process.exitCode = error?.exitCode ?? 1;
 *       })
 *       .finally(() => traceloop.forceFlush());
 *
 * Errors thrown by no-process-exit's rewrite carry `exitCode`, so the entry keeps the code.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "../scopes/ast";
import { enclosingStatementList, isFunction, skipWrappers, walk } from "../scopes/ast";
import type { ExitCall } from "../scopes/model";
import { killLabel } from "../scopes/model";
import type { Entry, EntryFinding, ProcessLevel } from "../scopes/process-level";
import { dropsExitCode, endsTheError, promiseLinkOf } from "../scopes/process-level";
import type { FlushPlan } from "../rules/require-flush-before-exit/flush-plan";
import { applyEdits, indentAt, indentUnit, wrapBodyInTry } from "./edits";
import type { Edit } from "./edits";
import { caughtLocally, exitSite } from "./exit-fix";
import { exitErrorText } from "./exit-error";
import { fileFlavour } from "./imports";

export type FlushSuggestionId = "awaitFlush" | "awaitExisting" | "flushThenExit" | "exitCodeInstead" | "throwInstead" | "flushAtEntry" | "flushInFinally" | "keepExitCode";

export interface FlushSuggestion {
  readonly messageId: FlushSuggestionId;
  readonly data: Record<string, string>;
  readonly fix: (fixer: TSESLint.RuleFixer) => TSESLint.RuleFix[];
}

export interface FixContext {
  readonly sourceCode: Readonly<TSESLint.SourceCode>;
  readonly filename: string;
  readonly level: ProcessLevel;
  readonly plan: FlushPlan;
}

/** `process.exit(1)`, `process.abort()`: how messages name an exit. */
export function exitLabel(exit: ExitCall): string {
  if (exit.method === "kill") return killLabel(exit);
  const code = exit.codeText !== undefined && exit.codeText.length <= 24 && !exit.codeText.includes("\n") ? exit.codeText : "";
  return `process.${exit.method}(${code})`;
}

/** The suggestions for an exit that runs before any flush, the one the codemod applies first. */
export function exitSuggestions(context: FixContext, exit: ExitCall): FlushSuggestion[] {
  const { level } = context;
  const exitText = exitLabel(exit);
  const fn = level.functionOf(exit.node);
  const suggestions: FlushSuggestion[] = [];
  const exitCode = exitCodeInstead(context, exit, fn);
  if (exitCode) suggestions.push(exitCode);
  const awaited = awaitBeforeExit(context, exit, fn, exitText);
  if (awaited) suggestions.push(awaited);
  else {
    const chained = flushThenExit(context, exit, fn, exitText);
    if (chained) suggestions.push(chained);
  }
  const thrown = throwInstead(context, exit, fn);
  if (thrown) suggestions.push(thrown);
  return suggestions;
}

/** `.mjs`/`.mts`, or a file that already awaits at top level. */
function canUseTopLevelAwait(sourceCode: Readonly<TSESLint.SourceCode>, filename: string): boolean {
  if (/\.m[jt]s$/u.test(filename)) return true;
  if (!fileFlavour(sourceCode, filename).esm || sourceCode.ast.sourceType !== "module") return false;
  let found = false;
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    // An await inside a function is not a top-level one.
    if (found || isFunction(node)) return false;
    if (node.type === AST_NODE_TYPES.AwaitExpression || (node.type === AST_NODE_TYPES.ForOfStatement && node.await)) found = true;
    return !found;
  });
  return found;
}

/**
 * Where `async ` goes to make a function async: before the function itself, but before the key of a
 * method (`onTerm() {}` → `async onTerm() {}`, `static #stop() {}` → `static async #stop() {}`), whose
 * function node starts at its parameters.
 */
function asyncInsertionPoint(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode): number {
  const owner = fn.parent;
  if ((owner?.type === AST_NODE_TYPES.MethodDefinition || (owner?.type === AST_NODE_TYPES.Property && owner.method)) && owner.value === fn) {
    // `["onTerm"]() {}`, `[("onTerm")]() {}`: before the bracket.
    if (!owner.computed) return owner.key.range[0];
    return sourceCode.getTokenBefore(owner.key, { filter: (token) => token.value === "[" })?.range[0] ?? owner.key.range[0];
  }
  return fn.range[0];
}

/** `await flush();` just before the exit, making a listener or promise callback `async` when needed. */
function awaitBeforeExit(context: FixContext, exit: ExitCall, fn: FunctionNode | TSESTree.Program, exitText: string): FlushSuggestion | undefined {
  const { sourceCode, filename, level, plan } = context;
  const site = exitSite(exit);
  if (!site) return undefined;
  let makeAsync: Edit | undefined;
  if (fn.type === AST_NODE_TYPES.Program) {
    // Top-level await only where the file surely runs as an ES module: `import` syntax is not enough,
    // since TypeScript compiled to CommonJS keeps it in the source. Otherwise `flush().finally(exit)`.
    if (!canUseTopLevelAwait(sourceCode, filename)) return undefined;
  } else if (!fn.async) {
    if (!level.mayBecomeAsync(fn)) return undefined;
    const at = asyncInsertionPoint(sourceCode, fn);
    makeAsync = { range: [at, at], text: "async " };
  }
  const asyncNote = makeAsync ? (level.handlerOf(fn) ? " (the handler becomes async)" : " (the callback becomes async)") : "";
  const eol = fileFlavour(sourceCode, filename).eol;

  // `traceloop.forceFlush(); process.exit(0);`: the flush is there, but nothing waits for it.
  if (site.kind === "statement") {
    const list = enclosingStatementList(site.statement);
    const previous = list?.[list.indexOf(site.statement) - 1];
    if (previous?.type === AST_NODE_TYPES.ExpressionStatement && level.isFlushPromise(previous.expression, "success") && skipWrappers(previous.expression).type !== AST_NODE_TYPES.AwaitExpression) {
      const edits: Edit[] = [{ range: [previous.expression.range[0], previous.expression.range[0]], text: "await " }];
      if (makeAsync) edits.push(makeAsync);
      const flushText = sourceCode.getText(previous.expression).split("\n")[0] as string;
      return { messageId: "awaitExisting", data: { flush: flushText, exit: exitText, async: asyncNote }, fix: () => edits.map(toFix) };
    }
  }

  const call = plan.call;
  if (!call) return undefined;
  const edits: Edit[] = [];
  if (makeAsync) edits.push(makeAsync);
  if (site.kind === "statement") {
    const statement = site.statement;
    if (enclosingStatementList(statement)) {
      const indent = indentAt(sourceCode.text, statement.range[0]);
      edits.push({ range: [statement.range[0], statement.range[0]], text: `await ${call.text};${eol}${indent}` });
    } else {
      // `if (failed) process.exit(1);`: the statement becomes a block.
      edits.push({ range: statement.range, text: `{ await ${call.text}; ${sourceCode.getText(statement)} }` });
    }
  } else {
    if (ASTUtils.isParenthesized(site.expression, sourceCode)) return undefined;
    edits.push({ range: site.expression.range, text: `{ await ${call.text}; ${sourceCode.getText(site.expression)}; }` });
  }
  return {
    messageId: "awaitFlush",
    data: { flush: call.text, exit: exitText, async: asyncNote },
    fix: () => [...call.fixes, ...edits.map(toFix)],
  };
}

/** A sync function that ends with the exit: `flush().finally(() => process.exit(1))`, and the function returns. */
function flushThenExit(context: FixContext, exit: ExitCall, fn: FunctionNode | TSESTree.Program, exitText: string): FlushSuggestion | undefined {
  const { sourceCode, plan } = context;
  const site = exitSite(exit);
  const call = plan.call;
  if (!site || !call) return undefined;
  // Only where nothing waits for the function to return: the program's end or a callback. A named helper
  // (`function fail() { …; process.exit(1) }`) would return to callers that never expected it to.
  const callback = fn.type !== AST_NODE_TYPES.Program && fn.parent?.type === AST_NODE_TYPES.CallExpression && fn.parent.arguments.includes(fn as TSESTree.CallExpressionArgument);
  if (fn.type !== AST_NODE_TYPES.Program && !callback) return undefined;
  let expression: TSESTree.Node;
  if (site.kind === "statement") {
    if (site.statement.type !== AST_NODE_TYPES.ExpressionStatement || !isTail(site.statement, fn)) return undefined;
    expression = site.statement.expression;
  } else {
    expression = site.expression;
  }
  const text = `${call.text}.finally(() => ${sourceCode.getText(expression)})`;
  return {
    messageId: "flushThenExit",
    data: { flush: call.text, exit: exitText },
    fix: (fixer) => [...call.fixes, fixer.replaceText(expression, text)],
  };
}

/**
 * `try { … } catch (error) { process.exit(1); } finally { await sdk.shutdown(); }` at the end of the entry
 * function (or of the program): the exit skips the `finally`; an exit code lets it run and the program end.
 */
function exitCodeInstead(context: FixContext, exit: ExitCall, fn: FunctionNode | TSESTree.Program): FlushSuggestion | undefined {
  const { sourceCode, level } = context;
  const site = exitSite(exit);
  if (exit.method !== "exit" || exit.codeText === undefined || site?.kind !== "statement" || site.statement.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
  const block = site.statement.parent;
  const clause = block?.parent;
  const tryStatement = clause?.parent;
  if (block?.type !== AST_NODE_TYPES.BlockStatement || block.body.at(-1) !== site.statement) return undefined;
  if (clause?.type !== AST_NODE_TYPES.CatchClause || tryStatement?.type !== AST_NODE_TYPES.TryStatement) return undefined;
  if (!tryStatement.finalizer?.body.some((statement) => level.statementFlushes(statement))) return undefined;
  const isEntryFunction = fn.type === AST_NODE_TYPES.Program || level.entries().some((entry) => entry.fn === fn);
  if (!isEntryFunction || !isTail(tryStatement, fn)) return undefined;
  const statement = site.statement;
  const assignment = `${processObjectText(sourceCode, exit)}.exitCode = ${exit.codeText}`;
  return {
    messageId: "exitCodeInstead",
    data: { code: exit.codeText },
    fix: (fixer) => [fixer.replaceText(statement.expression, assignment)],
  };
}

/** An exit in a helper of an entry: a throw carrying the exit code reaches the entry, which flushes and sets the code. */
function throwInstead(context: FixContext, exit: ExitCall, fn: FunctionNode | TSESTree.Program): FlushSuggestion | undefined {
  const { sourceCode, level } = context;
  const site = exitSite(exit);
  if ((exit.method !== "exit" && exit.method !== "reallyExit") || exit.codeText === undefined || exit.codeValue === 0) return undefined;
  if (fn.type === AST_NODE_TYPES.Program || level.handlerOf(fn) || promiseLinkOf(fn) || level.entries().length === 0) return undefined;
  if (site?.kind !== "statement" || caughtLocally(exit.node, context.sourceCode)) return undefined;
  const statement = site.statement;
  const text = `throw ${exitErrorText(sourceCode, exit.node, statement, JSON.stringify(`process.${exit.method}(${exit.codeText})`), exit.codeText)};`;
  const replaced = enclosingStatementList(statement) ? text : `{ ${text} }`;
  return { messageId: "throwInstead", data: { code: exit.codeText }, fix: (fixer) => [fixer.replaceText(statement, replaced)] };
}

/** The statement is the last thing its function (or the program) does: nothing runs after it but returns. */
function isTail(statement: TSESTree.Node, fn: FunctionNode | TSESTree.Program): boolean {
  const body = fn.type === AST_NODE_TYPES.Program ? fn : fn.body;
  let current: TSESTree.Node = statement;
  for (;;) {
    if (current === body) return true;
    const parent = current.parent;
    if (!parent) return false;
    if (parent.type === AST_NODE_TYPES.Program || parent.type === AST_NODE_TYPES.BlockStatement) {
      if (parent.body.at(-1) !== current) return false;
      current = parent;
    } else if (parent.type === AST_NODE_TYPES.IfStatement && parent.test !== current) {
      current = parent;
    } else {
      return false;
    }
  }
}

/** `process` in `process.exit(1)` (or `proc` after `import proc from "node:process"`). */
function processObjectText(sourceCode: Readonly<TSESLint.SourceCode>, exit: ExitCall): string {
  const callee = skipWrappers(exit.node.callee);
  return callee.type === AST_NODE_TYPES.MemberExpression ? sourceCode.getText(callee.object) : "process";
}

// --- the entry ------------------------------------------------------------------------------------

/** The entry rewritten so that errors set `process.exitCode` and the flush runs on both paths. */
export function entrySuggestion(context: FixContext, finding: EntryFinding): FlushSuggestion | undefined {
  const entry = finding.entry;
  if (entry.kind === "callback") return finallyFlush(context, entry);
  const call = context.plan.call;
  if (!call) return undefined;
  const edits = entry.awaited && entry.links.length === 0 ? awaitedEntryEdits(context, entry, call.text) : [chainEntryEdit(context, finding, call.text)];
  if (edits.some((edit) => !edit)) return undefined;
  return { messageId: "flushAtEntry", data: { flush: call.text }, fix: () => [...call.fixes, ...(edits as Edit[]).map(toFix)] };
}

/**
 * An entry flushed on both paths whose error handler swallows an error carrying an exit code: the handler
 * keeps the code (`guardCatchClause` for a top-level `catch`, `keepExitCode` for a `.catch(…)` link).
 */
export function exitCodeSuggestion(context: FixContext, entry: Entry): FlushSuggestion | undefined {
  const clause = entry.tryStatement?.handler;
  const edit = clause ? guardCatchClause(context, clause) : chainEntryEdit(context, { entry, paths: [], exits: [] }, undefined, dropsExitCode);
  return edit && { messageId: "keepExitCode", data: {}, fix: () => [toFix(edit)] };
}

/**
 * How messages name the entry: `main()`, `traceloop.withWorkflow()`, `traceAgent(…)()`, `run(async () => …)`,
 * else "The async entry function".
 */
export function entryLabel(sourceCode: Readonly<TSESLint.SourceCode>, entry: Entry): string {
  const short = (node: TSESTree.Node) => {
    const text = sourceCode.getText(node);
    return text.length <= 40 && !text.includes("\n") ? text : undefined;
  };
  const callee = skipWrappers(entry.call.callee);
  let label: string | undefined;
  if (entry.kind === "call") label = callee.type === AST_NODE_TYPES.Identifier ? `${callee.name}()` : undefined;
  else if (entry.kind === "wrapped") label = callee.type === AST_NODE_TYPES.CallExpression ? short(callee.callee) && `${short(callee.callee)}(…)()` : short(callee) && `${short(callee)}()`;
  else if (entry.kind === "callback") label = short(callee) && `${short(callee)}(async () => …)`;
  else label = short(callee) && `${short(callee)}()`;
  return label ?? "The async entry function";
}

/**
 * `run(async () => { …; await sdk.shutdown(); })`: the statements before the flush go into a `try`, the flush
 * into its `finally`. The error still reaches `run` as before, so the exit code stays whatever `run` made it.
 */
function finallyFlush(context: FixContext, entry: Entry): FlushSuggestion | undefined {
  const { sourceCode } = context;
  const body = entry.fn?.body;
  if (body?.type !== AST_NODE_TYPES.BlockStatement) return undefined;
  const flush = body.body.at(-1);
  const previous = body.body.at(-2);
  if (!flush || !previous) return undefined;
  const eol = fileFlavour(sourceCode, context.filename).eol;
  const edit = wrapBodyInTry(sourceCode, body, sourceCode.getText(flush), [{ range: [previous.range[1], flush.range[1]], text: "" }], eol, "finally");
  const flushText = sourceCode.getText(flush).replace(/^await\s+|;$/gu, "");
  return { messageId: "flushInFinally", data: { flush: flushText }, fix: () => [toFix(edit)] };
}

function layout(context: FixContext, at: number) {
  const text = context.sourceCode.text;
  const eol = fileFlavour(context.sourceCode, context.filename).eol;
  const unit = indentUnit(text);
  const indent = indentAt(text, at);
  return { eol, unit, indent };
}

/** `error?.exitCode`; `(error as { exitCode?: number })?.exitCode` when the parameter is typed (`unknown`). */
export function exitCodeFrom(param: string, typed: boolean): string {
  return typed ? `(${param} as { exitCode?: number })?.exitCode` : `${param}?.exitCode`;
}

/**
 * `await main();` → `try { await main(); } catch (error) { …exitCode… } finally { await flush(); }`;
 * inside a top-level `try` already, the flush joins (or becomes) its `finally`, and a `catch` that only
 * logs keeps the exit code an error carries (`guardCatchClause`).
 */
function awaitedEntryEdits(context: FixContext, entry: Entry, flush: string): (Edit | undefined)[] {
  const handler = entry.tryStatement?.handler;
  const guard = handler && !endsTheError(handler.body, context.sourceCode) ? guardCatchClause(context, handler) : undefined;
  // A catch that swallows and cannot be guarded: no rewrite rather than one that turns an exit code into 0.
  if (handler && !endsTheError(handler.body, context.sourceCode) && !guard) return [undefined];
  return guard ? [awaitedEntryEdit(context, entry, flush), guard] : [awaitedEntryEdit(context, entry, flush)];
}

/**
 * A top-level `catch` that only logs swallows the exit code an error carries (the throw that replaces
 * `process.exit(N)` in traced scope, no-process-exit's rewrite): a program that exited N would end with 0.
 * An error carrying an exit code stands for the exit, which never ran this clause, so the clause now sets
 * that code and does nothing else; any other error is handled as before.
 *
 *   } catch (e) {           } catch (e) {
 *     console.error(e);   →   if ((e as { exitCode?: number })?.exitCode !== undefined) {
 *   }                           process.exitCode = (e as { exitCode?: number })?.exitCode;
 *                             } else {
 *                               console.error(e);
 *                             }
 *                           }
 *
 * `undefined` when the clause's shape is not one this rewrites (a destructured parameter, a statement on
 * several lines, comments inside).
 */
export function guardCatchClause(context: FixContext, handler: TSESTree.CatchClause): Edit | undefined {
  const { sourceCode } = context;
  const param = handler.param;
  if (param && param.type !== AST_NODE_TYPES.Identifier) return undefined;
  const statements = handler.body.body.map((statement) => sourceCode.getText(statement));
  if (statements.some((statement) => statement.includes("\n")) || sourceCode.getCommentsInside(handler.body).length > 0) return undefined;
  const { eol, unit } = layout(context, 0);
  const indent = indentAt(sourceCode.text, handler.range[0]);
  const name = param?.name ?? "error";
  // A TypeScript catch variable is `unknown` (or `any`, where the cast is harmless).
  const code = exitCodeFrom(name, fileFlavour(sourceCode, context.filename).typescript);
  const rest = statements.length > 0 ? ["} else {", ...statements.map((statement) => `${unit}${statement}`)] : [];
  const lines = [`if (${code} !== undefined) {`, `${unit}process.exitCode = ${code};`, ...rest, "}"];
  const head = `catch (${param ? sourceCode.getText(param) : name}) `;
  return { range: handler.range, text: `${head}{${eol}${lines.map((line) => `${indent}${unit}${line}`).join(eol)}${eol}${indent}}` };
}

function awaitedEntryEdit(context: FixContext, entry: Entry, flush: string): Edit | undefined {
  const { sourceCode } = context;
  const { eol, unit, indent } = layout(context, entry.statement.range[0]);
  const tryStatement = entry.tryStatement;
  if (!tryStatement) {
    const typescript = fileFlavour(sourceCode, context.filename).typescript;
    const code = typescript ? "(error as { exitCode?: number })?.exitCode" : "error?.exitCode";
    const lines = [
      "try {",
      `${indent}${unit}${sourceCode.getText(entry.statement)}`,
      `${indent}} catch (error) {`,
      `${indent}${unit}console.error(error);`,
      `${indent}${unit}process.exitCode = ${code} ?? 1;`,
      `${indent}} finally {`,
      `${indent}${unit}await ${flush};`,
      `${indent}}`,
    ];
    return { range: entry.statement.range, text: lines.join(eol) };
  }
  const tryIndent = indentAt(sourceCode.text, tryStatement.range[0]);
  const finalizer = tryStatement.finalizer;
  if (!finalizer) {
    return { range: [tryStatement.range[1], tryStatement.range[1]], text: ` finally {${eol}${tryIndent}${unit}await ${flush};${eol}${tryIndent}}` };
  }
  const last = finalizer.body.at(-1);
  if (last) return { range: [last.range[1], last.range[1]], text: `${eol}${indentAt(sourceCode.text, last.range[0])}await ${flush};` };
  return { range: finalizer.range, text: `{${eol}${tryIndent}${unit}await ${flush};${eol}${tryIndent}}` };
}

/**
 * `main().catch(() => process.exit(1));` → the chain one link a line, each exit in its callbacks replaced by
 * `process.exitCode`, a `.catch` that keeps the error's exit code, and `.finally(() => flush())`.
 */
function chainEntryEdit(context: FixContext, finding: EntryFinding, flush: string | undefined, drops: Drops = logsOnly): Edit | undefined {
  const { sourceCode, level } = context;
  const entry = finding.entry;
  const text = sourceCode.text;
  const { eol, unit, indent } = layout(context, entry.statement.range[0]);
  const inner = indent + unit;
  const links: string[] = [];
  let hasCatch = false;
  let endsWithFlush = false;
  const lostIn = (fn: TSESTree.Node) => finding.exits.filter((exit) => level.functionOf(exit.node) === fn);

  for (const link of entry.links) {
    const callee = skipWrappers(link.call.callee) as TSESTree.MemberExpression;
    if (ASTUtils.isParenthesized(callee.object, sourceCode)) return undefined;
    const raw = text.slice(callee.object.range[1], link.call.range[1]);
    const segment = raw.trimStart();
    const sameLine = !raw.slice(0, raw.length - segment.length).includes("\n");
    const shift = (value: string) => (sameLine ? reindent(value, unit) : value);
    const handlers = link.call.arguments.map((arg) => (isFunction(skipWrappers(arg)) ? (skipWrappers(arg) as FunctionNode) : undefined));
    const lostByArg = handlers.map((fn) => (fn ? lostIn(fn) : []));
    endsWithFlush = link.method === "finally" && !!link.call.arguments[0] && level.isFlushPromise(link.call, "success") && level.isFlushPromise(link.call, "failure");
    if (lostByArg.every((lost) => lost.length === 0)) {
      const onlyArg = link.call.arguments.length === 1 ? link.call.arguments[0] : undefined;
      const kept = link.method === "catch" && onlyArg ? keepExitCode(context, onlyArg, handlers[0], inner, drops) : undefined;
      links.push(kept ?? shift(segment));
      if (link.method === "catch" || (link.method === "then" && link.call.arguments.length > 1)) hasCatch = true;
      continue;
    }
    endsWithFlush = false;
    if (link.method === "catch") {
      // The error handler: log, keep the error's exit code, and let the chain go on to the flush.
      const handler = link.call.arguments.length === 1 ? standardCatch(context, handlers[0], lostByArg[0] ?? [], inner) : undefined;
      if (!handler) return undefined;
      links.push(handler);
      hasCatch = true;
      continue;
    }
    const [okArg, errorArg] = link.call.arguments;
    if (!okArg || link.call.arguments.length > (link.method === "then" ? 2 : 1)) return undefined;
    const ok = successCallback(context, okArg, handlers[0], lostByArg[0] ?? []);
    if (!ok) return undefined;
    if (errorArg && (lostByArg[1]?.length ?? 0) > 0) {
      // `.then(ok, onError)`: `.then(ok)` and the error handler as a `.catch` (which also sees ok's errors).
      const handler = standardCatch(context, handlers[1], lostByArg[1] ?? [], inner);
      if (!handler) return undefined;
      if (ok.text !== undefined) links.push(shift(`.then(${ok.text})`));
      links.push(handler);
      hasCatch = true;
    } else if (errorArg) {
      links.push(shift(ok.text !== undefined ? `.then(${ok.text}, ${sourceCode.getText(errorArg)})` : `.catch(${sourceCode.getText(errorArg)})`));
      hasCatch = true;
    } else if (ok.text !== undefined) {
      links.push(shift(`.${link.method}(${ok.text})`));
    }
  }
  if (!hasCatch) {
    const handler = `.catch((error) => {${eol}${inner}${unit}console.error(error);${eol}${inner}${unit}process.exitCode = ${exitCodeFrom("error", false)} ?? 1;${eol}${inner}})`;
    // Before a final `.finally(() => flush())` already there, as in the shape the fix writes.
    links.splice(endsWithFlush ? links.length - 1 : links.length, 0, handler);
  }
  if (!endsWithFlush && flush !== undefined) links.push(`.finally(() => ${flush})`);
  const semicolon = text[entry.statement.range[1] - 1] === ";" ? ";" : "";
  const replacement = `${entry.awaited ? "await " : ""}${sourceCode.getText(entry.call)}${links.map((link) => `${eol}${inner}${link}`).join("")}${semicolon}`;
  return { range: entry.statement.range, text: replacement };
}

/**
 * A success (or finally) callback that ends with an exit: dropped when the exit is all it does with code 0
 * (`.then(() => process.exit(0))`: ending is the default), else the exit becomes `process.exitCode = N`.
 * `text` is the callback as it will be written, `undefined` when dropped.
 */
function successCallback(context: FixContext, arg: TSESTree.Node, fn: FunctionNode | undefined, lost: readonly ExitCall[]): { text: string | undefined } | undefined {
  const { sourceCode } = context;
  if (lost.length === 0) return { text: sourceCode.getText(arg) };
  if (!fn || lost.length !== 1) return undefined;
  const exit = lost[0] as ExitCall;
  const site = tailExitSite(fn, exit);
  if (!site || exit.method !== "exit") return undefined;
  const onlyExit = fn.body.type === AST_NODE_TYPES.BlockStatement ? fn.body.body.length === 1 : true;
  if (onlyExit && (exit.codeValue === 0 || exit.codeText === undefined)) return { text: undefined };
  if (exit.codeText === undefined) return undefined;
  // `.then(() => { report(); process.exit(2); })`: the code stays, the exit goes.
  const assignment = `${processObjectText(sourceCode, exit)}.exitCode = ${exit.codeText}`;
  const edit: Edit = site.kind === "statement" ? { range: site.statement.range, text: `${assignment};` } : { range: site.expression.range, text: `{ ${assignment}; }` };
  return { text: applyEdits(sourceCode.getText(arg), arg.range[0], [edit]) };
}

/** The exit as the last thing the callback does: its last statement, or its arrow body. */
function tailExitSite(fn: FunctionNode, exit: ExitCall) {
  const site = exitSite(exit);
  if (!site) return undefined;
  const tail = site.kind === "arrow-body" || (fn.body.type === AST_NODE_TYPES.BlockStatement && fn.body.body.at(-1) === site.statement);
  return tail ? site : undefined;
}

/**
 * `.catch((error) => { <the handler's statements before the exit, else console.error(error)>;
 * process.exitCode = error?.exitCode ?? <the exit's code>; })`
 */
function standardCatch(context: FixContext, fn: FunctionNode | undefined, lost: readonly ExitCall[], inner: string): string | undefined {
  const { sourceCode } = context;
  const { eol, unit } = layout(context, 0);
  if (!fn || lost.length !== 1) return undefined;
  const exit = lost[0] as ExitCall;
  if (!tailExitSite(fn, exit)) return undefined;
  if (fn.params.length > 1 || (fn.params[0] && fn.params[0].type !== AST_NODE_TYPES.Identifier)) return undefined;
  const param = fn.params[0] as TSESTree.Identifier | undefined;
  const body = fn.body;
  const before = body.type === AST_NODE_TYPES.BlockStatement ? body.body.slice(0, -1) : [];
  if (before.some((statement) => sourceCode.getText(statement).includes("\n"))) return undefined;
  const name = param?.name ?? "error";
  const logging = before.length > 0 ? before.map((statement) => sourceCode.getText(statement)) : [`console.error(${name});`];
  const code = exit.method === "exit" ? exit.codeText : undefined;
  const fallback = code !== undefined && code !== "0" ? code : "1";
  const lines = [...logging, `process.exitCode = ${exitCodeFrom(name, !!param?.typeAnnotation)} ?? ${fallback};`];
  const head = `${fn.async ? "async " : ""}(${param ? sourceCode.getText(param) : "error"}) => {`;
  return `.catch(${head}${eol}${lines.map((line) => `${inner}${unit}${line}`).join(eol)}${eol}${inner}})`;
}

/**
 * A `.catch` handler that only logs swallows the error, and with it the exit code that an exit rewritten
 * into a throw (no-process-exit) now carries: a program that exited 3 would end with 0, after printing what
 * the handler prints. An error carrying an exit code stands for the exit: the original program ended there
 * without running this handler, so the handler now sets that code and stops; any other error is handled as
 * it was.
 *
 *   .catch(console.error)
 *   → .catch((error) => {
 *       if (error?.exitCode !== undefined) {
 *         process.exitCode = error?.exitCode;
 *         return;
 *       }
 *       console.error(error);
 *     })
 *
 * `undefined`: the handler is left as it is (`drops` says it keeps the code: it throws, returns, exits or sets
 * the exit code itself, or its shape is not one of these). Where the file throws an error carrying a code
 * (`entryDropsExitCode`), a handler that sets a constant code (`process.exitCode = 1;`) is guarded too: that
 * code would replace the exit's (measured: 5 became 1, tests/codemods/__runnable__/flush-entry-constant-code.ts).
 */
function keepExitCode(context: FixContext, arg: TSESTree.Node, fn: FunctionNode | undefined, inner: string, drops: Drops): string | undefined {
  const { sourceCode } = context;
  const { eol, unit } = layout(context, 0);
  const block = (head: string, name: string, typed: boolean, lines: string[]) => {
    const code = exitCodeFrom(name, typed);
    const guard = [`if (${code} !== undefined) {`, `${unit}process.exitCode = ${code};`, `${unit}return;`, "}"];
    return `.catch(${head}{${eol}${[...guard, ...lines].map((line) => `${inner}${unit}${line}`).join(eol)}${eol}${inner}})`;
  };
  const callee = skipWrappers(arg);
  if (!fn) {
    // `.catch(console.error)`, `.catch(logger.warn)`: called with the error, as the promise would.
    if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return undefined;
    if (callee.type === AST_NODE_TYPES.MemberExpression && (callee.computed || callee.object.type !== AST_NODE_TYPES.Identifier)) return undefined;
    return block("(error) => ", "error", false, [`${sourceCode.getText(arg)}(error);`]);
  }
  if (fn.type !== AST_NODE_TYPES.ArrowFunctionExpression || fn.params.length > 1 || !drops(fn.body, sourceCode)) return undefined;
  const param = fn.params[0];
  if (param && param.type !== AST_NODE_TYPES.Identifier) return undefined;
  const head = `${fn.async ? "async " : ""}(${param ? sourceCode.getText(param) : "error"}) => `;
  const body = fn.body;
  const statements = body.type === AST_NODE_TYPES.BlockStatement ? body.body.map((statement) => sourceCode.getText(statement)) : [`${sourceCode.getText(body)};`];
  if (statements.some((statement) => statement.includes("\n"))) return undefined;
  return block(head, param?.name ?? "error", !!param?.typeAnnotation, statements);
}

/** Whether an error handler's body lets an error's exit code go. */
type Drops = (body: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>) => boolean;

/** When the entry gets its flush: a handler that only logs (one that sets any code of its own is left as written). */
const logsOnly: Drops = (body, sourceCode) => !endsTheError(body, sourceCode);

/** Continuation lines one step deeper (a link moved from the statement's first line to its own line). */
function reindent(value: string, unit: string): string {
  if (value.includes("`")) return value;
  return value.replace(/\n(?=[ \t]*\S)/gu, `\n${unit}`);
}

function toFix(edit: Edit): TSESLint.RuleFix {
  return { range: [edit.range[0], edit.range[1]], text: edit.text };
}
