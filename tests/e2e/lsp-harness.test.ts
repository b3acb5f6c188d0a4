// Proves the editor harness against the real ESLint language server with core rules, so a later test can
// trust it for this plugin's rules: diagnostics carry the rule's range and documentation link, quick fixes
// and suggestions come back as code actions, and applying one yields the edit an editor would make.
import dedent from "dedent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyWorkspaceEdit,
  createEslintWorkspace,
  startEslintLanguageServer,
  type EslintLanguageServer,
  type EslintWorkspace,
} from "../support/lsp-client";

const CONFIG = dedent`
  import tsParser from "@typescript-eslint/parser";

  export default [
    {
      files: ["**/*.ts"],
      languageOptions: { parser: tsParser },
      rules: { "no-console": "error", "no-useless-escape": "warn", "prefer-const": "error" },
    },
  ];
`;

// Line 0: prefer-const (autofix) and no-useless-escape (two suggestions); line 1: no-console (a suggestion).
const CODE = 'let pattern = "a\\.b";\nconsole.log(pattern);\n';

describe("ESLint language server harness", () => {
  let workspace: EslintWorkspace;
  let server: EslintLanguageServer;
  let uri: string;

  beforeAll(async () => {
    workspace = await createEslintWorkspace({ "eslint.config.mjs": CONFIG, "src/app.ts": CODE });
    server = await startEslintLanguageServer(workspace.dir);
    uri = workspace.uri("src/app.ts");
  });

  afterAll(async () => {
    await server?.stop();
    await workspace?.dispose();
  });

  it("pulls diagnostics with the rule's range, severity and documentation link", async () => {
    const diagnostics = await server.diagnostics(uri, CODE);
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(["prefer-const", "no-useless-escape", "no-console"]);

    const noConsole = diagnostics.find((diagnostic) => diagnostic.code === "no-console");
    expect(noConsole).toMatchObject({
      source: "eslint",
      severity: 1, // DiagnosticSeverity.Error
      message: "Unexpected console statement.",
      // `console.log`: the member expression, not the whole call.
      range: { start: { line: 1, character: 0 }, end: { line: 1, character: 11 } },
      codeDescription: { href: "https://eslint.org/docs/latest/rules/no-console" },
    });
    const escape = diagnostics.find((diagnostic) => diagnostic.code === "no-useless-escape");
    expect(escape).toMatchObject({
      severity: 2, // DiagnosticSeverity.Warning, from "warn"
      range: { start: { line: 0, character: 16 }, end: { line: 0, character: 17 } }, // the backslash
      codeDescription: { href: "https://eslint.org/docs/latest/rules/no-useless-escape" },
    });
    // This server version answers pulls only.
    expect(server.pushedDiagnostics(uri)).toBeUndefined();
  });

  it("offers a rule's suggestions as quick fixes and returns their edits", async () => {
    const diagnostics = await server.diagnostics(uri, CODE);
    const escape = diagnostics.find((diagnostic) => diagnostic.code === "no-useless-escape")!;
    const actions = await server.codeActions(uri, escape);
    expect(actions.map((action) => action.title)).toEqual([
      "Remove the `\\`. This maintains the current functionality. (no-useless-escape)",
      "Replace the `\\` with `\\\\` to include the actual backslash character. (no-useless-escape)",
      "Disable no-useless-escape for this line",
      "Disable no-useless-escape for the entire file",
      "Show documentation for no-useless-escape",
    ]);
    expect(actions.every((action) => action.kind === "quickfix")).toBe(true);
    expect(actions[0]?.diagnostics).toEqual([escape]);

    const edit = await server.applyCodeAction(actions[0]!);
    expect(applyWorkspaceEdit(CODE, uri, edit!)).toBe('let pattern = "a.b";\nconsole.log(pattern);\n');
  });

  it("marks an autofix as the preferred quick fix", async () => {
    const diagnostics = await server.diagnostics(uri, CODE);
    const preferConst = diagnostics.find((diagnostic) => diagnostic.code === "prefer-const")!;
    const [fix, ...rest] = await server.codeActions(uri, preferConst);
    expect(fix).toMatchObject({ title: "Fix this prefer-const problem", isPreferred: true });
    expect(rest.map((action) => action.title)).toContain("Disable prefer-const for this line");

    const fixed = applyWorkspaceEdit(CODE, uri, (await server.applyCodeAction(fix!))!);
    expect(fixed).toBe('const pattern = "a\\.b";\nconsole.log(pattern);\n');
    // The server re-lints the changed text: the fixed problem is gone, the others remain.
    const after = await server.diagnostics(uri, fixed);
    expect(after.map((diagnostic) => diagnostic.code)).toEqual(["no-useless-escape", "no-console"]);
  });

  it("offers no-console's suggestion for a diagnostic passed back as returned", async () => {
    const diagnostics = await server.diagnostics(uri, CODE);
    const noConsole = diagnostics.find((diagnostic) => diagnostic.code === "no-console")!;
    const actions = await server.codeActions(uri, noConsole);
    expect(actions[0]?.title).toBe("Remove the console.log(). (no-console)");
    const edit = await server.applyCodeAction(actions[0]!);
    expect(applyWorkspaceEdit(CODE, uri, edit!)).toBe('let pattern = "a\\.b";\n\n');
  });
});

describe("ESLint language server harness, failures", () => {
  // The server answers [] when a rule throws and only logs the error; the harness turns that into a
  // rejection so a "no diagnostics" assertion cannot pass because the rule crashed.
  it("rejects instead of returning [] when a rule crashes", async () => {
    const config = dedent`
      const crash = { meta: { type: "problem" }, create: () => ({ Program() { throw new Error("rule crashed"); } }) };
      export default [{ plugins: { local: { rules: { crash } } }, rules: { "local/crash": "error" } }];
    `;
    const workspace = await createEslintWorkspace({ "eslint.config.mjs": config, "app.js": "run();\n" });
    const server = await startEslintLanguageServer(workspace.dir);
    try {
      await expect(server.diagnostics(workspace.uri("app.js"), "run();\n")).rejects.toThrow(/rule crashed/);
    } finally {
      await server.stop();
      await workspace.dispose();
    }
  });
});
