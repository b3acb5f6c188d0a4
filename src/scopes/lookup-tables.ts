/**
 * Functions run through a lookup table: a `const` Map or object literal of known functions, and a call
 * of what it looks up.
 *
 *   const COMMANDS = new Map([["run", run], ["help", showHelp]]);    const COMMANDS = { run, help: showHelp };
 *   COMMANDS.get(cmd)(args);                                         COMMANDS[cmd](args);
 *   const handler = COMMANDS.get(cmd) ?? showHelp;  await handler?.(args);
 *
 * Such a call may run any function of the table (the key is usually a command line's word), so it counts
 * as a call of each of them, as a branch would; a static key (`COMMANDS.get("run")`) picks its entry.
 * What counts as known: the entries written in the literal after its last spread (a spread may replace any
 * earlier key), minus an entry whose key a later entry may also write. The table must be `const` and never
 * written in its file: `COMMANDS.set/delete/clear(…)`, `COMMANDS[k] = …`, `delete COMMANDS[k]`,
 * `Object.assign(COMMANDS, …)` make it unknown. A write from another file (the table exported and changed
 * there) is not seen.
 *
 * The same-file model uses this in both directions (src/scopes/model.ts: what a call runs, and who calls a
 * function); the type-aware search of other files (src/scopes/cross-file.ts) reads the same shapes on
 * TypeScript's tree and shares `knownEntries`.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { keyName, memberName, skipWrappers } from "./ast";
import { callsOfValue, useOf } from "./members";

type SourceCode = Readonly<TSESLint.SourceCode>;
type Variable = TSESLint.Scope.Variable;

/** A key that is not known statically (`[name]: …`, `[cmd.name, cmd.handler]`): it may equal any other. */
export const UNKNOWN_KEY: unique symbol = Symbol("unknown key");
/** A spread in the table's literal (`...others`): any key before it may be replaced. */
export const SPREAD: unique symbol = Symbol("spread");

export interface TableEntry<V> {
  readonly key: unknown;
  readonly value: V;
}

/** The entries still in the table when the literal is done: after the last spread, and not overwritten by a later entry. */
export function knownEntries<V>(written: readonly (TableEntry<V> | typeof SPREAD)[]): TableEntry<V>[] {
  const known: TableEntry<V>[] = [];
  const laterKeys = new Set<unknown>();
  let laterUnknown = false;
  for (let index = written.length - 1; index >= 0; index--) {
    const entry = written[index] as TableEntry<V> | typeof SPREAD;
    if (entry === SPREAD) break;
    if (entry.key === UNKNOWN_KEY) {
      if (laterKeys.size === 0 && !laterUnknown) known.push(entry);
      laterUnknown = true;
    } else {
      if (!laterUnknown && !laterKeys.has(entry.key)) known.push(entry);
      laterKeys.add(entry.key);
    }
  }
  return known.reverse();
}

/** The entries a lookup picks: the one of a static key, or every one. */
export function picked<V>(entries: readonly TableEntry<V>[], key: unknown): V[] {
  return entries.filter((entry) => key === UNKNOWN_KEY || entry.key === UNKNOWN_KEY || entry.key === key).map((entry) => entry.value);
}

/** Methods of Object that write into their first argument. */
export const OBJECT_WRITERS = new Set(["assign", "defineProperty", "defineProperties", "setPrototypeOf"]);
/** Methods of a Map that change its entries. */
export const MAP_WRITERS = new Set(["set", "delete", "clear"]);

/** A name that is the global it spells (`Map`, `Object`), not a binding of this file. */
function isGlobal(sourceCode: SourceCode, node: TSESTree.Node, name: string): boolean {
  if (node.type !== AST_NODE_TYPES.Identifier || node.name !== name) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
  return !variable || variable.defs.length === 0;
}

function staticKey(sourceCode: SourceCode, node: TSESTree.Node): unknown {
  const value = ASTUtils.getStaticValue(node, sourceCode.getScope(node));
  return value ? value.value : UNKNOWN_KEY;
}

/** A `const` table: the literal's entries as written, keyed by the Map or object literal. */
interface Table {
  readonly kind: "map" | "object";
  readonly literal: TSESTree.NewExpression | TSESTree.ObjectExpression;
  readonly variable: Variable;
}

/** `new Map([[k, v], …])` or `{ k: v, … }` as the whole initializer of a `const`, with its variable. */
function tableOfLiteral(sourceCode: SourceCode, literal: TSESTree.Node): Table | undefined {
  const use = useOf(literal);
  const declarator = use.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== use || declarator.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  if (declarator.parent.type !== AST_NODE_TYPES.VariableDeclaration || declarator.parent.kind !== "const") return undefined;
  const variable = sourceCode.getDeclaredVariables(declarator)[0];
  if (!variable) return undefined;
  if (literal.type === AST_NODE_TYPES.ObjectExpression) return { kind: "object", literal, variable };
  if (literal.type === AST_NODE_TYPES.NewExpression && isGlobal(sourceCode, literal.callee, "Map") && literal.arguments[0]?.type === AST_NODE_TYPES.ArrayExpression) {
    return { kind: "map", literal, variable };
  }
  return undefined;
}

