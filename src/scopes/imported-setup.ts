/**
 * The usual layout of a traced program (issue 16): the tracing set-up in a module of its own, which the program
 * imports for its effect or for the provider it exports.
 *
 *   // tracing.ts                                                      // index.ts
 *   export const provider = new NodeTracerProvider({                   import { provider } from "./tracing.js";
 *     spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
 *   });                                                                process.on("SIGTERM", () => process.exit(0));
 *   provider.register();                                               main().catch(…);
 *
 * A top-level relative import of such a module (`import … from "./tracing.js"`, `import "./tracing.js"`,
 * `require("./tracing")`) is an initializer of the importing file, as if the set-up were written there:
 * - the module is read from disk (`./x.js` names `./x.ts` as TypeScript resolves it; src/scopes/exit-listeners.ts),
 *   parsed on its own, and its initializers found by binding with the same catalogue; only those that run at its
 *   top level count (a set-up inside `export function startTracing()` runs only when called, which is not followed);
 * - its delivery (batch, simple, in memory, off: src/scopes/pipeline.ts) is the module's, so an in-memory or
 *   switched-off set-up there keeps the importing file quiet as it would if written in it;
 * - the object it keeps from a constructed initializer, when the module exports it (`export const provider = …`,
 *   `export { sdk }`), is the flush target: `provider.shutdown()` through the importing file's binding of it, or
 *   through an import the fix adds.
 * One import away: the imported module's own relative imports are not followed. Results are cached per file read
 * (src/scopes/exit-listeners.ts keeps what it read for a few seconds) and per catalogue.
 */
import * as path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { InitializerSpec } from "./catalogue";
import type { Catalogue } from "./settings";
import type { SourceFile } from "./files-on-disk";
import { resolveRelative } from "./files-on-disk";
import { isFunction, topLevelRequire } from "./ast";
import { parseSourceCode } from "./parser";
import { RELATIVE_SPECIFIER, mightInitialize } from "./prefilter";
import type { Delivery } from "./pipeline";

/** What the imported module sets up, as the importing file sees it. */
export interface ImportedSetup {
  /** The specifier as the importing file writes it: `./tracing.js`. */
  readonly specifier: string;
  readonly file: string;
  readonly delivery: Delivery;
  /** The module's export that holds the initializer's result (`provider`), when it exports one. */
  readonly exported: string | undefined;
  /** The importing file's own binding of that export: `import { provider as p }` → `p` and its declaration. */
  readonly local: { readonly name: string; readonly declaration: TSESTree.Node } | undefined;
}

/** One initializer of the imported module: its spec and what the module exports of it. */
interface ForeignInitializer {
  readonly spec: InitializerSpec;
  readonly exported: string | undefined;
}

interface ForeignSetup {
  readonly delivery: Delivery;
  readonly initializers: readonly ForeignInitializer[];
}

/** The minimum of a file model this module needs of the imported module (built by src/scopes/model.ts). */
export interface ForeignModel {
  initializers(): readonly { readonly node: TSESTree.Node; readonly spec: InitializerSpec | undefined; readonly binding: string | undefined }[];
  readonly delivery: Delivery;
  startsTracing(init: { readonly node: TSESTree.Node; readonly spec: InitializerSpec | undefined }): boolean;
}

export type ForeignModelOf = (sourceCode: Readonly<TSESLint.SourceCode>, file: string) => ForeignModel;

const setups = new WeakMap<SourceFile, WeakMap<Catalogue, ForeignSetup | null>>();

/** What the module read from disk starts at its top level, or null when it starts nothing. */
function setupOf(source: SourceFile, catalogue: Catalogue, modelOf: ForeignModelOf): ForeignSetup | null {
  let byCatalogue = setups.get(source);
  if (!byCatalogue) {
    byCatalogue = new WeakMap();
    setups.set(source, byCatalogue);
  }
  let setup = byCatalogue.get(catalogue);
  if (setup === undefined) {
    setup = readSetup(source, catalogue, modelOf);
    byCatalogue.set(catalogue, setup);
  }
  return setup;
}

function readSetup(source: SourceFile, catalogue: Catalogue, modelOf: ForeignModelOf): ForeignSetup | null {
  // Most imported modules name no initializer at all: not parsed.
  if (!mightInitialize(source.text, catalogue)) return null;
  const sourceCode = parseSourceCode(source.file, source.text, "module") ?? parseSourceCode(source.file, source.text, "script");
  if (!sourceCode) return null;
  const model = modelOf(sourceCode, source.file);
  const initializers = model
    .initializers()
    .filter((init) => init.spec !== undefined && init.node.type !== AST_NODE_TYPES.ImportDeclaration && atTopLevel(init.node) && model.startsTracing(init))
    .map((init) => ({ spec: init.spec as InitializerSpec, exported: init.binding === undefined ? undefined : exportName(sourceCode, init.binding) }));
  return initializers.length === 0 ? null : { delivery: model.delivery, initializers };
}

