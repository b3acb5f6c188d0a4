// The two passes of `npm run accuracy`: syntax-only (configs.recommended, file by file) and type-aware
// (configs["recommended-type-checked"] with a TypeScript program generated for the corpus). The run itself
// needs the corpora and minutes; these check the parts that decide what each pass sees and when it fails.
import * as fs from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { describe, expect, it } from "vitest";
import plugin from "../../src/index";
// @ts-expect-error -- a plain .mjs script of bench/, without type declarations
import { MANIFEST, PASSES, belowFloors, lintConfig, pinnedDependencies, programConfig, sourcesOnly } from "../../bench/accuracy/run.mjs";
import { makeTempDir, writeFiles } from "../cli/helpers";

type Counts = { tp: number; fp: number; fn: number; unlabelled: number };

// A compiled CommonJS package: the span is opened in one file, the exit is in another, and tsc emitted a
// declaration next to the exiting file (as the corpora ship them).
const PACKAGE = {
  "package.json": JSON.stringify({ name: "app", version: "1.0.0" }),
  "dist/run.js": `"use strict";
const api_1 = require("@opentelemetry/api");
const fail_1 = require("./fail");
api_1.trace.getTracer("app").startActiveSpan("run", (span) => {
    (0, fail_1.fail)("no config");
    span.end();
});
`,
  "dist/fail.js": `"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.fail = void 0;
function fail(message) {
    console.error(message);
    process.exit(1);
}
exports.fail = fail;
`,
  "dist/fail.d.ts": "export declare function fail(message: string): never;\n",
};

async function lintPackage(dir: string, typed: boolean): Promise<string[]> {
  const files = ["dist/run.js", "dist/fail.js"].map((file) => path.join(dir, file));
  const project = typed ? path.join(makeTempDir("traced-exit-accuracy-test-"), "tsconfig.json") : undefined;
  if (project) fs.writeFileSync(project, JSON.stringify(programConfig(files)));
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: lintConfig(plugin, tsParser, true, project), ignore: false });
  const results = await eslint.lintFiles(files);
  // no-process-exit only: the callback may also throw before `span.end()`, which require-span-error-recording reports in both passes.
  return results.flatMap((result) => result.messages.filter((m) => m.ruleId === "traced-exit/no-process-exit").map((m) => `${path.relative(dir, result.filePath)}:${m.line} ${m.ruleId}`));
}

describe("accuracy passes", () => {
  it("names its two passes by the config each lints with", () => {
    expect(PASSES).toEqual({ "syntax-only": { config: "recommended", typed: false }, "type-aware": { config: "recommended-type-checked", typed: true } });
  });

  it("has floors for every rule in each pass in the manifest", () => {
    const goals = JSON.parse(fs.readFileSync(MANIFEST, "utf8")).goals;
    for (const pass of Object.keys(PASSES)) {
      for (const measure of ["precision", "recall"]) expect(Object.keys(goals[pass][measure]).sort()).toEqual(Object.keys(plugin.rules).sort());
    }
  });

  it(
    "type-aware: follows a call into the package's own JavaScript, past the declaration tsc emitted beside it",
    async () => {
      const pkg = path.join(makeTempDir("traced-exit-accuracy-pkg-"), "package");
      writeFiles(pkg, PACKAGE);
      const sources = sourcesOnly(pkg);
      try {
        expect(fs.existsSync(path.join(sources, "dist/fail.js"))).toBe(true);
        expect(fs.existsSync(path.join(sources, "dist/fail.d.ts"))).toBe(false);
        // The call in the span, and the exit it reaches, at its own line (src/scopes/reached-from-importers.ts).
        expect(await lintPackage(sources, true)).toEqual(["dist/run.js:5 traced-exit/no-process-exit", "dist/fail.js:6 traced-exit/no-process-exit"]);
        // With the declaration beside it, TypeScript resolves `./fail` to the body-less declaration: nothing is followed.
        expect(await lintPackage(pkg, true)).toEqual([]);
        // Syntax-only, one file at a time, sees no exit in run.js.
        expect(await lintPackage(sources, false)).toEqual([]);
      } finally {
        fs.rmSync(sources, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it("fails a pass below its own floors, and passes a rule with nothing to measure", () => {
    const groups = new Map<string, Counts>([
      ["rule\u0000no-process-exit\u0000production", { tp: 9, fp: 1, fn: 10, unlabelled: 0 }],
      ["rule\u0000require-flush-before-exit\u0000production", { tp: 0, fp: 0, fn: 0, unlabelled: 0 }],
    ]);
    const rules = ["no-process-exit", "require-flush-before-exit"];
    expect(belowFloors(groups, rules, { precision: { "no-process-exit": 0.95 }, recall: { "no-process-exit": 0.4 } })).toEqual([
      "no-process-exit: precision on production code 90.0% is below its floor 95.0%",
    ]);
    expect(belowFloors(groups, rules, { precision: { "no-process-exit": 0.9 }, recall: { "no-process-exit": 0.5 } })).toEqual(["no-process-exit: recall on production code 47.4% is below its floor 50.0%"]);
    expect(belowFloors(groups, rules, { precision: { "require-flush-before-exit": 0.95 }, recall: { "require-flush-before-exit": 0.5 } })).toEqual([]);
  });
});

// A corpus's `dependencies` are installed as its users have them: the release its package.json pins, no other.
describe("corpus dependencies", () => {
  const corpus = { package: "@inkeep/agents-run-api", version: "0.37.2", dependencies: [{ name: "@inkeep/agents-core", version: "0.37.2" }] };

  it("takes the version a caret, tilde or exact pin names", () => {
    for (const pin of ["^0.37.2", "~0.37.2", "0.37.2"]) {
      expect(pinnedDependencies(corpus, { dependencies: { "@inkeep/agents-core": pin } })).toEqual([{ name: "@inkeep/agents-core", version: "0.37.2" }]);
    }
  });

  it("refuses another version, or a package the corpus does not depend on", () => {
    expect(() => pinnedDependencies(corpus, { dependencies: { "@inkeep/agents-core": "^0.38.0" } })).toThrow(/is not the version its package.json pins \(\^0\.38\.0\)/u);
    expect(() => pinnedDependencies(corpus, { dependencies: {} })).toThrow(/pins \(none\)/u);
  });
});
