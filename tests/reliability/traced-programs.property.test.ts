// Property-based tests: generated traced programs (Traceloop withWorkflow/withTask/… nestings,
// startActiveSpan, decorators, helpers called from scopes, exits with codes, floating
// promises, signal handlers, entry shapes, every import style) in random nestings. For each:
//   - the codemod engine never throws;
//   - its output parses with the file's extension;
//   - a second pass changes nothing;
//   - the rules report nothing fixable on the output;
//   - the text prefilter never skips a program the rules report on.
// The rules and codemods are whatever plugin.rules and the engine hold at run time.
import fc from "fast-check";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { findSyntaxError } from "../../src/cli/reparse";
import { createEngine } from "../../src/codemods/engine";
import { languageOptionsFor } from "../../src/codemods/lint-engine";
import plugin from "../../src/index";

// ------------------------------------------------------------------------------------------
// The program model: a small tree, printed to source text.

type Ext = ".ts" | ".mts" | ".tsx" | ".js" | ".mjs" | ".cjs";
type ImportStyle = "namespace" | "default" | "named" | "require" | "destructured";
type OpenerKind = "withWorkflow" | "withTask" | "withAgent" | "withTool" | "startActiveSpan";

type Statement =
  | { kind: "exit"; method: "exit" | "abort" | "kill"; code: string; log: boolean; guarded: boolean }
  | { kind: "exitCode"; code: number }
  | { kind: "floating"; form: "call" | "then" | "void" | "awaited" | "returned" }
  | { kind: "helper"; name: "requireEnv" | "fail" | "loadConfig" }
  | { kind: "scope"; opener: OpenerKind; async: boolean; fnForm: "arrow" | "function"; body: Statement[] }
  | { kind: "try"; body: Statement[]; handler: "log" | "rethrow" | "finally" }
  | { kind: "if"; body: Statement[] }
  | { kind: "loop"; body: Statement[] }
  | { kind: "inner"; body: Statement[] }
  | { kind: "plain" };

interface Program {
  ext: Ext;
  style: ImportStyle;
  init: "none" | "traceloop" | "nodesdk";
  helpers: boolean;
  /** How the helpers are declared: functions, methods of \`const helpers = {…}\`, static methods of \`class Helpers\`. */
  helperForm: "function" | "object" | "static";
  decorated: Statement[] | undefined;
  main: Statement[];
  entry: "none" | "call" | "void" | "catch-exit" | "await" | "then-exit" | "iife";
  handlers: Array<"sigterm" | "sigint-async" | "uncaught" | "sigterm-flushed">;
  crlf: boolean;
}

const statement: fc.Memo<Statement> = fc.memo((depth) => {
  const leaves: fc.Arbitrary<Statement>[] = [
    fc.record({
      kind: fc.constant("exit" as const),
      method: fc.constantFrom("exit" as const, "exit" as const, "exit" as const, "abort" as const, "kill" as const),
      code: fc.constantFrom("", "0", "1", "2", "130", "code"),
      log: fc.boolean(),
      guarded: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("exitCode" as const), code: fc.integer({ min: 0, max: 3 }) }),
    fc.record({ kind: fc.constant("floating" as const), form: fc.constantFrom("call" as const, "then" as const, "void" as const, "awaited" as const, "returned" as const) }),
    fc.record({ kind: fc.constant("helper" as const), name: fc.constantFrom("requireEnv" as const, "fail" as const, "loadConfig" as const) }),
    fc.constant({ kind: "plain" as const }),
  ];
  if (depth <= 1) return fc.oneof(...leaves);
  const body = fc.array(statement(depth - 1), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 6, arbitrary: fc.oneof(...leaves) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("scope" as const),
        opener: fc.constantFrom("withWorkflow" as const, "withTask" as const, "withAgent" as const, "withTool" as const, "startActiveSpan" as const),
        async: fc.boolean(),
        fnForm: fc.constantFrom("arrow" as const, "function" as const),
        body,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("try" as const), body, handler: fc.constantFrom("log" as const, "rethrow" as const, "finally" as const) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("if" as const), body }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("loop" as const), body }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("inner" as const), body }) },
  );
});