/** The node runs when the module is loaded: no function between it and the program. */
function atTopLevel(node: TSESTree.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunction(current) || current.type === AST_NODE_TYPES.StaticBlock) return false;
  }
  return true;
}

/** The name under which the module exports its top-level `binding`: `export const provider = …`, `export { sdk as tracing }`. */
function exportName(sourceCode: Readonly<TSESLint.SourceCode>, binding: string): string | undefined {
  for (const statement of sourceCode.ast.body) {
    if (statement.type !== AST_NODE_TYPES.ExportNamedDeclaration || statement.exportKind === "type") continue;
    const declaration = statement.declaration;
    if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
      if (declaration.declarations.some((declarator) => declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === binding)) return binding;
    }
    if (statement.source) continue;
    for (const specifier of statement.specifiers) {
      if (specifier.local.type !== AST_NODE_TYPES.Identifier || specifier.local.name !== binding || specifier.exportKind === "type") continue;
      if (specifier.exported.type === AST_NODE_TYPES.Identifier) return specifier.exported.name;
    }
  }
  return undefined;
}

const isRelative = (specifier: string) => specifier.startsWith("./") || specifier.startsWith("../");

/**
 * The importing file's binding of `name` from this import: `import { name as local }`, or
 * `const { name: local } = require(…)`.
 */
function localBinding(statement: TSESTree.ProgramStatement, name: string): ImportedSetup["local"] {
  if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
    for (const specifier of statement.specifiers) {
      if (specifier.type !== AST_NODE_TYPES.ImportSpecifier || specifier.importKind === "type") continue;
      const imported = specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
      if (imported === name) return { name: specifier.local.name, declaration: specifier };
    }
    return undefined;
  }
  const declarator = statement.type === AST_NODE_TYPES.VariableDeclaration ? statement.declarations[0] : undefined;
  if (declarator?.id.type !== AST_NODE_TYPES.ObjectPattern) return undefined;
  for (const property of declarator.id.properties) {
    if (property.type !== AST_NODE_TYPES.Property || property.computed || property.key.type !== AST_NODE_TYPES.Identifier || property.key.name !== name) continue;
    if (property.value.type === AST_NODE_TYPES.Identifier) return { name: property.value.name, declaration: declarator };
  }
  return undefined;
}

/**
 * The initializers the file's top-level relative imports bring in: one per initializer of the imported module,
 * anchored at the import (`node`), with what that module sets up (`imported`).
 */
export function importedInitializers(
  sourceCode: Readonly<TSESLint.SourceCode>,
  catalogue: Catalogue,
  dir: string,
  modelOf: ForeignModelOf,
): { node: TSESTree.ImportDeclaration | TSESTree.CallExpression; spec: InitializerSpec; imported: ImportedSetup }[] {
  const found: { node: TSESTree.ImportDeclaration | TSESTree.CallExpression; spec: InitializerSpec; imported: ImportedSetup }[] = [];
  for (const statement of sourceCode.ast.body) {
    let node: TSESTree.ImportDeclaration | TSESTree.CallExpression;
    let specifier: string;
    if (statement.type === AST_NODE_TYPES.ImportDeclaration) {
      // `import type { … }` loads nothing.
      if (statement.importKind === "type") continue;
      node = statement;
      specifier = statement.source.value;
    } else {
      const required = topLevelRequire(statement);
      if (!required) continue;
      node = required.call;
      specifier = required.module;
    }
    if (!isRelative(specifier)) continue;
    const source = resolveRelative(dir, specifier);
    const setup = source && setupOf(source, catalogue, modelOf);
    if (!source || !setup) continue;
    for (const init of setup.initializers) {
      const local = init.exported === undefined ? undefined : localBinding(statement, init.exported);
      found.push({ node, spec: init.spec, imported: { specifier, file: path.resolve(source.file), delivery: setup.delivery, exported: init.exported, local } });
    }
  }
  return found;
}

/** The file's text has a relative import or `require` at all: the model may look for an imported set-up. */
export function mightImportSetup(text: string): boolean {
  return RELATIVE_SPECIFIER.test(text);
}
