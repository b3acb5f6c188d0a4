/**
 * Openers wrapped in a function of another file, seen through the type checker (type-aware linting only).
 *
 *   // telemetry.js                                  // steps.js
 *   export function traceStep(step, callback) {       await traceStep("install", async () => {
 *     return Sentry.startSpan({ name: step },             await abortIfCancelled(…);   // ← inside span 'install'
 *       (span) => callback(span));                      });
 *   }
 *
 * steps.js opens no scope it can see: it calls a function of its own project. With a program, the call's
 * declaration is found in the other file, and that file's own model (the same one every rule builds, from
 * bindings) says whether the function's body hands one of its parameters to an opener of the catalogue,
 * itself (`startSpan(opts, callback)`) or called by a function that does nothing else
 * (`(span) => callback(span)`, `async () => { return await callback(); }`). The argument at that position
 * of the call is then a scope callback, of the wrapped opener's kind. The scope's name is the wrapper's
 * name argument when the opener's name is one of its parameters (`{ name: step }`), else the opener's own.
 *
 * Only the opener called in the wrapper's own body counts (one in a function nested in it runs later, if
 * ever), one wrapper deep, and only functions of the project (not node_modules, not declaration files).
 * A scope found this way is marked `foreign`: the span belongs to the wrapper, so require-span-error-recording
 * does not judge the caller's callback as the span's owner.
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { parseForESLint } from "./parser";
import { SourceCode } from "eslint";
import type * as TS from "typescript";
import type { FunctionNode } from "./ast";
import { enclosingFunction, isFunction, skipWrappers, staticString, walk } from "./ast";
import type { FunctionLike } from "./cross-file";
import { functionsOf, indirectCallee, isSearched } from "./cross-file";
import type { OpenerSpec } from "./catalogue";
import type { ReleaseNote } from "./releases";
// A type only: the model (which builds these scopes) imports this module, not the other way round.
import type { TracedScope } from "./model";

/** What a wrapper does with its parameters: which one it hands to which opener. */
export interface WrapperProfile {
  readonly spec: OpenerSpec;
  readonly release?: ReleaseNote;
  /** The wrapper's parameter that runs inside the span. */
  readonly callbackParam: number;
  /** The wrapper's parameter that names the span, when the opener takes its name from one. */
  readonly nameParam: number | undefined;
  /** The opener's own name, when it is written in the wrapper. */
  readonly name: string | undefined;
  /** The wrapper, as the report names it: `traceStep`. */
  readonly wrapper: string;
}

/** A model of another file's source: the scopes it opens (the caller builds it, so the catalogue and settings are the linted file's). */
export type ScopesOf = (sourceCode: Readonly<TSESLint.SourceCode>, fileName: string) => readonly TracedScope[];

/** Per program: each other file parsed once, and each function's profile (null: not a wrapper). */
const parsed = new WeakMap<TS.Program, Map<string, Readonly<TSESLint.SourceCode> | null>>();
const profiles = new WeakMap<TS.Program, Map<TS.Node, WrapperProfile | null>>();

function memoOf<K, V>(store: WeakMap<TS.Program, Map<K, V>>, program: TS.Program): Map<K, V> {
  let memo = store.get(program);
  if (!memo) {
    memo = new Map();
    store.set(program, memo);
  }
  return memo;
}

/** The other file as ESLint would see it: typescript-eslint's parser without a program, its scope manager. */
function parseFile(file: TS.SourceFile, ts: typeof TS): Readonly<TSESLint.SourceCode> | null {
  try {
    const jsx = /\.[jt]sx$/u.test(file.fileName);
    const { ast, scopeManager, visitorKeys, services } = parseForESLint(file.text, {
      filePath: file.fileName,
      sourceType: ts.isExternalModule(file) ? "module" : "script",
      ecmaVersion: "latest",
      range: true,
      loc: true,
      tokens: true,
      comment: true,
      ecmaFeatures: { jsx },
    });
    // ESLint sets `parent` as it traverses a file; a file parsed here gets them the same way.
    setParents(ast as unknown as TSESTree.Node, visitorKeys as Readonly<Record<string, readonly string[] | undefined>>);
    return new SourceCode({ text: file.text, ast: ast as never, scopeManager: scopeManager as never, visitorKeys: visitorKeys as never, parserServices: services }) as unknown as TSESLint.SourceCode;
  } catch {
    // A file typescript-eslint cannot parse without a program opens no scope we can know of.
    return null;
  }
}

