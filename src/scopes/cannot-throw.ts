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
 *   ever assigned such a value, first by its initializer or the constructor, or right before the call by
 *   `if (!this.f) { this.f = new Set(); }` (made on first use);
 * - `x.m(…)` on `var x = new C()` (a `var` never assigned again, as bundlers write a `const`) runs C's method, and
 *   on a value read from a class's Map field runs the method of the one class whose `new C(…)` every `set` of that
 *   field puts there, when the field never leaves the class and the value is known to be there (`if (!v) return;`
 *   before, `if (v)` around, or `v?.m()`); what other files or subclasses do to the instance is not seen;
 * - a call of an `async` function left as a statement never throws: its failure is a rejection, which comes after
 *   the callback has run on to its `end()` (an unhandled rejection costs other things, not this span);
 * - `setTimeout`/`setInterval`/`setImmediate`/`queueMicrotask` given a function only schedule it;
 * - a function imported from an installed package is its installed code (src/scopes/package-functions.ts).
 * Anything else is a call that may throw: a function of another file of the project, `JSON.parse`, a same-file
 * function that contains one, deeper than four calls, an `await`, a `throw`, a loop, a destructuring.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "./ast";
import { isFunction, keyName, memberKey, memberName, skipWrappers, walk } from "./ast";
import { classOf, instanceMethod, thisHolder } from "./members";
import { packageFunction } from "./package-functions";
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
/** Timers that only schedule the function they are given: the function runs later, after the span's own end. */
const TIMERS = new Set(["setTimeout", "setInterval", "setImmediate", "queueMicrotask"]);
/** Map members that do not hand the Map itself out (`forEach` does, to its callback): a field used only so never leaves its class. */
const MAP_USES = new Set(["get", "has", "set", "delete", "clear", "keys", "values", "entries", "size"]);
/** How many same-file calls deep a callee's body is read (a manager's method → a session's method → two of its own). */
const HOPS = 4;

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
export function callbackCannotThrow(scope: TracedScope, sourceCode: SourceCode, filename?: string): boolean {
  const fn = scope.callback;
  const judge = new Judge(sourceCode, filename);
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
const collectionFields = new WeakMap<TSESTree.ClassBody, Map<string, FieldCollection>>();

/** The one kind of native collection every write of a field makes (or undefined), and whether one runs before any method can. */
interface FieldCollection {
  readonly kind: Collection | undefined;
  readonly definite: boolean;
}

/** Verdicts on same-file functions, with the hops they were judged with: a function is read once per hop count at most. */
const judgedFunctions = new WeakMap<FunctionNode, { quiet: boolean; left: number }>();

/** Whether statements, expressions and calls can throw; `left` is how many same-file calls deep bodies are still read. */
class Judge {
  /** `filename`: the linted file's path, from which imported packages are resolved (none without it). */
  constructor(
    private readonly sourceCode: SourceCode,
    private readonly filename?: string,
  ) {}

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
    // `setImmediate(() => { … })`: scheduling throws only for a callback that is not a function.
    if (callee.type === AST_NODE_TYPES.Identifier && TIMERS.has(callee.name) && this.isGlobal(callee) && call.arguments[0] && isFunction(call.arguments[0])) return true;
    const fn =
      callee.type === AST_NODE_TYPES.Identifier || callee.type === AST_NODE_TYPES.MemberExpression
        ? (resolveCallback(this.sourceCode, callee)?.fn ?? (callee.type === AST_NODE_TYPES.MemberExpression ? this.mapValueMethod(callee) : undefined))
        : undefined;
    if (fn === undefined) return callee.type === AST_NODE_TYPES.Identifier && left > 0 && this.packageFunctionCannotThrow(call, callee, left - 1);
    // An `async` function never throws at its call: its parameters and body fail by rejecting the promise it returns.
    // Left as a statement, that rejection comes after this callback has run on, its span's end included: whatever it
    // costs (an unhandled rejection), it does not leave the span open. A returned or awaited promise is judged by its body.
    if (fn.async && !fn.generator && usedAsStatement(call)) return true;
    return left > 0 && this.functionCannotThrow(fn, left - 1);
  }

  /**
   * `setSpanWithError(span, error)` imported from an installed package: its installed code, judged in its own file
   * (src/scopes/package-functions.ts), as a same-file function is.
   */
  private packageFunctionCannotThrow(call: TSESTree.CallExpression, callee: TSESTree.Identifier, left: number): boolean {
    const found = this.filename === undefined ? undefined : packageFunction(this.sourceCode, callee, this.filename);
    if (!found) return false;
    if (found.fn.async && !found.fn.generator && usedAsStatement(call)) return true;
    return new Judge(found.sourceCode, found.file).functionCannotThrow(found.fn, left);
  }

  /**
   * `session.recordEvent(…)` where `session` is read from a class's own Map field every value of which is an instance
   * of one same-file class, and `session` cannot be undefined there (a `session?.` call, an `if (session)` around it,
   * or an earlier `if (!session) return;`): the method of that class.
   *
   *   sessions = new Map();                                          a Map field, only ever this Map,
   *   create(id) { const s = new Session(id); this.sessions.set(id, s); }   filled with `new Session(…)` only,
   *   record(id, e) {
   *     const session = this.sessions.get(id);                       read from it,
   *     if (!session) return;                                        and known to be there
   *     session.recordEvent(e);                                      → Session's recordEvent
   *   }
   */
  private mapValueMethod(callee: TSESTree.MemberExpression): FunctionNode | undefined {
    const object = skipWrappers(callee.object);
    const name = memberKey(callee);
    if (object.type !== AST_NODE_TYPES.Identifier || name === undefined) return undefined;
    const variable = ASTUtils.findVariable(this.sourceCode.getScope(object), object);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    if (!variable || def?.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init || !variable.references.every((ref) => !ref.isWrite() || ref.init === true)) return undefined;
    const read = skipWrappers(def.node.init);
    if (read.type !== AST_NODE_TYPES.CallExpression || read.callee.type !== AST_NODE_TYPES.MemberExpression || memberName(read.callee) !== "get") return undefined;
    const map = skipWrappers(read.callee.object);
    if (map.type !== AST_NODE_TYPES.MemberExpression || this.nativeCollection(map) !== "Map") return undefined;
    const cls = this.mapValueClass(map);
    if (!cls || !(callee.optional || guardedAgainstMissing(object, variable))) return undefined;
    return instanceMethod(this.sourceCode, cls, name);
  }

  /**
   * The same-file class of every value a Map field `this.name` holds: the class's every use of the field is a Map
   * method called on it (it is never handed out), its every `set(k, v)` puts `new C(…)` (or a name only ever made so), all of
   * one class, and the Map is made empty. Writes from outside the class (`manager.sessions.set(…)`) are not seen: taken
   * on trust, as for the field's own kind.
   */
  private mapValueClass(map: TSESTree.MemberExpression): TSESTree.ClassDeclaration | TSESTree.ClassExpression | undefined {
    const name = memberKey(map);
    const holder = thisHolder(map);
    if (name === undefined || holder?.body.type !== AST_NODE_TYPES.ClassBody) return undefined;
    const classes = new Set<TSESTree.Node | undefined>();
    let escapes = false;
    // `new Map(entries)` would hold values no `set` of the class put there.
    const emptyMap = (value: TSESTree.Node | null | undefined) => {
      const made = value && skipWrappers(value);
      return made?.type === AST_NODE_TYPES.NewExpression && made.arguments.length === 0;
    };
    walk(holder.body, this.sourceCode.visitorKeys, (node) => {
      if (escapes) return false;
      if (node.type === AST_NODE_TYPES.PropertyDefinition && !node.static && keyName(node) === name && node.value) escapes = !emptyMap(node.value);
      if (node.type !== AST_NODE_TYPES.MemberExpression) return !escapes;
      const key = memberKey(node);
      const onThis = skipWrappers(node.object).type === AST_NODE_TYPES.ThisExpression;
      // `this[key]` may be this field; `self.sessions` may be an alias of it.
      if (key === undefined) escapes = onThis;
      else if (key === name) {
        const use = node.parent;
        const method = use.type === AST_NODE_TYPES.MemberExpression && use.object === node ? memberName(use) : undefined;
        if (!onThis) escapes = true;
        else if (use.type === AST_NODE_TYPES.AssignmentExpression && use.left === node) escapes = !emptyMap(use.right);
        else if (method === undefined || !MAP_USES.has(method)) escapes = true;
        else if (method === "set" && use.parent?.type === AST_NODE_TYPES.CallExpression) classes.add(this.instanceOf(use.parent.arguments[1]));
      }
      return !escapes;
    });
    const [cls] = classes;
    return !escapes && classes.size === 1 && (cls?.type === AST_NODE_TYPES.ClassDeclaration || cls?.type === AST_NODE_TYPES.ClassExpression) ? cls : undefined;
  }

  /** The same-file class `value` is made by: `new C(…)`, or a name that only ever holds one. */
  private instanceOf(value: TSESTree.Node | undefined): TSESTree.Node | undefined {
    let made = value && skipWrappers(value);
    if (made?.type === AST_NODE_TYPES.Identifier) {
      const variable = ASTUtils.findVariable(this.sourceCode.getScope(made), made);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      const onlyInit = def?.node.type === AST_NODE_TYPES.VariableDeclarator && variable?.references.every((ref) => !ref.isWrite() || ref.init === true);
      made = onlyInit && def.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init ? skipWrappers(def.node.init) : undefined;
    }
    return made?.type === AST_NODE_TYPES.NewExpression ? classOf(this.sourceCode, made.callee) : undefined;
  }

  /**
   * A same-file function's call cannot throw: its parameters are plain names (defaults that cannot throw), and
   * its body is made of statements that cannot throw. An `async` function never throws at the call (it
   * rejects instead); un-awaited, it must not reject either, so each of its statements cannot throw or is a
   * `try` whose `catch` cannot (what the `try` awaits is caught).
   */
  functionCannotThrow(fn: FunctionNode, left: number): boolean {
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
    let field = fields.get(name);
    if (!field) fields.set(name, (field = this.fieldCollection(holder.body, name)));
    return field.definite || (field.kind && madeJustBefore(object, name)) ? field.kind : undefined;
  }

  /**
   * The kind of native collection a class's own field `name` always holds: every write of it in the class
   * (`sessions = new Map()`, `this.sessions = …`) makes one of that kind, and one of them runs before any method
   * can (the field's initializer, or a statement of the constructor's own list).
   */
  private fieldCollection(body: TSESTree.ClassBody, name: string): FieldCollection {
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
    return kinds.size === 1 ? { kind, definite } : { kind: undefined, definite: false };
  }

  private collectionMade(init: TSESTree.Node): Collection | undefined {
    const value = skipWrappers(init);
    if (value.type === AST_NODE_TYPES.ArrayExpression) return "Array";
    if (value.type !== AST_NODE_TYPES.NewExpression || value.callee.type !== AST_NODE_TYPES.Identifier || !this.isGlobal(value.callee)) return undefined;
    return value.callee.name === "Map" || value.callee.name === "Set" ? value.callee.name : undefined;
  }
}


