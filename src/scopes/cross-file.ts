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
 * program, the call's declaration is found in the other file, and its body (and the bodies of the
 * functions it calls, three deep) is searched for `process.exit()`, `abort()`, `reallyExit()` and
 * `kill(process.pid)` on the global `process`. Files in node_modules and declaration files are not
 * searched: a library's exit is the library's business, and its body is usually not there.
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from "@typescript-eslint/utils";
import type * as TS from "typescript";
import * as path from "node:path";

const EXITS = new Set(["exit", "abort", "reallyExit", "kill"]);
const MAX_HOPS = 3;

export interface ForeignExit {
  /** `process.exit()`, as the rules describe exits. */
  readonly exit: string;
  /** `bedrock.ts:12`, relative to the linted file's directory. */
  readonly location: string;
  /** The functions from the called one down to the one that exits, outermost first. */
  readonly via: readonly string[];
}

/** Per program: does any searched file call a process exit at all? Most programs' files do not. */
const canExit = new WeakMap<TS.Program, boolean>();

const isSearched = (file: TS.SourceFile) => !file.isDeclarationFile && !/[\\/]node_modules[\\/]/u.test(file.fileName);

/** False when no file of the program, outside node_modules and declaration files, writes `process.exit(` or the like: nothing to follow. */
export function programMayExit(services: ParserServicesWithTypeInformation): boolean {
  return programCanExit(services.program, isSearched);
}
/** What `exitCall` finds, as text: `process.exit(`, `globalThis.process.kill(` … */
const EXIT_CALL = /\bprocess\s*\.\s*(?:exit|abort|reallyExit|kill)\s*\(/u;

function programCanExit(program: TS.Program, isSearched: (file: TS.SourceFile) => boolean): boolean {
  let known = canExit.get(program);
  if (known === undefined) {
    known = program.getSourceFiles().some((file) => isSearched(file) && EXIT_CALL.test(file.text));
    canExit.set(program, known);
  }
  return known;
}

/** A call that reaches an exit in another file, with what a report says about it. */
export interface ForeignExitCall<T> {
  readonly call: TSESTree.CallExpression;
  /** What the rule's own test returned for the call (its reach, its handler …). */
  readonly at: T;
  /** The callee as written: `requireRegion`, `helpers.fail`. */
  readonly callee: string;
  readonly exit: string;
  readonly location: string;
  /** ` (via a() → b())`, or nothing. */
  readonly via: string;
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
        calls.push(node);
      },
    },
    *found<T>(where: (call: TSESTree.CallExpression) => T | undefined): Generator<ForeignExitCall<T>> {
      const foreignExit = createForeignExits(services);
      for (const call of calls) {
        const at = where(call);
        const found = at === undefined ? undefined : foreignExit(call);
        if (at === undefined || !found) continue;
        const via = found.via.length > 0 ? ` (via ${found.via.map((name) => `${name}()`).join(" → ")})` : "";
        yield { call, at, callee: sourceCode.getText(call.callee), exit: found.exit, location: found.location, via };
      }
    },
  };
}

type FunctionLike = TS.FunctionDeclaration | TS.MethodDeclaration | TS.ArrowFunction | TS.FunctionExpression;

