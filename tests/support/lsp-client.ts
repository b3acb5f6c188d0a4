// A minimal LSP client that drives the real ESLint language server (vscode-eslint's server, as shipped in
// vscode-langservers-extracted 4.10) over stdio, so tests can check what an editor user sees: diagnostics,
// their ranges and documentation links, and the quick fixes offered.
//
//   const workspace = await createEslintWorkspace({ "eslint.config.mjs": config, "src/app.ts": code });
//   const server = await startEslintLanguageServer(workspace.dir);
//   const [diagnostic] = await server.diagnostics(workspace.uri("src/app.ts"), code);
//   const actions = await server.codeActions(workspace.uri("src/app.ts"), diagnostic);
//   const edit = await server.applyCodeAction(actions[0]);   // the WorkspaceEdit the server asks to apply
//   await server.stop(); await workspace.dispose();
//
// Quirks of this server, each handled below:
// - It reads its settings only through `workspace/configuration` (section ""), one object per document, in
//   the shape the VS Code extension sends, and dereferences nested keys without checks: without
//   `experimental: {}` the diagnostic request fails, without `codeAction` the code action request fails,
//   and without `problems` every diagnostic request returns [] after logging a TypeError. So the full object
//   is always sent. `useFlatConfig` goes to `loadESLint({ useFlatConfig })`; we send true (ESLint 10.15
//   also lints flat with undefined, and with false it logs "Setting is ignored").
// - Settings are cached per document on first use; changing them means restarting the server.
// - Diagnostics are pulled (`textDocument/diagnostic`, advertised as `diagnosticProvider`); this version does
//   not push `textDocument/publishDiagnostics`, but pushed ones are collected anyway (`pushedDiagnostics`).
// - When linting fails (a rule throws, the config does not load) the server still answers with an empty
//   diagnostic list; it only logs the error and sends `eslint/status` with state warn (2) or error (3).
//   A test would then pass "no diagnostics" for the wrong reason, so diagnostics() throws instead.
// - Parse errors come back as diagnostics without `code`, with an empty range at the error position.
// - Code actions are answered from the problems cached by the last validation of the document, so ask for
//   diagnostics first, and pass a diagnostic exactly as the server returned it (it is matched by range and
//   rule id). The server only advertises code actions when the client declares
//   `codeActionLiteralSupport.codeActionKind.valueSet`.
// - Quick fixes are commands (`eslint.applySingleFix`, `eslint.applySuggestion`), not edits: executing one
//   makes the server send a `workspace/applyEdit` request back; applyCodeAction() returns that edit.
// - The server changes process.cwd() to the working directory and replaces process.exit to report calls
//   (`eslint/exitCalled`); both are its own process's business here, since it runs in a child.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Command,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type Position,
  type ProtocolConnection,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";
import { findRepoRoot } from "../../examples/support/run-example";

/** The settings object the VS Code ESLint extension answers `workspace/configuration` with. */
export interface EslintServerSettings {
  validate: "on" | "off" | "probe";
  packageManager: "npm" | "yarn" | "pnpm";
  useESLintClass: boolean;
  useFlatConfig: boolean;
  experimental: { useFlatConfig?: boolean };
  codeAction: {
    disableRuleComment: { enable: boolean; location: "separateLine" | "sameLine"; commentStyle: "line" | "block" };
    showDocumentation: { enable: boolean };
  };
  codeActionOnSave: { enable: boolean; mode: "all" | "problems"; rules?: string[] };
  format: boolean;
  quiet: boolean;
  onIgnoredFiles: "off" | "warn";
  options: Record<string, unknown>;
  rulesCustomizations: { rule: string; severity: string }[];
  run: "onType" | "onSave";
  problems: { shortenToSingleLine: boolean };
  nodePath: string | null;
  workingDirectory: { mode: "location" | "auto" } | { directory: string; "!cwd"?: boolean } | undefined;
  workspaceFolder: { name: string; uri: string } | undefined;
}

export interface EslintLanguageServer {
  /** Opens the document (or replaces its text if already open) and pulls its diagnostics. */
  diagnostics(uri: string, text: string): Promise<Diagnostic[]>;
  /** The quick fixes (and disable/documentation actions) offered for one diagnostic from diagnostics(). */
  codeActions(uri: string, diagnostic: Diagnostic): Promise<CodeAction[]>;
  /** Runs a code action's command; returns the edit the server then asked the client to apply, if any. */
  applyCodeAction(action: CodeAction): Promise<WorkspaceEdit | undefined>;
  /** The last `textDocument/publishDiagnostics` for the document, if the server ever pushed any. */
  pushedDiagnostics(uri: string): Diagnostic[] | undefined;
  /** `window/logMessage` output and stderr, for assertion messages when something is off. */
  log(): string;
  stop(): Promise<void>;
}

