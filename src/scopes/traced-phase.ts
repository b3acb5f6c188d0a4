/**
 * The traced phase of a program (type-aware linting only): the code that runs after another file of the program
 * starts tracing, where an exit ends the process with spans still queued.
 *
 *   // gemini.js                                          // ui/auth/AuthDialog.js
 *   export async function main() {                        export function AuthDialog({ config }) {
 *     const argv = await parseArguments();  // before       useKeypress((key) => {
 *     const config = await loadCliConfig(argv); // set-up     if (key.name === "escape") process.exit(0);  // ← reported here
 *     await startInteractiveUI(config);     // after ──→      …
 *   }                                                     }
 *   // startInteractiveUI renders _jsx(AppContainer, …) → App → DialogManager → _jsx(AuthDialog, …)
 *
 * AuthDialog.js starts no tracing, so the file-level judge (src/scopes/process-level.ts) does not look at it; gemini.js
 * does, but sees only its own exits. This module joins them, by binding:
 * - **Seeds**: files that may import the linted one (its importers, theirs …, LEVELS deep, at most MAX_FILES, nearest
 *   first: src/scopes/importers.ts) and start tracing by their own model (the one their own lint builds:
 *   `modelOfOtherFile`, its process level's `tracing`, its initializers that start tracing). The code after a set-up:
 *   in the initializer's function, the statements after the one that holds it, in each enclosing block up to the
 *   function (an `else` of the set-up's `if` is not after it; a function declared there is hoisted, and runs where
 *   it is referenced); a set-up by import or preload: the module's whole code, which runs once its imports have.
 *   Collection stops after a statement that flushes (the seed level's `statementFlushes`): what follows lost nothing;
 *   that statement is kept (a function it awaits may exit before its own flush runs).
 * - **Phase**: the functions that code references, as the checker resolves them (imports and re-exports followed):
 *   called, handed over as a callback, a component (`_jsx(App, props)`, `<App />`) or a hook, by a name or an
 *   imported namespace's member (`ui.render`), declared with a body in a searched file of the program (not
 *   node_modules, not declaration files); then the functions those reference, breadth first. A function's body is
 *   read whole, its nested functions included (listeners and timer callbacks registered there run in the phase);
 *   a reference after an awaited flush in its block (`await sdk.shutdown(); cleanup()`) is not followed.
 *   Bounded: MAX_FILE_DEPTH files away from the seed, MAX_FUNCTIONS functions per seed, nearest first. A bound only
 *   leaves functions out: what is in the phase was reached.
 * - Not followed: methods called on objects (`this.run()`, `config.start()`), classes (a class component), values the
 *   checker cannot name (a function stored in a table or state), functions only referenced before the set-up.
 * - **Exits**: the rule asks about an exit of the linted file inside a function (a module's top level runs when it is
 *   imported), not after an awaited flush in its own blocks (`await queue.shutdown(); process.exit(0)`, as the search
 *   of other files recognises a flush by name); the rule's own exclusions (exit listeners, spans) come first.
 *
 * Memoised per program and catalogue: each seed file's model and phase are built once (the model is the rule's own
 * when it linted that file already: `noteLintedModel`).
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import type * as TS from "typescript";
import { cachedPair } from "./ast";
import type { Catalogue } from "./settings";
import type { FunctionLike, ProgramFunctions } from "./cross-file";
import { flushAwaitedBefore, functionName, functionsOf, isSearched, loadTypeScript, searchedSource } from "./cross-file";
import { importersAround } from "./importers";
import type { FileModel, InitializerCall } from "./model";
import { modelOfOtherFile } from "./model";
import { parseSourceCode } from "./parser";
import { mightNeedChange } from "./prefilter";
import { getProcessLevel } from "./process-level";
import { startsTracing } from "./pipeline";
import { catalogueForFile } from "./specifiers";

/** Levels of importers searched for a set-up: a UI is often six or seven components below its entry. */
const LEVELS = 8;
/** Importing files looked at per linted file, at most (nearest levels first). */
const MAX_FILES = 200;
/** Files a phase follows away from its seed's file, at most. */
export const MAX_FILE_DEPTH = 8;
/** Functions in one seed's phase, at most (breadth first: the nearest are kept). */
export const MAX_FUNCTIONS = 3000;

