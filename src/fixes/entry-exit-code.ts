/**
 * An exit rewritten into a throw carrying `exitCode` travels to the program's entry. Two entry shapes
 * would end the program with another code, and nothing else rewrites them:
 *
 * - a top-level `try { await main(); } catch (error) { console.error(error); }`, or a `.catch(handler)` link
 *   (`main().catch((err) => { console.error(err); process.exitCode = 1; })`, `.catch(console.error)`), whose
 *   handler only logs or sets a constant exit code: the program that exited 5 now ends with 0 or 1
 *   (require-flush-before-exit adds the flush to this entry, not the code). The original ended at the exit,
 *   without running the handler, so an error carrying an exit code sets it and skips the handler; any other
 *   error is handled as before. Statements of the handler that flush (`await sdk.shutdown();`, last) stay
 *   after the guard and run on both branches: the spans the throw records are exported by them.
 *
 *     } catch (error) {                                      .catch((err) => {
 *       if ((error as { exitCode?: number })?.exitCode !==     if (err?.exitCode !== undefined) {
 *           undefined) {                                           process.exitCode = err?.exitCode;
 *         process.exitCode = (error as …)?.exitCode;             } else {
 *       } else {                                                   console.error(err);
 *         console.error(error);                                    process.exitCode = 1;
 *       }                                                        }
 *     }                                                          await sdk.shutdown();
 *                                                              })
 *
 *   A `.catch(reference)` becomes `.catch((error) => { if (…) { … } else { return reference(error); } })`,
 *   unless the reference is a same-file function that flushes or itself ends the error (then it is left,
 *   and require-flush-before-exit reports the entry for a look).
 *
 * - a bare `main();` in a program whose SDK captures unhandled rejections itself (Sentry's default mode,
 *   which also keeps the process from crashing): the rejection reaches Sentry, but the program ends with
 *   0. A `.catch` that only handled the error would take it away from Sentry's capture; this one sets the
 *   code and rethrows, so Sentry still captures the same error as an unhandled rejection:
 *
 *     main().catch((error) => {
 *       process.exitCode = error?.exitCode ?? 1;
 *       throw error;
 *     });
 *
 * - a bare `main();` (or one chained with `.then(onFulfilled)` / `.finally(…)` only, which let a rejection
 *   through) in a program whose SDK sends its queue from its own end-of-run hook and has no flush to call
 *   (dd-trace, pipeline `drains-at-end`; require-flush-before-exit has nothing to ask for there): the rejection
 *   would crash the process with code 1, before dd-trace's `beforeExit` drain, so the spans the throw was for
 *   are lost again. The `.catch` sets the code and prints what is not an exit's error, as Node would; the
 *   process then ends naturally and the SDK sends its queue:
 *
 *     main().catch((error) => {
 *       process.exitCode = error?.exitCode ?? 1;
 *       if (error?.exitCode === undefined) console.error(error);
 *     });
 *
 * - a bare `main();` whose promise has flushed on both paths (`try { … } finally { await provider.shutdown(); }`
 *   inside main), in a program whose SDK does nothing with an unhandled rejection (a batch or simple processor):
 *   require-flush-before-exit has nothing to rewrite there, so without this the rejection crashes the process
 *   with code 1 where the exit ended it with its own code. Only an exit's error is handled; any other error is
 *   rethrown, and crashes the process as it did before:
 *
 *     main().catch((error) => {
 *       if (error?.exitCode === undefined) throw error;
 *       process.exitCode = error?.exitCode;
 *     });
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ChainLink, Entry } from "../scopes/process-level";
import { dropsExitCode } from "../scopes/process-level";
import { isFunction, skipWrappers, walk, type FunctionNode } from "../scopes/ast";
import { resolveCallback } from "../scopes/model";
import type { Edit } from "./edits";
import { indentAt, indentUnit } from "./edits";
import { exitCodeFrom } from "./flush-fix";
import { fileFlavour } from "./imports";

/**
 * The edits that make each entry of the file keep an error's exit code. `rejections`: what the SDK does with an
 * unhandled rejection (src/scopes/pipeline.ts `rejectionHandling`): Sentry captures it (the `.catch` sets the code
 * and rethrows, so Sentry still captures it); the OpenAI Agents SDK flushes and exits 1, and dd-trace is cut off
 * by the crash before its end-of-run drain (`crash-skips-drain`), so the `.catch` handles it instead, printing
 * what is not an exit's error as Node would, and the SDK sends its queue on `beforeExit`.
 */
