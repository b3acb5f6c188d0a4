/**
 * Exits in other files, seen through the type checker (type-aware linting only).
 *
 *   // bedrock.ts                                   // workflow.ts
 *   export async function complete(prompt) {        withWorkflow({ name: "rag" }, async () => {
 *     …                                               await complete(prompt);   // ← reported here
 *     process.exit(1);                              });
 *   }
 *
 * bedrock.ts opens no scope, so nothing there is reported; workflow.ts sees only a call. With a
 * program, the call's declaration is found in the other file, and what the call runs is searched for
 * `process.exit()`, `abort()`, `reallyExit()` and `kill(process.pid)` on Node's `process`: the called
 * function's own body, not the functions nested in it (a listener it registers runs later, if ever),
 * and the project functions it calls, three calls deep. Files in node_modules and declaration files
 * are not searched: a library's exit is the library's business, and its body is usually not there.
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import type * as TS from "typescript";
import { createRequire } from "node:module";
import * as path from "node:path";
import type { TableEntry } from "./lookup-tables";
import { MAP_WRITERS, OBJECT_WRITERS, SPREAD, UNKNOWN_KEY, knownEntries, picked } from "./lookup-tables";

const EXITS = new Set(["exit", "abort", "reallyExit", "kill"]);
/** Methods of an array that change its elements. */
const ARRAY_WRITERS = new Set(["push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin"]);
const MAX_HOPS = 3;
/** Awaiting one of these before the exit counts as flushing first (catalogue flushes and settings use these names). */
const FLUSH_NAMES = new Set(["forceFlush", "shutdown", "flush", "flushAsync", "shutdownAsync"]);
const PROMISE_METHODS = new Set(["catch", "then", "finally"]);
const SENTRY_PACKAGE = /[\\/]node_modules[\\/]@sentry[\\/]/u;
const SENTRY_IMPORT = /\brequire\(\s*["']@sentry\/|\bfrom\s*["']@sentry\//u;

/** An exit found in another file. */
export interface FoundExit {
  /** `process.exit()`, as the rules describe exits. */
  readonly exit: string;
  readonly file: string;
  readonly line: number;
  /** Where the exit call starts in its file (its ESTree node's `range[0]`). */
  readonly start: number;
  /** The functions from the called one down to the one that exits, outermost first. */
  readonly via: readonly string[];
  /** Every step from the call to the exit awaits a flush first (`await sdk.shutdown(); process.exit(0)`). */
  readonly afterFlush: boolean;
  /**
   * Some step ends the trace's root span, then awaits a flush, before the exit (Sentry's
   * `const root = Sentry.getRootSpan(Sentry.getActiveSpan()); if (root) { root.end(); } await Sentry.flush();`):
   * a scope that is itself the root loses nothing; the spans open inside it are still lost.
   */
  readonly endsRoot: boolean;
}

/** A call that reaches an exit in another file, with what a report says about it. */
export interface ForeignExitCall<T> {
  readonly call: TSESTree.CallExpression;
  /** What the rule's own test returned for the call (its reach, its handler …). */
  readonly at: T;
  /** The callee as written: `requireRegion`, `helpers.fail`. */
  readonly callee: string;
  readonly exit: string;
  /** `helpers.ts:6`, relative to the linted file. */
  readonly location: string;
  /** ` (via a() → b())`, or nothing. */
  readonly via: string;
  readonly afterFlush: boolean;
  readonly endsRoot: boolean;
}

export type FunctionLike = TS.FunctionDeclaration | TS.MethodDeclaration | TS.ArrowFunction | TS.FunctionExpression;

/** What `exitCall` finds, as text: `process.exit(`, `globalThis.process?.kill(` … */
const EXIT_CALL = /\bprocess\s*\??\.\s*(?:exit|abort|reallyExit|kill)\s*(?:\?\.\s*)?\(/u;

export const isSearched = (file: TS.SourceFile) => !file.isDeclarationFile && !/[\\/]node_modules[\\/]/u.test(file.fileName);

/** The program's source file at `fileName`, when it is one the searches read. */
export function searchedSource(program: TS.Program, fileName: string): TS.SourceFile | undefined {
  const source = program.getSourceFile(fileName);
  return source && isSearched(source) ? source : undefined;
}

/** Per program: does any searched file write a process exit at all? Most programs' files do not. */
const canExit = new WeakMap<TS.Program, boolean>();

/** False when no file of the program, outside node_modules and declaration files, writes `process.exit(` or the like: nothing to follow. */
export function programMayExit(services: ParserServicesWithTypeInformation): boolean {
  let known = canExit.get(services.program);
  if (known === undefined) {
    known = services.program.getSourceFiles().some((file) => isSearched(file) && EXIT_CALL.test(file.text));
    canExit.set(services.program, known);
  }
  return known;
}

/** What a function's search found (the first exit, or every one), and how deep that search went. */
interface Search {
  readonly depth: number;
  readonly found: readonly FoundExit[];
}

/** Per program, what each function's search found: the first exit it runs, and (for exitsReachedBy) every one. */
const searches = new WeakMap<TS.Program, Map<TS.Node, Search>>();
const searchesOfAll = new WeakMap<TS.Program, Map<TS.Node, Search>>();

/**
 * TypeScript as the program's own copy sees it: the project's `typescript` when it has one (the parser
 * loaded that one), else the one next to this plugin. SyntaxKind numbers differ between major versions.
 */
export function loadTypeScript(): typeof TS {
  for (const from of [path.join(process.cwd(), "package.json"), __filename]) {
    try {
      return createRequire(from)("typescript") as typeof TS;
    } catch {
      // try the next
    }
  }
  throw new Error("traced-exit: type-aware linting needs the typescript package");
}

/**
 * For a rule: the listener that collects the file's calls, and, once the file is read, the calls that pass
 * the rule's test (`where`, asked first: it is cheaper than the checker) and reach an exit in another file.
 * Undefined without a type-checked program, or when no file of it can exit.
 */
export function foreignExitCalls(sourceCode: Readonly<TSESLint.SourceCode>) {
  const services = sourceCode.parserServices as ParserServicesWithTypeInformation | undefined;
  if (!services?.program || !programMayExit(services)) return undefined;
  const calls: TSESTree.CallExpression[] = [];
  return {
    listeners: {
      CallExpression(node: TSESTree.CallExpression) {
        // Only `f()` and `a.b.f()` can be followed (see isCandidate), and lookups in a table (`t.get(k)()`, `t[k]()`): the rest is not worth keeping.
        let root: TSESTree.Node = indirectCallee(node.callee);
        if (root.type === AST_NODE_TYPES.CallExpression) root = root.callee;
        while (root.type === AST_NODE_TYPES.MemberExpression && (!root.computed || root.object.type === AST_NODE_TYPES.Identifier)) root = root.object;
        if (root.type === AST_NODE_TYPES.Identifier) calls.push(node);
      },
    },
    *found<T>(where: (call: TSESTree.CallExpression) => T | undefined): Generator<ForeignExitCall<T>> {
      const foreignExit = createForeignExits(services);
      const from = path.dirname((services.esTreeNodeToTSNodeMap.get(sourceCode.ast) as TS.SourceFile).fileName);
      for (const call of calls) {
        const at = where(call);
        const found = at === undefined ? undefined : foreignExit(call)[0];
        if (at === undefined || !found) continue;
        yield {
          call,
          at,
          callee: sourceCode.getText(indirectCallee(call.callee)),
          exit: found.exit,
          location: `${path.relative(from, found.file).split(path.sep).join("/")}:${found.line}`,
          via: found.via.length > 0 ? ` (via ${found.via.map((name) => `${name}()`).join(" → ")})` : "",
          afterFlush: found.afterFlush,
          endsRoot: found.endsRoot,
        };
      }
    },
  };
}

/**
 * `(0, telemetry_1.traceStep)(…)`: how tsc's CommonJS output calls an imported function (so that `this` is
 * undefined), the same call as `traceStep(…)`. The callee is the expression after the `0, `.
 */
export function indirectCallee(callee: TSESTree.Node): TSESTree.Node {
  if (callee.type === AST_NODE_TYPES.SequenceExpression && callee.expressions.length === 2) {
    const [first, second] = callee.expressions;
    if (first?.type === AST_NODE_TYPES.Literal && first.value === 0 && second) return second;
  }
  return callee;
}

/** The type checker's view of the program's functions, shared by the searches of one program. */
export interface ProgramFunctions {
  readonly ts: typeof TS;
  /** The symbol a name stands for, through imports and re-exports. */
  resolved(node: TS.Node): TS.Symbol | undefined;
  /** The function a callee expression names, with a body, wherever it is declared (undefined for other callees). */
  declarationOf(callee: TS.Expression): FunctionLike | undefined;
  /** The function a call calls, when it is declared in another searched file of the program. */
  inOtherFile(tsCall: TS.Node | undefined): FunctionLike | undefined;
  /** The functions a callee may run through a lookup table (`handlers.get(cmd)`, `handlers[cmd]`, a `const` holding one): src/scopes/lookup-tables.ts. */
  dispatchedOf(callee: TS.Expression): FunctionLike[];
}

const programFunctions = new WeakMap<TS.Program, ProgramFunctions>();

/** Per program: the checker's resolution of callees to the functions they run. */
export function functionsOf(services: ParserServicesWithTypeInformation): ProgramFunctions {
  let found = programFunctions.get(services.program);
  if (!found) {
    found = createProgramFunctions(services);
    programFunctions.set(services.program, found);
  }
  return found;
}

function createProgramFunctions(services: ParserServicesWithTypeInformation): ProgramFunctions {
  const ts = loadTypeScript();
  const checker = services.program.getTypeChecker();

  /** The symbol a name stands for, through imports and re-exports. */
  function resolved(node: TS.Node): TS.Symbol | undefined {
    const symbol = checker.getSymbolAtLocation(node);
    return symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  }

  /**
   * Worth asking the checker about: `helper()`, or `ns.helper()` / `helpers.guard.stop()` whose leftmost name is
   * imported. Resolving any other member call (`this.client.send()`) asks the checker for the object's type, which
   * costs more than the rest of the rule; such calls are not followed.
   */
  function isCandidate(callee: TS.Expression): boolean {
    if (ts.isIdentifier(callee)) return true;
    let root: TS.Expression = callee;
    while (ts.isPropertyAccessExpression(root)) root = root.expression;
    if (!ts.isIdentifier(root)) return false;
    const symbol = checker.getSymbolAtLocation(root);
    return !!symbol && (symbol.flags & ts.SymbolFlags.Alias) !== 0;
  }

  /** `(0, mod_1.f)` as tsc writes an imported call: `mod_1.f`. */
  function skipIndirect(callee: TS.Expression): TS.Expression {
    let current = callee;
    while (ts.isParenthesizedExpression(current)) current = current.expression;
    if (ts.isBinaryExpression(current) && current.operatorToken.kind === ts.SyntaxKind.CommaToken && ts.isNumericLiteral(current.left) && current.left.text === "0") return current.right;
    return callee;
  }

  /** The function a callee expression names, with a body, wherever it is declared. */
  function declarationOf(written: TS.Expression): FunctionLike | undefined {
    const callee = skipIndirect(written);
    if (!isCandidate(callee)) return undefined;
    let symbol = resolved(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
    // `export const helpers = { fail }`: the shorthand's own symbol is the property; the value is `fail`.
    const shorthand = symbol?.valueDeclaration;
    if (shorthand && ts.isShorthandPropertyAssignment(shorthand)) {
      const value = checker.getShorthandAssignmentValueSymbol(shorthand);
      symbol = value && value.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(value) : value;
    }
    // Overloads declare signatures without bodies first: the implementation is the one with a body.
    for (const declaration of symbol?.declarations ?? []) {
      let fn: TS.Node | undefined = declaration;
      if (ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration) || ts.isPropertyDeclaration(declaration)) fn = declaration.initializer;
      else if (ts.isExportAssignment(declaration)) fn = declaration.expression;
      while (fn && (ts.isParenthesizedExpression(fn) || ts.isAsExpression(fn) || ts.isSatisfiesExpression(fn))) fn = fn.expression;
      if (fn && (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.body) return fn;
    }
    return undefined;
  }

  /** A `const` declaration's initializer, without parentheses and type assertions. */
  function constInitializer(symbol: TS.Symbol | undefined): TS.Expression | undefined {
    const declaration = symbol?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer || !(ts.getCombinedNodeFlags(declaration) & ts.NodeFlags.Const)) return undefined;
    return unwrap(declaration.initializer);
  }

  function unwrap(node: TS.Expression): TS.Expression {
    let current = node;
    while (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isSatisfiesExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
    return current;
  }

  /** A key as the literal writes it: a string, a number, `undefined` (`void 0`), else unknown. */
  function keyOf(node: TS.Node | undefined): unknown {
    if (!node) return UNKNOWN_KEY;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
    if (ts.isNumericLiteral(node)) return Number(node.text);
    if (ts.isVoidExpression(node) && ts.isNumericLiteral(node.expression)) return undefined;
    if (ts.isComputedPropertyName(node)) return ts.isStringLiteral(node.expression) ? node.expression.text : UNKNOWN_KEY;
    return UNKNOWN_KEY;
  }

  /** A key as a Map entry or a lookup writes it: only literals count (a name is a variable, usually the command line's word). */
  function lookupKey(node: TS.Expression | undefined): unknown {
    if (!node) return UNKNOWN_KEY;
    const inner = unwrap(node);
    return ts.isIdentifier(inner) && inner.text !== "undefined" ? UNKNOWN_KEY : ts.isIdentifier(inner) ? undefined : keyOf(inner);
  }

  /** Per table symbol: the entries surely in it (null: written in its file, or not a table). */
  const tables = new Map<TS.Symbol, { map: boolean; entries: TableEntry<TS.Expression | FunctionLike>[] } | null>();

  /**
   * `...COMMANDS.map((cmd) => [cmd.meta.name, cmd.handler])` in a Map's entries, `COMMANDS` a `const` array literal of
   * the project's objects (`[run, tail]`, each `const run = { meta, handler }`) that its file never changes: one entry
   * per element, its key and value read along the same property paths (`run.meta.name`, `run.handler`). A key that
   * cannot be read is unknown; a value that cannot be read runs nothing known. Undefined for any other spread.
   */
  function mappedEntries(spread: TS.Expression): TableEntry<TS.Expression | FunctionLike>[] | undefined {
    const call = unwrap(spread);
    if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression) || call.expression.name.text !== "map" || call.arguments.length !== 1) return undefined;
    const source = unwrap(call.expression.expression);
    const symbol = ts.isIdentifier(source) ? resolved(source) : undefined;
    const array = constInitializer(symbol);
    const mapper = unwrap(call.arguments[0] as TS.Expression);
    if (!symbol || !array || !ts.isArrayLiteralExpression(array) || array.elements.some(ts.isSpreadElement) || writtenInFile(symbol, array.getSourceFile(), ARRAY_WRITERS)) return undefined;
    if (!ts.isArrowFunction(mapper) || mapper.parameters.length !== 1 || !ts.isIdentifier(mapper.parameters[0]?.name as TS.Node) || ts.isBlock(mapper.body)) return undefined;
    const pair = unwrap(mapper.body);
    if (!ts.isArrayLiteralExpression(pair) || pair.elements.length !== 2 || pair.elements.some(ts.isSpreadElement)) return undefined;
    const parameter = (mapper.parameters[0] as TS.ParameterDeclaration).name as TS.Identifier;
    const [keyPath, valuePath] = pair.elements.map((element) => propertyPath(element, parameter.text));
    return array.elements.map((element) => {
      const key = keyPath ? pathValue(element, keyPath) : undefined;
      const value = valuePath ? pathValue(element, valuePath) : undefined;
      return { key: key && !ts.isFunctionLike(key) ? lookupKey(key) : keyPath ? UNKNOWN_KEY : lookupKey(pair.elements[0]), value: value ?? element };
    });
  }

  /** `cmd.meta.name` for the parameter `cmd`: ["meta", "name"]; undefined for anything else. */
  function propertyPath(node: TS.Expression, parameter: string): string[] | undefined {
    const names: string[] = [];
    let current = unwrap(node);
    while (ts.isPropertyAccessExpression(current)) {
      names.unshift(current.name.text);
      current = unwrap(current.expression);
    }
    return ts.isIdentifier(current) && current.text === parameter && names.length > 0 ? names : undefined;
  }

  /**
   * What `object.a.b` holds, read through `const` object literals of the project that their files never change:
   * the property's initializer, a shorthand's name, a method. Undefined when a step is not such a literal or has a spread.
   */
  function pathValue(object: TS.Expression, names: readonly string[]): TS.Expression | FunctionLike | undefined {
    let current: TS.Expression | FunctionLike = object;
    for (const name of names) {
      if (ts.isFunctionLike(current)) return undefined;
      const literal = objectLiteralOf(current);
      if (!literal || literal.properties.some((property) => ts.isSpreadAssignment(property))) return undefined;
      const property = literal.properties.find((candidate) => candidate.name !== undefined && keyOf(candidate.name) === name);
      if (property && ts.isPropertyAssignment(property)) current = property.initializer;
      else if (property && ts.isShorthandPropertyAssignment(property)) current = property.name;
      else if (property && ts.isMethodDeclaration(property)) current = property;
      else return undefined;
    }
    return current;
  }

  /**
   * The object literal a name stands for: a `const` (imported, or a shorthand's value) of a searched file, never
   * written there, or a module's `export default { … }`.
   */
  function objectLiteralOf(node: TS.Expression): TS.ObjectLiteralExpression | undefined {
    const inner = unwrap(node);
    if (ts.isObjectLiteralExpression(inner)) return inner;
    if (!ts.isIdentifier(inner)) return undefined;
    let symbol = resolved(inner);
    const shorthand = symbol?.valueDeclaration;
    if (shorthand && ts.isShorthandPropertyAssignment(shorthand)) {
      const value = checker.getShorthandAssignmentValueSymbol(shorthand);
      symbol = value && value.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(value) : value;
    }
    // `export default { meta, handler }`: the module's own file has no name to change it by.
    const declaration = symbol?.valueDeclaration;
    if (declaration && ts.isExportAssignment(declaration) && isSearched(declaration.getSourceFile())) {
      const exported = unwrap(declaration.expression);
      return ts.isObjectLiteralExpression(exported) ? exported : undefined;
    }
    const init = constInitializer(symbol);
    const file = init?.getSourceFile();
    return symbol && init && file && ts.isObjectLiteralExpression(init) && isSearched(file) && !writtenInFile(symbol, file) ? init : undefined;
  }

  /** Whether the table's own file writes it: `T.set/delete/clear(…)`, `T[k] = …`, `delete T[k]`, `Object.assign(T, …)`. */
  function writtenInFile(symbol: TS.Symbol, file: TS.SourceFile, writers: ReadonlySet<string> = MAP_WRITERS): boolean {
    let written = false;
    const visit = (node: TS.Node): void => {
      if (written) return;
      if (ts.isIdentifier(node) && node.text === symbol.name && checker.getSymbolAtLocation(node) === symbol) {
        let use: TS.Node = node;
        while (ts.isParenthesizedExpression(use.parent) || ts.isAsExpression(use.parent) || ts.isNonNullExpression(use.parent)) use = use.parent;
        const parent = use.parent;
        if (ts.isCallExpression(parent) && parent.arguments[0] === use) {
          const callee = parent.expression;
          written = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === "Object" && OBJECT_WRITERS.has(callee.name.text);
        } else if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === use) {
          const user = parent.parent;
          if (ts.isCallExpression(user) && user.expression === parent) written = ts.isPropertyAccessExpression(parent) && writers.has(parent.name.text);
          else if (ts.isBinaryExpression(user) && user.left === parent) written = user.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && user.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
          else written = ts.isDeleteExpression(user) || ts.isPrefixUnaryExpression(user) || ts.isPostfixUnaryExpression(user);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    return written;
  }

  /** `const T = new Map([[k, fn], …])` or `const T = { k: fn, … }`, never written in its file: its known entries. */
  function tableOf(name: TS.Expression): { map: boolean; entries: TableEntry<TS.Expression | FunctionLike>[] } | undefined {
    if (!ts.isIdentifier(name)) return undefined;
    const symbol = resolved(name);
    if (!symbol) return undefined;
    let table = tables.get(symbol);
    if (table === undefined) {
      table = null;
      const init = constInitializer(symbol);
      let written: (TableEntry<TS.Expression | FunctionLike> | typeof SPREAD)[] | undefined;
      if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === "Map" && (resolved(init.expression)?.declarations ?? []).every((d) => d.getSourceFile().isDeclarationFile)) {
        const list = init.arguments?.[0] && unwrap(init.arguments[0]);
        if (list && ts.isArrayLiteralExpression(list)) {
          written = list.elements.flatMap((element): (TableEntry<TS.Expression | FunctionLike> | typeof SPREAD)[] => {
            if (ts.isSpreadElement(element)) return mappedEntries(element.expression) ?? [SPREAD];
            const pair = unwrap(element);
            if (!ts.isArrayLiteralExpression(pair) || pair.elements.length < 2 || pair.elements.slice(0, 2).some(ts.isSpreadElement)) return [SPREAD];
            return [{ key: lookupKey(pair.elements[0] as TS.Expression), value: pair.elements[1] as TS.Expression }];
          });
        }
      } else if (init && ts.isObjectLiteralExpression(init)) {
        written = init.properties.map((property) => {
          if (ts.isPropertyAssignment(property)) return { key: keyOf(property.name), value: property.initializer };
          if (ts.isShorthandPropertyAssignment(property)) return { key: property.name.text, value: property.name };
          if (ts.isMethodDeclaration(property)) return { key: keyOf(property.name), value: property };
          return SPREAD;
        });
      }
      const declaration = symbol.valueDeclaration;
      if (written && declaration && !writtenInFile(symbol, declaration.getSourceFile())) table = { map: !!init && ts.isNewExpression(init), entries: knownEntries(written) };
      tables.set(symbol, table);
    }
    return table ?? undefined;
  }

  /** The table values an expression may hold: `T.get(k)`, `T[k]`, `T.get(k) || fallback` / `?? fallback`. */
  function lookedUp(node: TS.Expression): (TS.Expression | FunctionLike)[] | undefined {
    const inner = unwrap(node);
    if (ts.isBinaryExpression(inner) && (inner.operatorToken.kind === ts.SyntaxKind.BarBarToken || inner.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
      const left = lookedUp(inner.left);
      return left && [...left, ...(lookedUp(inner.right) ?? [inner.right])];
    }
    if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === "get" && inner.arguments.length === 1) {
      const table = tableOf(unwrap(inner.expression.expression));
      return table?.map ? picked(table.entries, lookupKey(inner.arguments[0])) : undefined;
    }
    if (ts.isElementAccessExpression(inner)) {
      const table = tableOf(unwrap(inner.expression));
      return table && !table.map ? picked(table.entries, lookupKey(inner.argumentExpression)) : undefined;
    }
    return undefined;
  }

  function dispatchedOf(written: TS.Expression): FunctionLike[] {
    const callee = unwrap(skipIndirect(written));
    const values = ts.isIdentifier(callee) ? ((init) => init && lookedUp(init))(constInitializer(resolved(callee))) : lookedUp(callee);
    return (values ?? []).flatMap((value) => {
      if (ts.isMethodDeclaration(value) || ts.isFunctionDeclaration(value)) return value.body ? [value] : [];
      const inner = unwrap(value);
      if ((ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) && inner.body) return [inner];
      const fn = declarationOf(inner) ?? memberValue(inner);
      return fn ? [fn] : [];
    });
  }

  /**
   * `server.handler` as a table's entry, `server` a `const` of the project (`{ name, handler: serve }`): the function
   * that property holds. Asked for table entries only: resolving a member's name asks the checker for its object's type.
   */
  function memberValue(entry: TS.Expression): FunctionLike | undefined {
    if (!ts.isPropertyAccessExpression(entry)) return undefined;
    for (const declaration of resolved(entry.name)?.declarations ?? []) {
      const value = ts.isPropertyAssignment(declaration) ? unwrap(declaration.initializer) : ts.isShorthandPropertyAssignment(declaration) ? declaration.name : undefined;
      const fn = value && ((ts.isArrowFunction(value) || ts.isFunctionExpression(value)) && value.body ? value : declarationOf(value));
      if (fn && isSearched(fn.getSourceFile())) return fn;
    }
    return undefined;
  }

  return {
    ts,
    resolved,
    declarationOf,
    dispatchedOf,
    // The call's TypeScript node comes from its own file's services: those of the file that built this are not its.
    inOtherFile(tsCall) {
      if (!tsCall || !ts.isCallExpression(tsCall)) return undefined;
      const fn = declarationOf(tsCall.expression);
      return fn && fn.getSourceFile() !== tsCall.getSourceFile() && isSearched(fn.getSourceFile()) ? fn : undefined;
    },
  };
}

/**
 * Every exit a call of another file's function runs (each with the path to it), as the search for the first one
 * (`foreignExitCalls`) would find it if that one were not there: the same functions, the same depth. For the
 * reverse question, asked from the exit's own file (src/scopes/reached-from-importers.ts): which calls in another
 * file's spans run this exit? Per program, each function searched once.
 */
export function exitsReachedBy(services: ParserServicesWithTypeInformation): (call: TSESTree.CallExpression) => readonly FoundExit[] {
  return createForeignExits(services, true);
}

function memoOf(store: WeakMap<TS.Program, Map<TS.Node, Search>>, program: TS.Program): Map<TS.Node, Search> {
  let memo = store.get(program);
  if (!memo) {
    memo = new Map();
    store.set(program, memo);
  }
  return memo;
}

/** A function's name as messages show it: its own, the variable or property it is assigned to, else `default`. */
export function functionName(ts: typeof TS, fn: FunctionLike): string {
  if (fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))) return fn.name.text;
  const parent = fn.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
  return "default";
}

/** The call of `await x.forceFlush()`, `await shutdown()` as a statement, or as a declaration's initializer (by name). */
function awaitedFlushCall(ts: typeof TS, statement: TS.Statement): TS.CallExpression | undefined {
  let expression: TS.Expression | undefined;
  if (ts.isExpressionStatement(statement)) expression = statement.expression;
  else if (ts.isVariableStatement(statement)) expression = statement.declarationList.declarations[0]?.initializer;
  if (!expression || !ts.isAwaitExpression(expression) || !ts.isCallExpression(expression.expression)) return undefined;
  // `await Sentry.flush(3000).catch(() => {})`, `.then(null, …)`, `.finally(…)`: the flush is still awaited, its failure ignored.
  let call: TS.CallExpression = expression.expression;
  while (ts.isPropertyAccessExpression(call.expression) && PROMISE_METHODS.has(call.expression.name.text) && ts.isCallExpression(call.expression.expression)) call = call.expression.expression;
  const callee = call.expression;
  const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
  return name !== undefined && FLUSH_NAMES.has(name) ? call : undefined;
}

/** The statements that run before `node` in its enclosing blocks inside `fn` (or its file), in order (outer blocks first). */
function statementsBeforeIn(ts: typeof TS, node: TS.Node, fn: TS.Node): TS.Statement[] {
  const blocks: TS.Statement[][] = [];
  for (let child: TS.Node = node, current = node.parent; current && child !== fn; child = current, current = current.parent) {
    if (ts.isBlock(current) || ts.isSourceFile(current)) blocks.unshift(current.statements.slice(0, current.statements.indexOf(child as TS.Statement)));
  }
  return blocks.flat();
}

/** A statement before `node` in one of its enclosing blocks, inside `fn` (or its file), awaits a flush-named call. */
export function flushAwaitedBefore(ts: typeof TS, node: TS.Node, fn: TS.Node): boolean {
  return flushCallsAwaitedBefore(ts, node, fn).length > 0;
}

/** The flush-named calls that statements before `node` in its enclosing blocks, inside `fn` (or its file), await: for a caller to resolve by binding. */
export function flushCallsAwaitedBefore(ts: typeof TS, node: TS.Node, fn: TS.Node): TS.CallExpression[] {
  return statementsBeforeIn(ts, node, fn).flatMap((statement) => awaitedFlushCall(ts, statement) ?? []);
}

/**
 * What a call reaches in other files: nothing when the callee is in this file, a library, or exits nowhere.
 * The first exit found, or with `all`, every one.
 */
function createForeignExits(services: ParserServicesWithTypeInformation, all = false): (call: TSESTree.CallExpression) => FoundExit[] {
  const { ts, declarationOf, dispatchedOf, inOtherFile, resolved } = functionsOf(services);
  const checker = services.program.getTypeChecker();
  const done = memoOf(all ? searchesOfAll : searches, services.program);

  /** `process` here is Node's (declared in @types/node, imported from "process" or "node:process"), or unknown without @types/node. */
  function isNodeProcess(node: TS.Expression): boolean {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "globalThis") return node.name.text === "process";
    if (!ts.isIdentifier(node) || node.text !== "process") return false;
    const symbol = resolved(node);
    const declarations = symbol?.declarations;
    return !declarations || declarations.every((declaration) => declaration.getSourceFile().isDeclarationFile);
  }

  function exitCall(call: TS.CallExpression): string | undefined {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !EXITS.has(callee.name.text) || !isNodeProcess(callee.expression)) return undefined;
    if (callee.name.text !== "kill") return `process.${callee.name.text}()`;
    // Only killing this process ends it; `kill(pid, 0)` only checks that a process exists.
    const [pid, signal] = call.arguments;
    const own = pid && ts.isPropertyAccessExpression(pid) && pid.name.text === "pid" && isNodeProcess(pid.expression);
    if (!own) return undefined;
    // A signal whose type is the literal 0 (`0`, or `const PROBE = 0`), as the same-file model's static value.
    const signalType = signal && checker.getTypeAtLocation(signal);
    if (signalType?.isNumberLiteral() && signalType.value === 0) return undefined;
    // Named with its signal, as the same-file model's killLabel does.
    return signal && ts.isStringLiteral(signal) ? `process.kill(process.pid, ${JSON.stringify(signal.text)})` : "process.kill(process.pid)";
  }

  const nameOf = (fn: FunctionLike) => functionName(ts, fn);
  const awaitsFlush = (statement: TS.Statement) => awaitedFlushCall(ts, statement) !== undefined;
  const statementsBefore = (node: TS.Node, fn: FunctionLike) => statementsBeforeIn(ts, node, fn);
  const flushedBefore = (node: TS.Node, fn: FunctionLike) => flushAwaitedBefore(ts, node, fn);

  /**
   * `getRootSpan(…)` of Sentry (@sentry/core's, re-exported by every @sentry package): by the checker when the
   * file's types resolve it, else in a file that imports an @sentry package (compiled output without types).
   */
  function isRootSpanCall(node: TS.Node): boolean {
    if (!ts.isCallExpression(node)) return false;
    const callee = node.expression;
    const name = ts.isPropertyAccessExpression(callee) ? callee.name : ts.isIdentifier(callee) ? callee : undefined;
    if (name?.text !== "getRootSpan") return false;
    const declarations = resolved(name)?.declarations;
    if (declarations && declarations.length > 0) return declarations.some((declaration) => SENTRY_PACKAGE.test(declaration.getSourceFile().fileName));
    return SENTRY_IMPORT.test(node.getSourceFile().text);
  }

  /** `root` is a const whose initializer calls Sentry's `getRootSpan(…)`. */
  function isRootSpan(node: TS.Expression): boolean {
    if (!ts.isIdentifier(node)) return false;
    const declaration = resolved(node)?.valueDeclaration;
    if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return false;
    let found = false;
    const visit = (child: TS.Node): void => {
      if (found || ts.isFunctionLike(child)) return;
      if (isRootSpanCall(child)) found = true;
      else ts.forEachChild(child, visit);
    };
    visit(declaration.initializer);
    return found;
  }

  /** `root.end();`, or `if (root) { …; root.end(); }` (without a root span there is nothing open to end). */
  function endsRootSpan(statement: TS.Statement): boolean {
    if (ts.isIfStatement(statement) && !statement.elseStatement && ts.isIdentifier(statement.expression) && isRootSpan(statement.expression)) {
      const inner = ts.isBlock(statement.thenStatement) ? statement.thenStatement.statements : [statement.thenStatement];
      return inner.some((child) => endsRootSpan(child) && ts.isExpressionStatement(child));
    }
    if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
    const callee = statement.expression.expression;
    return ts.isPropertyAccessExpression(callee) && callee.name.text === "end" && isRootSpan(callee.expression);
  }

  /** Before `node` in `fn`: the root span is ended, and a flush awaited after that. */
  function rootEndedThenFlushed(node: TS.Node, fn: FunctionLike): boolean {
    const before = statementsBefore(node, fn);
    const ended = before.findIndex(endsRootSpan);
    return ended >= 0 && before.slice(ended + 1).some(awaitsFlush);
  }

  /**
   * The first exit `fn` runs (with `all`, every one): in its own body (not in functions nested in it), or in a
   * searched function it calls, `depth` calls deep. `chain` holds the functions of the current path, so recursion ends.
   */
  function exitsIn(fn: FunctionLike, depth: number, chain: Set<TS.Node>): readonly FoundExit[] {
    // A search as deep as this one answers it; for the first exit, so does an exit found within this depth.
    const known = done.get(fn);
    if (all && known && known.depth >= depth) return known.found.filter((exit) => exit.via.length <= depth);
    if (!all && known?.found[0] && known.found[0].via.length <= depth) return known.found;
    if (!all && known && known.found.length === 0 && known.depth >= depth) return known.found;
    chain.add(fn);
    const file = fn.getSourceFile();
    const found: FoundExit[] = [];
    const enough = () => !all && found.length > 0;
    const visit = (node: TS.Node): void => {
      if (enough() || (node !== fn.body && ts.isFunctionLike(node))) return;
      if (ts.isCallExpression(node)) {
        const exit = exitCall(node);
        if (exit) {
          const start = node.getStart(file);
          found.push({ exit, file: file.fileName, line: file.getLineAndCharacterOfPosition(start).line + 1, start, via: [], afterFlush: flushedBefore(node, fn), endsRoot: rootEndedThenFlushed(node, fn) });
          return;
        }
        if (depth > 0) {
          const named = declarationOf(node.expression);
          for (const called of named ? [named] : dispatchedOf(node.expression)) {
            if (enough() || chain.has(called) || !isSearched(called.getSourceFile())) continue;
            for (const deeper of exitsIn(called, depth - 1, chain)) {
              found.push({ ...deeper, via: [nameOf(called), ...deeper.via], afterFlush: deeper.afterFlush || flushedBefore(node, fn), endsRoot: deeper.endsRoot || rootEndedThenFlushed(node, fn) });
              if (enough()) break;
            }
          }
        }
      }
      if (!enough()) ts.forEachChild(node, visit);
    };
    if (fn.body) visit(fn.body);
    chain.delete(fn);
    done.set(fn, { depth, found });
    return found;
  }

  return (call) => {
    // This file's own functions are the model's (src/scopes/model.ts), with their fixes.
    const tsCall = services.esTreeNodeToTSNodeMap.get(call) as TS.Node | undefined;
    const fn = inOtherFile(tsCall);
    if (fn) return [...exitsIn(fn, MAX_HOPS - 1, new Set())];
    // `handlers.get(cmd)(…)`: the table's functions of other files (its own file's are the model's too).
    if (!tsCall || !ts.isCallExpression(tsCall)) return [];
    const found: FoundExit[] = [];
    for (const called of dispatchedOf(tsCall.expression)) {
      if (called.getSourceFile() === tsCall.getSourceFile() || !isSearched(called.getSourceFile())) continue;
      found.push(...exitsIn(called, MAX_HOPS - 1, new Set()));
      if (!all && found.length > 0) break;
    }
    return found;
  };
}
