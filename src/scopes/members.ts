/**
 * Same-file functions reached through members, in both directions:
 *
 *   helpers.bail()            a method of `const helpers = { bail() {…} }`
 *   Config.require()          a static method of `class Config` (or `const Config = class {…}`)
 *   guard.require()           an instance method, `const guard = new Guard()`; also `new Guard().require()`
 *   this.stop(), this.#stop() a sibling in the class (same static-ness), or in the object literal
 *   self.stop()               the same, through `const self = this` (the holder where the alias is declared)
 *
 * `memberFunction` goes from a callee to the function (what does this call run?); `memberCallSites`
 * from a function to the calls of it (who runs this?); `memberUses` to every use of it, when all can be
 * seen. All three stop at the file's edge, at `let` holders and reassigned `var`s (they may change), and at holders
 * whose member of that name is assigned after they are made (`helpers.bail = …`).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "./ast";
import { isExportDeclaration, isFunction, keyName, memberKey, memberName, skipWrappers, walk } from "./ast";

type SourceCode = Readonly<TSESLint.SourceCode>;
type Holder = TSESTree.ClassBody | TSESTree.ObjectExpression;
type Class = TSESTree.ClassDeclaration | TSESTree.ClassExpression;
type Variable = TSESLint.Scope.Variable;

// --- shared -------------------------------------------------------------------------------------

/** `const name = <init>`: the initializer, without `as`/`!`/`satisfies`. A `let` or `var` says nothing about later values. */
function constInit(declarator: TSESTree.Node | undefined): TSESTree.Node | undefined {
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return undefined;
  if (declarator.parent.type !== AST_NODE_TYPES.VariableDeclaration || declarator.parent.kind !== "const") return undefined;
  return skipWrappers(declarator.init);
}

/**
 * `const name = <init>`, or a `var` written only by its declaration (bundlers turn every `const` into
 * `var manager = new Manager()`): the initializer, the value the name always holds once declared. A `let` says it
 * may change, and is left out.
 */
function initOf(variable: Variable, declarator: TSESTree.Node | undefined): TSESTree.Node | undefined {
  const init = constInit(declarator);
  if (init || declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier || !declarator.init) return init;
  if (declarator.parent.type !== AST_NODE_TYPES.VariableDeclaration || declarator.parent.kind !== "var") return undefined;
  return variable.references.every((ref) => !ref.isWrite() || ref.init === true) ? skipWrappers(declarator.init) : undefined;
}

/** The variable an identifier names, when it has exactly one definition. */
function variableOf(sourceCode: SourceCode, identifier: TSESTree.Identifier): Variable | undefined {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  return variable?.defs.length === 1 ? variable : undefined;
}

/** An expression as its parent uses it: above `(x as T)`, `x!`, `<T>x` and `x satisfies T`. */
export function useOf(node: TSESTree.Node): TSESTree.Node {
  let use = node;
  while (use.parent && skipWrappers(use.parent) !== use.parent) use = use.parent;
  return use;
}

/** `holder.name = …`, `holder[key] = …`, `delete holder.name`: the holder's member may no longer be the written one. */
function memberRewritten(holders: readonly Variable[], name: string): boolean {
  return holders.some((variable) =>
    variable.references.some((ref) => {
      const use = useOf(ref.identifier as TSESTree.Node);
      const member = use.parent;
      if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== use) return false;
      const key = memberKey(member);
      if (key !== undefined && key !== name) return false;
      const user = useOf(member).parent;
      return (
        (user?.type === AST_NODE_TYPES.AssignmentExpression && useOf(member) === user.left) ||
        (user?.type === AST_NODE_TYPES.UnaryExpression && user.operator === "delete")
      );
    }),
  );
}

/** The bindings a class is called through: `class Job {}`, `const Job = class {}`. */
function namesOfClass(sourceCode: SourceCode, cls: Class): readonly Variable[] {
  const own = sourceCode.getDeclaredVariables(cls);
  const declarator = useOf(cls).parent;
  if (declarator?.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier && declarator.init === useOf(cls)) {
    return [...own, ...sourceCode.getDeclaredVariables(declarator)];
  }
  return own;
}

