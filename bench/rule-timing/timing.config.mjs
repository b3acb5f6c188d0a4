// Flat config for the rule-timing benchmark: traced-exit/no-process-exit beside
// unicorn/no-process-exit, on TypeScript parsed without type information (as
// configs.recommended does), with Node's globals so `process` resolves.
//
// The rule is loaded from src/ (run under `node --import tsx`), so the numbers
// do not depend on a fresh `npm run build`; pass TRACED_EXIT_FROM=dist to time
// the built plugin instead.
import tsParser from "@typescript-eslint/parser";
import unicorn from "eslint-plugin-unicorn";
import globals from "globals";

const fromDist = process.env.TRACED_EXIT_FROM === "dist";
const noProcessExit = fromDist
  ? (await import("../../dist/rules/no-process-exit.js")).default
  : (await import("../../src/rules/no-process-exit.ts")).default;

export const RULES = ["traced-exit/no-process-exit", "unicorn/no-process-exit"];

export default [
  {
    files: ["**/*.ts", "**/*.mts", "**/*.cts", "**/*.tsx"],
    languageOptions: {
      parser: tsParser,
      sourceType: "module",
      globals: { ...globals.node },
    },
    // The corpus's own eslint-disable comments name rules that are not loaded here.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
    plugins: {
      "traced-exit": { rules: { "no-process-exit": noProcessExit.default ?? noProcessExit } },
      unicorn,
    },
    rules: Object.fromEntries(RULES.map((id) => [id, "error"])),
  },
];