export function setParents(root: TSESTree.Node, visitorKeys: Readonly<Record<string, readonly string[] | undefined>>): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as TSESTree.Node;
    for (const key of visitorKeys[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof (child as TSESTree.Node).type === "string") {
          (child as { parent?: TSESTree.Node }).parent = node;
          stack.push(child as TSESTree.Node);
        }
      }
    }
  }
}

/** The ESTree function at the TypeScript function's place. */
function functionAt(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionLike): FunctionNode | undefined {
  const start = fn.getStart(fn.getSourceFile());
  let best: FunctionNode | undefined;
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.range[1] < fn.end || node.range[0] > fn.end) return false;
    // `export function f` starts at `export` for TypeScript, at `function` for ESTree: the nearest start wins.
    if (isFunction(node) && node.range[1] === fn.end && (!best || Math.abs(node.range[0] - start) < Math.abs(best.range[0] - start))) best = node;
    return true;
  });
  return best;
}

/** The index of `fn`'s plain parameter that `node` reads, if it is one. */
function parameterIndex(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode, node: TSESTree.Node | undefined): number | undefined {
  if (node?.type !== AST_NODE_TYPES.Identifier) return undefined;
  const variable = ASTUtils.findVariable(sourceCode.getScope(node), node);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type !== "Parameter" || def.node !== fn) return undefined;
  const index = fn.params.indexOf(def.name as TSESTree.Parameter);
  return index >= 0 ? index : undefined;
}

/** `callback(…)`, `await callback(…)`: a call of one of `fn`'s parameters, as an expression. */
function calledParameter(sourceCode: Readonly<TSESLint.SourceCode>, fn: FunctionNode, expression: TSESTree.Node | null | undefined): number | undefined {
  let current = expression && skipWrappers(expression);
  if (current?.type === AST_NODE_TYPES.AwaitExpression) current = skipWrappers(current.argument);
  if (current?.type !== AST_NODE_TYPES.CallExpression) return undefined;
  return parameterIndex(sourceCode, fn, skipWrappers(current.callee));
}

/**
 * The parameter of `wrapper` that the opener's callback runs: the argument itself is the parameter, or the
 * callback's body is nothing but a call of it (`(span) => callback(span)`, `{ return await callback(); }`).
 */
function forwardedParameter(sourceCode: Readonly<TSESLint.SourceCode>, wrapper: FunctionNode, scope: TracedScope): number | undefined {
  const direct = scope.callbackArg && parameterIndex(sourceCode, wrapper, skipWrappers(scope.callbackArg));
  if (direct !== undefined) return direct;
  const callback = scope.callback;
  if (callback !== (scope.callbackArg && skipWrappers(scope.callbackArg))) return undefined;
  if (callback.body.type !== AST_NODE_TYPES.BlockStatement) return calledParameter(sourceCode, wrapper, callback.body);
  const [only, ...rest] = callback.body.body;
  if (!only || rest.length > 0) return undefined;
  if (only.type === AST_NODE_TYPES.ReturnStatement) return calledParameter(sourceCode, wrapper, only.argument);
  if (only.type === AST_NODE_TYPES.ExpressionStatement) return calledParameter(sourceCode, wrapper, only.expression);
  return undefined;
}

/** The wrapper's parameter that the opener takes its name from (`{ name: step }`, or `step` itself). */
function nameParameter(sourceCode: Readonly<TSESLint.SourceCode>, wrapper: FunctionNode, spec: OpenerSpec, anchor: TSESTree.Node): number | undefined {
  if (anchor.type !== AST_NODE_TYPES.CallExpression) return undefined;
  for (const source of spec.names) {
    if ("callbackName" in source) continue;
    let value: TSESTree.Node | undefined = anchor.arguments[source.arg];
    if (source.property) {
      value =
        value?.type === AST_NODE_TYPES.ObjectExpression
          ? value.properties.find(
              (property): property is TSESTree.Property =>
                property.type === AST_NODE_TYPES.Property && !property.computed && property.key.type === AST_NODE_TYPES.Identifier && property.key.name === source.property,
            )?.value
          : undefined;
    }
    const index = parameterIndex(sourceCode, wrapper, value);
    if (index !== undefined) return index;
  }
  return undefined;
}

function wrapperName(fn: FunctionLike, ts: typeof TS): string {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  return "a function";
}

