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
 *   that statement is kept (a function it awaits may exit before its own flush runs). It stops too after a statement
 *   that always leaves (`return`, `throw`, an exit): what follows the set-up's `if` runs only when the set-up did not;
 *   after a `break`/`continue`, it goes on after the loop or switch left.
 * - **Phase**: the functions that code references, as the checker resolves them (imports and re-exports followed):
 *   called, handed over as a callback, a component (`_jsx(App, props)`, `<App />`) or a hook, by a name or an
 *   imported namespace's member (`ui.render`), declared with a body in a searched file of the program (not
 *   node_modules, not declaration files); then the functions those reference, breadth first. A function's body is
 *   read whole, its nested functions included (listeners and timer callbacks registered there run in the phase);
 *   a reference after an awaited flush in its block (`await sdk.shutdown(); cleanup()`) is not followed: a flush-named
 *   call whose callee the checker resolves into a package of the catalogue, or to a flush the seed's file runs itself
 *   (a logger's `flush()` is not one). A `forceFlush` counts as the file-level judge counts it, although spans
 *   started after it are queued again.
 *   Bounded: MAX_FILE_DEPTH files away from the seed, MAX_FUNCTIONS functions per seed, nearest first. A bound only
 *   leaves functions out: what is in the phase was reached.
 * - Not followed: methods called on objects (`this.run()`, `config.start()`), classes (a class component), values the
 *   checker cannot name (a function stored in a table or state), functions only referenced before the set-up.
 * - **Exits**: the rule asks about an exit of the linted file inside a function (a module's top level runs when it is
 *   imported); its own file-level judge (`unflushedAt`: exit listeners, spans, a flush before it, by binding) comes first.
 *
 * Memoised per program and catalogue: each seed file's phase is built once, from its model (the rule's own when it
 * linted that file already: `noteLintedModel`; else the shared model of other files, src/scopes/other-file-models.ts).
 * Only what a report needs is kept (the SDK and flush its plan names, the set-up's line, the reached functions), not
 * the model: a program's seeds and linted files would fill the heap.
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import type * as TS from "typescript";
import { flushPlanFor } from "../rules/require-flush-before-exit/flush-plan";
import { cachedPair, isLoop, skipWrappers } from "./ast";
import type { Catalogue } from "./settings";
import type { FunctionLike, ProgramFunctions } from "./cross-file";
import { flushCallsAwaitedBefore, functionName, functionsOf, isSearched, searchedSource } from "./cross-file";
import { importersAround } from "./importers";
import { packageName } from "./installed";
import type { FileModel, InitializerCall } from "./model";
import { otherFileModel } from "./other-file-models";
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
  /** The SDK and the flush that file's plan names (src/rules/require-flush-before-exit/flush-plan.ts). */
  readonly sdk: string;
  readonly flush: string;
  /** The functions from the one the set-up's code references down to the exit's, outermost first. */
  readonly via: readonly string[];
}

/** A function of a phase: the names from the seed's reference down to it, and the line of the set-up it runs after. */
interface Reached {
  readonly via: readonly string[];
  readonly line: number;
}

/**
 * What a seed file's phase needs from its model, so that the model itself is not kept: the SDK and flush its plan
 * names, the code after its set-ups (TypeScript nodes, each with the set-up's line), and the symbols of the flushes
 * it runs itself (its set-up's own flush target: `await sdk.shutdown()` of its `sdk`, `await shutdownTracing()`).
 */
interface SeedFacts {
  readonly sdk: string;
  readonly flush: string;
  readonly seeds: readonly { readonly node: TS.Node; readonly line: number }[];
  readonly flushTargets: ReadonlySet<TS.Symbol>;
  /**
   * The file's entry statements reported as a whole (`main().catch(() => fail("failed"))`: entryWithoutFlush): as
   * the rule leaves the calls written there to that report, the phase does not follow them into other files.
   */
  readonly entries: readonly TS.Node[];
}