/** The same-file class an expression names: `Guard` for `class Guard {}`, `const Guard = class {}` (or a `var` never reassigned). */
export function classOf(sourceCode: SourceCode, node: TSESTree.Node): Class | undefined {
  const inner = skipWrappers(node);
  if (inner.type === AST_NODE_TYPES.ClassExpression) return inner;
  if (inner.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = variableOf(sourceCode, inner);
  const def = variable?.defs[0];
  if (def?.node.type === AST_NODE_TYPES.ClassDeclaration || def?.node.type === AST_NODE_TYPES.ClassExpression) return def.node;
  // `var Manager = class { … }` (bundler output) when nothing assigns it again.
  const init = variable && initOf(variable, def?.node);
  return init?.type === AST_NODE_TYPES.ClassExpression ? init : undefined;
}

/**
 * What `this` is where a node is written: the class body (static when written in a static method,
 * field or block) or the object literal whose method holds it. Arrows keep `this`; any other function
 * has its own, unknown here.
 */
export function thisHolder(node: TSESTree.Node): { body: Holder; isStatic: boolean } | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === AST_NODE_TYPES.FunctionExpression || current.type === AST_NODE_TYPES.FunctionDeclaration) {
      const owner = current.parent;
      if (owner?.type === AST_NODE_TYPES.MethodDefinition && owner.parent.type === AST_NODE_TYPES.ClassBody) return { body: owner.parent, isStatic: owner.static };
      if (owner?.type === AST_NODE_TYPES.Property && owner.value === current && owner.parent.type === AST_NODE_TYPES.ObjectExpression) return { body: owner.parent, isStatic: false };
      return undefined;
    }
    if (current.type === AST_NODE_TYPES.PropertyDefinition && current.parent.type === AST_NODE_TYPES.ClassBody) return { body: current.parent, isStatic: current.static };
    if (current.type === AST_NODE_TYPES.StaticBlock && current.parent.type === AST_NODE_TYPES.ClassBody) return { body: current.parent, isStatic: true };
  }
  return undefined;
}

/**
 * The function-valued member `name` of a class body (static or instance side) or an object literal.
 * The last definition wins, as in JavaScript; a spread or an accessor of that name may replace it, so
 * then there is no answer.
 */
function memberOf(holder: Holder, name: string, isStatic: boolean): FunctionNode | undefined {
  let found: FunctionNode | undefined;
  if (holder.type === AST_NODE_TYPES.ObjectExpression) {
    for (const property of holder.properties) {
      if (property.type === AST_NODE_TYPES.SpreadElement) found = undefined;
      else if (keyName(property) === name) {
        const value = skipWrappers(property.value);
        found = property.kind === "init" && isFunction(value) ? value : undefined;
      }
    }
    return found;
  }
  for (const member of holder.body) {
    if (member.type !== AST_NODE_TYPES.MethodDefinition && member.type !== AST_NODE_TYPES.PropertyDefinition) continue;
    if (member.static !== isStatic || keyName(member) !== name) continue;
    const value = member.value && skipWrappers(member.value);
    found = member.type === AST_NODE_TYPES.MethodDefinition && member.kind !== "method" ? undefined : value && isFunction(value) ? value : undefined;
  }
  return found;
}

// --- callee → function --------------------------------------------------------------------------

