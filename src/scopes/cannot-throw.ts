/**
 * Scope callbacks that cannot realistically throw, so their span ends the same way on the one path
 * there is. Two shapes (issue 13):
 *
 *   tracer.startActiveSpan("mark", (span) => span.end());        only span methods, which never throw
 *
 *   tracer.startActiveSpan("tool.approved", opts, (span) => {    statements before its own end() that
 *     logger.info({ toolName }, "Tool approved");                  cannot throw: a log call, span methods,
 *     remember(toolName);                                           a same-file function made of such
 *     span.setStatus({ code: SpanStatusCode.OK });                 statements (three calls deep)
 *     span.end();
 *     return `approved ${toolName}`;                               after the end, anything: the span is ended
 *   });
 *
 * What "cannot throw" takes on trust, and so where it can be wrong:
 * - a call of a method named trace/debug/info/warn/error/fatal/log, on any receiver, as a statement and given
 *   no function, is a log call and does not throw: the logger API of console, pino, winston, bunyan and
 *   log4js. An object with a throwing `info` method of its own is taken for a logger too;
 * - reading a property does not throw: `a.b.c` on an `a.b` that is undefined does, and so does a throwing getter;
 * - the methods of a native Map, Set or array (`this.sessions.get(id)`, `events.push(e)`) are the built-in
 *   ones when the receiver is a `const` made with `new Map()`/`new Set()`/`[]`, or a class's own field only
 *   ever assigned such a value, first by its initializer or the constructor.
 * Anything else is a call that may throw: a function of another file or module, `JSON.parse`, a same-file
 * function that contains one, deeper than three calls, an `await`, a `throw`, a loop, a destructuring.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "./ast";
import { isFunction, keyName, memberKey, memberName, skipWrappers, walk } from "./ast";
import { thisHolder } from "./members";
import { resolveCallback } from "./model";
import type { TracedScope } from "./model";

type SourceCode = Readonly<TSESLint.SourceCode>;

/** Span methods that do not throw (the OpenTelemetry API never throws from them). */
const SPAN_METHODS = new Set(["end", "setStatus", "setAttribute", "setAttributes", "addEvent", "recordException", "updateName"]);
/** The log levels common to console, pino, winston, bunyan and log4js (a stated heuristic: see above). */
const LOG_METHODS = new Set(["trace", "debug", "info", "warn", "error", "fatal", "log"]);
/** Globals whose every method returns without throwing on ordinary arguments. */
const QUIET_GLOBAL_OBJECTS = new Set(["console", "Math"]);
const QUIET_GLOBAL_CALLS = new Set(["String", "Number", "Boolean"]);
const QUIET_CONSTRUCTORS = new Set(["Error", "TypeError", "RangeError", "Map", "Set", "Date"]);
/** Built-in methods that do not throw on any argument, by the kind of native collection (WeakMap.set throws on a primitive key). */
const COLLECTION_METHODS: Readonly<Record<Collection, ReadonlySet<string>>> = {
  Map: new Set(["get", "has", "set", "delete", "clear"]),
  Set: new Set(["has", "add", "delete", "clear"]),
  Array: new Set(["push", "includes", "indexOf", "at", "slice"]),
};
type Collection = "Map" | "Set" | "Array";
/** How many same-file calls deep a callee's body is read. */
const HOPS = 3;

/**
 * The callback cannot throw, so its span ends the same way on the one path there is:
 * - where the SDK ends the span when the callback returns (`not-recorded`: Traceloop), its statements
 *   cannot throw, or it is a `try` whose `catch` takes every error and rethrows none (a workflow that
 *   reports its own failures);
 * - where the callback owns its span, it only calls span methods (`(span) => span.end()`), or it ends
 *   its span itself (`span.end()`, `finish()`) in its own statement list, and nothing before that end can
 *   throw or return. A callback that owns its span and catches everything may still skip its
 *   `span.end()` on the error path, so the catch-all `try` does not count there.
 */
