// Bad input, end to end with the real rules and the real codemod engine (tests/cli covers
// the CLI's own paths with a fake engine): options and settings fail loudly with ESLint's
// or our error; files the engine cannot handle are reported, never written.
import * as fs from "node:fs";
import * as path from "node:path";
import dedent from "dedent";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/index";
import { createEngine } from "../../src/codemods/engine";
import plugin from "../../src/index";
import { captureIo, makeTempDir, writeFiles } from "../cli/helpers";

const RULE_IDS = Object.keys(plugin.rules);

/** A file the real engine rewrites: an exit inside a Traceloop task. */
const NEEDS_FIX = dedent`
  import * as traceloop from "@traceloop/node-server-sdk";

  export function run() {
    return traceloop.withTask({ name: "load" }, async () => {
      process.exit(1);
    });
  }
`;

function lintWith(ruleId: string, entry: Linter.RuleEntry, settings?: Record<string, unknown>, code = "const a = 1;\n") {
  return new Linter({ configType: "flat" }).verify(
    code,
    [{ plugins: { "traced-exit": plugin as never }, ...(settings ? { settings } : {}), rules: { [`traced-exit/${ruleId}`]: entry } }],
    { filename: "file.js" },
  );
}

describe("rule options", () => {
  it.each(RULE_IDS)("%s: an option where the schema takes none is ESLint's schema error", (id) => {
    const schema = (plugin.rules as Record<string, { meta: { schema?: unknown } }>)[id]?.meta.schema;
    // Every rule so far takes no options; a rule that gains some needs its own invalid-option cases.
    expect(schema).toEqual([]);
    expect(() => lintWith(id, ["error", { strict: true }])).toThrow(
      new RegExp(`Key "traced-exit/${id}":\\s+Value \\[\\{"strict":true\\}\\] should NOT have more than 0 items`, "u"),
    );
  });
});

describe('settings["traced-exit"]', () => {
  // Each with the words the message must contain to point at the mistake.
  const cases: Array<[string, unknown, RegExp]> = [
    ["not an object", ["wrappers"], /must be an object/u],
    ["a misspelt key", { wrapers: [] }, /settings has unknown property "wrapers" \(allowed: wrappers, flushes, initializers/u],
    ["wrappers not an array", { wrappers: { module: "./t" } }, /wrappers must be an array/u],
    ["a wrapper that is not an object", { wrappers: ["traced"] }, /wrappers\[0\] must be an object/u],
    ["a wrapper without module or method", { wrappers: [{ export: "traced" }] }, /wrappers\[0\]\.module must be a non-empty string/u],
    ["a wrapper with both module and method", { wrappers: [{ module: "./t", export: "x", method: "y" }] }, /wrappers\[0\] takes either "method" or "module" \+ "export"/u],
    ["a negative callback index", { wrappers: [{ method: "run", callback: -1 }] }, /wrappers\[0\]\.callback must be a non-negative integer or "last"/u],
    ["recordsErrors not a boolean", { wrappers: [{ method: "run", recordsErrors: "yes" }] }, /wrappers\[0\]\.recordsErrors must be a boolean/u],
    ["an unknown wrapper key", { wrappers: [{ method: "run", callbackIndex: 1 }] }, /wrappers\[0\] has unknown property "callbackIndex"/u],
    ["a flush without export", { flushes: [{ module: "./t" }] }, /flushes\[0\]\.export must be a non-empty string/u],
    ["an initializer with an empty module", { initializers: [{ module: "" }] }, /initializers\[0\]\.module must be a non-empty string/u],
    ["entry not a boolean", { entry: "yes" }, /entry must be a boolean/u],
    // Module and export names are written into the user's files by the fixes.
    ["a quote in a module name", { flushes: [{ module: './t"; require("x")//', export: "flush" }] }, /flushes\[0\]\.module must be a module specifier without quotes/u],
    ["code in an export name", { wrappers: [{ module: "./t", export: "run(); x" }] }, /wrappers\[0\]\.export must be an identifier name or a dotted path of them/u],
  ];

  // Every rule, alone, on a file that mentions nothing traced: a typo must not turn the rules off silently.
  describe.each(RULE_IDS)("%s", (id) => {
    it.each(cases)("rejects %s with a clear error", (_name, value, message) => {
      const run = () => lintWith(id, "error", { "traced-exit": value });
      expect(run).toThrow(/Invalid settings\["traced-exit"\]/u);
      expect(run).toThrow(message);
    });
  });

  it("is rejected by the codemod engine before any file is read", () => {
    expect(() => createEngine({ settings: { wrapers: [] } })).toThrow(/Invalid settings\["traced-exit"\]: settings has unknown property "wrapers"/u);
  });

  it("is rejected by traced-exit fix --settings with exit code 2, nothing written", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.ts": NEEDS_FIX, "settings.json": JSON.stringify({ wrappers: [{ method: "run", callback: "first" }] }) });
    const io = captureIo(root);
    const code = await main(["fix", "--settings", "settings.json", "."], { io, createEngine });
    expect(code).toBe(2);
    expect(io.err()).toMatch(/traced-exit: cannot start the engine: Invalid settings\["traced-exit"\]: wrappers\[0\]\.callback must be a non-negative integer or "last"/u);
    expect(fs.readFileSync(path.join(root, "a.ts"), "utf8")).toBe(NEEDS_FIX);
  });
});

