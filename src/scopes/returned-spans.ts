/**
 * Spans started by hand in one function and returned to its callers in an object (issue 16), as
 * @opentelemetry/instrumentation-openai 0.22 does:
 *
 *   _startChatSpan(params) {                               patchedCreate(...args) {
 *     const span = this.tracer.startSpan(name, { … });       let startInfo;
 *     const ctx = trace.setSpan(context.active(), span);     try { startInfo = self._startChatSpan(params); } catch { … }
 *     return { span, ctx, commonAttrs };                     const { span, ctx } = startInfo;
 *   }                                                        … span handed to handlers that end it …
 *
 * The starting function lets the span go, so it is not judged there; each same-file caller that destructures the
 * returned object owns the span it takes out of it, and is judged as if it had started it. Only a span that the
 * starting function uses for nothing but its own methods and `trace.setSpan()` before returning it, as a property
 * of the returned object literal; only callers found by binding (`fn()`, `this.fn()`, `self.fn()` with
 * `const self = this`, src/scopes/members.ts) that destructure the result right there, or keep it in a local
 * written once and read once by that destructuring. Callers in other files are not followed.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ManualSpanSpec } from "./catalogue";
import type { FunctionNode } from "./ast";
import { isFunction, keyName, memberKey, skipWrappers, walk } from "./ast";
import { callsOf, functionBinding, memberFunction, useOf } from "./members";

type Variable = TSESLint.Scope.Variable;
type SourceCode = Readonly<TSESLint.SourceCode>;

/** A caller's local that holds the returned span, and the statement that takes it out. */
export interface SpanConsumer {
  readonly variable: Variable;
  readonly statement: TSESTree.Statement;
  readonly owner: FunctionNode | TSESTree.Program;
}

function functionOf(node: TSESTree.Node): FunctionNode | TSESTree.Program {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunction(current) || current.type === AST_NODE_TYPES.Program) return current;
  }
  throw new Error("node outside a program");
}

/**
 * The property key under which `fn` returns the span, when its every use in `fn` is one of its own methods (not
 * the end), `trace.setSpan(ctx, span)`, or a property of an object literal `fn` returns, always the same key.
 */
function returnedKey(variable: Variable, fn: FunctionNode, spec: ManualSpanSpec): string | undefined {
  let key: string | undefined;
  for (const reference of variable.references) {
    if (!reference.isRead()) continue;
    const use = useOf(reference.identifier);
    const parent = use.parent;
    if (!parent) return undefined;
    // span.setAttribute(…): a method of the span, other than its end.
    if (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === use && parent.parent?.type === AST_NODE_TYPES.CallExpression && parent.parent.callee === parent) {
      if (memberKey(parent) === spec.end) return undefined;
      continue;
    }
    if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments[1] === use && memberKeyOf(parent.callee) === "setSpan") continue;
    if (parent.type !== AST_NODE_TYPES.Property || parent.value !== use || parent.computed || parent.parent.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
    const object = useOf(parent.parent);
    if (object.parent?.type !== AST_NODE_TYPES.ReturnStatement || functionOf(object.parent) !== fn) return undefined;
    const name = keyName(parent);
    if (name === undefined || (key !== undefined && key !== name)) return undefined;
    key = name;
  }
  return key;
}

function memberKeyOf(node: TSESTree.Node): string | undefined {
  const callee = skipWrappers(node);
  return callee.type === AST_NODE_TYPES.MemberExpression ? memberKey(callee) : undefined;
}

/** The calls of `fn` in this file: of its binding (`fn()`), or of it as a member (`this.fn()`, `self.fn()`, `helpers.fn()`). */
function callsOfFunction(sourceCode: SourceCode, fn: FunctionNode): TSESTree.CallExpression[] {
  const calls: TSESTree.CallExpression[] = [];
  const binding = functionBinding(sourceCode, fn);
  if (binding) {
    for (const site of callsOf(binding.variables)) {
      if (site.type === AST_NODE_TYPES.CallExpression && binding.variables.some((variable) => variable.references.some((reference) => reference.identifier === skipWrappers(site.callee)))) calls.push(site);
    }
    return calls;
  }
  const parent = fn.parent;
  const name = parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.Property ? keyName(parent) : undefined;
  if (name === undefined) return calls;
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.MemberExpression && memberKey(node.callee) === name && memberFunction(sourceCode, node.callee) === fn) calls.push(node);
    return undefined;
  });
  return calls;
}

