/** Small shape predicates shared by the model, the rules and the fixers. */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";

export type FunctionNode = TSESTree.ArrowFunctionExpression | TSESTree.FunctionDeclaration | TSESTree.FunctionExpression;

export function isFunction(node: TSESTree.Node | null | undefined): node is FunctionNode {
  return (
    node?.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionExpression ||
    node?.type === AST_NODE_TYPES.FunctionDeclaration
  );
}

/** Skips `(x)`, `x as T`, `x!`, `<T>x`, `x satisfies T` around an expression. */
export function skipWrappers(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case AST_NODE_TYPES.TSAsExpression:
      case AST_NODE_TYPES.TSNonNullExpression:
      case AST_NODE_TYPES.TSTypeAssertion:
      case AST_NODE_TYPES.TSSatisfiesExpression:
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}

/** `a.b` or `a["b"]` or `a?.b`: the static property name, when there is one. */
export function memberName(node: TSESTree.Node): string | undefined {
  if (node.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  if (!node.computed && node.property.type === AST_NODE_TYPES.Identifier) return node.property.name;
  if (node.computed && node.property.type === AST_NODE_TYPES.Literal && typeof node.property.value === "string") return node.property.value;
  if (node.computed && node.property.type === AST_NODE_TYPES.TemplateLiteral && node.property.expressions.length === 0) {
    return node.property.quasis[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

/**
 * The name a function can be called by in this file: `function f`, `const f = () => …`, `f() {}` in
 * a class or an object literal (`"f"() {}` too), `#f() {}` as `#f`.
 */
export function functionName(fn: FunctionNode): string | undefined {
  if (fn.id) return fn.id.name;
  const parent = fn.parent;
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier) return parent.id.name;
  if (parent?.type === AST_NODE_TYPES.MethodDefinition || parent?.type === AST_NODE_TYPES.Property || parent?.type === AST_NODE_TYPES.PropertyDefinition) {
    return keyName(parent);
  }
  return undefined;
}

/** A member's static key: `stop`, `"stop"`, `#stop`; undefined for a computed one (`[name]`). */
export function keyName(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition | TSESTree.Property): string | undefined {
  const key = member.key;
  if (key.type === AST_NODE_TYPES.PrivateIdentifier) return `#${key.name}`;
  if (!member.computed && key.type === AST_NODE_TYPES.Identifier) return key.name;
  if (key.type === AST_NODE_TYPES.Literal && typeof key.value === "string") return key.value;
  return undefined;
}

/** The name a member expression calls: `memberName`, and `#stop` for `this.#stop`. */
export function memberKey(node: TSESTree.MemberExpression): string | undefined {
  return node.property.type === AST_NODE_TYPES.PrivateIdentifier ? `#${node.property.name}` : memberName(node);
}

/** `export …` or `export default …` around a declaration: other files can use what it declares. */
export function isExportDeclaration(node: TSESTree.Node | undefined): boolean {
  return node?.type === AST_NODE_TYPES.ExportNamedDeclaration || node?.type === AST_NODE_TYPES.ExportDefaultDeclaration;
}

/** A string literal or a template without substitutions. */
export function staticString(node: TSESTree.Node | undefined): string | undefined {
  if (!node) return undefined;
  const inner = skipWrappers(node);
  if (inner.type === AST_NODE_TYPES.Literal && typeof inner.value === "string") return inner.value;
  if (inner.type === AST_NODE_TYPES.TemplateLiteral && inner.expressions.length === 0) return inner.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** The value of `{ name: "x" }`'s `name` property, when it is static. */
export function staticProperty(node: TSESTree.Node | undefined, property: string): string | undefined {
  if (!node) return undefined;
  const inner = skipWrappers(node);
  if (inner.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  for (const prop of inner.properties) {
    if (
      prop.type === AST_NODE_TYPES.Property &&
      !prop.computed &&
      ((prop.key.type === AST_NODE_TYPES.Identifier && prop.key.name === property) || (prop.key.type === AST_NODE_TYPES.Literal && prop.key.value === property))
    ) {
      return staticString(prop.value);
    }
  }
  return undefined;
}

const LOOPS: ReadonlySet<string> = new Set<string>([
  AST_NODE_TYPES.ForStatement,
  AST_NODE_TYPES.ForInStatement,
  AST_NODE_TYPES.ForOfStatement,
  AST_NODE_TYPES.WhileStatement,
  AST_NODE_TYPES.DoWhileStatement,
]);

/** `for`, `for…in`, `for…of`, `while`, `do…while`. */
export function isLoop(node: TSESTree.Node): boolean {
  return LOOPS.has(node.type);
}

/** The statement list a statement sits in, when it sits in one. */
export function enclosingStatementList(statement: TSESTree.Node): TSESTree.Node[] | undefined {
  const parent = statement.parent;
  if (!parent) return undefined;
  if (parent.type === AST_NODE_TYPES.BlockStatement || parent.type === AST_NODE_TYPES.Program) return parent.body;
  if (parent.type === AST_NODE_TYPES.SwitchCase) return parent.consequent;
  return undefined;
}

/**
 * Depth-first walk over every node, with the language's visitor keys. A visitor that
 * returns `false` skips that node's children (a function body, say).
 */
export function walk(
  root: TSESTree.Node,
  visitorKeys: Readonly<Record<string, readonly string[] | undefined>>,
  visit: (node: TSESTree.Node) => boolean | void,
): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as TSESTree.Node;
    if (visit(node) === false) continue;
    const keys = visitorKeys[node.type] ?? [];
    for (let k = keys.length - 1; k >= 0; k--) {
      const child = (node as unknown as Record<string, unknown>)[keys[k] as string];
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) if (child[i]) stack.push(child[i] as TSESTree.Node);
      } else if (child && typeof (child as TSESTree.Node).type === "string") {
        stack.push(child as TSESTree.Node);
      }
    }
  }
}

/** A `const` identifier's initializer (one hop), else the node itself, wrappers skipped. */
export function resolveConst(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node): TSESTree.Node {
  const inner = skipWrappers(node);
  if (inner.type !== AST_NODE_TYPES.Identifier) return inner;
  const variable = ASTUtils.findVariable(sourceCode.getScope(inner), inner);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) return inner;
  if (def.parent?.type !== AST_NODE_TYPES.VariableDeclaration || def.parent.kind !== "const") return inner;
  return skipWrappers(def.node.init);
}