/** Where a linted file's exit is run after a set-up. */
export interface PhaseReach {
  /** The set-up's file, absolute. */
  readonly file: string;
  /** The initializer's line there. */
  readonly line: number;
  /** That file's model, as its own lint builds it (for the flush its plan names). */
  readonly model: FileModel;
  /** The functions from the one the set-up's code references down to the exit's, outermost first. */
  readonly via: readonly string[];
}

/** A function of a phase: the names from the seed's reference down to it, and the line of the set-up it runs after. */
interface Reached {
  readonly via: readonly string[];
  readonly line: number;
}

/** A seed file's model and the functions of its phase. */
interface Phase {
  readonly file: string;
  readonly model: FileModel;
  readonly functions: ReadonlyMap<TS.Node, Reached>;
}

/** Per program and catalogue: each file's phase, or null when it starts no tracing. */
const byProgram = new WeakMap<TS.Program, WeakMap<Catalogue, Map<string, Phase | null>>>();

/** The files that may run the linted file's code: its importers, theirs, LEVELS deep, searched files of the program. */
function importingFiles(file: string, program: TS.Program): TS.SourceFile[] {
  return importersAround(file, LEVELS, MAX_FILES, (importer) => searchedSource(program, importer));
}

/**
 * The code of `model`'s file that runs after its set-up, as ESTree statements, each with the line of the set-up it
 * follows: the latest one (the later initializers claim their code first), so that a message names the right one.
 */
function codeAfterSetup(model: FileModel, initializers: readonly InitializerCall[]): Map<TSESTree.Node, number> {
  const level = getProcessLevel(model);
  const program = model.sourceCode.ast;
  const found = new Map<TSESTree.Node, number>();
  const claim = (statement: TSESTree.Node, line: number) => {
    if (!found.has(statement)) found.set(statement, line);
  };
  for (const init of [...initializers].reverse()) {
    const line = init.node.loc.start.line;
    if (init.node.type === AST_NODE_TYPES.ImportDeclaration || init.node.type === AST_NODE_TYPES.Program) {
      // Imported (or preloaded) before any code of the module runs.
      for (const statement of program.body) if (statement.type !== AST_NODE_TYPES.ImportDeclaration) claim(statement, line);
      continue;
    }
    let child: TSESTree.Node = init.node;
    collect: for (let current: TSESTree.Node | undefined = child.parent; current; child = current, current = current.parent) {
      const list = statementList(current);
      if (list) {
        for (const statement of list.slice(list.indexOf(child as TSESTree.Statement) + 1)) {
          // A function declared after the set-up is hoisted: it runs where it is called, which its references tell.
          if (!hoisted(statement)) claim(statement, line);
          // After an awaited flush, nothing queued before it is lost. The flushing statement itself runs first
          // (`await runNonInteractive(…)`, whose finally flushes: an exit inside its try is still unflushed).
          if (level.statementFlushes(statement)) break collect;
        }
      }
      if (current.type === AST_NODE_TYPES.FunctionDeclaration || current.type === AST_NODE_TYPES.FunctionExpression || current.type === AST_NODE_TYPES.ArrowFunctionExpression) break;
    }
  }
  return found;
}

function hoisted(statement: TSESTree.Node): boolean {
  const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration || statement.type === AST_NODE_TYPES.ExportDefaultDeclaration ? statement.declaration : statement;
  return declaration?.type === AST_NODE_TYPES.FunctionDeclaration;
}

function statementList(node: TSESTree.Node): readonly TSESTree.Node[] | undefined {
  if (node.type === AST_NODE_TYPES.BlockStatement || node.type === AST_NODE_TYPES.Program || node.type === AST_NODE_TYPES.StaticBlock) return node.body;
  if (node.type === AST_NODE_TYPES.SwitchCase) return node.consequent;
  return undefined;
}