/** The function a member callee runs, when this file defines it: `helpers.bail`, `Config.require`, `this.#stop`, … */
export function memberFunction(sourceCode: SourceCode, node: TSESTree.Node): FunctionNode | undefined {
  const member = skipWrappers(node);
  if (member.type !== AST_NODE_TYPES.MemberExpression) return undefined;
  const name = memberKey(member);
  if (name === undefined) return undefined;
  const object = skipWrappers(member.object);
  if (object.type === AST_NODE_TYPES.ThisExpression) {
    const holder = thisHolder(member);
    return holder && memberOf(holder.body, name, holder.isStatic);
  }
  if (object.type === AST_NODE_TYPES.NewExpression) {
    const cls = classOf(sourceCode, object.callee);
    return cls && memberOf(cls.body, name, false);
  }
  if (object.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = variableOf(sourceCode, object);
  const def = variable?.defs[0];
  if (!variable || !def) return undefined;
  let holder: Holder | undefined;
  let isStatic = false;
  let holders: readonly Variable[] = [variable];
  if (def.node.type === AST_NODE_TYPES.ClassDeclaration || def.node.type === AST_NODE_TYPES.ClassExpression) {
    [holder, isStatic, holders] = [def.node.body, true, namesOfClass(sourceCode, def.node)];
  } else {
    const init = initOf(variable, def.node);
    // `const instrumentation = this; … instrumentation._onError(…)`: an alias of `this` where it is declared.
    if (init?.type === AST_NODE_TYPES.ThisExpression) {
      const self = thisHolder(init);
      return self && !memberRewritten(holders, name) ? memberOf(self.body, name, self.isStatic) : undefined;
    }
    if (init?.type === AST_NODE_TYPES.ClassExpression) [holder, isStatic, holders] = [init.body, true, namesOfClass(sourceCode, init)];
    else if (init?.type === AST_NODE_TYPES.ObjectExpression) holder = init;
    else if (init?.type === AST_NODE_TYPES.NewExpression) holder = classOf(sourceCode, init.callee)?.body;
  }
  if (!holder || memberRewritten(holders, name)) return undefined;
  return memberOf(holder, name, isStatic);
}

/**
 * The method `name` an instance of this class runs (`new Session().recordEvent`): its own non-static method, when no
 * `this.name = …` / `this[key] = …` in the class puts another function on the instance.
 */
export function instanceMethod(sourceCode: SourceCode, cls: Class, name: string): FunctionNode | undefined {
  let shadowed = false;
  walk(cls.body, sourceCode.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.AssignmentExpression && node.left.type === AST_NODE_TYPES.MemberExpression && skipWrappers(node.left.object).type === AST_NODE_TYPES.ThisExpression) {
      const key = memberKey(node.left);
      shadowed ||= key === undefined || key === name;
    }
    return !shadowed;
  });
  return shadowed ? undefined : memberOf(cls.body, name, false);
}

// --- function → calls and uses -----------------------------------------------------------------

/**
 * A named function's own binding: `function f` or `const f = …` (a `let`/`var` too: reach follows it), with
 * whether it is exported. Undefined for anything else (methods: see `memberOfFunction`).
 */
export function functionBinding(sourceCode: SourceCode, fn: FunctionNode): { variables: readonly Variable[]; exported: boolean } | undefined {
  const parent = fn.parent;
  if (fn.type === AST_NODE_TYPES.FunctionDeclaration && fn.id) {
    const name = fn.id.name;
    return { variables: sourceCode.getDeclaredVariables(fn).filter((variable) => variable.name === name), exported: isExportDeclaration(parent) };
  }
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.id.type === AST_NODE_TYPES.Identifier && parent.init === fn) {
    return { variables: sourceCode.getDeclaredVariables(parent), exported: isExportDeclaration(parent.parent.parent) };
  }
  return undefined;
}

/** A method or member-valued function, with what holds it. */
export interface Member {
  readonly name: string;
  readonly holder: Holder;
  readonly isStatic: boolean;
  /** The bindings the holder is reached through: the const object, the class names. */
  readonly holders: readonly Variable[];
  /** For an instance method: instances the file makes right there are searched too. */
  readonly instanceOf?: readonly Variable[];
  /** The holder is visible outside this file (exported, decorated). */
  readonly exported: boolean;
}

export function memberOfFunction(sourceCode: SourceCode, fn: FunctionNode): Member | undefined {
  const parent = fn.parent;
  if (
    (parent?.type === AST_NODE_TYPES.MethodDefinition || (parent?.type === AST_NODE_TYPES.PropertyDefinition && parent.value === fn)) &&
    parent.parent.type === AST_NODE_TYPES.ClassBody
  ) {
    const name = keyName(parent);
    if (name === undefined) return undefined;
    const cls = parent.parent.parent;
    const classNames = namesOfClass(sourceCode, cls);
    // `Job.fail = …` after the class: calls through the class no longer run this one.
    const holders = parent.static && memberRewritten(classNames, name) ? [] : classNames;
    const container = useOf(cls).parent;
    // espree has no `decorators` on classes.
    const decorators = cls.decorators as readonly TSESTree.Decorator[] | undefined;
    const exported = (decorators?.length ?? 0) > 0 || isExportDeclaration(container) || (container?.type === AST_NODE_TYPES.VariableDeclarator && isExportDeclaration(container.parent.parent));
    return parent.static
      ? { name, holder: parent.parent, isStatic: true, holders, exported }
      : { name, holder: parent.parent, isStatic: false, holders: [], instanceOf: classNames, exported };
  }
  if (parent?.type === AST_NODE_TYPES.Property && parent.value === fn && parent.kind === "init" && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
    const name = keyName(parent);
    const holder = parent.parent;
    if (name === undefined) return undefined;
    const declarator = useOf(holder).parent;
    const bindings = constInit(declarator) === holder ? sourceCode.getDeclaredVariables(declarator as TSESTree.VariableDeclarator) : [];
    const holders = memberRewritten(bindings, name) ? [] : bindings;
    return { name, holder, isStatic: false, holders, exported: declarator?.type === AST_NODE_TYPES.VariableDeclarator && isExportDeclaration(declarator.parent.parent) };
  }
  return undefined;
}