export function callbackCannotThrow(scope: TracedScope, sourceCode: SourceCode): boolean {
  const fn = scope.callback;
  const judge = new Judge(sourceCode);
  if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return expressionBodyCannotThrow(fn.body, scope, judge);
  const statements = fn.body.body;
  if (statements.length === 0) return false;
  if (scope.spec.errors === "not-recorded") {
    return statements.every((statement) => judge.statement(statement, HOPS, true) || catchesEverything(statement, judge, sourceCode));
  }
  const end = statements.findIndex((statement) => endsOwnSpan(statement, scope));
  if (end < 0) {
    return statements.every((statement) => (statement.type === AST_NODE_TYPES.ExpressionStatement && judge.spanMethodCall(statement.expression)) || (statement.type === AST_NODE_TYPES.ReturnStatement && !statement.argument));
  }
  return statements.slice(0, end).every((statement) => judge.statement(statement, HOPS, false));
}

/**
 * `() => 42` runs as `() => { return 42; }` and is judged as that one return where the SDK ends the span
 * (`traceloop.withWorkflow(cfg, () => 42)`); where the callback owns its span, only `(span) => span.end()` ends it.
 */
function expressionBodyCannotThrow(body: TSESTree.Expression, scope: TracedScope, judge: Judge): boolean {
  return scope.spec.errors === "not-recorded" ? judge.expression(body, HOPS) : judge.spanMethodCall(body);
}

/** `span.end()` / `span?.end()` on the callback's span parameter, or `finish()` on its finishing one, as a statement. */
function endsOwnSpan(statement: TSESTree.Statement, scope: TracedScope): boolean {
  if (statement.type !== AST_NODE_TYPES.ExpressionStatement) return false;
  const expression = skipWrappers(statement.expression.type === AST_NODE_TYPES.ChainExpression ? statement.expression.expression : statement.expression);
  if (expression.type !== AST_NODE_TYPES.CallExpression) return false;
  const paramName = (index: number | undefined) => {
    const param = index === undefined ? undefined : scope.callback.params[index];
    return param?.type === AST_NODE_TYPES.Identifier ? param.name : undefined;
  };
  const callee = skipWrappers(expression.callee);
  const span = paramName(scope.spec.spanParam);
  if (span && callee.type === AST_NODE_TYPES.MemberExpression && memberName(callee) === "end") {
    const object = skipWrappers(callee.object);
    if (object.type === AST_NODE_TYPES.Identifier && object.name === span) return true;
  }
  const finish = paramName(scope.spec.finishParam);
  return finish !== undefined && callee.type === AST_NODE_TYPES.Identifier && callee.name === finish;
}

/** A `try` with a `catch` that rethrows nothing, and a `finally` (if any) that cannot throw: Traceloop workflows that report their own failures. */
function catchesEverything(statement: TSESTree.Statement, judge: Judge, sourceCode: SourceCode): boolean {
  if (statement.type !== AST_NODE_TYPES.TryStatement || !statement.handler || containsOwn(statement.handler.body, AST_NODE_TYPES.ThrowStatement, sourceCode)) return false;
  return !statement.finalizer || statement.finalizer.body.every((inner) => judge.statement(inner, HOPS, true));
}

/** A statement of this type (`throw`, `return`) in `node`, not counting nested functions (which run later, if ever). */
function containsOwn(node: TSESTree.Node, type: AST_NODE_TYPES, sourceCode: SourceCode): boolean {
  let found = false;
  walk(node, sourceCode.visitorKeys, (current) => {
    if (found || (current !== node && isFunction(current))) return false;
    found = current.type === type;
    return !found;
  });
  return found;
}

/** Per class body, the native collection each field read so far always holds (undefined: not provably one). */
const collectionFields = new WeakMap<TSESTree.ClassBody, Map<string, Collection | undefined>>();

/** Verdicts on same-file functions, with the hops they were judged with: a function is read once per hop count at most. */
const judgedFunctions = new WeakMap<FunctionNode, { quiet: boolean; left: number }>();

/** Whether statements, expressions and calls can throw; `left` is how many same-file calls deep bodies are still read. */
class Judge {
  constructor(private readonly sourceCode: SourceCode) {}