/** The table a name stands for: a `const` whose initializer is the literal. */
function tableNamed(sourceCode: SourceCode, node: TSESTree.Node): Table | undefined {
  if (node.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  const init = def?.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init ? skipWrappers(def.node.init) : undefined;
  return init && tableOfLiteral(sourceCode, init);
}

/** The entries of a table as its literal writes them. */
function writtenEntries(sourceCode: SourceCode, table: Table): (TableEntry<TSESTree.Node> | typeof SPREAD)[] {
  if (table.literal.type === AST_NODE_TYPES.ObjectExpression) {
    return table.literal.properties.map((property) => {
      if (property.type !== AST_NODE_TYPES.Property || property.kind !== "init") return SPREAD;
      const key = keyName(property) ?? (property.computed ? staticKey(sourceCode, property.key) : UNKNOWN_KEY);
      return { key, value: property.value };
    });
  }
  const list = table.literal.arguments[0] as TSESTree.ArrayExpression;
  return list.elements.map((element) => {
    if (element?.type !== AST_NODE_TYPES.ArrayExpression) return SPREAD;
    const [key, value] = element.elements;
    if (!key || !value || key.type === AST_NODE_TYPES.SpreadElement || value.type === AST_NODE_TYPES.SpreadElement) return SPREAD;
    return { key: staticKey(sourceCode, key), value };
  });
}

/** A use of the table that may change its entries. */
function writes(use: TSESTree.Node): boolean {
  const parent = use.parent;
  if (parent?.type === AST_NODE_TYPES.CallExpression && parent.arguments[0] === use) {
    const callee = parent.callee;
    return callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier && callee.object.name === "Object" && OBJECT_WRITERS.has(memberName(callee) ?? "");
  }
  if (parent?.type !== AST_NODE_TYPES.MemberExpression || parent.object !== use) return false;
  const member = useOf(parent);
  const user = member.parent;
  if (user?.type === AST_NODE_TYPES.CallExpression && user.callee === member) return MAP_WRITERS.has(memberName(parent) ?? "");
  return (
    (user?.type === AST_NODE_TYPES.AssignmentExpression && user.left === member) ||
    user?.type === AST_NODE_TYPES.UpdateExpression ||
    (user?.type === AST_NODE_TYPES.UnaryExpression && user.operator === "delete")
  );
}

const entriesByTable = new WeakMap<TSESTree.Node, TableEntry<TSESTree.Node>[] | null>();

/** The entries surely in the table, or undefined when its file writes it. */
function entriesOf(sourceCode: SourceCode, table: Table): TableEntry<TSESTree.Node>[] | undefined {
  let entries = entriesByTable.get(table.literal);
  if (entries === undefined) {
    const written = table.variable.references.some((ref) => !ref.init && writes(useOf(ref.identifier as TSESTree.Node)));
    entries = written ? null : knownEntries(writtenEntries(sourceCode, table));
    entriesByTable.set(table.literal, entries);
  }
  return entries ?? undefined;
}

/** `T.get(k)` of a Map table, `T[k]` of an object table: the table and the key (UNKNOWN_KEY when not static). */
function lookupIn(sourceCode: SourceCode, node: TSESTree.Node): { table: Table; key: unknown } | undefined {
  const inner = skipWrappers(node);
  if (inner.type === AST_NODE_TYPES.CallExpression && inner.callee.type === AST_NODE_TYPES.MemberExpression && memberName(inner.callee) === "get" && inner.arguments.length === 1) {
    const table = tableNamed(sourceCode, skipWrappers(inner.callee.object));
    const key = inner.arguments[0] as TSESTree.Node;
    return table?.kind === "map" ? { table, key: key.type === AST_NODE_TYPES.SpreadElement ? UNKNOWN_KEY : staticKey(sourceCode, key) } : undefined;
  }
  // `T.run` (static, not computed) is a member call, src/scopes/members.ts; only `T[cmd]` is a lookup.
  if (inner.type === AST_NODE_TYPES.MemberExpression && inner.computed) {
    const table = tableNamed(sourceCode, skipWrappers(inner.object));
    return table?.kind === "object" ? { table, key: staticKey(sourceCode, inner.property) } : undefined;
  }
  return undefined;
}

/** The values an expression may hold through lookups: `T.get(k)`, `T[k]`, and `T.get(k) || fallback` / `?? fallback`. */
function lookedUp(sourceCode: SourceCode, node: TSESTree.Node): TSESTree.Node[] | undefined {
  const inner = skipWrappers(node);
  if (inner.type === AST_NODE_TYPES.LogicalExpression && (inner.operator === "||" || inner.operator === "??")) {
    const left = lookedUp(sourceCode, inner.left);
    return left && [...left, ...(lookedUp(sourceCode, inner.right) ?? [inner.right])];
  }
  const lookup = lookupIn(sourceCode, inner);
  const entries = lookup && entriesOf(sourceCode, lookup.table);
  return entries && picked(entries, lookup.key);
}

/**
 * The values a callee may run through a lookup table: `T.get(cmd)` in `T.get(cmd)(…)`, `T[cmd]`, or a
 * `const handler = T.get(cmd) ?? fallback` it names. Undefined for any other callee.
 */
export function tableValuesCalled(sourceCode: SourceCode, callee: TSESTree.Node): TSESTree.Node[] | undefined {
  const inner = skipWrappers(callee);
  if (inner.type !== AST_NODE_TYPES.Identifier) return lookedUp(sourceCode, inner);
  const variable = ASTUtils.findVariable(sourceCode.getScope(inner), inner);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init || def.parent?.type !== AST_NODE_TYPES.VariableDeclaration || def.parent.kind !== "const") return undefined;
  return lookedUp(sourceCode, def.node.init);
}