/** `this.<name>` inside a holder where `this` is that holder (same static-ness); `escapes`: a bare `this` there. */
function thisUses(holder: Holder, isStatic: boolean, visitorKeys: SourceCode["visitorKeys"]): { byName: Map<string, TSESTree.Node[]>; escapes: boolean } {
  const byName = new Map<string, TSESTree.Node[]>();
  let escapes = false;
  walk(holder, visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.ThisExpression) return;
    const owner = thisHolder(node);
    if (owner?.body !== holder || owner.isStatic !== isStatic) return;
    const use = useOf(node);
    const member = use.parent;
    const name = member?.type === AST_NODE_TYPES.MemberExpression && member.object === use ? memberKey(member) : undefined;
    if (name === undefined) escapes = true;
    else byName.set(name, [...(byName.get(name) ?? []), member as TSESTree.Node]);
  });
  return { byName, escapes };
}

/** `this.name` calls in a holder, by name, cached per holder and side: `(holder, isStatic) => calls`. */
export type ThisCalls = (holder: Holder, isStatic: boolean) => ReadonlyMap<string, readonly TSESTree.Node[]>;

/** A `ThisCalls` with its own cache, for one file. */
export function createThisCalls(visitorKeys: SourceCode["visitorKeys"]): ThisCalls {
  const cache = new Map<Holder, Map<boolean, Map<string, TSESTree.Node[]>>>();
  return (holder, isStatic) => {
    const sides = cache.get(holder) ?? new Map<boolean, Map<string, TSESTree.Node[]>>();
    cache.set(holder, sides);
    let calls = sides.get(isStatic);
    if (!calls) {
      calls = new Map();
      for (const [name, members] of thisUses(holder, isStatic, visitorKeys).byName) {
        const sites: TSESTree.Node[] = [];
        for (const member of members) callsOfValue(member, sites);
        calls.set(name, sites);
      }
      sides.set(isStatic, calls);
    }
    return calls;
  };
}

/** The calls of a method or member-valued function of a class or object literal (undefined: not a member). */
export function memberCallSites(sourceCode: SourceCode, fn: FunctionNode, thisCalls: ThisCalls): TSESTree.Node[] | undefined {
  const member = memberOfFunction(sourceCode, fn);
  if (!member) return undefined;
  const sites = [...(thisCalls(member.holder, member.isStatic).get(member.name) ?? [])];
  if (member.instanceOf) sites.push(...instanceCallsOf(sourceCode, member.instanceOf, member.name));
  else sites.push(...memberCallsOf(member.holders, member.name));
  return sites;
}

/**
 * Every place a member function is used, as the member expressions `helpers.bail` / `Config.require` /
 * `this.bail`, when all of them can be seen: for a method of a `const` object literal or a static method
 * whose holder is used only through static member names in this file, and never as a bare `this`.
 * Undefined when the holder escapes (passed, returned, exported, decorated, `holder[key]`), and for
 * instance methods (instances go anywhere).
 */