/** A seed file's set-up and the functions of its phase. */
interface Phase {
  readonly file: string;
  readonly sdk: string;
  readonly flush: string;
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
  const exits = new Set<TSESTree.Node>(model.exits().map((exit) => exit.node));
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
    /** After a `break` or `continue`: nothing is collected until the statement it leaves is passed. */
    let leftTo: TSESTree.Node | undefined;
    let child: TSESTree.Node = init.node;
    collect: for (let current: TSESTree.Node | undefined = child.parent; current; child = current, current = current.parent) {
      const list = statementList(current);
      if (list && !leftTo) {
        for (const statement of list.slice(list.indexOf(child as TSESTree.Statement) + 1)) {
          // A function declared after the set-up is hoisted: it runs where it is called, which its references tell.
          if (!hoisted(statement)) claim(statement, line);
          // After an awaited flush, nothing queued before it is lost. The flushing statement itself runs first
          // (`await runNonInteractive(…)`, whose finally flushes: an exit inside its try is still unflushed).
          if (level.statementFlushes(statement)) break collect;
          // `return;`, `throw`, `process.exit()`: the code after the set-up's function ends here (what follows in
          // the enclosing blocks runs only when the set-up did not); `break`, `continue`: after the loop or switch.
          const leaves = leaving(statement, exits);
          if (leaves === "function") break collect;
          if (leaves) {
            leftTo = leaves;
            break;
          }
        }
      }
      if (current === leftTo) leftTo = undefined;
      if (current.type === AST_NODE_TYPES.FunctionDeclaration || current.type === AST_NODE_TYPES.FunctionExpression || current.type === AST_NODE_TYPES.ArrowFunctionExpression) break;
    }
  }
  return found;
}

/**
 * Whether `statement` always leaves its block: "function" for a `return`, a `throw`, an exit of the process (or a
 * block, or an `if` both of whose branches do); the loop or switch (or labelled statement) a `break`/`continue` leaves.
 */
function leaving(statement: TSESTree.Node, exits: ReadonlySet<TSESTree.Node>): "function" | TSESTree.Node | undefined {
  switch (statement.type) {
    case AST_NODE_TYPES.ReturnStatement:
    case AST_NODE_TYPES.ThrowStatement:
      return "function";
    case AST_NODE_TYPES.ExpressionStatement: {
      let expression = skipWrappers(statement.expression);
      if (expression.type === AST_NODE_TYPES.ChainExpression) expression = expression.expression;
      return exits.has(expression) ? "function" : undefined;
    }
    case AST_NODE_TYPES.BreakStatement:
    case AST_NODE_TYPES.ContinueStatement:
      return leftStatement(statement);
    case AST_NODE_TYPES.BlockStatement:
      for (const inner of statement.body) {
        const leaves = leaving(inner, exits);
        if (leaves) return leaves;
      }
      return undefined;
    case AST_NODE_TYPES.IfStatement:
      return statement.alternate && leaving(statement.consequent, exits) === "function" && leaving(statement.alternate, exits) === "function" ? "function" : undefined;
    default:
      return undefined;
  }
}