/** `const { <key>: local } = <value>`: the local and its declaration, when `value` is the declarator's initializer. */
function destructured(sourceCode: SourceCode, value: TSESTree.Node, key: string): { variable: Variable; statement: TSESTree.Statement } | undefined {
  const declarator = value.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== value || declarator.id.type !== AST_NODE_TYPES.ObjectPattern) return undefined;
  const declaration = declarator.parent;
  if (declaration.type !== AST_NODE_TYPES.VariableDeclaration || declaration.declarations.length !== 1) return undefined;
  const property = declarator.id.properties.find((candidate): candidate is TSESTree.Property => candidate.type === AST_NODE_TYPES.Property && !candidate.computed && keyName(candidate) === key);
  if (property?.value.type !== AST_NODE_TYPES.Identifier) return undefined;
  const local = property.value;
  const variable = sourceCode.getDeclaredVariables(declarator).find((candidate) => candidate.defs.some((def) => def.name === local));
  return variable && { variable, statement: declaration };
}

/** The local a call's result is kept in (`const info = f()`, `info = f()` of a `let info` declared without a value), when written nowhere else. */
function keptIn(sourceCode: SourceCode, value: TSESTree.Node): Variable | undefined {
  const parent = value.parent;
  let variable: Variable | null | undefined;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === value && parent.id.type === AST_NODE_TYPES.Identifier) {
    variable = sourceCode.getDeclaredVariables(parent)[0];
  } else if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.operator === "=" && parent.right === value && parent.left.type === AST_NODE_TYPES.Identifier && parent.parent.type === AST_NODE_TYPES.ExpressionStatement) {
    variable = ASTUtils.findVariable(sourceCode.getScope(parent.left), parent.left);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.init) return undefined;
  }
  if (!variable) return undefined;
  const writes = variable.references.filter((reference) => reference.isWrite());
  return writes.length === 1 && writes[0]?.writeExpr === value ? variable : undefined;
}

/** The callers' locals that receive a span `fn` returns in an object (see the file's comment). */
export function consumersOfReturnedSpan(sourceCode: SourceCode, variable: Variable, fn: FunctionNode, spec: ManualSpanSpec): SpanConsumer[] {
  const key = returnedKey(variable, fn, spec);
  if (key === undefined) return [];
  const consumers: SpanConsumer[] = [];
  for (const call of callsOfFunction(sourceCode, fn)) {
    let value: TSESTree.Node = useOf(call);
    if (fn.async && value.parent?.type === AST_NODE_TYPES.AwaitExpression) value = useOf(value.parent);
    let taken = destructured(sourceCode, value, key);
    if (!taken) {
      const holder = keptIn(sourceCode, value);
      const reads = holder?.references.filter((reference) => reference.isRead()) ?? [];
      const read = reads.length === 1 ? reads[0] : undefined;
      taken = read ? destructured(sourceCode, useOf(read.identifier), key) : undefined;
    }
    if (taken) consumers.push({ ...taken, owner: functionOf(taken.statement) });
  }
  return consumers;
}

/** The function a callee runs, when this file defines it: `helper`, `this.helper`, `self.helper`. */
function calleeFunction(sourceCode: SourceCode, callee: TSESTree.Node): FunctionNode | undefined {
  const inner = skipWrappers(callee);
  if (inner.type === AST_NODE_TYPES.MemberExpression) return memberFunction(sourceCode, inner);
  if (inner.type !== AST_NODE_TYPES.Identifier) return undefined;
  const def = ASTUtils.findVariable(sourceCode.getScope(inner), inner)?.defs[0];
  if (def?.node.type === AST_NODE_TYPES.FunctionDeclaration) return def.node;
  const init = def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init ? skipWrappers(def.node.init) : undefined;
  return init && isFunction(init) ? init : undefined;
}

/** `span.<end>()` on the variable, anywhere. */
function endedDirectly(variable: Variable, spec: ManualSpanSpec): boolean {
  return variable.references.some((reference) => {
    const member = useOf(reference.identifier).parent;
    return member?.type === AST_NODE_TYPES.MemberExpression && memberKey(member) === spec.end && member.parent?.type === AST_NODE_TYPES.CallExpression && member.parent.callee === member;
  });
}

/** The span is ended with its SDK's end method by this local's function or its closures, or by a same-file function it is handed to. */
export function endedThroughHelper(sourceCode: SourceCode, variable: Variable, spec: ManualSpanSpec): boolean {
  if (endedDirectly(variable, spec)) return true;
  return variable.references.some((reference) => {
    const use = useOf(reference.identifier);
    const call = use.parent;
    if (call?.type !== AST_NODE_TYPES.CallExpression) return false;
    const index = call.arguments.indexOf(use as TSESTree.CallExpressionArgument);
    const helper = index < 0 ? undefined : calleeFunction(sourceCode, call.callee);
    const param = helper?.params[index];
    if (!helper || param?.type !== AST_NODE_TYPES.Identifier) return false;
    const received = sourceCode.getDeclaredVariables(helper).find((candidate) => candidate.defs.some((def) => def.name === param));
    return received !== undefined && endedDirectly(received, spec);
  });
}
