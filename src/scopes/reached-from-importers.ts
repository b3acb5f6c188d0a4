/**
 * Exits of the linted file run from a span in another file (type-aware linting only): the reverse of cross-file.ts.
 *
 *   // run.js                                          // cli/help.js
 *   import { main } from "./cli.js";                   export default function showHelp() {
 *   startSpan({ name: "cli" }, async () => {             …
 *     await main();        // reaches help.js:4 ──────→   process.exit(0);      // ← reported here too
 *   });                                                }
 *
 * help.js opens no span, so its own model finds nothing; run.js's lint reports its call (`exitInOtherFile`). The
 * exit's own line is where the change is made, so it is reported there as well, naming the span and the call.
 *
 * Which calls: the files that import this one, and the files that import those, as many levels as the forward
 * search goes calls deep (src/scopes/importers.ts, at most MAX_FILES of them), that are in the program and
 * searched (not node_modules, not declaration files). Each is parsed with the program's parser services (once for
 * this search and the phase search: src/scopes/other-file-models.ts), and its model (the one its own lint builds,
 * foreign wrappers included) gives the calls inside its spans; only those calls are kept per program.
 * What each such call runs is the forward search's answer (`exitsReachedBy`): nothing is decided here that a lint of
 * the calling file would not decide, so this report appears exactly where that file has an `exitInOtherFile` (or
 * would, if the call's first exit were this one).
 */
import type { ParserServicesWithTypeInformation, TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import type * as TS from "typescript";
import { cachedPair, walk } from "./ast";
import type { Catalogue } from "./settings";
import type { FoundExit } from "./cross-file";
import type { ProgramFunctions } from "./cross-file";
import { exitsReachedBy, functionsOf, indirectCallee, searchedSource } from "./cross-file";
import { mightOpenScope, mightTrace } from "./prefilter";
import { catalogueForFile } from "./specifiers";
import { importersAround } from "./importers";
import type { Reach } from "./model";
import { otherFileModel } from "./other-file-models";
import { tracingSwitchedOff } from "./pipeline";

/** Levels of importers searched: the forward search follows three calls, each may be one file further. */
const LEVELS = 3;
/** Importing files searched per linted file, at most (nearest levels first). */
const MAX_FILES = 24;

/** A call in another file's span that runs one of this file's exits. */
export interface SpanCallReaching {
  /** The calling file, absolute. */
  readonly file: string;
  readonly line: number;
  /** The callee as written there: `main`, `Wizard_1.startWizard`. */
  readonly callee: string;
  readonly reach: Reach;
  readonly found: FoundExit;
}

/** Per program and catalogue: each importing file's calls in spans, with the exits they run. */
const byProgram = new WeakMap<TS.Program, WeakMap<Catalogue, Map<string, readonly SpanCallReaching[]>>>();

function memoOf(program: TS.Program, catalogue: Catalogue): Map<string, readonly SpanCallReaching[]> {
  return cachedPair(byProgram, program, catalogue, () => new WeakMap(), () => new Map());
}

/** The files whose calls may reach `file`'s functions: its importers, theirs, LEVELS deep, in the program. */
function callingFiles(file: string, program: TS.Program): TS.SourceFile[] {
  return importersAround(file, LEVELS, MAX_FILES, (importer) => searchedSource(program, importer));
}

/**
 * Whether `source`'s model can find a scope in it, from its TypeScript tree (already in the program, so nothing is
 * parsed): its text spells an opener (the model's own text test), or it calls a function of another searched file
 * whose text does, with a function or a name among the arguments (what foreign-openers.ts asks before it resolves a
 * wrapper). Most importers of a CLI's command files open nothing: parsing them with the program's services cost most.
 */
function mayHaveScopes(source: TS.SourceFile, functions: ProgramFunctions, catalogue: Catalogue): boolean {
  const { ts } = functions;
  const mayOpen = (text: string) => mightTrace(text, catalogue) && mightOpenScope(text, catalogue);
  if (mayOpen(source.text)) return true;
  let found = false;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (ts.isCallExpression(node) && node.arguments.some((arg) => ts.isIdentifier(arg) || ts.isArrowFunction(arg) || ts.isFunctionExpression(arg))) {
      const fn = functions.inOtherFile(node);
      if (fn && mayOpen(fn.getSourceFile().text)) {
        found = true;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The calls in `source`'s spans that run an exit of another file, each with every exit it runs. */
function spanCallsOf(source: TS.SourceFile, program: TS.Program, catalogue: Catalogue, functions: ProgramFunctions): readonly SpanCallReaching[] {
  if (!mayHaveScopes(source, functions, catalogueForFile(catalogue, source))) return [];
  const model = otherFileModel(source, program, catalogue);
  if (!model) return [];
  const sourceCode = model.sourceCode;
  const services = sourceCode.parserServices as ParserServicesWithTypeInformation;
  // As the calling file's own lint: no span, or a set-up that records nothing (src/scopes/pipeline.ts), loses nothing.
  if (model.scopes().length === 0 || tracingSwitchedOff(model)) return [];
  const reached = exitsReachedBy(services);
  const found: SpanCallReaching[] = [];
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (node.type !== AST_NODE_TYPES.CallExpression) return;
    const reach = model.reachOf(node);
    if (!reach) return;
    const callee = sourceCode.getText(indirectCallee(node.callee));
    for (const exit of reached(node)) found.push({ file: source.fileName, line: node.loc.start.line, callee, reach, found: exit });
  });
  return found;
}

/**
 * For the linted file: the calls in other files' spans that run a given exit of it, nearest importers first.
 * Undefined without a type-checked program.
 */
export function spanCallsReaching(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue): ((exit: TSESTree.CallExpression) => readonly SpanCallReaching[]) | undefined {
  const services = sourceCode.parserServices as ParserServicesWithTypeInformation | undefined;
  if (!services?.program) return undefined;
  const program = services.program;
  const file = (services.esTreeNodeToTSNodeMap.get(sourceCode.ast) as TS.SourceFile).fileName;
  let calls: readonly SpanCallReaching[] | undefined;
  const all = () => {
    if (!calls) {
      const memo = memoOf(program, catalogue);
      calls = callingFiles(file, program).flatMap((source) => {
        let known = memo.get(source.fileName);
        if (!known) {
          known = spanCallsOf(source, program, catalogue, functionsOf(services));
          memo.set(source.fileName, known);
        }
        return known;
      });
    }
    return calls;
  };
  return (exit) => all().filter(({ found }) => found.file === file && found.start === exit.range[0]);
}