const program: fc.Arbitrary<Program> = fc
  .record({
    ext: fc.constantFrom<Ext>(".ts", ".mts", ".tsx", ".js", ".mjs", ".cjs"),
    style: fc.constantFrom<ImportStyle>("namespace", "default", "named", "require", "destructured"),
    init: fc.constantFrom("none" as const, "traceloop" as const, "nodesdk" as const),
    helpers: fc.boolean(),
    helperForm: fc.constantFrom("function" as const, "object" as const, "static" as const),
    decorated: fc.option(fc.array(statement(3), { minLength: 1, maxLength: 3 }), { nil: undefined }),
    main: fc.array(statement(4), { minLength: 1, maxLength: 4 }),
    entry: fc.constantFrom("none" as const, "call" as const, "void" as const, "catch-exit" as const, "await" as const, "then-exit" as const, "iife" as const),
    handlers: fc.subarray(["sigterm", "sigint-async", "uncaught", "sigterm-flushed"] as const),
    crlf: fc.boolean(),
  })
  .map((p) => {
    const cjs = p.ext === ".cjs";
    // Keep every combination valid: CommonJS requires, no top-level await, no decorators outside TypeScript.
    const style: ImportStyle = cjs && !["require", "destructured"].includes(p.style) ? "require" : !cjs && p.ext !== ".js" && ["require", "destructured"].includes(p.style) ? "namespace" : p.style;
    const ts = p.ext === ".ts" || p.ext === ".mts" || p.ext === ".tsx";
    return {
      ...p,
      style,
      entry: p.entry === "await" && (cjs || style === "require" || style === "destructured") ? "call" : p.entry,
      decorated: ts ? p.decorated : undefined,
      handlers: p.init === "nodesdk" ? p.handlers : p.handlers.filter((h) => h !== "sigterm-flushed"),
    };
  });

const TRACELOOP_EXPORTS = ["withWorkflow", "withTask", "withAgent", "withTool", "initialize", "forceFlush", "workflow", "task"];