describe("traced-exit fix with the real engine", () => {
  it("reports unparsable files with file, position and reason, leaves them untouched and exits 1", async () => {
    const root = makeTempDir();
    const broken = {
      // A syntax error after a traced scope: the prefilter lets it in, the parser refuses it.
      "src/broken.ts": `${NEEDS_FIX}\nconst = ;\n`,
      // JSX is not TypeScript in a .ts file.
      "src/jsx-in-ts.ts": `${NEEDS_FIX}\nexport const view = <div>{run()}</div>;\n`,
    };
    writeFiles(root, { ...broken, "src/good.ts": NEEDS_FIX });
    const io = captureIo(root);

    const code = await main(["fix", "--force", "--quiet", "--json", "src"], { io, createEngine });

    expect(code).toBe(1);
    const summary = JSON.parse(io.out()) as { failed: Array<{ file: string; reason: string }>; changed: string[] };
    expect(summary.changed).toEqual(["src/good.ts"]);
    expect(summary.failed.map((item) => item.file)).toEqual(["src/broken.ts", "src/jsx-in-ts.ts"]);
    for (const item of summary.failed) expect(item.reason).toMatch(/^cannot parse: .+ \(\d+:\d+\)$/u);
    expect(summary.failed[0]?.reason).toMatch(/\(8:\d+\)$/u);
    for (const [rel, content] of Object.entries(broken)) expect(fs.readFileSync(path.join(root, rel), "utf8")).toBe(content);
  });

  // The parser runs out of stack on code nested this deep: it has no position to give, so none is made up.
  it("reports a file nested too deeply to parse without a made-up 0:0 position", async () => {
    const root = makeTempDir();
    const deep = `${NEEDS_FIX}\nexport const nested = ${"[".repeat(20_000)}${"]".repeat(20_000)};\n`;
    writeFiles(root, { "src/deep.ts": deep, "src/deep.js": deep });
    const io = captureIo(root);
    const code = await main(["fix", "--force", "--quiet", "--json", "src"], { io, createEngine });
    expect(code).toBe(1);
    const reason = "cannot parse: Parsing error: Maximum call stack size exceeded (the code is nested too deeply for the parser)";
    expect(JSON.parse(io.out()).failed).toEqual([
      { file: "src/deep.js", reason },
      { file: "src/deep.ts", reason },
    ]);
    expect(fs.readFileSync(path.join(root, "src/deep.ts"), "utf8")).toBe(deep);
  });

  it("prints unparsable files in the human summary too", async () => {
    const root = makeTempDir();
    writeFiles(root, { "broken.mjs": `${NEEDS_FIX}\nawait = 1;\n` });
    const io = captureIo(root);
    expect(await main(["fix", "--dry-run", "--quiet", "."], { io, createEngine })).toBe(1);
    expect(io.out()).toMatch(/broken\.mjs\s+cannot parse: /u);
  });

  it("does not write a read-only file that needs a change, and says so", async () => {
    const root = makeTempDir();
    writeFiles(root, { "locked.ts": NEEDS_FIX, "open.ts": NEEDS_FIX });
    fs.chmodSync(path.join(root, "locked.ts"), 0o444);
    const io = captureIo(root);

    const code = await main(["fix", "--force", "--quiet", "--json", "."], { io, createEngine });

    expect(code).toBe(1);
    const summary = JSON.parse(io.out()) as { failed: Array<{ file: string; reason: string }>; changed: string[] };
    expect(summary.failed).toEqual([{ file: "locked.ts", reason: "read-only" }]);
    expect(summary.changed).toEqual(["open.ts"]);
    expect(fs.readFileSync(path.join(root, "locked.ts"), "utf8")).toBe(NEEDS_FIX);
    expect(fs.readFileSync(path.join(root, "open.ts"), "utf8")).not.toBe(NEEDS_FIX);
  });

  it("does not write through a symlink to a file outside the paths", async () => {
    const root = makeTempDir();
    const outside = makeTempDir();
    writeFiles(outside, { "shared.ts": NEEDS_FIX });
    writeFiles(root, { "src/own.ts": NEEDS_FIX });
    fs.symlinkSync(path.join(outside, "shared.ts"), path.join(root, "src", "shared.ts"));
    const io = captureIo(root);

    const code = await main(["fix", "--force", "--quiet", "--json", "src"], { io, createEngine });

    expect(code).toBe(0);
    const summary = JSON.parse(io.out()) as { skipped: Array<{ file: string; reason: string }>; changed: string[] };
    expect(summary.changed).toEqual(["src/own.ts"]);
    expect(summary.skipped).toEqual([{ file: "src/shared.ts", reason: `symlink to ${path.join(outside, "shared.ts")}, outside the given paths` }]);
    expect(fs.readFileSync(path.join(outside, "shared.ts"), "utf8")).toBe(NEEDS_FIX);
  });

  it("does not fail a file over its eslint-disable comments or /* eslint-env */", async () => {
    const root = makeTempDir();
    const source = `/* eslint-env node */\n// eslint-disable-next-line no-console\nconsole.log(1);\n${NEEDS_FIX}`;
    writeFiles(root, { "a.ts": source });
    const io = captureIo(root);
    expect(await main(["fix", "--dry-run", "--quiet", "--json", "."], { io, createEngine })).toBe(0);
    expect((JSON.parse(io.out()) as { changed: string[] }).changed).toEqual(["a.ts"]);
  });
});