/**
 * `this.name.add(x)` right after `if (!this.name) { this.name = new Set(); }` (a field made on first use): the field
 * holds the collection it is always made as (the caller checked every write).
 */
function madeJustBefore(member: TSESTree.MemberExpression, name: string): boolean {
  const call = member.parent?.parent;
  const statement = call?.type === AST_NODE_TYPES.CallExpression && call.callee === member.parent ? call.parent : undefined;
  if (statement?.type !== AST_NODE_TYPES.ExpressionStatement || statement.parent.type !== AST_NODE_TYPES.BlockStatement) return false;
  const body = statement.parent.body;
  const guard = body[body.indexOf(statement) - 1];
  const isField = (node: TSESTree.Node) => {
    const inner = skipWrappers(node);
    return inner.type === AST_NODE_TYPES.MemberExpression && skipWrappers(inner.object).type === AST_NODE_TYPES.ThisExpression && memberKey(inner) === name;
  };
  if (guard?.type !== AST_NODE_TYPES.IfStatement || guard.alternate || guard.test.type !== AST_NODE_TYPES.UnaryExpression || guard.test.operator !== "!" || !isField(guard.test.argument)) return false;
  const made = guard.consequent.type === AST_NODE_TYPES.BlockStatement && guard.consequent.body.length === 1 ? guard.consequent.body[0] : guard.consequent;
  return made?.type === AST_NODE_TYPES.ExpressionStatement && made.expression.type === AST_NODE_TYPES.AssignmentExpression && made.expression.operator === "=" && isField(made.expression.left);
}