export function entryExitCodeEdits(
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  entries: readonly Entry[],
  rejections: "captured" | "exits-1" | "crash-skips-drain" | undefined,
  flushedOnBothPaths: (entry: Entry) => boolean = () => false,
  statementFlushes: (statement: TSESTree.Node) => boolean = () => false,
): Edit[] {
  const edits: Edit[] = [];
  const { eol, typescript } = fileFlavour(sourceCode, filename);
  const unit = indentUnit(sourceCode.text);
  for (const entry of entries) {
    // A `.catch(…)` link of the chain sees the rejection before a top-level try's catch does: it is the one guarded.
    const link = firstCatch(entry);
    const handler = link ? undefined : entry.tryStatement?.handler;
    if (handler) {
      const param = handler.param;
      if (param && param.type !== "Identifier") continue;
      const name = param?.name ?? "error";
      const body = guardedBody(sourceCode, handler.body, exitCodeFrom(name, typescript), statementFlushes, eol, unit);
      if (!body) continue;
      // `catch {`: the error gets a name.
      if (!param) edits.push({ range: [handler.range[0], handler.body.range[1]], text: `catch (error) ${body}` });
      else edits.push({ range: handler.body.range, text: body });
      continue;
    }
    if (link) {
      const edit = guardedCatchLink(sourceCode, link, statementFlushes, eol, unit);
      if (edit) edits.push(edit);
    } else if (!entry.awaited && !entry.tryStatement && (rejections ? passesRejections(entry, rejections) : entry.links.length === 0 && flushedOnBothPaths(entry))) {
      const indent = indentAt(sourceCode.text, entry.statement.range[0]);
      const code = exitCodeFrom("error", false);
      const last = rejections === "captured" ? [`${unit}throw error;`] : [`${unit}if (${code} === undefined) console.error(error);`];
      const lines = rejections
        ? [".catch((error) => {", `${unit}process.exitCode = ${code} ?? 1;`, ...last, "})"]
        : [".catch((error) => {", `${unit}if (${code} === undefined) throw error;`, `${unit}process.exitCode = ${code};`, "})"];
      // Inserted after the chain, never replacing it: the exit being rewritten may be inside it (a scope opened at top level).
      const end = (entry.links.at(-1)?.call ?? entry.call).range[1];
      edits.push({ range: [end, end], text: lines.join(`${eol}${indent}`) });
    }
  }
  return edits;
}

/** The chain's first `.catch(handler)` link, unless a `.then(ok, onError)` before it sees the rejection first. */
function firstCatch(entry: Entry): ChainLink | undefined {
  for (const link of entry.links) {
    if (link.method === "then" && link.call.arguments.length > 1) return undefined;
    if (link.method === "catch") return link.call.arguments.length === 1 ? link : undefined;
  }
  return undefined;
}

/**
 * `.catch(handler)` → `.catch((err) => { <guard> })`: the handler's statements in the guard's `else`, its
 * trailing flushes after it. `undefined` when the handler keeps the code already or its shape is not one this rewrites.
 */
function guardedCatchLink(
  sourceCode: Readonly<TSESLint.SourceCode>,
  link: ChainLink,
  statementFlushes: (statement: TSESTree.Node) => boolean,
  eol: string,
  unit: string,
): Edit | undefined {
  const arg = link.call.arguments[0] as TSESTree.Node;
  const inner = skipWrappers(arg);
  const indent = indentAt(sourceCode.text, arg.range[0]);
  if (isFunction(inner)) {
    if (inner.params.length > 1 || inner.type === AST_NODE_TYPES.FunctionDeclaration) return undefined;
    const param = inner.params[0];
    if (param && param.type !== AST_NODE_TYPES.Identifier) return undefined;
    // `function (err) { … }` keeps its `this`-less form as an arrow: a `.catch` handler is called with no receiver.
    if (inner.type === AST_NODE_TYPES.FunctionExpression && usesThisOrArguments(inner, sourceCode)) return undefined;
    const head = `${inner.async ? "async " : ""}(${param ? sourceCode.getText(param) : "error"}) => `;
    const expression = inner.body.type === AST_NODE_TYPES.BlockStatement ? undefined : inner.body;
    // `(err) => report(err)`: the expression as the handler's one statement, returned as the arrow returned it (the chain
    // may wait for it or pass it on); an object literal or a sequence keeps the parentheses the arrow needed.
    const text = sourceCode.getText(expression ?? inner.body);
    const parenthesised = expression?.type === AST_NODE_TYPES.ObjectExpression || expression?.type === AST_NODE_TYPES.SequenceExpression ? `(${text})` : text;
    const statements = expression ? [{ node: expression, text: `return ${parenthesised};` }] : undefined;
    const body = guardedBody(sourceCode, inner.body, exitCodeFrom(param?.name ?? "error", !!param?.typeAnnotation), statementFlushes, eol, unit, indent, statements);
    return body === undefined ? undefined : { range: arg.range, text: `${head}${body}` };
  }
  // `.catch(console.error)`, `.catch(logger.warn)`, `.catch(report)`: called with the error, as the promise would.
  const isReference =
    inner.type === AST_NODE_TYPES.Identifier ||
    (inner.type === AST_NODE_TYPES.MemberExpression && !inner.computed && inner.object.type === AST_NODE_TYPES.Identifier);
  if (!isReference) return undefined;
  const resolved = resolveCallback(sourceCode, inner)?.fn;
  if (resolved && (!dropsExitCode(resolved.body, sourceCode) || flushesInside(resolved, statementFlushes, sourceCode))) return undefined;
  const text = sourceCode.getText(arg);
  const call = `${text}(error);`;
  // Its result is returned, as the `.catch(reference)` returned it (a promise the chain waits for); `console.*` returns nothing.
  const statement = inner.type === AST_NODE_TYPES.MemberExpression && inner.object.type === AST_NODE_TYPES.Identifier && inner.object.name === "console" ? call : `return ${call}`;
  const body = guardedBody(sourceCode, undefined, exitCodeFrom("error", false), statementFlushes, eol, unit, indent, [{ node: inner, text: statement }]);
  return body === undefined ? undefined : { range: arg.range, text: `(error) => ${body}` };
}

