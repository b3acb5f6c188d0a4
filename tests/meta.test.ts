/**
 * Drift checks: every rule has its three files and an index entry, configs are
 * derived from rule meta, docs headers and the README table are what
 * eslint-doc-generator produces, and the package loads from ESM and CommonJS
 * under ESLint 9 and 10.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Linter } from "eslint";
import { describe, expect, it, vi } from "vitest";
import plugin from "../src/index";
import { rules } from "../src/rules";

const root = path.resolve(__dirname, "..");
const ruleFiles = readdirSync(path.join(root, "src/rules"))
  .filter((file) => file.endsWith(".ts") && file !== "index.ts")
  .map((file) => file.slice(0, -3));
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string };

describe("rules and their files", () => {
  it("registers exactly the rule files of src/rules", () => {
    expect(Object.keys(plugin.rules).sort()).toEqual([...ruleFiles].sort());
  });

  it.each(ruleFiles)("%s has a test and a doc", (id) => {
    expect(existsSync(path.join(root, `tests/rules/${id}.test.ts`))).toBe(true);
    expect(existsSync(path.join(root, `docs/rules/${id}.md`))).toBe(true);
  });

  it.each(ruleFiles)("%s links its doc", (id) => {
    const rule = rules[id as keyof typeof rules];
    // The docs of the release the user runs, not of whatever main says today.
    expect(rule.meta.docs?.url).toBe(`https://github.com/traced-exit/eslint-plugin-traced-exit/blob/v${pkg.version}/docs/rules/${id}.md`);
  });
});

describe("shipped docs", () => {
  // README.md and docs/ are in the npm package; examples/, src/ and tests/ are not, so a relative
  // link to them is dead for every user reading the installed package or its npm page.
  it("link only to files the package ships, or to absolute URLs", () => {
    const shipped = ["README.md", ...readdirSync(path.join(root, "docs"), { recursive: true }).map((file) => path.join("docs", String(file)))];
    const dead: string[] = [];
    for (const file of shipped.filter((name) => name.endsWith(".md"))) {
      const text = readFileSync(path.join(root, file), "utf8");
      for (const match of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/gu)) {
        const target = match[1] as string;
        if (/^[a-z]+:/u.test(target)) continue;
        const resolved = path.relative(root, path.resolve(root, path.dirname(file), target));
        if (!(resolved === "README.md" || resolved === "LICENSE" || resolved.startsWith(`docs${path.sep}`) || resolved === "docs") || !existsSync(path.join(root, resolved))) {
          dead.push(`${file}: ${target}`);
        }
      }
    }
    expect(dead).toEqual([]);
  });
});

describe("config snippets", () => {
  // tests/consumer runs the README's blocks; a doc that shows a config must show one of those.
  it("in docs/ are the README's, which the consumer tests run", () => {
    const blocks = (text: string) => [...text.matchAll(/```js\n(\/\/ eslint\.config\.[^\n]*\n[\s\S]*?)```/gu)].map((match) => match[1] as string);
    const readme = blocks(readFileSync(path.join(root, "README.md"), "utf8"));
    const typeChecked = blocks(readFileSync(path.join(root, "docs/rules/no-floating-promises.md"), "utf8"));
    expect(typeChecked).toHaveLength(1);
    expect(readme).toContain(typeChecked[0]);
  });
});

describe("rule set-up per file", () => {
  it("costs no structuredClone: rules without options skip typescript-eslint's per-file merge of default options", () => {
    const linter = new Linter({ configType: "flat" });
    const code = 'import * as traceloop from "@traceloop/node-server-sdk";\ntraceloop.withTask({ name: "t" }, () => process.exit(1));\n';
    const clones = (rules: Linter.RulesRecord) => {
      const spy = vi.spyOn(globalThis, "structuredClone");
      try {
        linter.verify(code, [{ files: ["**/*.js"], plugins: { "traced-exit": plugin as never }, rules }], "a.js");
        return spy.mock.calls.length;
      } finally {
        spy.mockRestore();
      }
    };
    for (const id of Object.keys(plugin.rules)) expect(rules[id as keyof typeof rules].meta.schema, id).toEqual([]);
    // ESLint clones each configured rule's options while normalising the config; "off" pays that, not create().
    const all = (severity: "error" | "off") => Object.fromEntries(Object.keys(plugin.rules).map((id) => [`traced-exit/${id}`, severity]));
    expect(clones(all("error"))).toBe(clones(all("off")));
  });
});

describe("plugin object", () => {
  it("carries name and version from package.json", () => {
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version });
  });

  it("recommended turns on exactly the rules marked recommended, and declares no globals", () => {
    const marked = Object.entries(plugin.rules)
      .filter(([, rule]) => (rule.meta?.docs as { recommended?: boolean }).recommended === true)
      .map(([id]) => `traced-exit/${id}`);
    expect(Object.keys(plugin.configs.recommended.rules ?? {}).sort()).toEqual(marked.sort());
    // The rules find Node's `process` without it (tests/rules/rule-tester.ts runs every case both ways).
    expect(plugin.configs.recommended).not.toHaveProperty("languageOptions");
    expect(plugin.configs["recommended-type-checked"]).not.toHaveProperty("languageOptions");
    expect(plugin.configs.recommended.plugins?.["traced-exit"]).toBe(plugin);
  });

  it("recommended-type-checked is a superset of recommended", () => {
    const typeChecked = Object.keys(plugin.configs["recommended-type-checked"].rules ?? {});
    for (const id of Object.keys(plugin.configs.recommended.rules ?? {})) expect(typeChecked).toContain(id);
  });
});

describe("built package", () => {
  const exitInTask = 'import * as traceloop from "@traceloop/node-server-sdk"; traceloop.withTask({ name: "t" }, () => { process.exit(1); });';

  it("loads with require() and reports through ESLint 10 and ESLint 9", () => {
    const script = `
      const plugin = require("eslint-plugin-traced-exit");
      const results = {};
      for (const mod of ["eslint", "eslint-v9"]) {
        const { Linter } = require(mod);
        const linter = new Linter({ configType: "flat" });
        const messages = linter.verify(${JSON.stringify(exitInTask)}, [plugin.configs.recommended], "x.js");
        results[mod] = messages.map((m) => m.ruleId);
      }
      console.log(JSON.stringify(results));`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
    const expected = ["traced-exit/require-span-error-recording", "traced-exit/no-process-exit"];
    expect(JSON.parse(out)).toEqual({ eslint: expected, "eslint-v9": expected });
  });

  it("loads with import as the default export and as named exports, both the one CommonJS plugin object", () => {
    const script = `
      import tracedExit, { configs, rules, meta } from "eslint-plugin-traced-exit";
      import { createRequire } from "node:module";
      const required = createRequire(import.meta.url)("eslint-plugin-traced-exit");
      console.log(JSON.stringify({
        configs: Object.keys(tracedExit.configs),
        same: configs === tracedExit.configs && rules === tracedExit.rules && meta === tracedExit.meta && required === tracedExit,
      }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({ configs: ["recommended", "recommended-type-checked"], same: true });
  });

  it("has rule doc headers and a README rules table that eslint-doc-generator agrees with", () => {
    // Throws (non-zero exit) with the diff when a header or the table is stale.
    execFileSync(path.join(root, "node_modules/.bin/eslint-doc-generator"), ["--check"], { cwd: root, encoding: "utf8", stdio: "pipe" });
  });
});
