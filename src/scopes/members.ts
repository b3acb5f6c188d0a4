/**
 * Same-file functions reached through members, in both directions:
 *
 *   helpers.bail()            a method of `const helpers = { bail() {…} }`
 *   Config.require()          a static method of `class Config`
 *   guard.require()           an instance method, `const guard = new Guard()`; also `new Guard().require()`
 *   this.stop(), this.#stop() a sibling in the class, or in the object literal
 *
 * `memberFunction` goes from a callee to the function (what does this call run?); `memberCallSites`
 * from a function to the calls of it (who runs this?). Both stop at the file's edge and at values the
 * file does not make right there (a parameter, a field assigned later).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FunctionNode } from "./ast";
import { isFunction, keyName, memberKey, memberName, skipWrappers, walk } from "./ast";

type SourceCode = Readonly<TSESLint.SourceCode>;
type Holder = TSESTree.ClassBody | TSESTree.ObjectExpression;
type Class = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

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
  const def = singleDefinition(sourceCode, object);
  if (def?.node.type === AST_NODE_TYPES.ClassDeclaration || def?.node.type === AST_NODE_TYPES.ClassExpression) return memberOf(def.node.body, name, true);
  // A `let` holder may be reassigned before the call: only a `const` one says what runs.
  if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || def.node.id.type !== AST_NODE_TYPES.Identifier || !def.node.init) return undefined;
  if (def.parent?.type !== AST_NODE_TYPES.VariableDeclaration || def.parent.kind !== "const") return undefined;
  const init = skipWrappers(def.node.init);
  if (init.type === AST_NODE_TYPES.ClassExpression) return memberOf(init.body, name, true);
  if (init.type === AST_NODE_TYPES.ObjectExpression) return memberOf(init, name, false);
  if (init.type === AST_NODE_TYPES.NewExpression) {
    const cls = classOf(sourceCode, init.callee);
    return cls && memberOf(cls.body, name, false);
  }
  return undefined;
}

/** The one definition of the variable an identifier names, when there is exactly one. */
function singleDefinition(sourceCode: SourceCode, identifier: TSESTree.Identifier) {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  return variable?.defs.length === 1 ? variable.defs[0] : undefined;
}

/** The same-file class an expression names: `Guard` for `class Guard {}` or `const Guard = class {}`. */
function classOf(sourceCode: SourceCode, node: TSESTree.Node): Class | undefined {
  const inner = skipWrappers(node);
  if (inner.type === AST_NODE_TYPES.ClassExpression) return inner;
  if (inner.type !== AST_NODE_TYPES.Identifier) return undefined;
  const def = singleDefinition(sourceCode, inner);
  if (def?.node.type === AST_NODE_TYPES.ClassDeclaration) return def.node;
  if (def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init) {
    const init = skipWrappers(def.node.init);
    if (init.type === AST_NODE_TYPES.ClassExpression) return init;
  }
  return undefined;
}

/**
 * What `this` is where a member expression is written: the class body (static when written in a
 * static method, field or block) or the object literal whose method holds it. Arrows keep `this`.
 */
function thisHolder(node: TSESTree.Node): { body: Holder; isStatic: boolean } | undefined {
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

// --- function → calls --------------------------------------------------------------------------

/** The calls of a method or member-valued function of a class or object literal (undefined: not a member). */
export function memberCallSites(sourceCode: SourceCode, fn: FunctionNode, thisCalls: (holder: Holder) => ReadonlyMap<string, readonly TSESTree.Node[]>): TSESTree.Node[] | undefined {
  const parent = fn.parent;
  // `stop() {}` and `stop = () => {}` in a class: called as `this.stop()`; a static one also as `Job.stop()`,
  // an instance one on a same-file instance (`job.stop()` after `const job = new Job()`).
  if (
    (parent?.type === AST_NODE_TYPES.MethodDefinition || (parent?.type === AST_NODE_TYPES.PropertyDefinition && parent.value === fn)) &&
    parent.parent.type === AST_NODE_TYPES.ClassBody
  ) {
    const name = keyName(parent);
    if (name === undefined) return [];
    const sites = thisCalls(parent.parent).get(name) ?? [];
    const classNames = namesOfClass(sourceCode, parent.parent.parent);
    return [...sites, ...(parent.static ? memberCallsOf(classNames, name) : instanceCallsOf(sourceCode, classNames, name))];
  }
  // `bail() {}`, `bail: () => {}` in `const helpers = { … }`: called as `helpers.bail()`, or `this.bail()` from a sibling.
  if (parent?.type === AST_NODE_TYPES.Property && parent.value === fn && parent.kind === "init" && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
    const name = keyName(parent);
    const holder = parent.parent;
    if (name === undefined) return [];
    const declarator = holder.parent;
    const variables =
      declarator?.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier && declarator.init === holder
        ? sourceCode.getDeclaredVariables(declarator)
        : [];
    return [...(thisCalls(holder).get(name) ?? []), ...memberCallsOf(variables, name)];
  }
  return undefined;
}

/**
 * Every place a member function is used, as the member expressions `helpers.bail` / `Config.require` /
 * `this.bail`, when all of them can be seen: for a method of a `const` object literal or a static method
 * whose holder is used only through its members in this file. Undefined when the holder escapes (passed,
 * exported, spread), for instance methods (instances go anywhere) and for anything not a member.
 */
export function memberUses(sourceCode: SourceCode, fn: FunctionNode): TSESTree.Node[] | undefined {
  const parent = fn.parent;
  let holder: Holder;
  let holderNames: readonly TSESLint.Scope.Variable[];
  let name: string | undefined;
  if (parent?.type === AST_NODE_TYPES.Property && parent.value === fn && parent.kind === "init" && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
    holder = parent.parent;
    const declarator = holder.parent;
    if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier || declarator.init !== holder) return undefined;
    if (declarator.parent.type !== AST_NODE_TYPES.VariableDeclaration || declarator.parent.kind !== "const" || declarator.parent.parent.type === AST_NODE_TYPES.ExportNamedDeclaration) return undefined;
    holderNames = sourceCode.getDeclaredVariables(declarator);
    name = keyName(parent);
  } else if (
    (parent?.type === AST_NODE_TYPES.MethodDefinition || (parent?.type === AST_NODE_TYPES.PropertyDefinition && parent.value === fn)) &&
    parent.static &&
    parent.parent.type === AST_NODE_TYPES.ClassBody
  ) {
    holder = parent.parent;
    const cls = holder.parent;
    if (cls.parent?.type === AST_NODE_TYPES.ExportNamedDeclaration || cls.parent?.type === AST_NODE_TYPES.ExportDefaultDeclaration) return undefined;
    holderNames = namesOfClass(sourceCode, cls);
    name = keyName(parent);
  } else {
    return undefined;
  }
  if (name === undefined) return undefined;
  const uses: TSESTree.Node[] = [];
  for (const variable of holderNames) {
    for (const ref of variable.references) {
      if (ref.init) continue;
      const use = useOf(ref.identifier as TSESTree.Node);
      const member = use.parent;
      if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== use) return undefined;
      if (memberKey(member) === name) uses.push(member);
    }
  }
  walk(holder, sourceCode.visitorKeys, (node) => {
    if (node.type === AST_NODE_TYPES.MemberExpression && node.object.type === AST_NODE_TYPES.ThisExpression && memberKey(node) === name) uses.push(node);
  });
  return uses;
}