/** The table literal a value is an entry of (`[k, value]` in a Map's list, `k: value` in an object), with its key. */
function entryHolding(sourceCode: SourceCode, value: TSESTree.Node): { table: Table; key: unknown } | undefined {
  const use = useOf(value);
  const parent = use.parent;
  if (parent?.type === AST_NODE_TYPES.Property && parent.value === use && parent.parent.type === AST_NODE_TYPES.ObjectExpression) {
    const table = tableOfLiteral(sourceCode, parent.parent);
    return table && { table, key: keyName(parent) ?? UNKNOWN_KEY };
  }
  if (parent?.type === AST_NODE_TYPES.ArrayExpression && parent.elements[1] === use) {
    const list = parent.parent;
    const map = list?.type === AST_NODE_TYPES.ArrayExpression ? list.parent : undefined;
    const table = map?.type === AST_NODE_TYPES.NewExpression && map.arguments[0] === list ? tableOfLiteral(sourceCode, map) : undefined;
    return table && { table, key: parent.elements[0] ? staticKey(sourceCode, parent.elements[0]) : UNKNOWN_KEY };
  }
  return undefined;
}

/** `const handler = <lookup> || value` / `?? value`: the variables that hold a lookup's result (or its fallback `value`). */
function holdersOf(sourceCode: SourceCode, node: TSESTree.Node): readonly Variable[] {
  let current = useOf(node);
  while (current.parent?.type === AST_NODE_TYPES.LogicalExpression && (current.parent.operator === "||" || current.parent.operator === "??")) current = useOf(current.parent);
  const declarator = current.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.init !== current || declarator.parent.kind !== "const") return [];
  return lookedUp(sourceCode, current) ? sourceCode.getDeclaredVariables(declarator) : [];
}

/**
 * The calls that may run a function through a lookup table, for each node that stands for it (its name's
 * references, or the function itself written in the table): `T.get(k)(…)`, `T[k](…)`, and the calls of a
 * `const handler = T.get(k) ?? fallback` (the fallback's calls too): the calls each of those values takes part
 * in, as for a name (`callsOfValue`).
 */
export function tableCallSites(sourceCode: SourceCode, values: readonly TSESTree.Node[]): TSESTree.Node[] {
  const sites: TSESTree.Node[] = [];
  const callsOfHolders = (node: TSESTree.Node) => {
    for (const variable of holdersOf(sourceCode, node)) for (const ref of variable.references) callsOfValue(ref.identifier as TSESTree.Node, sites);
  };
  for (const value of values) {
    // `const handler = T.get(cmd) || value`: the fallback runs when the lookup finds nothing.
    const use = useOf(value);
    if (use.parent?.type === AST_NODE_TYPES.LogicalExpression && use.parent.right === use) callsOfHolders(use);
    const entry = entryHolding(sourceCode, value);
    const entries = entry && entriesOf(sourceCode, entry.table);
    if (!entry || !entries?.some((known) => known.value === useOf(value) || skipWrappers(known.value) === value)) continue;
    for (const ref of entry.table.variable.references) {
      if (ref.init) continue;
      const tableUse = useOf(ref.identifier as TSESTree.Node);
      const member = tableUse.parent;
      if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== tableUse) continue;
      const isGet = entry.table.kind === "map" && member.parent?.type === AST_NODE_TYPES.CallExpression && member.parent.callee === member;
      const lookupNode = isGet ? (member.parent as TSESTree.CallExpression) : member;
      const lookup = lookupIn(sourceCode, lookupNode);
      if (!lookup || lookup.table.literal !== entry.table.literal || picked([{ key: entry.key, value: true }], lookup.key).length === 0) continue;
      callsOfValue(lookupNode, sites);
      callsOfHolders(lookupNode);
    }
  }
  return sites;
}