/** The statement a `break`/`continue` leaves: its label's, else the nearest loop (or switch, for `break`). */
function leftStatement(statement: TSESTree.BreakStatement | TSESTree.ContinueStatement): TSESTree.Node | undefined {
  for (let current: TSESTree.Node | undefined = statement.parent; current; current = current.parent) {
    if (statement.label) {
      if (current.type === AST_NODE_TYPES.LabeledStatement && current.label.name === statement.label.name) return current;
    } else if (isLoop(current) || (statement.type === AST_NODE_TYPES.BreakStatement && current.type === AST_NODE_TYPES.SwitchStatement)) {
      return current;
    }
  }
  return undefined;
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
 * Per program and catalogue: what the rule found in the files it linted (see `noteLintedModel`): the seed facts of a
 * file that starts tracing, null for one that does not. Their models are not kept: a corpus's files would fill the heap.
 */
const linted = new WeakMap<TS.Program, WeakMap<Catalogue, Map<string, SeedFacts | null>>>();

/**
 * The rule's model of a file it lints with a program, and whether its set-up traces: the same model `phaseOf` would
 * build (the same catalogue, the same directory and file), so a file linted before its phase is asked for is not
 * parsed again.
 */
export function noteLintedModel(model: FileModel, catalogue: Catalogue, tracing: boolean): void {
  const services = model.sourceCode.parserServices as ParserServicesWithTypeInformation | undefined;
  if (!services?.program) return;
  const file = (services.esTreeNodeToTSNodeMap.get(model.sourceCode.ast) as TS.SourceFile | undefined)?.fileName;
  if (file === undefined) return;
  const facts = tracing ? seedFactsOf(model, file, functionsOf(services)) : null;
  cachedPair(linted, services.program, catalogue, () => new WeakMap(), () => new Map<string, SeedFacts | null>()).set(file, facts);
}

/** What `model`'s phase needs, or null when it starts no tracing there (as the file's own lint judges). */
function seedFactsOf(model: FileModel, file: string, functions: ProgramFunctions): SeedFacts | null {
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
  const flushTargets = new Set<TS.Symbol>();
  for (const flush of model.flushes()) {
    const call = services.esTreeNodeToTSNodeMap.get(flush.node) as TS.Node | undefined;
    const symbol = call && functions.ts.isCallExpression(call) ? calleeSymbol(functions, call) : undefined;
    if (symbol) flushTargets.add(symbol);
  }
  const plan = flushPlanFor(model, file);
  const entries = getProcessLevel(model)
    .entryFindings()
    .map((finding) => services.esTreeNodeToTSNodeMap.get(finding.entry.statement) as TS.Node);
  return { sdk: plan.sdk, flush: plan.label, seeds, flushTargets, entries };
}

/** The function or method a call's callee names, as the checker resolves it (through imports). */
function calleeSymbol({ ts, resolved }: ProgramFunctions, call: TS.CallExpression): TS.Symbol | undefined {
  const callee = call.expression;
  return resolved(ts.isPropertyAccessExpression(callee) ? callee.name : callee);
}

/** `source`'s seed facts: the rule's, when it linted the file already, else from the shared model of other files. */
function seedFactsOfSource(source: TS.SourceFile, program: TS.Program, catalogue: Catalogue, functions: ProgramFunctions): SeedFacts | null {
  const known = linted.get(program)?.get(catalogue)?.get(source.fileName);
  if (known !== undefined) return known;
  const model = otherFileModel(source, program, catalogue);
  return model ? seedFactsOf(model, source.fileName, functions) : null;
}

/** `source`'s set-up and phase, or null when its own model starts no tracing there. */
function phaseOf(source: TS.SourceFile, program: TS.Program, catalogue: Catalogue, functions: ProgramFunctions): Phase | null {
  if (!mightNeedChange(source.text, catalogueForFile(catalogue, source), source.fileName)) return null;
  const facts = seedFactsOfSource(source, program, catalogue, functions);
  if (!facts) return null;
  const flushes = tracingFlush(functions, catalogue, facts.flushTargets);
  return { file: source.fileName, sdk: facts.sdk, flush: facts.flush, functions: reachedFrom(facts, functions, flushes) };
}

/** Per catalogue: the packages its entries name (`@opentelemetry/sdk-node`, `@traceloop/node-server-sdk` …). */
const cataloguePackages = new WeakMap<Catalogue, ReadonlySet<string>>();

function packagesOf(catalogue: Catalogue): ReadonlySet<string> {
  let found = cataloguePackages.get(catalogue);
  if (!found) {
    const modules = [
      ...catalogue.flushes.flatMap((spec) => (spec.form === "call" ? spec.modules : [])),
      ...[...catalogue.initializers, ...catalogue.openers, ...catalogue.manualSpans, ...catalogue.runners, ...catalogue.errorHandlers].flatMap((spec) => ("modules" in spec && spec.modules ? spec.modules : [])),
      ...catalogue.initializerModules,
    ];
    found = new Set(modules.filter((specifier) => !specifier.startsWith(".")).map(packageName));
    cataloguePackages.set(catalogue, found);
  }
  return found;
}

/**
 * Whether an awaited flush-named call is a flush of the tracing, by binding: the checker resolves its callee into a
 * package of the catalogue (`sdk.shutdown()` of a NodeSDK, `forceFlush()` of @traceloop/node-server-sdk), or to a
 * flush the set-up's file runs itself. A logger's or a queue's `flush()` is not.
 */
function tracingFlush(functions: ProgramFunctions, catalogue: Catalogue, targets: ReadonlySet<TS.Symbol>): (call: TS.CallExpression) => boolean {
  const packages = packagesOf(catalogue);
  return (call) => {
    const symbol = calleeSymbol(functions, call);
    if (!symbol) return false;
    if (targets.has(symbol)) return true;
    return (symbol.declarations ?? []).some((declaration) => {
      const match = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*[\\/]node_modules[\\/])/u.exec(declaration.getSourceFile().fileName);
      return !!match?.[1] && packages.has(match[1].replace(/\\/gu, "/"));
    });
  };
}

