/**
 * The error a rewrite throws (or records) in place of `process.exit(N)`: an Error carrying the exit code,
 * whose message says what the program printed just before, and which carries the error the code had caught:
 *
 *   } catch (err) {                                   } catch (err) {
 *     console.error("LLM failed:", err);                console.error("LLM failed:", err);
 *     process.exit(1);                           →      throw Object.assign(new Error("LLM failed: " + (err instanceof Error ? err.message : String(err))),
 *   }                                                     { exitCode: 1, cause: err });
 *                                                     }
 *
 * The span's `exception` event then says what failed ("LLM failed: rate limited"), not only the logged text
 * (new-user report 10). `cause` is set by `Object.assign`, not by `new Error(message, { cause })`: the
 * options argument needs TypeScript's `lib` es2022 or later, and the program's `lib` is not known here; the
 * assigned property reads the same (`error.cause`, which Sentry's linked errors follow), and differs only in
 * being enumerable (util.inspect prints it as `cause: …`, not `[cause]: …`). The message is built from
 * values the `console.error` call already read (the caught error, a string or template literal), so nothing
 * the program calls runs twice.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { enclosingStatementList, isFunction, memberName, skipWrappers } from "../scopes/ast";
import { promiseLinkOf } from "../scopes/process-level";

/**
 * `Object.assign(new Error(…), { exitCode: <code>, cause: <caught> })` for the exit at `statement` (the
 * statement the exit call makes; `undefined` when it is an arrow's body, with no statement before it).
 * `fallback`: the message's JSON text when no `console.error(…)` comes just before.
 */
export function exitErrorText(sourceCode: Readonly<TSESLint.SourceCode>, exit: TSESTree.Node, statement: TSESTree.Statement | undefined, fallback: string, exitCode: string): string {
  const found = caughtError(exit);
  // The same binding at the exit: not a `const err` of a block between.
  const caught = found && ASTUtils.findVariable(sourceCode.getScope(exit), found.name)?.defs[0]?.name === found ? found : undefined;
  const list = statement && enclosingStatementList(statement);
  const args = consoleErrorArguments(list?.[list.indexOf(statement as TSESTree.Statement) - 1]);
  // What the console printed just before: a leading text (`console.error("LLM failed:", err)`), or one value.
  const first = args?.[0] && skipWrappers(args[0]);
  const lead = first && isText(first) ? first : undefined;
  const logsCaught = caught !== undefined && (args ?? []).some((arg) => isCaught(arg, caught));
  let message = fallback;
  if (lead) message = sourceCode.getText(args?.[0] as TSESTree.Node);
  else if (args?.length === 1 && !logsCaught) message = `String(${sourceCode.getText(args[0] as TSESTree.Node)})`;
  if (caught && logsCaught && !lead) {
    // console.error(err): the error's message (its String() would start with "Error: ").
    message = errorMessage(caught, false);
  } else if (caught) {
    // After the text, as the console printed them (" "); after what did not print the error, ": ".
    const separator = logsCaught ? " " : ": ";
    message = `${lead ? joined(lead, sourceCode, separator) : joinedText(message, separator)} + ${errorMessage(caught)}`;
  }
  return `Object.assign(new Error(${message}), { exitCode: ${exitCode}${caught ? `, cause: ${caught.name}` : ""} })`;
}

/** `err instanceof Error ? err.message : String(err)`: the message of whatever was thrown (in parentheses as an operand of `+`). */
function errorMessage(caught: TSESTree.Identifier, operand = true): string {
  const text = `${caught.name} instanceof Error ? ${caught.name}.message : String(${caught.name})`;
  return operand ? `(${text})` : text;
}

/** A string literal or template with `separator` added inside it (`"LLM failed: "`, `` `config ${name}: ` ``). */
function joined(text: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>, separator: string): string {
  if (text.type === AST_NODE_TYPES.Literal && typeof text.value === "string") return JSON.stringify(text.value + after(text.value, separator));
  // A template's last quasi ends with the closing backtick; the separator has no `$`, `` ` `` or `\` to escape.
  if (text.type === AST_NODE_TYPES.TemplateLiteral && !/[$`\\]/u.test(separator)) {
    return `${sourceCode.getText(text).slice(0, -1)}${after(text.quasis.at(-1)?.value.cooked ?? "", separator)}\``;
  }
  return `${sourceCode.getText(text)} + ${JSON.stringify(separator)}`;
}

/** `"text"` (a JSON string, as `fallback` is) with `separator` inside it; any other expression followed by `+ separator`. */
function joinedText(message: string, separator: string): string {
  if (/^"(?:[^"\\]|\\.)*"$/u.test(message)) {
    const value = JSON.parse(message) as string;
    return JSON.stringify(value + after(value, separator));
  }
  return `${message} + ${JSON.stringify(separator)}`;
}

/** `separator`, but for a text that already ends with a colon (`"bad input:"`): no second one, only the space. */
function after(text: string, separator: string): string {
  if (separator !== ": " || !/:\s*$/u.test(text)) return separator;
  return /\s$/u.test(text) ? "" : " ";
}

function isText(node: TSESTree.Node): boolean {
  return (node.type === AST_NODE_TYPES.Literal && typeof node.value === "string") || node.type === AST_NODE_TYPES.TemplateLiteral;
}

/** `err`, or `err.message`: an argument that logs the caught error. */
function isCaught(arg: TSESTree.Node, caught: TSESTree.Identifier): boolean {
  const inner = skipWrappers(arg);
  if (inner.type === AST_NODE_TYPES.Identifier) return inner.name === caught.name;
  return inner.type === AST_NODE_TYPES.MemberExpression && memberName(inner) === "message" && skipWrappers(inner.object).type === AST_NODE_TYPES.Identifier && (skipWrappers(inner.object) as TSESTree.Identifier).name === caught.name;
}

/**
 * The error the code around `node` has caught, when `node` is in its handler without crossing another function:
 * the parameter of a `catch (err) { … }` whose body holds `node`, or the first parameter of a `.catch((err) => …)`
 * or `.then(_, (err) => …)` callback. Only a plain identifier (`catch ({ message })` has no one name to carry).
 */
export function caughtError(node: TSESTree.Node): TSESTree.Identifier | undefined {
  let child: TSESTree.Node = node;
  for (let current = node.parent; current; child = current, current = current.parent) {
    if (current.type === AST_NODE_TYPES.CatchClause && current.body === child) return current.param?.type === AST_NODE_TYPES.Identifier ? current.param : undefined;
    if (isFunction(current)) {
      const param = current.params[0];
      return promiseLinkOf(current)?.path === "failure" && param?.type === AST_NODE_TYPES.Identifier ? param : undefined;
    }
  }
  return undefined;
}

/** The arguments of a `console.error(…)` statement whose first argument is not a spread: what an exit just after it stands for. */
export function consoleErrorArguments(statement: TSESTree.Node | undefined): TSESTree.CallExpressionArgument[] | undefined {
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement) return undefined;
  const call = statement.expression;
  if (call.type !== AST_NODE_TYPES.CallExpression || call.arguments.length === 0 || call.arguments[0]?.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const callee = skipWrappers(call.callee);
  const isConsoleError = callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === "console" && memberName(callee) === "error";
  return isConsoleError ? call.arguments : undefined;
}
