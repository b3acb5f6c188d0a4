// One measurement, in a process of its own: lint one corpus variant with type information
// and one rule, and print ESLint's per-rule stats summed over the files as JSON.
//
//   node --import tsx bench/type-aware/lint-once.mjs <variant dir> <rule id>
//
// A fresh process per measurement matters in type-aware mode: the project service and the
// checker's caches live for the process, so a rule measured second would find the types the
// first one computed. ESLint attributes the checker's lazy work to the rule that asks, and
// building the program to parsing, so each rule pays for exactly the types it needs.
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { ESLint } from "eslint";
import tsParser from "@typescript-eslint/parser";
import tseslintPlugin from "@typescript-eslint/eslint-plugin";
import globals from "globals";

const [dir, ruleId] = process.argv.slice(2);
if (!dir || !ruleId) throw new Error("usage: lint-once.mjs <variant dir> <rule id>");

const fromDist = process.env.TRACED_EXIT_FROM === "dist";
const load = async (name) => (fromDist ? await import(`../../dist/rules/${name}.js`) : await import(`../../src/rules/${name}.ts`)).default;
const ours = await load("no-floating-promises");
// no-process-exit follows calls into other files through the checker (src/scopes/cross-file.ts).
const noProcessExit = await load("no-process-exit");

/**
 * The rule with its create() and listeners timed in CPU time as well: on a shared machine
 * the wall-clock times of --stats move with the load, CPU time much less.
 */
let ruleCpuMicros = 0;
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
function cpuTimed(rule) {
  return {
    ...rule,
    create(context) {
      const start = cpuNow();
      const listeners = rule.create(context);
      ruleCpuMicros += cpuNow() - start;
      return Object.fromEntries(
        Object.entries(listeners).map(([selector, listener]) => [
          selector,
          function timed(...args) {
            const begin = cpuNow();
            try {
              return listener.apply(this, args);
            } finally {
              ruleCpuMicros += cpuNow() - begin;
            }
          },
        ]),
      );
    },
  };
}
const tseslintRules = (tseslintPlugin.default ?? tseslintPlugin).rules;

const eslint = new ESLint({
  cwd: path.resolve(dir),
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ["**/*.ts"],
      languageOptions: {
        parser: tsParser,
        parserOptions: { projectService: true, tsconfigRootDir: path.resolve(dir) },
        globals: { ...globals.node },
      },
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
      plugins: {
        "traced-exit": {
          rules: { "no-floating-promises": cpuTimed(ours.default ?? ours), "no-process-exit": cpuTimed(noProcessExit.default ?? noProcessExit) },
        },
        "@typescript-eslint": { rules: { "no-floating-promises": cpuTimed(tseslintRules["no-floating-promises"]) } },
      },
      rules: { [ruleId]: "error" },
    },
  ],
  stats: true,
  cache: false,
});

const started = performance.now();
const results = await eslint.lintFiles(["src"]);
const wallMs = performance.now() - started;

let ruleMs = 0;
let parseMs = 0;
let reports = 0;
let fatal = 0;
for (const result of results) {
  if (result.messages.some((message) => message.fatal)) fatal++;
  reports += result.messages.filter((message) => message.ruleId === ruleId).length;
  for (const pass of result.stats?.times.passes ?? []) {
    parseMs += pass.parse?.total ?? 0;
    ruleMs += pass.rules?.[ruleId]?.total ?? 0;
  }
}
console.log(JSON.stringify({ ruleId, files: results.length, fatal, reports, ruleMs, ruleCpuMs: ruleCpuMicros / 1000, parseMs, wallMs }));