/**
 * `{ if (<code> !== undefined) { process.exitCode = <code>; } else { <handler's statements> } <its flushes> }`,
 * indented from `indent` (the handler's line). `undefined` when the handler keeps the code already (it throws,
 * returns a value, ends the process, or sets the exit code from something other than a constant), when a
 * statement spans lines or there are comments (their place would be guessed), or when a flush comes before
 * another statement.
 */
function guardedBody(
  sourceCode: Readonly<TSESLint.SourceCode>,
  block: TSESTree.Node | undefined,
  code: string,
  statementFlushes: (statement: TSESTree.Node) => boolean,
  eol: string,
  unit: string,
  indent = block ? indentAt(sourceCode.text, block.range[0]) : "",
  given?: { node: TSESTree.Node; text: string }[],
): string | undefined {
  if (block && (!dropsExitCode(block, sourceCode) || sourceCode.getCommentsInside(block).length > 0)) return undefined;
  const statements =
    given ?? (block?.type === AST_NODE_TYPES.BlockStatement ? block.body.map((statement) => ({ node: statement as TSESTree.Node, text: sourceCode.getText(statement) })) : []);
  if (statements.some(({ text }) => text.includes("\n"))) return undefined;
  const firstFlush = statements.findIndex(({ node }) => statementFlushes(node));
  const handling = firstFlush === -1 ? statements : statements.slice(0, firstFlush);
  const flushes = firstFlush === -1 ? [] : statements.slice(firstFlush);
  if (!flushes.every(({ node }) => statementFlushes(node))) return undefined;
  const inner = indent + unit;
  const rest = handling.length > 0 ? ["} else {", ...handling.map(({ text }) => `${unit}${text}`)] : [];
  const lines = [`if (${code} !== undefined) {`, `${unit}process.exitCode = ${code};`, ...rest, "}", ...flushes.map(({ text }) => text)];
  return `{${eol}${lines.map((line) => `${inner}${line}`).join(eol)}${eol}${indent}}`;
}

/** A statement of the function's own body (not of nested functions) flushes. */
function flushesInside(fn: FunctionNode, statementFlushes: (statement: TSESTree.Node) => boolean, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return statementFlushes(fn.body);
  let found = false;
  walk(fn.body, sourceCode.visitorKeys, (node) => {
    if (node !== fn.body && isFunction(node)) return false;
    found ||= node !== fn.body && statementFlushes(node);
    return !found;
  });
  return found;
}

function usesThisOrArguments(fn: FunctionNode, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  let found = false;
  walk(fn.body, sourceCode.visitorKeys, (node) => {
    if (node !== fn.body && isFunction(node) && node.type !== AST_NODE_TYPES.ArrowFunctionExpression) return false;
    found ||= node.type === AST_NODE_TYPES.ThisExpression || (node.type === AST_NODE_TYPES.Identifier && node.name === "arguments");
    return !found;
  });
  return found;
}

/**
 * The entry's chain lets a rejection through to the process: no link (`main();`), or, for dd-trace's drain, only
 * `.then(onFulfilled)` and `.finally(…)` links (`answer().then((reply) => console.log(reply));`), after which the
 * added `.catch` sees the same rejection.
 */
function passesRejections(entry: Entry, rejections: "captured" | "exits-1" | "crash-skips-drain"): boolean {
  if (rejections !== "crash-skips-drain") return entry.links.length === 0;
  return entry.links.every((link) => link.method === "finally" || (link.method === "then" && link.call.arguments.length < 2));
}