/** What a call reaches in other files: `undefined` when the callee is in this file, a library, or exits nowhere. */
function createForeignExits(services: ParserServicesWithTypeInformation): (call: TSESTree.CallExpression) => ForeignExit | undefined {
  // TypeScript is loaded only here: a program exists, so it is installed.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, type-aware linting only
  const ts = require("typescript") as typeof TS;
  const checker = services.program.getTypeChecker();
  const cache = new Map<TS.Node, ForeignExit | null>();


  /** The function a callee expression names, with a body, wherever it is declared. */
  function declarationOf(callee: TS.Expression): FunctionLike | undefined {
    const target = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
    let symbol = checker.getSymbolAtLocation(target);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    // Overloads declare signatures without bodies first: the implementation is the one with a body.
    for (const declaration of symbol?.declarations ?? []) {
      let fn: TS.Node | undefined = declaration;
      if (ts.isVariableDeclaration(declaration) || ts.isPropertyAssignment(declaration) || ts.isPropertyDeclaration(declaration)) fn = declaration.initializer;
      while (fn && (ts.isParenthesizedExpression(fn) || ts.isAsExpression(fn) || ts.isSatisfiesExpression(fn))) fn = fn.expression;
      if (fn && (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.body) return fn;
    }
    return undefined;
  }

  /** `process` here is Node's global (declared in a declaration file), or unknown without @types/node. */
  function isGlobalProcess(node: TS.Expression): boolean {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "globalThis") return node.name.text === "process";
    if (!ts.isIdentifier(node) || node.text !== "process") return false;
    const declarations = checker.getSymbolAtLocation(node)?.declarations;
    return !declarations || declarations.every((declaration) => declaration.getSourceFile().isDeclarationFile);
  }

  function exitCall(call: TS.CallExpression): string | undefined {
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) || !EXITS.has(callee.name.text) || !isGlobalProcess(callee.expression)) return undefined;
    if (callee.name.text !== "kill") return `process.${callee.name.text}()`;
    // Only killing this process ends it; `kill(pid, 0)` only checks that a process exists.
    const [pid, signal] = call.arguments;
    const own = pid && ts.isPropertyAccessExpression(pid) && pid.name.text === "pid" && isGlobalProcess(pid.expression);
    return own && !(signal && ts.isNumericLiteral(signal) && signal.text === "0") ? "process.kill(process.pid)" : undefined;
  }

  function nameOf(fn: FunctionLike): string {
    if (fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))) return fn.name.text;
    const parent = fn.parent;
    if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) return parent.name.text;
    return "(anonymous)";
  }

  /**
   * The first exit in `fn`'s body or in a searched function it calls, `MAX_HOPS` deep; its location
   * relative to `from`, the linted file's directory.
   */
  function exitIn(fn: FunctionLike, from: string, hops: number, seen: Set<TS.Node>): ForeignExit | undefined {
    const cached = cache.get(fn);
    if (cached !== undefined) return cached ?? undefined;
    seen.add(fn);
    const file = fn.getSourceFile();
    let found: ForeignExit | undefined;
    const visit = (node: TS.Node): void => {
      if (found) return;
      if (ts.isCallExpression(node)) {
        const exit = exitCall(node);
        if (exit) {
          const line = file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
          found = { exit, location: `${path.relative(from, file.fileName).split(path.sep).join("/")}:${line}`, via: [] };
          return;
        }
        if (hops < MAX_HOPS) {
          const called = declarationOf(node.expression);
          if (called && !seen.has(called) && isSearched(called.getSourceFile())) {
            const deeper = exitIn(called, from, hops + 1, seen);
            if (deeper) found = { ...deeper, via: [nameOf(called), ...deeper.via] };
          }
        }
      }
      if (!found) ts.forEachChild(node, visit);
    };
    if (fn.body) visit(fn.body);
    // Only a search that ran to its full depth is kept: a shallower one may have stopped early.
    if (hops === 0) cache.set(fn, found ?? null);
    return found;
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

  return (call) => {
    const tsCall = services.esTreeNodeToTSNodeMap.get(call) as TS.Node | undefined;
    if (!tsCall || !ts.isCallExpression(tsCall) || !isCandidate(tsCall.expression)) return undefined;
    const fn = declarationOf(tsCall.expression);
    if (!fn) return undefined;
    const file = fn.getSourceFile();
    // This file's own functions are the model's (src/scopes/model.ts), with their fixes.
    if (file === tsCall.getSourceFile() || !isSearched(file)) return undefined;
    return exitIn(fn, path.dirname(tsCall.getSourceFile().fileName), 0, new Set());
  };
}