  /** `span.setAttribute("k", v)`, `span.end()`: a span method on a name, with arguments that cannot throw. */
  spanMethodCall(node: TSESTree.Node): boolean {
    const call = skipWrappers(node.type === AST_NODE_TYPES.ChainExpression ? node.expression : node);
    if (call.type !== AST_NODE_TYPES.CallExpression || call.callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    const name = memberName(call.callee);
    return skipWrappers(call.callee.object).type === AST_NODE_TYPES.Identifier && name !== undefined && SPAN_METHODS.has(name) && this.arguments(call, 0);
  }

  /** Simple statements only: expressions, declarations of plain names, `if`, blocks, a `try` whose `catch` cannot throw; `return` where `returns`. */
  statement(statement: TSESTree.Statement, left: number, returns: boolean): boolean {
    switch (statement.type) {
      case AST_NODE_TYPES.ExpressionStatement:
        return this.expression(statement.expression, left);
      case AST_NODE_TYPES.VariableDeclaration:
        return (
          (statement.kind === "const" || statement.kind === "let" || statement.kind === "var") &&
          statement.declarations.every((declarator) => declarator.id.type === AST_NODE_TYPES.Identifier && (!declarator.init || this.expression(declarator.init, left)))
        );
      case AST_NODE_TYPES.IfStatement:
        return this.expression(statement.test, left) && this.statement(statement.consequent, left, returns) && (!statement.alternate || this.statement(statement.alternate, left, returns));
      case AST_NODE_TYPES.BlockStatement:
        return statement.body.every((inner) => this.statement(inner, left, returns));
      case AST_NODE_TYPES.ReturnStatement:
        return returns && (!statement.argument || this.expression(statement.argument, left));
      case AST_NODE_TYPES.EmptyStatement:
        return true;
      case AST_NODE_TYPES.TryStatement:
        // What the block throws is caught; the block must still not leave early where that matters.
        return (
          !!statement.handler &&
          (returns || !containsOwn(statement.block, AST_NODE_TYPES.ReturnStatement, this.sourceCode)) &&
          statement.handler.body.body.every((inner) => this.statement(inner, left, returns)) &&
          (!statement.finalizer || this.statement(statement.finalizer, left, returns))
        );
      default:
        return false;
    }
  }

  expression(node: TSESTree.Node, left: number): boolean {
    const expression = skipWrappers(node);
    switch (expression.type) {
      case AST_NODE_TYPES.Literal:
      case AST_NODE_TYPES.Identifier:
      case AST_NODE_TYPES.ThisExpression:
      // Making a function runs nothing.
      case AST_NODE_TYPES.ArrowFunctionExpression:
      case AST_NODE_TYPES.FunctionExpression:
        return true;
      case AST_NODE_TYPES.TemplateLiteral:
        return expression.expressions.every((inner) => this.expression(inner, left));
      case AST_NODE_TYPES.SequenceExpression:
        return expression.expressions.every((inner) => this.expression(inner, left));
      case AST_NODE_TYPES.MemberExpression:
        return this.expression(expression.object, left) && (!expression.computed || this.expression(expression.property, left));
      case AST_NODE_TYPES.ChainExpression:
        return this.expression(expression.expression, left);
      case AST_NODE_TYPES.ObjectExpression:
        return expression.properties.every((property) =>
          property.type === AST_NODE_TYPES.SpreadElement
            ? this.expression(property.argument, left)
            : (!property.computed || this.expression(property.key, left)) && this.expression(property.value, left),
        );
      case AST_NODE_TYPES.ArrayExpression:
        // A spread iterates, and an iterator may throw.
        return expression.elements.every((element) => !element || (element.type !== AST_NODE_TYPES.SpreadElement && this.expression(element, left)));
      case AST_NODE_TYPES.UnaryExpression:
        return expression.operator !== "delete" && this.expression(expression.argument, left);
      case AST_NODE_TYPES.BinaryExpression:
        // `k in 1` and `x instanceof 1` throw; `e instanceof Error` does not.
        if (expression.operator === "in") return false;
        if (expression.operator === "instanceof" && skipWrappers(expression.right).type !== AST_NODE_TYPES.Identifier) return false;
        return this.expression(expression.left, left) && this.expression(expression.right, left);
      case AST_NODE_TYPES.LogicalExpression:
        return this.expression(expression.left, left) && this.expression(expression.right, left);
      case AST_NODE_TYPES.ConditionalExpression:
        return this.expression(expression.test, left) && this.expression(expression.consequent, left) && this.expression(expression.alternate, left);
      case AST_NODE_TYPES.AssignmentExpression:
      case AST_NODE_TYPES.UpdateExpression: {
        const target = skipWrappers(expression.type === AST_NODE_TYPES.AssignmentExpression ? expression.left : expression.argument);
        const value = expression.type === AST_NODE_TYPES.AssignmentExpression ? expression.right : undefined;
        const plainTarget = target.type === AST_NODE_TYPES.Identifier || (target.type === AST_NODE_TYPES.MemberExpression && this.expression(target, left));
        return plainTarget && (!value || this.expression(value, left));
      }
      case AST_NODE_TYPES.NewExpression:
        return expression.callee.type === AST_NODE_TYPES.Identifier && QUIET_CONSTRUCTORS.has(expression.callee.name) && this.isGlobal(expression.callee) && this.arguments(expression, left);
      case AST_NODE_TYPES.CallExpression:
        return this.call(expression, left);
      default:
        return false;
    }
  }

  private arguments(call: TSESTree.CallExpression | TSESTree.NewExpression, left: number): boolean {
    return call.arguments.every((arg) => arg.type !== AST_NODE_TYPES.SpreadElement && this.expression(arg, left));
  }

  private call(call: TSESTree.CallExpression, left: number): boolean {
    if (!this.arguments(call, left)) return false;
    const callee = skipWrappers(call.callee);
    if (callee.type === AST_NODE_TYPES.MemberExpression) {
      const name = memberName(callee);
      const object = skipWrappers(callee.object);
      if (name !== undefined && SPAN_METHODS.has(name) && object.type === AST_NODE_TYPES.Identifier) return true;
      if (object.type === AST_NODE_TYPES.Identifier && QUIET_GLOBAL_OBJECTS.has(object.name) && this.isGlobal(object)) return true;
      if (object.type === AST_NODE_TYPES.Identifier && object.name === "Date" && name === "now" && this.isGlobal(object)) return true;
      // A function among the arguments is not a log call's (dd-trace's `tracer.trace(name, fn)` runs it).
      if (name !== undefined && LOG_METHODS.has(name) && usedAsStatement(call) && !call.arguments.some(isFunction) && this.expression(object, left)) return true;
      const collection = this.nativeCollection(object);
      if (collection && name !== undefined && COLLECTION_METHODS[collection].has(name)) return true;
    }
    if (callee.type === AST_NODE_TYPES.Identifier && QUIET_GLOBAL_CALLS.has(callee.name) && this.isGlobal(callee)) return true;
    const fn = callee.type === AST_NODE_TYPES.Identifier || callee.type === AST_NODE_TYPES.MemberExpression ? resolveCallback(this.sourceCode, callee)?.fn : undefined;
    return fn !== undefined && left > 0 && this.functionCannotThrow(fn, left - 1);
  }

  /**
   * A same-file function's call cannot throw: its parameters are plain names (defaults that cannot throw), and
   * its body is made of statements that cannot throw. An `async` function never throws at the call (it
   * rejects instead); un-awaited, it must not reject either, so each of its statements cannot throw or is a
   * `try` whose `catch` cannot (what the `try` awaits is caught).
   */
  private functionCannotThrow(fn: FunctionNode, left: number): boolean {
    const known = judgedFunctions.get(fn);
    // More hops can only resolve more calls: a "cannot throw" holds with more, a "may throw" with fewer.
    if (known && (known.quiet ? known.left <= left : known.left >= left)) return known.quiet;
    const quiet = !fn.generator && fn.params.every((param) => this.plainParam(param, left)) && this.bodyCannotThrow(fn, left);
    judgedFunctions.set(fn, { quiet, left });
    return quiet;
  }

  private bodyCannotThrow(fn: FunctionNode, left: number): boolean {
    if (fn.body.type !== AST_NODE_TYPES.BlockStatement) return !fn.async && this.expression(fn.body, left);
    return fn.body.body.every((statement) => this.statement(statement, left, true));
  }

  private plainParam(param: TSESTree.Parameter, left: number): boolean {
    if (param.type === AST_NODE_TYPES.Identifier) return true;
    return param.type === AST_NODE_TYPES.AssignmentPattern && param.left.type === AST_NODE_TYPES.Identifier && this.expression(param.right, left);
  }

  private isGlobal(identifier: TSESTree.Identifier): boolean {
    const variable = ASTUtils.findVariable(this.sourceCode.getScope(identifier), identifier);
    return !variable || variable.defs.length === 0;
  }

  /**
   * The receiver is a native Map, Set or array: a `const` made with `new Map()`, `new Set()` or `[]`, or
   * `this.name` where the class's every write of `name` (its field, `this.name = …`) is such a value.
   */
  private nativeCollection(object: TSESTree.Node): Collection | undefined {
    if (object.type === AST_NODE_TYPES.Identifier) {
      const variable = ASTUtils.findVariable(this.sourceCode.getScope(object), object);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.parent?.type !== AST_NODE_TYPES.VariableDeclaration || def.parent.kind !== "const") return undefined;
      return def.node.init ? this.collectionMade(def.node.init) : undefined;
    }
    if (object.type !== AST_NODE_TYPES.MemberExpression || skipWrappers(object.object).type !== AST_NODE_TYPES.ThisExpression) return undefined;
    const name = memberKey(object);
    const holder = thisHolder(object);
    if (name === undefined || !holder || holder.isStatic || holder.body.type !== AST_NODE_TYPES.ClassBody) return undefined;
    let fields = collectionFields.get(holder.body);
    if (!fields) collectionFields.set(holder.body, (fields = new Map()));
    if (!fields.has(name)) fields.set(name, this.fieldCollection(holder.body, name));
    return fields.get(name);
  }

