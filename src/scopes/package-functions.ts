/**
 * A function imported from an installed package, read from the package's installed code, so that it can be judged
 * like a function of the linted file (src/scopes/cannot-throw.ts):
 *
 *   import { setSpanWithError } from "@inkeep/agents-core";     node_modules/@inkeep/agents-core/package.json
 *   setSpanWithError(span, new Error("0 tools"));                 "exports": { ".": { "import": "./dist/index.js" } }
 *                                                                 dist/index.js: export { setSpanWithError } from './chunk-3HACEHXF.js'
 *                                                                 dist/chunk-3HACEHXF.js: function setSpanWithError(span, error, …) { … }
 *
 * Resolution is Node's, from the linted file: the nearest `node_modules/<package>` walking up (pnpm's symlinks are
 * followed), then the package's `exports` (conditions `import`, `node`, `default`: the function is imported), else
 * `module`/`main`. Only `import { f } from "pkg"` is followed (not `require`). The export is followed through `export { a as b } from "./x.js"` and
 * `export * from "./x.js"` (relative, three files deep) to a top-level `function` or `const f = () => …` of the file that
 * defines it, which is parsed with its scopes as ESLint would parse it.
 *
 * What it takes on trust, and so where it can be wrong: the installed code is the code that runs (a bundler that
 * inlines another copy, or a patched package, is not seen), and JavaScript only (`.js`, `.mjs`, `.cjs`: a package's
 * published code). A file that defines the function is parsed with its scopes only up to 2 MB; a file that only
 * re-exports is read whatever its size (a bundle's 10 MB `index.js`), its top-level statements alone. Files are cached
 * by path, size and modification time, so an editor sees an `npm install` and a run reads each file once.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { parseSourceCode } from "./parser";
import { packageRootsFrom } from "./installed";
import type { FunctionNode } from "./ast";
import { isFunction, skipWrappers } from "./ast";

type Source = Readonly<TSESLint.SourceCode>;

/** A function of another file, with that file's source (its scopes) to judge it by. */
export interface PackageFunction {
  readonly fn: FunctionNode;
  readonly sourceCode: Source;
  /** The file that defines it, from which its own imports resolve. */
  readonly file: string;
}

/** How a file's top level exports a name: defined here (the local name), or taken from another module. */
type ExportEntry = { readonly local: string } | { readonly from: string; readonly imported: string };

interface FileExports {
  readonly named: ReadonlyMap<string, ExportEntry>;
  readonly stars: readonly string[];
}

const MAX_FILES = 3;
/** Larger files are not parsed with their scopes (only re-exports are read from them). */
const MAX_SCOPED_BYTES = 2_000_000;
const JS = /\.[cm]?js$/u;

const exportsCache = new Map<string, { stamp: string; value: FileExports | undefined }>();
const sourceCache = new Map<string, { stamp: string; value: Source | undefined }>();