export function propertyNode(object: TSESTree.ObjectExpression, key: string): TSESTree.Node | undefined {
  for (const property of object.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed) continue;
    const name = property.key.type === AST_NODE_TYPES.Identifier ? property.key.name : property.key.type === AST_NODE_TYPES.Literal ? property.key.value : undefined;
    if (name === key) return property.value;
  }
  return undefined;
}

/** `compute()` once, on the first call. */
export function lazy<T>(compute: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

/** A map of what is kept per key: `Map` or `WeakMap`. */
interface KeyedStore<K, V> {
  get(key: K): V | undefined;
  has(key: K): boolean;
  set(key: K, value: V): unknown;
}

/** `compute()` kept in `outer` per `first` and `second` key; `inner` makes the store for a new first key. */
export function cachedPair<A, B, V>(outer: KeyedStore<A, KeyedStore<B, V>>, first: A, second: B, inner: () => KeyedStore<B, V>, compute: () => V): V {
  let byFirst = outer.get(first);
  if (!byFirst) {
    byFirst = inner();
    outer.set(first, byFirst);
  }
  if (!byFirst.has(second)) byFirst.set(second, compute());
  return byFirst.get(second) as V;
}

/** The nearest function around a node. */
export function enclosingFunction(node: TSESTree.Node): FunctionNode | undefined {
  for (let current = node.parent; current; current = current.parent) if (isFunction(current)) return current;
  return undefined;
}

/** The expression a top-level statement runs: `x;`, or the initializer of a one-declarator `const y = x;`. */
export function statementExpression(statement: TSESTree.ProgramStatement): TSESTree.Expression | null | undefined {
  if (statement.type === AST_NODE_TYPES.ExpressionStatement) return statement.expression;
  return statement.type === AST_NODE_TYPES.VariableDeclaration && statement.declarations.length === 1 ? statement.declarations[0]?.init : undefined;
}

/** `require("m")` as a top-level statement or declaration: the call and the module name. */
export function topLevelRequire(statement: TSESTree.ProgramStatement): { call: TSESTree.CallExpression; module: string } | undefined {
  const expression = statementExpression(statement);
  if (
    expression?.type !== AST_NODE_TYPES.CallExpression ||
    expression.callee.type !== AST_NODE_TYPES.Identifier ||
    expression.callee.name !== "require" ||
    expression.arguments.length !== 1
  ) {
    return undefined;
  }
  const module = staticString(expression.arguments[0]);
  return module === undefined ? undefined : { call: expression, module };
}