/**
 * Per program and catalogue: what the rule found in the files it linted (see `noteLintedModel`): the model of a file
 * that starts tracing, null for one that does not (its model is not kept: a corpus's files would fill the heap).
 */
const linted = new WeakMap<TS.Program, WeakMap<Catalogue, Map<string, FileModel | null>>>();

/**
 * The rule's model of a file it lints with a program, and whether its set-up traces: the same model `phaseOf` would
 * build (the same catalogue, the same directory and file), so a file linted before its phase is asked for is not
 * parsed again.
 */
export function noteLintedModel(model: FileModel, catalogue: Catalogue, tracing: boolean): void {
  const services = model.sourceCode.parserServices as ParserServicesWithTypeInformation | undefined;
  if (!services?.program) return;
  const file = (services.esTreeNodeToTSNodeMap.get(model.sourceCode.ast) as TS.SourceFile | undefined)?.fileName;
  if (file !== undefined) cachedPair(linted, services.program, catalogue, () => new WeakMap(), () => new Map<string, FileModel | null>()).set(file, tracing ? model : null);
}

/** The model of `source` as its own lint builds it (the rule's, when it linted the file already), or null when it does not trace. */
function modelOf(source: TS.SourceFile, program: TS.Program, catalogue: Catalogue): FileModel | null | undefined {
  const known = linted.get(program)?.get(catalogue)?.get(source.fileName);
  if (known !== undefined) return known;
  const ts = loadTypeScript();
  const sourceCode = parseSourceCode(source.fileName, source.text, ts.isExternalModule(source) ? "module" : "script", program);
  const services = sourceCode?.parserServices as ParserServicesWithTypeInformation | undefined;
  return sourceCode && services?.program ? modelOfOtherFile(sourceCode, catalogue, source.fileName) : undefined;
}

/** `source`'s set-up and phase, or null when its own model starts no tracing there. */
function phaseOf(source: TS.SourceFile, program: TS.Program, catalogue: Catalogue, functions: ProgramFunctions): Phase | null {
  if (!mightNeedChange(source.text, catalogueForFile(catalogue, source), source.fileName)) return null;
  const model = modelOf(source, program, catalogue);
  if (!model) return null;
  const sourceCode = model.sourceCode;
  const services = sourceCode.parserServices as ParserServicesWithTypeInformation;
  // As the file's own lint: a set-up that records nothing, or keeps spans in memory, loses nothing (src/scopes/pipeline.ts).
  if (!getProcessLevel(model).tracing) return null;
  const initializers = model.initializers().filter((init) => startsTracing(sourceCode, init));
  if (initializers.length === 0) return null;
  // Latest set-up first: the functions its code references are attributed to it.
  const seeds = [...codeAfterSetup(model, initializers)]
    .sort(([, a], [, b]) => b - a)
    .map(([node, line]) => ({ node: services.esTreeNodeToTSNodeMap.get(node) as TS.Node, line }));
  return { file: source.fileName, model, functions: reachedFrom(seeds, functions) };
}

/** The functions `seeds` reference, and theirs, breadth first, within the bounds; each with the names down to it. */
function reachedFrom(seeds: readonly { node: TS.Node; line: number }[], functions: ProgramFunctions): Map<TS.Node, Reached> {
  const { ts } = functions;
  const reached = new Map<TS.Node, Reached>();
  const queue: { fn: FunctionLike; via: readonly string[]; line: number; depth: number }[] = [];
  const consider = (fn: FunctionLike | undefined, reference: TS.Node, from: TS.Node, via: readonly string[], line: number, depth: number) => {
    if (!fn || reached.has(fn) || reached.size >= MAX_FUNCTIONS || !isSearched(fn.getSourceFile())) return;
    // Nested in the code being read: read with it.
    if (fn.getSourceFile() === from.getSourceFile() && fn.pos >= from.pos && fn.end <= from.end) return;
    // `await sdk.shutdown(); cleanup();`: run after the flush.
    if (flushAwaitedBefore(ts, reference, from)) return;
    const deeper = fn.getSourceFile() === from.getSourceFile() ? depth : depth + 1;
    if (deeper > MAX_FILE_DEPTH) return;
    const path = [...via, functionName(ts, fn)];
    reached.set(fn, { via: path, line });
    queue.push({ fn, via: path, line, depth: deeper });
  };
  for (const { node, line } of seeds) referencedIn(node, functions, (fn, reference) => consider(fn, reference, node, [], line, 0));
  for (let index = 0; index < queue.length && reached.size < MAX_FUNCTIONS; index++) {
    const { fn, via, line, depth } = queue[index] as (typeof queue)[number];
    if (fn.body) referencedIn(fn.body, functions, (found, reference) => consider(found, reference, fn, via, line, depth));
  }
  return reached;
}

