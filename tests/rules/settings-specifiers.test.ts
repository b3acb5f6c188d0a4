/**
 * Settings name modules as text; files import them as their module system wants them written (issue 16, the new
 * user's item 3: `initializers: [{ module: "./tracing" }]` matched nothing when the code imported "./tracing.js").
 * A relative module of the settings matches the file's specifiers up to the extension and a trailing `/index`
 * (src/scopes/specifiers.ts).
 */
import dedent from "dedent";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index";

const RULES = { "traced-exit/no-process-exit": "error", "traced-exit/require-flush-before-exit": "error" } as const;

function lint(code: string, settings: Record<string, unknown>, filename = "src/job.ts"): { id: string | undefined; line: number; message: string }[] {
  const linter = new Linter({ configType: "flat" });
  const config = [
    {
      files: ["**/*.ts", "**/*.cjs"],
      languageOptions: { parser: tsParser, ...(filename.endsWith(".cjs") ? { sourceType: "commonjs" } : {}) },
      plugins: { "traced-exit": plugin as never },
      settings: { "traced-exit": settings },
      rules: RULES,
    },
  ];
  return linter.verify(code, config as never, filename).map((m) => ({ id: m.messageId, line: m.line, message: m.message }));
}

const SIGTERM = `process.on("SIGTERM", () => process.exit(0));`;

describe("settings modules match the file's specifiers up to the extension and /index", () => {
  const initializers = (module: string) => ({ initializers: [{ module }], flushes: [{ module, export: "flushTracing" }] });

  it.each([
    ["./tracing", `import "./tracing.js";`],
    ["./tracing", `import "./tracing.mjs";`],
    ["./tracing", `import "./tracing.ts";`],
    ["./tracing.js", `import "./tracing";`],
    ["./tracing", `import "./tracing/index.js";`],
    ["./tracing/index.ts", `import "./tracing";`],
    ["../lib/tracing.cjs", `import "../lib/tracing";`],
  ])("initializer module %s matches %s: the unflushed SIGTERM exit is reported", (module, importLine) => {
    const found = lint(`${importLine}\n${SIGTERM}\n`, initializers(module));
    expect(found.map((m) => [m.id, m.line])).toEqual([["exitWithoutFlush", 2]]);
    // The declared flush is the one asked for, imported under the file's own spelling of the module.
    expect(found[0]?.message).toContain("await flushTracing() first");
  });

  it("matches a CommonJS require without an extension", () => {
    const found = lint(`require("./tracing");\n${SIGTERM}\n`, initializers("./tracing.js"), "src/job.cjs");
    expect(found.map((m) => m.id)).toEqual(["exitWithoutFlush"]);
  });

  it.each([
    ["./tracing", `import "./tracing-utils.js";`],
    ["./tracing", `import "../tracing.js";`],
    ["./tracing", `import "./tracing.json";`],
    ["./tracing", `import "./other/tracing.js";`],
    ["tracing", `import "tracing.js";`],
  ])("initializer module %s does not match %s", (module, importLine) => {
    expect(lint(`${importLine}\n${SIGTERM}\n`, initializers(module))).toEqual([]);
  });

  it("a declared flush imported as ./tracing.js flushes before the exit", () => {
    const code = dedent`
      import { flushTracing } from "./tracing.js";
      process.on("SIGTERM", async () => {
        await flushTracing();
        process.exit(0);
      });
    `;
    expect(lint(code, initializers("./tracing"))).toEqual([]);
  });

  it("a declared wrapper imported as ./tracing.js opens a scope", () => {
    const code = dedent`
      import { traced } from "./tracing.js";
      export async function sync() {
        await traced("sync", async () => {
          process.exit(1);
        });
      }
    `;
    const found = lint(code, { wrappers: [{ module: "./tracing", export: "traced", callback: 1, kind: "job" }] });
    expect(found.map((m) => [m.id, m.line])).toEqual([["exitInScope", 4]]);
  });
});