export interface EslintWorkspace {
  dir: string;
  uri(relativePath: string): string;
  dispose(): Promise<void>;
}

const STATUS_OK = 1;
const SERVER_SCRIPT = "node_modules/vscode-langservers-extracted/bin/vscode-eslint-language-server";

/**
 * A temporary workspace folder with the given files and a node_modules symlink to the repository's, so the
 * server resolves `eslint` (and the config resolves parsers and plugins) from there.
 */
export async function createEslintWorkspace(files: Record<string, string>): Promise<EslintWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "traced-exit-lsp-"));
  await symlink(path.join(findRepoRoot(), "node_modules"), path.join(dir, "node_modules"), "dir");
  return populateWorkspace(dir, files);
}

/** Writes `files` (relative paths) into `dir` and wraps it as a workspace that removes itself. */
export async function populateWorkspace(dir: string, files: Record<string, string>): Promise<EslintWorkspace> {
  for (const [relativePath, text] of Object.entries(files)) {
    const file = path.join(dir, relativePath);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  return {
    dir,
    uri: (relativePath) => pathToFileURL(path.join(dir, relativePath)).href,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export function defaultEslintSettings(workspaceDir: string): EslintServerSettings {
  return {
    validate: "on",
    packageManager: "npm",
    useESLintClass: false,
    useFlatConfig: true,
    experimental: {},
    codeAction: {
      disableRuleComment: { enable: true, location: "separateLine", commentStyle: "line" },
      showDocumentation: { enable: true },
    },
    codeActionOnSave: { enable: false, mode: "all" },
    format: false,
    quiet: false,
    onIgnoredFiles: "off",
    options: {},
    rulesCustomizations: [],
    run: "onType",
    problems: { shortenToSingleLine: false },
    nodePath: null,
    // "location": the folder of the nearest eslint.config.* between the file and the workspace folder.
    workingDirectory: { mode: "location" },
    workspaceFolder: { name: path.basename(workspaceDir), uri: pathToFileURL(workspaceDir).href },
  };
}

export async function startEslintLanguageServer(
  workspaceDir: string,
  options: { settings?: Partial<EslintServerSettings> } = {},
): Promise<EslintLanguageServer> {
  const settings = { ...defaultEslintSettings(workspaceDir), ...options.settings };
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [path.join(findRepoRoot(), SERVER_SCRIPT), "--stdio"],
    { cwd: workspaceDir, stdio: ["pipe", "pipe", "pipe"] },
  );
  let log = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const connection: ProtocolConnection = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );

  const pushed = new Map<string, Diagnostic[]>();
  const versions = new Map<string, number>();
  let pendingEdits: WorkspaceEdit[] = [];

  // Server-to-client requests this server sends.
  connection.onRequest("workspace/configuration", (params: { items: { scopeUri?: string; section?: string }[] }) =>
    params.items.map(() => settings),
  );
  connection.onRequest("workspace/applyEdit", (params: { edit: WorkspaceEdit }) => {
    pendingEdits.push(params.edit);
    return { applied: true };
  });
  connection.onRequest("client/registerCapability", () => null);
  connection.onRequest("client/unregisterCapability", () => null);
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onRequest("workspace/diagnostic/refresh", () => null);
  // The extension shows these as UI prompts; a test has no user, so they become log lines.
  for (const method of ["eslint/noConfig", "eslint/noLibrary", "eslint/probeFailed", "eslint/openDoc"]) {
    connection.onRequest(method, (params: unknown) => {
      log += `${method} ${JSON.stringify(params)}\n`;
      return {};
    });
  }
  connection.onNotification("textDocument/publishDiagnostics", (params: { uri: string; diagnostics: Diagnostic[] }) => {
    pushed.set(params.uri, params.diagnostics);
  });
  connection.onNotification("window/logMessage", (params: { message: string }) => {
    log += `${params.message}\n`;
  });
  // { uri, state: 1 ok | 2 warn | 3 error, validationTime? }, sent just before the diagnostic response.
  const statuses = new Map<string, number>();
  connection.onNotification("eslint/status", (params: { uri: string; state: number }) => {
    statuses.set(params.uri, params.state);
  });
  connection.onNotification("eslint/exitCalled", (params: unknown) => {
    log += `eslint/exitCalled ${JSON.stringify(params)}\n`;
  });
  connection.listen();

  const workspaceUri = pathToFileURL(workspaceDir).href;
  await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: workspaceUri,
    workspaceFolders: [{ name: path.basename(workspaceDir), uri: workspaceUri }],
    capabilities: {
      workspace: { configuration: true, applyEdit: true, workspaceFolders: true, diagnostics: { refreshSupport: true } },
      textDocument: {
        synchronization: { dynamicRegistration: false },
        diagnostic: { dynamicRegistration: false },
        publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true },
        // Without codeActionLiteralSupport the server does not register as a code action provider.
        codeAction: {
          codeActionLiteralSupport: {
            codeActionKind: { valueSet: ["", "quickfix", "source", "source.fixAll", "source.fixAll.eslint"] },
          },
        },
      },
    },
  });
  await connection.sendNotification("initialized", {});

  return {
    async diagnostics(uri, text) {
      const version = (versions.get(uri) ?? 0) + 1;
      versions.set(uri, version);
      if (version === 1) {
        await connection.sendNotification("textDocument/didOpen", {
          textDocument: { uri, languageId: languageIdOf(uri), version, text },
        });
      } else {
        // A change without a range replaces the whole text, even under incremental sync.
        await connection.sendNotification("textDocument/didChange", {
          textDocument: { uri, version },
          contentChanges: [{ text }],
        });
      }
      statuses.delete(uri);
      const logBefore = log.length;
      const report = await connection.sendRequest<DocumentDiagnosticReport>("textDocument/diagnostic", {
        textDocument: { uri },
      });
      const state = statuses.get(uri);
      const newLog = log.slice(logBefore);
      if ((state !== undefined && state !== STATUS_OK) || newLog.includes("An unexpected error occurred")) {
        throw new Error(`ESLint server failed to lint ${uri} (eslint/status ${state}):\n${newLog}`);
      }
      return report.kind === "full" ? report.items : [];
    },

    async codeActions(uri, diagnostic) {
      const result = await connection.sendRequest<(CodeAction | Command)[] | null>("textDocument/codeAction", {
        textDocument: { uri },
        range: diagnostic.range,
        context: { diagnostics: [diagnostic], only: ["quickfix"] },
      });
      // A bare Command has a string `command`; a CodeAction's `command` is a Command object.
      return (result ?? []).filter((item): item is CodeAction => typeof item.command !== "string");
    },

    async applyCodeAction(action) {
      pendingEdits = [];
      if (action.command) {
        await connection.sendRequest("workspace/executeCommand", {
          command: action.command.command,
          arguments: action.command.arguments,
        });
      }
      return action.edit ?? pendingEdits.at(-1);
    },

    pushedDiagnostics: (uri) => pushed.get(uri),
    log: () => log,

    async stop() {
      try {
        await connection.sendRequest("shutdown");
        await connection.sendNotification("exit");
      } catch {
        // The server may already be gone; killing it below is enough.
      }
      const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
      await exited;
      clearTimeout(timer);
      connection.dispose();
    },
  };
}

/** Applies the edits a WorkspaceEdit makes to one document (documentChanges or changes form) to its text. */
export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit): string {
  const edits: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ("textDocument" in change && change.textDocument.uri === uri) {
      edits.push(...change.edits.filter((item): item is TextEdit => "range" in item));
    }
  }
  edits.push(...(edit.changes?.[uri] ?? []));
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
  const offset = ({ line, character }: Position) => Math.min((lineStarts[line] ?? text.length) + character, text.length);
  // Apply from the end so earlier offsets stay valid (LSP edits never overlap).
  const sorted = edits
    .map((item) => ({ start: offset(item.range.start), end: offset(item.range.end), newText: item.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let result = text;
  for (const { start, end, newText } of sorted) result = result.slice(0, start) + newText + result.slice(end);
  return result;
}

function languageIdOf(uri: string): string {
  const extension = path.extname(new URL(uri).pathname);
  if ([".ts", ".mts", ".cts"].includes(extension)) return "typescript";
  if (extension === ".tsx") return "typescriptreact";
  if (extension === ".jsx") return "javascriptreact";
  return "javascript";
}