/**
 * `name` holds a value where `node` runs: `node` is inside `if (name) { … }`, or after `if (!name) { …; return; }` in
 * a block around it (the name is never reassigned: the caller checked).
 */
function guardedAgainstMissing(node: TSESTree.Node, variable: TSESLint.Scope.Variable): boolean {
  const names = (test: TSESTree.Node) => {
    const inner = skipWrappers(test);
    return inner.type === AST_NODE_TYPES.Identifier && variable.references.some((ref) => ref.identifier === inner);
  };
  const exits = (statement: TSESTree.Statement): boolean =>
    statement.type === AST_NODE_TYPES.ReturnStatement || (statement.type === AST_NODE_TYPES.BlockStatement && !!statement.body.at(-1) && exits(statement.body.at(-1)!));
  for (let child: TSESTree.Node = node, parent = node.parent; parent && !isFunction(child); child = parent, parent = parent.parent) {
    if (parent.type === AST_NODE_TYPES.IfStatement && parent.consequent === child && names(parent.test)) return true;
    if (parent.type !== AST_NODE_TYPES.BlockStatement) continue;
    const before = parent.body.slice(0, parent.body.indexOf(child as TSESTree.Statement));
    const guard = before.some(
      (statement) =>
        statement.type === AST_NODE_TYPES.IfStatement &&
        !statement.alternate &&
        statement.test.type === AST_NODE_TYPES.UnaryExpression &&
        statement.test.operator === "!" &&
        names(statement.test.argument) &&
        exits(statement.consequent),
    );
    if (guard) return true;
  }
  return false;
}

/** `logger.info(…);`, `logger?.info(…);`: the call's value is not used. */
function usedAsStatement(call: TSESTree.CallExpression): boolean {
  const use = call.parent?.type === AST_NODE_TYPES.ChainExpression ? call.parent : call;
  return use.parent?.type === AST_NODE_TYPES.ExpressionStatement;
}