/** Each function `root` references (nested functions included), as `declarationOf` resolves a name or an imported namespace's member. */
function referencedIn(root: TS.Node, functions: ProgramFunctions, found: (fn: FunctionLike | undefined, reference: TS.Node) => void): void {
  const { ts, declarationOf } = functions;
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node) && isReference(ts, node)) {
      found(declarationOf(node), node);
      return;
    }
    if (ts.isPropertyAccessExpression(node)) {
      // `ui.render`: followed when `ui` is an import (the rest would ask the checker for an object's type).
      found(declarationOf(node), node);
      visit(node.expression);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
}

/** A name that refers to something, not one that declares it (`{ onSelect }` in an object refers to `onSelect`). */
function isReference(ts: typeof TS, node: TS.Identifier): boolean {
  const parent = node.parent;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (ts.isQualifiedName(parent) || ts.isTypeReferenceNode(parent)) return false;
  // A declaration's own name, a property's (`a.b`, `{ b: 1 }`, `<C b={…} />`), a destructured key (`{ b: local }`).
  const named = parent as { readonly name?: TS.Node; readonly propertyName?: TS.Node };
  return named.name !== node && named.propertyName !== node;
}

/**
 * For the linted file: whether an exit runs in the traced phase of another file of the program, and whose (the
 * nearest importer's). Undefined without a type-checked program.
 */
export function tracedPhaseReaching(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue): ((exit: TSESTree.Node) => PhaseReach | undefined) | undefined {
  const services = sourceCode.parserServices as ParserServicesWithTypeInformation | undefined;
  if (!services?.program) return undefined;
  const program = services.program;
  const ts = loadTypeScript();
  const file = (services.esTreeNodeToTSNodeMap.get(sourceCode.ast) as TS.SourceFile).fileName;
  let phases: Phase[] | undefined;
  const all = () => {
    phases ??= importingFiles(file, program).flatMap((source) => {
      const phase = cachedPair(byProgram, program, catalogue, () => new WeakMap(), () => new Map<string, Phase | null>());
      if (!phase.has(source.fileName)) phase.set(source.fileName, phaseOf(source, program, catalogue, functionsOf(services)));
      return phase.get(source.fileName) ?? [];
    });
    return phases;
  };
  return (exit) => {
    const tsExit = services.esTreeNodeToTSNodeMap.get(exit) as TS.Node | undefined;
    if (!tsExit) return undefined;
    // The functions around the exit, innermost first: the exit runs when one of them does.
    const around: TS.Node[] = [];
    for (let current = tsExit.parent; current && !ts.isSourceFile(current); current = current.parent) if (ts.isFunctionLike(current)) around.push(current);
    // `await queue.shutdown(); process.exit(0)`: flushed on its path, as the search of other files judges a flush by name.
    if (!around[0] || flushAwaitedBefore(ts, tsExit, around[0])) return undefined;
    for (const phase of all()) {
      for (const fn of around) {
        const reached = phase.functions.get(fn);
        if (reached) return { file: phase.file, line: reached.line, model: phase.model, via: reached.via };
      }
    }
    return undefined;
  };
}
