/** Where and how a fix adds top-level code: imports or requires, in the file's own line endings. */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import { cachedPair } from "../scopes/ast";

export interface FileFlavour {
  /** Type annotations are allowed. */
  readonly typescript: boolean;
  /** `import` (else `require`). */
  readonly esm: boolean;
  readonly eol: string;
}

/**
 * What the fixes of one file ask again and again: once per finding, and each answer is a pass over the
 * whole file (its text, its top-level statements, its module scope). A file with 3,200 findings made that
 * quadratic, so each is computed once per `SourceCode` (which never changes while it is linted).
 */
const fileFacts = new WeakMap<object, Map<string, unknown>>();

function perFile<T>(sourceCode: Readonly<TSESLint.SourceCode>, key: string, compute: () => T): T {
  return cachedPair(fileFacts, sourceCode, key, () => new Map<string, unknown>(), compute) as T;
}

export function fileFlavour(sourceCode: Readonly<TSESLint.SourceCode>, filename: string): FileFlavour {
  return perFile(sourceCode, `flavour:${filename}`, () => readFlavour(sourceCode, filename));
}

function readFlavour(sourceCode: Readonly<TSESLint.SourceCode>, filename: string): FileFlavour {
  const ast = sourceCode.ast;
  const typescript = /\.[cm]?tsx?$/u.test(filename);
  const hasImport = ast.body.some(
    (statement) =>
      statement.type === AST_NODE_TYPES.ImportDeclaration ||
      statement.type === AST_NODE_TYPES.ExportNamedDeclaration ||
      statement.type === AST_NODE_TYPES.ExportDefaultDeclaration ||
      statement.type === AST_NODE_TYPES.ExportAllDeclaration,
  );
  const commonjsFile = /\.c[jt]s$/u.test(filename);
  const usesRequire = !hasImport && /\brequire\s*\(/u.test(sourceCode.text);
  const esm = !commonjsFile && (hasImport || (!usesRequire && ast.sourceType === "module"));
  const eol = sourceCode.text.includes("\r\n") ? "\r\n" : "\n";
  return { typescript, esm, eol };
}

function isRequireDeclaration(statement: TSESTree.Node): boolean {
  if (statement.type !== AST_NODE_TYPES.VariableDeclaration) return false;
  return statement.declarations.every((declarator) => {
    let init = declarator.init;
    while (init && init.type === AST_NODE_TYPES.MemberExpression) init = init.object;
    return init?.type === AST_NODE_TYPES.CallExpression && init.callee.type === AST_NODE_TYPES.Identifier && init.callee.name === "require";
  });
}

/** After the leading imports, requires and directives; the file start (after a hashbang) when there are none. */
export function topInsertionPoint(sourceCode: Readonly<TSESLint.SourceCode>): number {
  let point = sourceCode.text.startsWith("#!") ? sourceCode.text.indexOf("\n") : 0;
  for (const statement of sourceCode.ast.body) {
    const isDirective = statement.type === AST_NODE_TYPES.ExpressionStatement && "directive" in statement && typeof statement.directive === "string";
    if (
      statement.type === AST_NODE_TYPES.ImportDeclaration ||
      statement.type === AST_NODE_TYPES.TSImportEqualsDeclaration ||
      isRequireDeclaration(statement) ||
      isDirective
    ) {
      point = statement.range[1];
    } else {
      break;
    }
  }
  return Math.max(point, 0);
}

/** Names bound at module level (imports, declarations), to avoid clashes. */
function moduleNames(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlySet<string> {
  return perFile(sourceCode, "names", () => readModuleNames(sourceCode));
}

function readModuleNames(sourceCode: Readonly<TSESLint.SourceCode>): Set<string> {
  const names = new Set<string>();
  const scopeManager = sourceCode.scopeManager;
  for (const scope of [scopeManager?.globalScope, ...(scopeManager?.globalScope?.childScopes ?? [])]) {
    // The file's own top scope: "module" for ES modules; for CommonJS, eslint-scope (ESLint's default for
    // `sourceType: "commonjs"`) wraps the file in a "function" scope, as Node wraps a module.
    if (!scope || (scope !== scopeManager?.globalScope && scope.block !== sourceCode.ast)) continue;
    for (const variable of scope.variables) if (variable.defs.length > 0) names.add(variable.name);
    for (const ref of scope.through) names.add(ref.identifier.name);
  }
  return names;
}

/** Words that name an export (`export { x as default }`) but cannot be a local binding. */
const RESERVED_WORDS = new Set(
  "arguments await break case catch class const continue debugger default delete do else enum eval export extends false finally for function if implements import in instanceof interface let new null package private protected public return static super switch this throw true try typeof var void while with yield".split(" "),
);

/**
 * Makes `names` of `module` available at top level. Reuses an existing named import of the module;
 * otherwise adds one (aliased as `otelX` where `X` is taken). Returns the local names to use.
 */
export function insertImport(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  flavour: FileFlavour,
  module: string,
  names: readonly string[],
): { fixes: TSESLint.RuleFix[]; names: Record<string, string> } {
  const local: Record<string, string> = {};
  const inFile = moduleNames(sourceCode);
  const aliases = new Set<string>();
  const taken = (name: string) => inFile.has(name) || aliases.has(name);
  const fresh = (name: string) => {
    // `import { default }` does not parse: an export named by a reserved word always gets a local name.
    if (!taken(name) && !RESERVED_WORDS.has(name)) return name;
    let candidate = `otel${name[0]?.toUpperCase()}${name.slice(1)}`;
    for (let n = 2; taken(candidate); n++) candidate = `otel${name[0]?.toUpperCase()}${name.slice(1)}${n}`;
    return candidate;
  };
  const existing = namedImports(sourceCode).get(module);
  const missing: string[] = [];
  for (const name of names) {
    const specifier = existing?.specifiers.find(
      (s): s is TSESTree.ImportSpecifier =>
        s.type === AST_NODE_TYPES.ImportSpecifier &&
        s.importKind !== "type" &&
        (s.imported.type === AST_NODE_TYPES.Identifier ? s.imported.name : s.imported.value) === name,
    );
    if (specifier) local[name] = specifier.local.name;
    else missing.push(name);
  }
  if (missing.length === 0) return { fixes: [], names: local };
  const specifierText = missing
    .map((name) => {
      const alias = fresh(name);
      aliases.add(alias);
      local[name] = alias;
      return alias === name ? name : flavour.esm ? `${name} as ${alias}` : `${name}: ${alias}`;
    })
    .join(", ");
  if (existing) {
    const last = existing.specifiers.at(-1) as TSESTree.ImportClause;
    return { fixes: [fixer.insertTextAfter(last, `, ${specifierText}`)], names: local };
  }
  // The specifier comes from the catalogue or the user's settings: written as a string literal through
  // JSON.stringify (quotes, backslashes, control characters escaped), so it reads back as the same value.
  const literal = JSON.stringify(module);
  const statement = flavour.esm ? `import { ${specifierText} } from ${literal};` : `const { ${specifierText} } = require(${literal});`;
  const point = topInsertionPoint(sourceCode);
  const text = point === 0 ? `${statement}${flavour.eol}` : `${flavour.eol}${statement}`;
  return { fixes: [fixer.insertTextAfterRange([point, point], text)], names: local };
}

/** The first value import of each module that has named specifiers (`import { a } from "m"`): where more names can go. */
function namedImports(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlyMap<string, TSESTree.ImportDeclaration> {
  return perFile(sourceCode, "namedImports", () => {
    const imports = new Map<string, TSESTree.ImportDeclaration>();
    for (const statement of sourceCode.ast.body) {
      if (
        statement.type === AST_NODE_TYPES.ImportDeclaration &&
        statement.importKind !== "type" &&
        !imports.has(statement.source.value) &&
        statement.specifiers.some((specifier) => specifier.type === AST_NODE_TYPES.ImportSpecifier)
      ) {
        imports.set(statement.source.value, statement);
      }
    }
    return imports;
  });
}

/** The names of top-level `function name` declarations (exported or not). */
export function declaredTopLevelFunctions(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlySet<string> {
  return perFile(sourceCode, "topFunctions", () => {
    const names = new Set<string>();
    for (const statement of sourceCode.ast.body) {
      const declaration = statement.type === AST_NODE_TYPES.ExportNamedDeclaration ? statement.declaration : statement;
      if (declaration?.type === AST_NODE_TYPES.FunctionDeclaration && declaration.id) names.add(declaration.id.name);
    }
    return names;
  });
}

/**
 * Fixes that add top-level helper functions after the file's imports, with the
 * `@opentelemetry/api` import they use (`trace`, `SpanStatusCode`, renamed on a clash), once:
 * nothing when every one of `names` is already declared. `source` writes the helpers' text
 * with the local names of the two imports.
 */
export function ensureOtelHelpers(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  names: readonly string[],
  source: (flavour: FileFlavour, names: { trace: string; status: string }) => string,
): TSESLint.RuleFix[] {
  return ensureTopLevelHelpers(fixer, sourceCode, filename, names, (flavour) => {
    const imported = insertImport(fixer, sourceCode, flavour, "@opentelemetry/api", ["SpanStatusCode", "trace"]);
    return { fixes: imported.fixes, helper: source(flavour, { trace: imported.names.trace as string, status: imported.names.SpanStatusCode as string }) };
  });
}

/**
 * Fixes that add top-level helper functions after the file's imports, once: nothing when every one of `names`
 * is already declared. `build` writes the helpers' text and the fixes of any import they need.
 */
export function ensureTopLevelHelpers(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  names: readonly string[],
  build: (flavour: FileFlavour) => { fixes: readonly TSESLint.RuleFix[]; helper: string },
): TSESLint.RuleFix[] {
  const declared = declaredTopLevelFunctions(sourceCode);
  if (names.every((name) => declared.has(name))) return [];
  const flavour = fileFlavour(sourceCode, filename);
  const eol = flavour.eol;
  const built = build(flavour);
  const fixes = [...built.fixes];
  const point = topInsertionPoint(sourceCode);
  const helper = built.helper;
  // One blank line on each side: count the line breaks already after the insertion point.
  const text = sourceCode.text;
  const trailing = text.startsWith(`${eol}${eol}`, point) ? "" : text.startsWith(eol, point) ? eol : `${eol}${eol}`;
  const inserted = point === 0 ? `${helper}${eol}${eol}` : `${eol}${eol}${helper}${trailing}`;
  // The import may land at the same offset: one fix there, or ESLint rejects the suggestion.
  const sameSpot = fixes.findIndex((fix) => fix.range[0] === point && fix.range[1] === point);
  if (sameSpot >= 0) {
    const existing = fixes[sameSpot] as TSESLint.RuleFix;
    fixes[sameSpot] = { range: existing.range, text: point === 0 ? `${existing.text}${eol}${inserted}` : `${existing.text}${inserted}` };
  } else {
    fixes.push(fixer.insertTextAfterRange([point, point], inserted));
  }
  return fixes;
}