/** `this.name` uses inside a class body or an object literal, as calls by name (see `callsOfValue`). */
export function findThisCalls(holder: Holder, visitorKeys: SourceCode["visitorKeys"]): Map<string, TSESTree.Node[]> {
  const found = new Map<string, TSESTree.Node[]>();
  walk(holder, visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.MemberExpression || node.object.type !== AST_NODE_TYPES.ThisExpression) return;
    const name = memberKey(node);
    if (name === undefined) return;
    const sites = found.get(name) ?? [];
    callsOfValue(node, sites);
    found.set(name, sites);
  });
  return found;
}

/** The bindings a class is called through: `class Job {}`, `const Job = class {}`. */
function namesOfClass(sourceCode: SourceCode, cls: Class): readonly TSESLint.Scope.Variable[] {
  const own = sourceCode.getDeclaredVariables(cls);
  const declarator = cls.parent;
  if (declarator?.type === AST_NODE_TYPES.VariableDeclarator && declarator.id.type === AST_NODE_TYPES.Identifier && declarator.init === cls) {
    return [...own, ...sourceCode.getDeclaredVariables(declarator)];
  }
  return own;
}

/** An expression as its parent uses it: above `(x as T)`, `x!`, `<T>x` and `x satisfies T`. */
function useOf(node: TSESTree.Node): TSESTree.Node {
  let use = node;
  while (use.parent && skipWrappers(use.parent) !== use.parent) use = use.parent;
  return use;
}

/**
 * The calls a function value takes part in: `f()`, `new F()`, `f.call(…)`/`apply`/`bind`, and
 * calls it is passed to as an argument (`.catch(f)`, `withTask(config, f)`).
 */
function callsOfValue(value: TSESTree.Node, sites: TSESTree.Node[]): void {
  const use = useOf(value);
  const user = use.parent;
  if (user?.type === AST_NODE_TYPES.CallExpression || user?.type === AST_NODE_TYPES.NewExpression) {
    sites.push(user);
  } else if (user?.type === AST_NODE_TYPES.MemberExpression && user.object === use && ["call", "apply", "bind"].includes(memberName(user) ?? "")) {
    if (user.parent?.type === AST_NODE_TYPES.CallExpression) sites.push(user.parent);
  }
}

/** The calls of the functions these variables hold. */
export function callsOf(variables: readonly TSESLint.Scope.Variable[]): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  for (const variable of variables) for (const ref of variable.references) callsOfValue(ref.identifier as TSESTree.Node, sites);
  return sites;
}

/** The calls of an instance method on a same-file instance: `new Job().fail()`, `const job = new Job(); job.fail()`. */
function instanceCallsOf(sourceCode: SourceCode, classNames: readonly TSESLint.Scope.Variable[], name: string): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  for (const variable of classNames) {
    for (const ref of variable.references) {
      const use = useOf(ref.identifier as TSESTree.Node);
      if (use.parent?.type !== AST_NODE_TYPES.NewExpression || use.parent.callee !== use) continue;
      const instance = useOf(use.parent);
      const user = instance.parent;
      if (user?.type === AST_NODE_TYPES.MemberExpression && user.object === instance && memberKey(user) === name) callsOfValue(user, sites);
      else if (user?.type === AST_NODE_TYPES.VariableDeclarator && user.init === instance && user.id.type === AST_NODE_TYPES.Identifier) {
        sites.push(...memberCallsOf(sourceCode.getDeclaredVariables(user), name));
      }
    }
  }
  return sites;
}

/** The calls of `holder.name`, for every reference to a holder: `helpers.bail()`, `.catch(Job.fail)`. */
function memberCallsOf(holders: readonly TSESLint.Scope.Variable[], name: string): TSESTree.Node[] {
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
