/**
 * Modules a test file replaces: `vi.mock("./config/config.js", () => ({ … }))` (vitest's `vi`, imported or global),
 * `jest.mock("@google/gemini-cli-core")` (jest's global, or imported from `@jest/globals`). Both are hoisted above the
 * file's imports and replace the module for the whole module graph of the test, so the code of a mocked module is
 * not what runs: a tracing set-up reached through it (a relative module's set-up function, an installed class whose
 * constructor starts tracing) is not the file's (src/scopes/model.ts). A factory that spreads the real module
 * (`{ ...await vi.importActual(…), x: vi.fn() }`) keeps some real exports; which ones is not read, and the module is
 * taken as replaced as a whole (the quiet side, in test code, where nothing is exported anyway: docs/accuracy.md).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { createTracker, trackModules } from "./globals";
import { memberName, staticString } from "./ast";

const CALL = ASTUtils.ReferenceTracker.CALL;
const MOCK = { mock: { [CALL]: true } };

const memo = new WeakMap<object, ReadonlySet<string>>();

/** The specifiers the file mocks, as written (`./config/config.js`, `@google/gemini-cli-core`). */
export function mockedSpecifiers(sourceCode: Readonly<TSESLint.SourceCode>): ReadonlySet<string> {
  let found = memo.get(sourceCode);
  if (found) return found;
  const specifiers = new Set<string>();
  const tracker = (sourceCode.text.includes(".mock(") && createTracker(sourceCode)) || undefined;
  if (tracker) {
    const calls: TSESTree.Node[] = [...trackModules(tracker, { vitest: { vi: MOCK }, "@jest/globals": { jest: MOCK } })].map((reference) => reference.node);
    // The test runner's globals (jest's, vitest's with `globals: true`): names the file neither declares nor imports.
    // Undeclared, they are left unresolved (`through`); declared in the config (`globals.jest`, vitest's globals), they
    // resolve to a global-scope variable with no definition in the file.
    const globalScope = sourceCode.scopeManager?.globalScope;
    const declared = ["vi", "jest"].flatMap((name) => {
      const variable = globalScope?.set.get(name);
      return variable && variable.defs.length === 0 ? variable.references : [];
    });
    for (const reference of [...(globalScope?.through ?? []), ...declared]) {
      const identifier = reference.identifier;
      const member = identifier.parent;
      if ((identifier.name !== "vi" && identifier.name !== "jest") || member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== identifier) continue;
      if (memberName(member) === "mock" && member.parent?.type === AST_NODE_TYPES.CallExpression && member.parent.callee === member) calls.push(member.parent);
    }
    for (const node of calls) {
      if (node.type !== AST_NODE_TYPES.CallExpression) continue;
      const specifier = staticString(node.arguments[0]);
      if (specifier !== undefined) specifiers.add(specifier);
    }
  }
  found = specifiers;
  memo.set(sourceCode, found);
  return found;
}
