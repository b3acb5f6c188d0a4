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

/** The end of every report at an exit reached from another file's span. */
const NOT_REWRITTEN = "it ends the process before that span can be ended and exported. Not rewritten: a throw here would travel through callers in other files; throw an Error and let those spans end, or end them and flush before exiting.";

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
    // The exit's own line, where the change is made, names the call in the other file's span (src/scopes/reached-from-importers.ts).
    expect(byFile["src/bedrock.ts"]).toEqual([`5:5 traced-exit/no-process-exit process.exit() is reached from requireRegion() at workflow.ts:5, inside workflow 'rag' there: ${NOT_REWRITTEN}`]);
    expect(byFile["src/workflow.ts"]).toContain(
      "5:62 traced-exit/no-process-exit requireRegion() reaches process.exit() in bedrock.ts:5, inside workflow 'rag': it ends the process before that span can be ended and exported. Throw an Error there instead.",
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

/** Lints every file of `files` with a program over them (JavaScript included, as a compiled package is). */
async function lintProject(files: Record<string, string>, tsconfig: object) {
  const dir = makeTempDir("traced-exit-typed-wrapper-");
  writeFiles(dir, files);
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ["**/*.ts"], languageOptions: { parser: tsParser as never, parserOptions: { projectService: true, tsconfigRootDir: dir } } },
      { files: ["**/*.js"], languageOptions: { parser: tsParser as never, sourceType: "commonjs", parserOptions: { project: path.join(dir, "tsconfig.json"), tsconfigRootDir: dir } } },
      plugin.configs["recommended-type-checked"] as never,
    ],
  });
  const results = await eslint.lintFiles(Object.keys(files));
  return results.flatMap((result) => result.messages.map((m) => `${path.relative(dir, result.filePath)}:${m.line} ${m.ruleId} ${m.message}`));
}

const TS_CONFIG = { compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true }, include: ["src"] };

// The shape of @sentry/wizard: each step runs in `traceStep(name, cb)`, a helper of another file around
// `Sentry.startSpan`, and a step calls a helper of a third file that exits: the step's span never ends.
const TRACE_STEP = `import * as Sentry from "@sentry/node";

export function traceStep<T>(step: string, callback: () => T): T {
  return Sentry.startSpan({ name: step, op: "wizard.step" }, () => callback());
}

export function later<T>(step: string, callback: () => T): void {
  // Runs the callback after the span has ended: not a wrapper.
  Sentry.startSpan({ name: step }, () => setTimeout(callback, 10));
}
`;
const ABORT = `export function abortIfCancelled<T>(value: T | symbol): T {
  if (typeof value === "symbol") {
    process.exit(0);
  }
  return value;
}
`;

describe("openers wrapped in a function of another file, with recommended-type-checked", () => {
  it("reports an exit reached inside a callback handed to the wrapper, with the span named by the call", async () => {
    const messages = await lintProject(
      {
        "src/telemetry.ts": TRACE_STEP,
        "src/clack.ts": ABORT,
        "src/steps.ts": `import { traceStep, later } from "./telemetry.js";
import { abortIfCancelled } from "./clack.js";

export function install(answer: string | symbol): string {
  return traceStep("install", () => abortIfCancelled(answer));
}

export function notWrapped(answer: string | symbol): void {
  later("later", () => abortIfCancelled(answer));
}
`,
      },
      TS_CONFIG,
    );
    expect(messages).toEqual([
      `src/clack.ts:3 traced-exit/no-process-exit process.exit() is reached from abortIfCancelled() at steps.ts:5, inside span 'install' there: ${NOT_REWRITTEN}`,
      "src/steps.ts:5 traced-exit/no-process-exit abortIfCancelled() reaches process.exit() in clack.ts:3, inside span 'install': it ends the process before that span can be ended and exported. Throw an Error there instead.",
    ]);
  });

  it("follows tsc's CommonJS output: __importStar(require(…)) and (0, mod_1.f)(…)", async () => {
    const messages = await lintProject(
      {
        "lib/telemetry.js": `"use strict";
var __importStar = (this && this.__importStar) || function (mod) { return mod; };
Object.defineProperty(exports, "__esModule", { value: true });
exports.traceStep = void 0;
const Sentry = __importStar(require("@sentry/node"));
function traceStep(step, callback) {
    return Sentry.startSpan({ name: step, op: "wizard.step" }, (span) => callback(span));
}
exports.traceStep = traceStep;
`,
        "lib/clack.js": `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.abortIfCancelled = void 0;
async function abortIfCancelled(input) {
    if (typeof (await input) === "symbol") {
        process.exit(0);
    }
    return input;
}
exports.abortIfCancelled = abortIfCancelled;
`,
        "lib/steps.js": `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const telemetry_1 = require("./telemetry");
const clack_1 = require("./clack");
async function ask(answer) {
    return (0, telemetry_1.traceStep)("ask", async () => {
        return await (0, clack_1.abortIfCancelled)(answer);
    });
}
exports.ask = ask;
`,
      },
      { compilerOptions: { allowJs: true, checkJs: false, noEmit: true, module: "preserve", moduleResolution: "bundler", types: [] }, include: ["lib"] },
    );
    expect(messages).toEqual([
      `lib/clack.js:6 traced-exit/no-process-exit process.exit() is reached from clack_1.abortIfCancelled() at steps.js:7, inside span 'ask' there: ${NOT_REWRITTEN}`,
      "lib/steps.js:7 traced-exit/no-process-exit clack_1.abortIfCancelled() reaches process.exit() in clack.js:6, inside span 'ask': it ends the process before that span can be ended and exported. Throw an Error there instead.",
    ]);
  });

  it("leaves the wrapper's span to the wrapper: no span-error finding for the caller's callback", async () => {
    const messages = await lintProject(
      {
        "src/tracing.ts": `import { trace } from "@opentelemetry/api";

export function withSpan<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return trace.getTracer("app").startActiveSpan(name, async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}
`,
        "src/job.ts": `import { withSpan } from "./tracing.js";

export function job(): Promise<number> {
  return withSpan("job", async () => {
    if (Math.random() > 2) throw new Error("never");
    return 1;
  });
}
`,
      },
      TS_CONFIG,
    );
    expect(messages).toEqual([]);
  });
});