function print(p: Program): string {
  let counter = 0;
  const next = () => ++counter;
  const sdk = (name: string) => (p.style === "named" || p.style === "destructured" ? name : `traceloop.${name}`);
  const lines: string[] = [];
  const out = (indent: number, text: string) => lines.push(`${"  ".repeat(indent)}${text}`);

  switch (p.style) {
    case "namespace":
      out(0, 'import * as traceloop from "@traceloop/node-server-sdk";');
      break;
    case "default":
      out(0, 'import traceloop from "@traceloop/node-server-sdk";');
      break;
    case "named":
      out(0, `import { ${TRACELOOP_EXPORTS.join(", ")} } from "@traceloop/node-server-sdk";`);
      break;
    case "require":
      out(0, 'const traceloop = require("@traceloop/node-server-sdk");');
      break;
    case "destructured":
      out(0, `const { ${TRACELOOP_EXPORTS.join(", ")} } = require("@traceloop/node-server-sdk");`);
      break;
  }
  const esm = p.style !== "require" && p.style !== "destructured";
  out(0, esm ? 'import { trace } from "@opentelemetry/api";' : 'const { trace } = require("@opentelemetry/api");');
  if (p.init === "nodesdk") out(0, esm ? 'import { NodeSDK } from "@opentelemetry/sdk-node";' : 'const { NodeSDK } = require("@opentelemetry/sdk-node");');
  out(0, "");
  out(0, 'const tracer = trace.getTracer("generated");');
  if (p.init === "traceloop") out(0, `${sdk("initialize")}({ appName: "generated", disableBatch: false });`);
  if (p.init === "nodesdk") {
    out(0, "const sdk = new NodeSDK();");
    out(0, "sdk.start();");
  }
  out(0, "const code = Number(process.env.EXIT_CODE ?? 1);");
  out(0, "");
  out(0, "async function fetchData(id) {");
  out(1, "return { id };");
  out(0, "}");
  // Each helper as [head, body lines]; `fail` is called from `loadConfig` the way its form is called from a sibling.
  const self = p.helperForm === "function" ? "" : "this.";
  const helperDefs: [string, string[]][] = p.helpers
    ? [
        ["requireEnv(name)", ["const value = process.env[name];", "if (!value) {", "  console.error(`missing ${name}`);", "  process.exit(2);", "}", "return value;"]],
        ["fail(reason)", ["console.error(reason);", "process.exit(1);"]],
        ["async loadConfig()", ["const config = await fetchData(0);", `if (!config) ${self}fail("no config");`, "return config;"]],
      ]
    : [
        ["requireEnv(name)", ["return process.env[name];"]],
        ["fail(reason)", ["throw new Error(reason);"]],
        ["async loadConfig()", ["return fetchData(0);"]],
      ];
  out(0, "");
  if (p.helperForm === "function") {
    for (const [head, body] of helperDefs) {
      out(0, `${head.startsWith("async ") ? `async function ${head.slice(6)}` : `function ${head}`} {`);
      for (const line of body) out(1, line);
      out(0, "}");
    }
  } else {
    out(0, p.helperForm === "object" ? "const helpers = {" : "class Helpers {");
    for (const [head, body] of helperDefs) {
      out(1, `${p.helperForm === "static" ? "static " : ""}${head} {`);
      for (const line of body) out(2, line);
      out(1, p.helperForm === "object" ? "}," : "}");
    }
    out(0, p.helperForm === "object" ? "};" : "}");
  }
  const helper = p.helperForm === "function" ? "" : p.helperForm === "object" ? "helpers." : "Helpers.";

  const block = (statements: Statement[], indent: number, isAsync: boolean) => {
    for (const s of statements) printStatement(s, indent, isAsync);
  };
  function printStatement(s: Statement, indent: number, isAsync: boolean): void {
    switch (s.kind) {
      case "exit": {
        const call = s.method === "exit" ? `process.exit(${s.code})` : s.method === "abort" ? "process.abort()" : 'process.kill(process.pid, "SIGTERM")';
        const inner = s.guarded ? indent + 1 : indent;
        if (s.guarded) out(indent, "if (!process.env.READY) {");
        if (s.log) out(inner, `console.error("stopping ${next()}");`);
        out(inner, `${call};`);
        if (s.guarded) out(indent, "}");
        return;
      }
      case "exitCode":
        out(indent, `process.exitCode = ${s.code};`);
        return;
      case "floating": {
        const n = next();
        if (s.form === "call") out(indent, `fetchData(${n});`);
        else if (s.form === "then") out(indent, `fetchData(${n}).then((result) => console.log(result));`);
        else if (s.form === "void") out(indent, `void fetchData(${n});`);
        else if (s.form === "awaited") out(indent, isAsync ? `await fetchData(${n});` : `fetchData(${n}).catch((error) => console.error(error));`);
        else out(indent, `if (process.env.EARLY) return fetchData(${n});`);
        return;
      }
      case "helper":
        if (s.name === "requireEnv") out(indent, `${helper}requireEnv("KEY_${next()}");`);
        else if (s.name === "fail") out(indent, `if (!process.env.OK) ${helper}fail("failed ${next()}");`);
        else out(indent, isAsync ? `await ${helper}loadConfig();` : `${helper}loadConfig();`);
        return;
      case "scope": {
        const n = next();
        const head = isAsync ? "await " : "";
        const fn = (params: string) => (s.fnForm === "arrow" ? `${s.async ? "async " : ""}(${params}) => {` : `${s.async ? "async " : ""}function (${params}) {`);
        if (s.opener === "startActiveSpan") {
          out(indent, `${head}tracer.startActiveSpan("span_${n}", ${fn("span")}`);
          block(s.body, indent + 1, s.async);
          out(indent + 1, "span.end();");
        } else {
          out(indent, `${head}${sdk(s.opener)}({ name: "${s.opener.slice(4).toLowerCase()}_${n}" }, ${fn("")}`);
          block(s.body, indent + 1, s.async);
        }
        out(indent, "});");
        return;
      }
      case "try":
        out(indent, "try {");
        block(s.body, indent + 1, isAsync);
        if (s.handler === "finally") out(indent, "} finally {");
        else out(indent, "} catch (error) {");
        out(indent + 1, s.handler === "rethrow" ? "throw error;" : 'console.error("handled");');
        out(indent, "}");
        return;
      case "if":
        out(indent, "if (process.env.BRANCH) {");
        block(s.body, indent + 1, isAsync);
        out(indent, "}");
        return;
      case "loop":
        out(indent, "for (const item of [1, 2]) {");
        out(indent + 1, "console.log(item);");
        block(s.body, indent + 1, isAsync);
        out(indent, "}");
        return;
      case "inner": {
        const n = next();
        out(indent, `const inner${n} = async () => {`);
        block(s.body, indent + 1, true);
        out(indent, "};");
        out(indent, isAsync ? `await inner${n}();` : `inner${n}().catch((error) => console.error(error));`);
        return;
      }
      case "plain":
        out(indent, `const value${next()} = ${counter};`);
        return;
    }
  }

  if (p.decorated) {
    out(0, "");
    out(0, "export class Pipeline {");
    out(1, `@${sdk("workflow")}({ name: "pipeline" })`);
    out(1, "async run() {");
    block(p.decorated, 2, true);
    out(1, "}");
    out(0, "}");
  }
  out(0, "");
  out(0, "async function main() {");
  block(p.main, 1, true);
  out(0, "}");
  out(0, "");
  for (const handler of p.handlers) {
    if (handler === "sigterm") out(0, 'process.on("SIGTERM", () => {\n  console.log("bye");\n  process.exit(0);\n});');
    if (handler === "sigint-async") out(0, 'process.once("SIGINT", async () => {\n  await fetchData(0);\n  process.exit(130);\n});');
    if (handler === "uncaught") out(0, 'process.on("uncaughtException", (error) => {\n  console.error(error);\n  process.exit(1);\n});');
    if (handler === "sigterm-flushed") out(0, 'process.on("SIGTERM", async () => {\n  await sdk.shutdown();\n  process.exit(0);\n});');
  }
  switch (p.entry) {
    case "call":
      out(0, "main();");
      break;
    case "void":
      out(0, "void main();");
      break;
    case "catch-exit":
      out(0, "main().catch((error) => {\n  console.error(error);\n  process.exit(1);\n});");
      break;
    case "await":
      out(0, "await main();");
      break;
    case "then-exit":
      out(0, "main().then(() => process.exit(0));");
      break;
    case "iife":
      out(0, "(async () => {\n  await main();\n})();");
      break;
    case "none":
      break;
  }
  const text = `${lines.join("\n")}\n`;
  return p.crlf ? text.replace(/\n/gu, "\r\n") : text;
}