/** `size:mtime` of a file, or undefined when it is not a readable file. */
function stampOf(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return stat.isFile() ? `${stat.size}:${stat.mtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}

/** What `read` makes of a file, remembered until the file changes; undefined for a file that is not there or fails to read. */
function cachedRead<T>(cache: Map<string, { stamp: string; value: T | undefined }>, file: string, read: () => T | undefined): T | undefined {
  const stamp = stampOf(file);
  if (stamp === undefined) return undefined;
  const cached = cache.get(file);
  if (cached?.stamp === stamp) return cached.value;
  let value: T | undefined;
  try {
    value = read();
  } catch {
    value = undefined;
  }
  cache.set(file, { stamp, value });
  return value;
}

/** The top-level exports of a JavaScript module, read with espree (no scopes: fast on a bundle). */
function exportsOf(file: string): FileExports | undefined {
  return cachedRead(exportsCache, file, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy and synchronous (dist/ is CommonJS)
    const espree = require("espree") as typeof import("espree");
    const ast = espree.parse(readFileSync(file, "utf8"), { sourceType: "module", ecmaVersion: "latest" }) as unknown as TSESTree.Program;
    const named = new Map<string, ExportEntry>();
    const stars: string[] = [];
    const nameOf = (node: TSESTree.Identifier | TSESTree.StringLiteral) => (node.type === AST_NODE_TYPES.Identifier ? node.name : node.value);
    for (const statement of ast.body) {
      if (statement.type === AST_NODE_TYPES.ExportAllDeclaration && !statement.exported) stars.push(statement.source.value);
      if (statement.type !== AST_NODE_TYPES.ExportNamedDeclaration) continue;
      const declaration = statement.declaration;
      if ((declaration?.type === AST_NODE_TYPES.FunctionDeclaration || declaration?.type === AST_NODE_TYPES.ClassDeclaration) && declaration.id) {
        named.set(declaration.id.name, { local: declaration.id.name });
      }
      if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
        for (const declarator of declaration.declarations) if (declarator.id.type === AST_NODE_TYPES.Identifier) named.set(declarator.id.name, { local: declarator.id.name });
      }
      for (const specifier of statement.specifiers) {
        const exported = nameOf(specifier.exported);
        const local = nameOf(specifier.local);
        named.set(exported, statement.source ? { from: statement.source.value, imported: local } : { local });
      }
    }
    return { named, stars };
  });
}

/** The file as ESLint would see it, with its scopes (up to MAX_SCOPED_BYTES). */
function sourceCodeOf(file: string): Source | undefined {
  return cachedRead(sourceCache, file, () => {
    const text = readFileSync(file, "utf8");
    if (text.length > MAX_SCOPED_BYTES) return undefined;
    // A file that does not parse as a module has no function we can judge: its calls are taken to throw.
    return parseSourceCode(file, text, "module") as Source | undefined;
  });
}

/** A top-level `function name` or `const name = () => …` of the file. */
export function topLevelFunction(sourceCode: Source, name: string): FunctionNode | undefined {
  for (const raw of sourceCode.ast.body) {
    const statement = raw.type === AST_NODE_TYPES.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
    if (statement.type === AST_NODE_TYPES.FunctionDeclaration && statement.id?.name === name) return statement;
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration || statement.kind !== "const") continue;
    for (const declarator of statement.declarations) {
      const init = declarator.init && skipWrappers(declarator.init);
      if (declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === name && init && isFunction(init)) return init;
    }
  }
  return undefined;
}

/** A top-level `class name` (exported or not) of the file. */
function topLevelClass(sourceCode: Source, name: string): TSESTree.ClassDeclaration | undefined {
  for (const raw of sourceCode.ast.body) {
    const statement = raw.type === AST_NODE_TYPES.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
    if (statement.type === AST_NODE_TYPES.ClassDeclaration && statement.id?.name === name) return statement;
  }
  return undefined;
}

type Found<T> = { readonly node: T; readonly sourceCode: Source; readonly file: string };

/** The declaration `name` exported by `file` that `find` picks in its defining file, following re-exports (relative specifiers, `left` more files). */
function exportedDeclaration<T>(
  file: string,
  name: string,
  left: number,
  find: (sourceCode: Source, local: string) => T | undefined,
  accept: (file: string) => boolean = () => true,
): Found<T> | undefined {
  const exports = JS.test(file) ? exportsOf(file) : undefined;
  if (!exports || left <= 0) return undefined;
  const entry = exports.named.get(name);
  const relative = (specifier: string) => (specifier.startsWith("./") || specifier.startsWith("../") ? path.resolve(path.dirname(file), specifier) : undefined);
  if (entry && "local" in entry) {
    if (!accept(file)) return undefined;
    const sourceCode = sourceCodeOf(file);
    const node = sourceCode && find(sourceCode, entry.local);
    return node && sourceCode ? { node, sourceCode, file } : undefined;
  }
  if (entry) {
    const target = relative(entry.from);
    return target ? exportedDeclaration(target, entry.imported, left - 1, find, accept) : undefined;
  }
  // `export *` never re-exports `default`; the first module that has the name is the one (ambiguous names are not exported at all).
  if (name === "default") return undefined;
  const found = exports.stars.map((specifier) => relative(specifier)).flatMap((target) => (target ? [exportedDeclaration(target, name, left - 1, find, accept)] : []));
  const defined = found.filter((one): one is Found<T> => one !== undefined);
  return defined.length === 1 ? defined[0] : undefined;
}

/** The function `name` exported by `file`, following re-exports (relative specifiers, `left` more files). */
export function exportedFunction(file: string, name: string, left = MAX_FILES): PackageFunction | undefined {
  const found = exportedDeclaration(file, name, left, topLevelFunction);
  return found && { fn: found.node, sourceCode: found.sourceCode, file: found.file };
}

/** `"./dist/index.js"`, `{ import: …, default: … }`, `{ ".": … }`: the target of a package's `exports` for a subpath. */
function exportTarget(exportsField: unknown, subpath: string, conditions: readonly string[]): string | undefined {
  const pick = (value: unknown): string | undefined => {
    if (typeof value === "string") return value;
    if (Array.isArray(value)) return value.map(pick).find((target) => target !== undefined);
    if (typeof value !== "object" || value === null) return undefined;
    for (const [key, inner] of Object.entries(value)) if (conditions.includes(key)) return pick(inner);
    return undefined;
  };
  if (typeof exportsField === "object" && exportsField !== null && !Array.isArray(exportsField) && Object.keys(exportsField).some((key) => key.startsWith("."))) {
    return pick((exportsField as Record<string, unknown>)[subpath]);
  }
  return subpath === "." ? pick(exportsField) : undefined;
}

/** The package's entry file for `specifier` (`pkg`, `@scope/pkg`, `pkg/sub`), resolved from `dir` as Node does. */
function entryFile(specifier: string, dir: string): string | undefined {
  const parts = specifier.split("/");
  const nameLength = specifier.startsWith("@") ? 2 : 1;
  const packageName = parts.slice(0, nameLength).join("/");
  const subpath = parts.length > nameLength ? `./${parts.slice(nameLength).join("/")}` : ".";
  const conditions = ["import", "node", "default"];
  for (const root of packageRootsFrom(packageName, dir)) {
    let json: { exports?: unknown; module?: unknown; main?: unknown } | undefined;
    try {
      json = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as typeof json;
    } catch {
      json = undefined;
    }
    if (!json) continue;
    const target = json.exports === undefined ? (subpath === "." ? String(json.module || json.main || "index.js") : subpath) : exportTarget(json.exports, subpath, conditions);
    if (!target) return undefined;
    try {
      return realpathSync(path.resolve(root, target));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The installed function a name of the linted file is imported as, from a package (not a relative path):
 * `import { f } from "pkg"`, `import { g as f } from "pkg"`. `filename` is the linted file's path.
 */
export function packageFunction(sourceCode: Source, identifier: TSESTree.Identifier, filename: string): PackageFunction | undefined {
  const imported = path.isAbsolute(filename) ? packageImport(sourceCode, identifier, path.dirname(filename)) : undefined;
  return imported ? exportedFunction(imported.entry, imported.name) : undefined;
}

/**
 * The installed function a name is imported as (`import { shutdownTelemetry } from "@google/gemini-cli-core"`), from
 * the file in `dir` (absolute), followed through `left` files: a package's index that re-exports a folder's index
 * that re-exports the defining file is four.
 */
export function packageFunctionFrom(sourceCode: Source, identifier: TSESTree.Identifier, dir: string, left: number, accept?: (file: string) => boolean): PackageFunction | undefined {
  const imported = packageImport(sourceCode, identifier, dir);
  const found = imported && exportedDeclaration(imported.entry, imported.name, left, topLevelFunction, accept);
  return found && { fn: found.node, sourceCode: found.sourceCode, file: found.file };
}

/** The value of a top-level `const name = …` (exported or not) of the file. */
function topLevelConstant(sourceCode: Source, name: string): TSESTree.Expression | undefined {
  for (const raw of sourceCode.ast.body) {
    const statement = raw.type === AST_NODE_TYPES.ExportNamedDeclaration && raw.declaration ? raw.declaration : raw;
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration || statement.kind !== "const") continue;
    for (const declarator of statement.declarations) {
      if (declarator.id.type === AST_NODE_TYPES.Identifier && declarator.id.name === name && declarator.init) return declarator.init;
    }
  }
  return undefined;
}

/** The installed `const` a name is imported as (`export const promptIdContext = new AsyncLocalStorage();`), with its file. */
export function packageConstant(sourceCode: Source, identifier: TSESTree.Identifier, dir: string, left: number): { readonly value: TSESTree.Expression; readonly sourceCode: Source } | undefined {
  const imported = path.isAbsolute(dir) ? packageImport(sourceCode, identifier, dir) : undefined;
  const found = imported && exportedDeclaration(imported.entry, imported.name, left, topLevelConstant);
  return found && { value: found.node, sourceCode: found.sourceCode };
}

/** A class of an installed package, read from its installed code, with the file that defines it. */
export interface PackageClass {
  readonly declaration: TSESTree.ClassDeclaration;
  readonly sourceCode: Source;
  readonly file: string;
  /** The package specifier the linted file imports it from: `@trigger.dev/core/v3/workers`. */
  readonly specifier: string;
}

/**
 * The installed class a name of the linted file is imported as (`import { TracingSDK } from "@trigger.dev/core/v3/workers"`),
 * as packageFunction finds functions; `dir` is the linted file's directory (absolute). `accept` may turn down the
 * file that defines it before that file is parsed.
 */
export function packageClass(sourceCode: Source, identifier: TSESTree.Identifier, dir: string, accept?: (file: string) => boolean): PackageClass | undefined {
  const imported = packageImport(sourceCode, identifier, dir);
  return imported && classExportedBy(imported.entry, imported.name, imported.specifier, accept);
}

/** The class `name` of the package `specifier` as installed for `dir`, by name (`import { name } from "specifier"`), nothing parsed but the package. */
export function packageClassNamed(specifier: string, name: string, dir: string, accept?: (file: string) => boolean): PackageClass | undefined {
  const entry = entryFile(specifier, dir);
  return entry ? classExportedBy(entry, name, specifier, accept) : undefined;
}

function classExportedBy(entry: string, name: string, specifier: string, accept?: (file: string) => boolean): PackageClass | undefined {
  const found = exportedDeclaration(entry, name, MAX_FILES, topLevelClass, accept);
  return found ? { declaration: found.node, sourceCode: found.sourceCode, file: found.file, specifier } : undefined;
}

/** `import { name as identifier } from "pkg"`: the package's entry file for "pkg" as Node resolves it from `dir`, and `name`. */
function packageImport(sourceCode: Source, identifier: TSESTree.Identifier, dir: string): { entry: string; name: string; specifier: string } | undefined {
  const variable = ASTUtils.findVariable(sourceCode.getScope(identifier), identifier);
  const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
  if (def?.type !== "ImportBinding" || def.node.type !== AST_NODE_TYPES.ImportSpecifier || def.parent?.type !== AST_NODE_TYPES.ImportDeclaration) return undefined;
  const specifier = def.parent.source.value;
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const name = def.node.imported.type === AST_NODE_TYPES.Identifier ? def.node.imported.name : def.node.imported.value;
  const entry = entryFile(specifier, dir);
  return entry ? { entry, name, specifier } : undefined;
}
