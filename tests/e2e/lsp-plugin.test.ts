// What an editor user sees: the real VS Code ESLint language server (vscode-langservers-extracted) over
// stdio, a workspace configured exactly as the README says, and the example apps opened in it.
//
// The workspace's node_modules holds `eslint-plugin-traced-exit` as a symlink to this repository (as
// `npm install` of a local path would) next to symlinks to the repository's dependencies, so the config's
// `import tracedExit from "eslint-plugin-traced-exit"` resolves through the package's "exports" to dist/.
//
// Expectations are not hand-written lists of findings: each diagnostic is compared with what ESLint's own
// API reports for the same text and config, so every rule of configs.recommended that has landed is covered
// (no-process-exit, no-floating-promises, require-flush-before-exit …). no-process-exit is also pinned down
// by hand: its diagnostics sit on exactly the `process.exit(1)` calls inside traced scopes.
import { mkdir, mkdtemp, readdir, readFile, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import dedent from "dedent";
import { ESLint } from "eslint";
import type { Diagnostic, Range } from "vscode-languageserver-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, loadPlugin } from "../../examples/demo/pipeline";
import {
  applyWorkspaceEdit,
  populateWorkspace,
  startEslintLanguageServer,
  type EslintLanguageServer,
  type EslintServerSettings,
  type EslintWorkspace,
} from "../support/lsp-client";

// The README's "Install" config, plus the TypeScript parser it tells TypeScript users to add.
const README_CONFIG = dedent`
  import tracedExit from "eslint-plugin-traced-exit";
  import tsParser from "@typescript-eslint/parser";

  export default [
    tracedExit.configs.recommended,
    { files: ["**/*.ts"], languageOptions: { parser: tsParser } },
  ];
`;

const APPS = ["examples/traceloop-app/index.ts", "examples/otel-app/index.ts"];
const plugin = loadPlugin();

let workspace: EslintWorkspace;
let server: EslintLanguageServer;
let eslint: ESLint;
const texts = new Map<string, string>();

beforeAll(async () => {
  const files: Record<string, string> = { "eslint.config.mjs": README_CONFIG };
  for (const app of APPS) {
    const text = await readFile(path.join(REPO_ROOT, app), "utf8");
    texts.set(app, text);
    files[app] = text;
  }
  workspace = await createPluginWorkspace(files);
  server = await startEslintLanguageServer(workspace.dir);
  // The same config file, loaded by ESLint's API: the reference the editor must agree with.
  eslint = new ESLint({ cwd: workspace.dir });
});

afterAll(async () => {
  await server?.stop();
  await workspace?.dispose();
});

describe.each(APPS)("ESLint language server on %s", (app) => {
  it("reports what the ESLint API reports, with each rule's docs link", async () => {
    const text = texts.get(app)!;
    const diagnostics = await server.diagnostics(workspace.uri(app), text);
    const [result] = await eslint.lintText(text, { filePath: path.join(workspace.dir, app) });
    const expected = result!.messages.map((message) => ({
      code: message.ruleId,
      range: {
        start: { line: message.line - 1, character: message.column - 1 },
        end: { line: (message.endLine ?? message.line) - 1, character: (message.endColumn ?? message.column) - 1 },
      },
      message: message.message,
    }));
    expect(expected.length).toBeGreaterThan(0);
    expect(diagnostics.map(({ code, range, message }) => ({ code, range, message }))).toEqual(expected);

    for (const diagnostic of diagnostics) {
      const ruleId = String(diagnostic.code);
      expect(ruleId).toMatch(/^traced-exit\//u);
      const url = plugin.rules[ruleId.slice("traced-exit/".length)]?.meta?.docs?.url;
      expect(url, ruleId).toMatch(/^https:\/\/.+\/docs\/rules\/[a-z-]+\.md$/u);
      expect(diagnostic).toMatchObject({ source: "eslint", severity: 1, codeDescription: { href: url } });
    }
  });

  it("puts traced-exit/no-process-exit on exactly each process.exit(1) call inside a traced scope", async () => {
    const text = texts.get(app)!;
    const diagnostics = await server.diagnostics(workspace.uri(app), text);
    const found = diagnostics.filter((diagnostic) => diagnostic.code === "traced-exit/no-process-exit");
    const exits = found.filter((d) => textAt(text, d.range) === "process.exit(1)");
    // In both apps the exits inside scopes are the `process.exit(1);` statements; the entry's
    // `main().catch(() => process.exit(1))` is outside every scope.
    expect(exits.map((d) => d.range)).toEqual(statementRanges(text, "process.exit(1);", "process.exit(1)".length));
    // The rest are calls, in a scope, of a same-file function that exits: traceloop-app's requireRegion() in its task.
    const calls = found.filter((d) => !exits.includes(d));
    for (const call of calls) expect(call.message).toMatch(new RegExp(`^${textAt(text, call.range)}\\(\\) reaches process\\.exit\\(\\) at line \\d+`, "u"));
    expect(calls.map((d) => textAt(text, d.range))).toEqual(app.includes("traceloop") ? ["requireRegion"] : []);
  });

  it("offers each suggestion as a quick fix, and applying the first makes the suggestion's edit", async () => {
    const text = texts.get(app)!;
    const uri = workspace.uri(app);
    const diagnostics = await server.diagnostics(uri, text);
    const [result] = await eslint.lintText(text, { filePath: path.join(workspace.dir, app) });
    expect(diagnostics).toHaveLength(result!.messages.length);

    for (const [index, diagnostic] of diagnostics.entries()) {
      const message = result!.messages[index]!;
      const suggestions = message.suggestions ?? [];
      const actions = await server.codeActions(uri, diagnostic);
      const titles = actions.map((action) => action.title);
      // vscode-eslint titles a suggestion "<desc> (<rule id>)", in the rule's order, before the disable actions.
      expect(titles.slice(0, suggestions.length)).toEqual(suggestions.map((suggestion) => `${suggestion.desc} (${message.ruleId})`));
      expect(titles).toContain(`Show documentation for ${message.ruleId}`);
      if (suggestions.length === 0) continue;

      const edit = await server.applyCodeAction(actions[0]!);
      expect(edit, `${message.ruleId}: no edit came back`).toBeDefined();
      const { range, text: replacement } = suggestions[0]!.fix;
      const expected = text.slice(0, range[0]) + replacement + text.slice(range[1]);
      expect(applyWorkspaceEdit(text, uri, edit!)).toBe(expected);
    }
    expect(diagnostics.some((diagnostic) => diagnostic.code === "traced-exit/no-process-exit")).toBe(true);
  });

  it("drops the finding once the quick fix is applied", async () => {
    const text = texts.get(app)!;
    const uri = workspace.uri(app);
    const diagnostics = await server.diagnostics(uri, text);
    // The last exit: the incident's, in the bedrock_completion span.
    const target = diagnostics.filter((diagnostic) => diagnostic.code === "traced-exit/no-process-exit").at(-1)!;
    const [throwInstead] = await server.codeActions(uri, target);
    expect(throwInstead?.title).toMatch(/^Throw an Error with exit code 1 instead/u);
    const fixed = applyWorkspaceEdit(text, uri, (await server.applyCodeAction(throwInstead!))!);
    // The caught error's message follows the logged text, and the error is the cause (src/fixes/exit-error.ts).
    expect(fixed).toContain(
      'throw Object.assign(new Error("Bedrock call failed, check AWS credentials: " + (error instanceof Error ? error.message : String(error))), { exitCode: 1, cause: error });',
    );

    const after = await server.diagnostics(uri, fixed);
    const lineOf = (d: Diagnostic) => d.range.start.line;
    expect(after.filter((d) => d.code === "traced-exit/no-process-exit").map(lineOf)).not.toContain(
      fixed.split("\n").findIndex((line) => line.includes("throw Object.assign(new Error(\"Bedrock")),
    );
    expect(after.filter((d) => d.code === "traced-exit/no-process-exit")).toHaveLength(
      diagnostics.filter((d) => d.code === "traced-exit/no-process-exit").length - 1,
    );
    // Leave the document as the other tests expect it.
    await server.diagnostics(uri, text);
  });
});

// The settings docs/editor.md tells users about, checked against this server (settings are read once per
// document, so each case gets its own server).
describe("ESLint language server settings that docs/editor.md relies on", () => {
  const app = APPS[0]!;
  const withServer = async <T>(settings: Partial<EslintServerSettings>, use: (server: EslintLanguageServer) => Promise<T>) => {
    const server = await startEslintLanguageServer(workspace.dir, { settings });
    try {
      return await use(server);
    } finally {
      await server.stop();
    }
  };
  const codes = (diagnostics: Diagnostic[]) => [...new Set(diagnostics.map((diagnostic) => diagnostic.code))];

  it("lints with useFlatConfig left unset, and ignores useFlatConfig: false under ESLint 10", async () => {
    const expected = codes(await server.diagnostics(workspace.uri(app), texts.get(app)!));
    expect(expected).toContain("traced-exit/no-process-exit");
    await withServer({ useFlatConfig: undefined }, async (unset) => {
      expect(codes(await unset.diagnostics(workspace.uri(app), texts.get(app)!))).toEqual(expected);
    });
    await withServer({ useFlatConfig: false }, async (off) => {
      expect(codes(await off.diagnostics(workspace.uri(app), texts.get(app)!))).toEqual(expected);
      expect(off.log()).toMatch(/only supports flat configs\. Setting is ignored/u);
    });
  });

  // nvim-lspconfig set this whenever it found an eslint.config.* until neovim/nvim-lspconfig#4329.
  it("reports nothing, silently, when experimental.useFlatConfig is true (ESLint 10 has no FlatESLint)", async () => {
    await withServer({ experimental: { useFlatConfig: true } }, async (experimental) => {
      expect(await experimental.diagnostics(workspace.uri(app), texts.get(app)!)).toEqual([]);
      expect(experimental.log()).toMatch(/doesn't export a FlatESLint class/u);
    });
  });

  // What VS Code's codeActionsOnSave "source.fixAll.eslint" and Neovim's :LspEslintFixAll run: autofixes only.
  // The traced-exit rules offer suggestions (they change behaviour), so "fix on save" leaves them alone.
  it("applies no traced-exit rewrite on eslint.applyAllFixes (fix all / fix on save)", async () => {
    const text = texts.get(app)!;
    const uri = workspace.uri(app);
    const diagnostics = await server.diagnostics(uri, text);
    expect(diagnostics.length).toBeGreaterThan(0);
    const edit = await server.applyCodeAction({
      title: "Fix all auto-fixable problems",
      command: { title: "", command: "eslint.applyAllFixes", arguments: [{ uri, version: 1 }] },
    });
    expect(edit ? applyWorkspaceEdit(text, uri, edit) : text).toBe(text);
  });
});

/** Ranges of `length` characters at each line whose trimmed text is exactly `statement`. */
function statementRanges(text: string, statement: string, length: number): Range[] {
  return text.split("\n").flatMap((line, index) => {
    if (line.trim() !== statement) return [];
    const character = line.indexOf(statement);
    return [{ start: { line: index, character }, end: { line: index, character: character + length } }];
  });
}

function textAt(text: string, range: Range): string {
  const lines = text.split("\n");
  if (range.start.line !== range.end.line) throw new Error("multi-line range");
  return lines[range.start.line]!.slice(range.start.character, range.end.character);
}

/**
 * A workspace as a user's project looks after `npm install -D eslint eslint-plugin-traced-exit
 * @typescript-eslint/parser`: node_modules/eslint-plugin-traced-exit is this package (a symlink to the
 * repository, so dist/ is what loads), every other package a symlink into the repository's node_modules.
 */
async function createPluginWorkspace(files: Record<string, string>): Promise<EslintWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "traced-exit-lsp-plugin-"));
  const modules = path.join(dir, "node_modules");
  await mkdir(modules);
  for (const entry of await readdir(path.join(REPO_ROOT, "node_modules"))) {
    if (entry === "eslint-plugin-traced-exit" || entry.startsWith(".")) continue;
    await symlink(path.join(REPO_ROOT, "node_modules", entry), path.join(modules, entry), "dir");
  }
  await symlink(REPO_ROOT, path.join(modules, "eslint-plugin-traced-exit"), "dir");
  return populateWorkspace(dir, { "package.json": JSON.stringify({ name: "traced-app", private: true }, null, 2), ...files });
}
