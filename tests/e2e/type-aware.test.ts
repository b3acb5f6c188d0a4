/**
 * The type-aware set-up as a user writes it: a TypeScript project with its own tsconfig, ESLint 10's
 * `ESLint` class, typescript-eslint's parser with `projectService`, and `configs["recommended-type-checked"]`.
 * The incident's shape: the exit is in a helper module, the workflow in another file.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";
import * as ts from "typescript";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index";
import { programMayExit } from "../../src/scopes/cross-file";
import { makeTempDir, writeFiles } from "../cli/helpers";

const HELPERS = `export function requireRegion(): string {
  const region = process.env.AWS_REGION;
  if (!region) {
    console.error("AWS_REGION is not set");
    process.exit(2);
  }
  return region;
}
`;

const WORKFLOW = `import * as traceloop from "@traceloop/node-server-sdk";
import { requireRegion } from "./bedrock.js";

export function run(): Promise<string> {
  return traceloop.withWorkflow({ name: "rag" }, async () => requireRegion());
}
`;

function lint(dir: string, config: "recommended" | "recommended-type-checked", typed: boolean) {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tsParser as never, parserOptions: typed ? { projectService: true, tsconfigRootDir: dir } : {} },
      },
      plugin.configs[config] as never,
    ],
  });
  return eslint.lintFiles(["src/**/*.ts"]);
}

describe("no-process-exit across files, with recommended-type-checked", () => {
  const dir = makeTempDir("traced-exit-typed-");
  writeFiles(dir, { "src/bedrock.ts": HELPERS, "src/workflow.ts": WORKFLOW });
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true }, include: ["src"] }),
  );

  it("reports the call in the workflow, pointing at the exit in the helper module", async () => {
    const results = await lint(dir, "recommended-type-checked", true);
    const byFile = Object.fromEntries(results.map((result) => [path.relative(dir, result.filePath), result.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`)]));
    expect(byFile["src/bedrock.ts"]).toEqual([]);
    expect(byFile["src/workflow.ts"]).toContain(
      "5:62 traced-exit/no-process-exit requireRegion() reaches process.exit() in bedrock.ts:5, inside workflow 'rag': it ends the process before these spans are exported. Throw an Error there instead.",
    );
  });

  it("leaves an entry's own chain to the entry report: one finding, not two", async () => {
    const entryDir = makeTempDir("traced-exit-typed-entry-");
    writeFiles(entryDir, {
      "src/fail.ts": 'export function fail(message: string): never {\n  console.error(message);\n  return process.exit(1);\n}\n',
      "src/main.ts":
        'import { NodeSDK } from "@opentelemetry/sdk-node";\nimport { fail } from "./fail.js";\n\nconst sdk = new NodeSDK({});\nsdk.start();\n\nasync function main(): Promise<void> {}\n\nmain().catch(() => fail("failed"));\n',
    });
    writeFileSync(path.join(entryDir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true }, include: ["src"] }));
    const results = await lint(entryDir, "recommended-type-checked", true);
    const ids = results.flatMap((result) => result.messages.map((m) => `${path.basename(result.filePath)} ${m.ruleId}:${(m as { messageId?: string }).messageId}`));
    expect(ids).toEqual(["main.ts traced-exit/require-flush-before-exit:entryWithoutFlush"]);
  });

  it("sees nothing across files without a program", async () => {
    const results = await lint(dir, "recommended", false);
    const processExit = results.flatMap((result) => result.messages).filter((m) => m.ruleId === "traced-exit/no-process-exit");
    expect(processExit).toEqual([]);
  });
});

describe("programMayExit: the once-per-program gate", () => {
  const programOf = (files: Record<string, string>) => {
    const dir = makeTempDir("traced-exit-program-");
    writeFiles(dir, files);
    const program = ts.createProgram(Object.keys(files).map((file) => path.join(dir, file)), { noEmit: true, skipLibCheck: true });
    return { program } as never;
  };

  it("is false when no project file writes a process exit, whatever else mentions process or abort()", () => {
    expect(programMayExit(programOf({ "a.ts": "export const env = process.env.X;\nnew AbortController().abort();\n" }))).toBe(false);
  });

  it("is true as soon as one file does", () => {
    expect(programMayExit(programOf({ "a.ts": "export const x = 1;\n", "b.ts": "export function die() { process.exit(1); }\n" }))).toBe(true);
  });
});