/** Whether `fn` (of another file) hands a parameter to an opener in its own body, and which. */
function profileOf(fn: FunctionLike, program: TS.Program, ts: typeof TS, scopesOf: ScopesOf): WrapperProfile | null {
  const memo = memoOf(profiles, program);
  const known = memo.get(fn);
  if (known !== undefined) return known;
  let profile: WrapperProfile | null = null;
  const file = fn.getSourceFile();
  const files = memoOf(parsed, program);
  let sourceCode = files.get(file.fileName);
  if (sourceCode === undefined) {
    sourceCode = parseFile(file, ts);
    files.set(file.fileName, sourceCode);
  }
  const wrapper = sourceCode && functionAt(sourceCode, fn);
  if (sourceCode && wrapper) {
    for (const scope of scopesOf(sourceCode, file.fileName)) {
      if (enclosingFunction(scope.anchor) !== wrapper) continue;
      const callbackParam = forwardedParameter(sourceCode, wrapper, scope);
      if (callbackParam === undefined) continue;
      const nameParam = nameParameter(sourceCode, wrapper, scope.spec, scope.anchor);
      profile = { spec: scope.spec, release: scope.release, callbackParam, nameParam, name: nameParam === undefined ? scope.name : undefined, wrapper: wrapperName(fn, ts) };
      break;
    }
  }
  memo.set(fn, profile);
  return profile;
}

/** A call of a wrapper from another file, with the wrapper's profile. */
export interface ForeignOpenerCall {
  readonly call: TSESTree.CallExpression;
  readonly profile: WrapperProfile;
  readonly callbackArg: TSESTree.Node;
  /** The span's name at this call: the name argument when static, else the opener's own. */
  readonly name: string | undefined;
}

/** Per program and text test: does any searched file of it spell an opener at all? Most programs' files do not. */
const mayWrapByProgram = new WeakMap<TS.Program, WeakMap<object, boolean>>();

function programMayWrap(program: TS.Program, mayOpen: (text: string) => boolean, key: object): boolean {
  let byKey = mayWrapByProgram.get(program);
  if (!byKey) {
    byKey = new WeakMap();
    mayWrapByProgram.set(program, byKey);
  }
  let known = byKey.get(key);
  if (known === undefined) {
    known = program.getSourceFiles().some((file) => isSearched(file) && mayOpen(file.text));
    byKey.set(key, known);
  }
  return known;
}

/** With a type-checked program: whether a searched file of it spells an opener (`mayOpen`), so a wrapper may exist. */
export function programMayOpenScope(sourceCode: Readonly<TSESLint.SourceCode>, mayOpen: (text: string) => boolean, key: object): boolean {
  const program = (sourceCode.parserServices as ParserServicesWithTypeInformation | undefined)?.program;
  return !!program && programMayWrap(program, mayOpen, key);
}

/**
 * Calls in this file of functions of other files that wrap an opener. Empty without a type-checked program,
 * or when no file of it spells an opener (`mayOpen`, the model's text prefilter; `key` keeps its answer per
 * program, the catalogue for one).
 */
export function foreignOpenerCalls(sourceCode: Readonly<TSESLint.SourceCode>, scopesOf: ScopesOf, mayOpen: (text: string) => boolean, key: object): ForeignOpenerCall[] {
  const services = sourceCode.parserServices as ParserServicesWithTypeInformation | undefined;
  if (!services?.program || !programMayOpenScope(sourceCode, mayOpen, key)) return [];
  const functions = functionsOf(services);
  const found: ForeignOpenerCall[] = [];
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.CallExpression || node.arguments.length === 0) return;
    // Only calls that pass a function (or a name) can hand a callback to a wrapper: the rest are not worth resolving.
    if (!node.arguments.some((arg) => isFunction(skipWrappers(arg)) || arg.type === AST_NODE_TYPES.Identifier)) return;
    const root = indirectCallee(node.callee);
    if (root.type !== AST_NODE_TYPES.Identifier && root.type !== AST_NODE_TYPES.MemberExpression) return;
    const fn = functions.inOtherFile(services.esTreeNodeToTSNodeMap.get(node) as TS.Node | undefined);
    const profile = fn && mayOpen(fn.getSourceFile().text) ? profileOf(fn, services.program, functions.ts, scopesOf) : undefined;
    const callbackArg = profile ? node.arguments[profile.callbackParam] : undefined;
    if (!profile || !callbackArg) return;
    const nameArg = profile.nameParam === undefined ? undefined : node.arguments[profile.nameParam];
    found.push({ call: node, profile, callbackArg, name: nameArg ? staticString(nameArg) : profile.name });
  });
  return found;
}