/** The functions `seeds` reference, and theirs, breadth first, within the bounds; each with the names down to it. */
function reachedFrom({ seeds, entries }: SeedFacts, functions: ProgramFunctions, flushes: (call: TS.CallExpression) => boolean): Map<TS.Node, Reached> {
  const { ts } = functions;
  const reached = new Map<TS.Node, Reached>();
  const queue: { fn: FunctionLike; via: readonly string[]; line: number; depth: number }[] = [];
  const consider = (fn: FunctionLike | undefined, reference: TS.Node, from: TS.Node, via: readonly string[], line: number, depth: number) => {
    if (!fn || reached.has(fn) || reached.size >= MAX_FUNCTIONS || !isSearched(fn.getSourceFile())) return;
    // Nested in the code being read: read with it.
    if (fn.getSourceFile() === from.getSourceFile() && fn.pos >= from.pos && fn.end <= from.end) return;
    // `await sdk.shutdown(); cleanup();`: run after the flush (of the tracing, by binding).
    if (flushCallsAwaitedBefore(ts, reference, from).some(flushes)) return;
    const deeper = fn.getSourceFile() === from.getSourceFile() ? depth : depth + 1;
    if (deeper > MAX_FILE_DEPTH) return;
    const path = [...via, functionName(ts, fn)];
    reached.set(fn, { via: path, line });
    queue.push({ fn, via: path, line, depth: deeper });
  };
  // A call written in an entry the rule reports as a whole, of another file's function: that report's.
  const inEntry = (fn: FunctionLike | undefined, reference: TS.Node) =>
    fn?.getSourceFile() !== reference.getSourceFile() && entries.some((entry) => reference.pos >= entry.pos && reference.end <= entry.end);
  for (const { node, line } of seeds) referencedIn(node, functions, (fn, reference) => (inEntry(fn, reference) ? undefined : consider(fn, reference, node, [], line, 0)));
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
  const ts = functionsOf(services).ts;
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
    // A flush before the exit in its own file is the rule's to judge, by binding (the file level's `unflushedAt`).
    if (!around[0]) return undefined;
    for (const phase of all()) {
      for (const fn of around) {
        const reached = phase.functions.get(fn);
        if (reached) return { file: phase.file, line: reached.line, sdk: phase.sdk, flush: phase.flush, via: reached.via };
      }
    }
    return undefined;
  };
}