export function memberUses(sourceCode: SourceCode, fn: FunctionNode): TSESTree.Node[] | undefined {
  const member = memberOfFunction(sourceCode, fn);
  if (!member || member.instanceOf || member.exported || member.holders.length === 0) return undefined;
  const uses: TSESTree.Node[] = [];
  for (const variable of member.holders) {
    for (const ref of variable.references) {
      if (ref.init) continue;
      const use = useOf(ref.identifier as TSESTree.Node);
      const expression = use.parent;
      if (expression?.type !== AST_NODE_TYPES.MemberExpression || expression.object !== use) return undefined;
      const key = memberKey(expression);
      if (key === undefined) return undefined;
      if (key === member.name) uses.push(expression);
    }
  }
  const inside = thisUses(member.holder, member.isStatic, sourceCode.visitorKeys);
  if (inside.escapes) return undefined;
  uses.push(...(inside.byName.get(member.name) ?? []));
  return uses;
}

/**
 * The calls a function value takes part in: `f()`, `new F()`, `f.call(…)`/`apply`/`bind`, and
 * calls it is passed to as an argument (`.catch(f)`, `withTask(config, f)`).
 */
export function callsOfValue(value: TSESTree.Node, sites: TSESTree.Node[]): void {
  const use = useOf(value);
  const user = use.parent;
  if (user?.type === AST_NODE_TYPES.CallExpression || user?.type === AST_NODE_TYPES.NewExpression) {
    sites.push(user);
  } else if (user?.type === AST_NODE_TYPES.MemberExpression && user.object === use && ["call", "apply", "bind"].includes(memberName(user) ?? "")) {
    if (user.parent?.type === AST_NODE_TYPES.CallExpression) sites.push(user.parent);
  }
}

/** The calls of the functions these variables hold. */
export function callsOf(variables: readonly Variable[]): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  for (const variable of variables) for (const ref of variable.references) callsOfValue(ref.identifier as TSESTree.Node, sites);
  return sites;
}

/** The calls of an instance method on a same-file instance: `new Job().fail()`, `const job = new Job(); job.fail()`. */
export function instanceCallsOf(sourceCode: SourceCode, classNames: readonly Variable[], name: string): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  for (const variable of classNames) {
    for (const ref of variable.references) {
      const use = useOf(ref.identifier as TSESTree.Node);
      if (use.parent?.type !== AST_NODE_TYPES.NewExpression || use.parent.callee !== use) continue;
      const instance = useOf(use.parent);
      const user = instance.parent;
      if (user?.type === AST_NODE_TYPES.MemberExpression && user.object === instance && memberKey(user) === name) callsOfValue(user, sites);
      else if (constInit(user) === use.parent) sites.push(...memberCallsOf(sourceCode.getDeclaredVariables(user as TSESTree.VariableDeclarator), name));
    }
  }
  return sites;
}

/** The calls of `holder.name`, for every reference to a holder: `helpers.bail()`, `.catch(Job.fail)`. */
export function memberCallsOf(holders: readonly Variable[], name: string): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  for (const variable of holders) {
    for (const ref of variable.references) {
      const use = useOf(ref.identifier as TSESTree.Node);
      const member = use.parent;
      if (member?.type === AST_NODE_TYPES.MemberExpression && member.object === use && memberKey(member) === name) callsOfValue(member, sites);
    }
  }
  return sites;
}

/**
 * The calls of a function through the const object literals its name is stored in: `const table = { one: handleOne }`
 * (or `{ handleOne }`), then `table.one()`, and `this.one()` in the object's own methods. None where the object's
 * member is written again (`table.one = …`).
 */
export function storedMemberCallSites(sourceCode: SourceCode, variables: readonly Variable[], thisCalls: ThisCalls): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  for (const variable of variables) {
    for (const ref of variable.references) {
      const use = useOf(ref.identifier as TSESTree.Node);
      const property = use.parent;
      if (property?.type !== AST_NODE_TYPES.Property || property.value !== use || property.kind !== "init" || property.parent.type !== AST_NODE_TYPES.ObjectExpression) continue;
      const name = keyName(property);
      if (name === undefined) continue;
      const holder = property.parent;
      const declarator = useOf(holder).parent;
      const bindings = constInit(declarator) === holder ? sourceCode.getDeclaredVariables(declarator as TSESTree.VariableDeclarator) : [];
      if (memberRewritten(bindings, name)) continue;
      sites.push(...memberCallsOf(bindings, name), ...(thisCalls(holder, false).get(name) ?? []));
    }
  }
  return sites;
}