// ------------------------------------------------------------------------------------------
// The properties.

const engine = createEngine();
const linter = new Linter({ configType: "flat" });
const ruleIds = Object.keys(plugin.rules).map((id) => `traced-exit/${id}`);

function lint(text: string, file: string) {
  return linter
    .verify(
      text,
      [
        {
          files: ["**/*"],
          plugins: { "traced-exit": plugin as never },
          languageOptions: languageOptionsFor(file) as Linter.Config["languageOptions"],
          rules: Object.fromEntries(ruleIds.map((id) => [id, "error"])),
        },
      ],
      // A bare name: ESLint ignores an absolute path outside its working directory, and would report nothing.
      { filename: file.slice(file.lastIndexOf("/") + 1) },
    )
    .filter((message) => message.ruleId?.startsWith("traced-exit/"));
}

const describeFinding = (m: Linter.LintMessage) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`;

const RUNS = Number(process.env.TRACED_EXIT_PROPERTY_RUNS ?? 120);

describe("generated traced programs", () => {
  it("are rewritten into code that parses, is stable under a second pass and has nothing fixable left", () => {
    let changed = 0;
    let memberHelpersRewritten = 0;
    fc.assert(
      fc.property(program, (p) => {
        const file = `/project/src/generated${p.ext}`;
        const input = print(p);
        // The generator's own promise: every program is valid for its extension.
        expect(findSyntaxError(input, file), input).toBeUndefined();

        const findings = lint(input, file);
        if (findings.length > 0) expect(engine.mightChange(input), `prefilter skipped:\n${input}`).toBe(true);

        const first = engine.transform(input, file);
        for (const item of first.manual) expect(item.reason, input).not.toMatch(/^not rewritten after/u);
        if (first.output === undefined) {
          // Nothing changed: then nothing was fixable.
          expect(findings.filter((m) => m.suggestions?.length).map(describeFinding), input).toEqual([]);
          return;
        }
        changed++;
        const output = first.output;
        // requireEnv's exit, reached through `helpers.requireEnv()` or `Helpers.requireEnv()`, became a throw.
        if (p.helpers && p.helperForm !== "function" && !output.includes("process.exit(2);")) memberHelpersRewritten++;
        expect(findSyntaxError(output, file), `${input}\n=== output ===\n${output}`).toBeUndefined();
        expect(engine.transform(output, file).output, `second pass changed:\n${output}`).toBeUndefined();
        const left = lint(output, file).filter((m) => m.suggestions?.length);
        expect(left.map(describeFinding), `fixable findings left in:\n${output}`).toEqual([]);
        // Line endings are the file's own.
        if (p.crlf) expect(output.replace(/\r\n/gu, ""), output).not.toContain("\n");
      }),
      { numRuns: RUNS },
    );
    // The generator must exercise the rewrites, not only the no-op path.
    expect(changed).toBeGreaterThan(RUNS / 6);
    expect(memberHelpersRewritten).toBeGreaterThan(0);
  }, 30_000 + RUNS * 250);
});