  /**
   * The kind of native collection a class's own field `name` always holds: every write of it in the class
   * (`sessions = new Map()`, `this.sessions = …`) makes one of that kind, and one of them runs before any method
   * can (the field's initializer, or a statement of the constructor's own list).
   */
  private fieldCollection(body: TSESTree.ClassBody, name: string): Collection | undefined {
    const kinds = new Set<Collection | undefined>();
    let definite = false;
    for (const member of body.body) {
      // A field declared without a value (`ids: Set<string>;`) is left to the constructor.
      if (member.type !== AST_NODE_TYPES.PropertyDefinition || member.static || member.computed || keyName(member) !== name || !member.value) continue;
      kinds.add(this.collectionMade(member.value));
      definite = true;
    }
    const constructor = body.body.find((member): member is TSESTree.MethodDefinition => member.type === AST_NODE_TYPES.MethodDefinition && member.kind === "constructor");
    const constructorBody = constructor?.value.body;
    walk(body, this.sourceCode.visitorKeys, (node) => {
      if (node.type === AST_NODE_TYPES.AssignmentExpression && node.left.type === AST_NODE_TYPES.MemberExpression && skipWrappers(node.left.object).type === AST_NODE_TYPES.ThisExpression) {
        const key = memberKey(node.left);
        if (key !== undefined && key !== name) return;
        kinds.add(node.operator === "=" && key !== undefined ? this.collectionMade(node.right) : undefined);
        const statement = node.parent;
        if (statement.type === AST_NODE_TYPES.ExpressionStatement && statement.parent === constructorBody) definite = true;
      }
      if (node.type === AST_NODE_TYPES.UnaryExpression && node.operator === "delete" && node.argument.type === AST_NODE_TYPES.MemberExpression && (memberKey(node.argument) ?? name) === name) kinds.add(undefined);
    });
    const [kind] = kinds;
    return definite && kinds.size === 1 ? kind : undefined;
  }

  private collectionMade(init: TSESTree.Node): Collection | undefined {
    const value = skipWrappers(init);
    if (value.type === AST_NODE_TYPES.ArrayExpression) return "Array";
    if (value.type !== AST_NODE_TYPES.NewExpression || value.callee.type !== AST_NODE_TYPES.Identifier || !this.isGlobal(value.callee)) return undefined;
    return value.callee.name === "Map" || value.callee.name === "Set" ? value.callee.name : undefined;
  }
}


/** `logger.info(…);`, `logger?.info(…);`: the call's value is not used. */
function usedAsStatement(call: TSESTree.CallExpression): boolean {
  const use = call.parent?.type === AST_NODE_TYPES.ChainExpression ? call.parent : call;
  return use.parent?.type === AST_NODE_TYPES.ExpressionStatement;
}
