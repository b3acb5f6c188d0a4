// Lints the plugin itself: eslint-plugin-eslint-plugin for rule hygiene, typescript-eslint,
// and our own recommended config (the plugin eats its own cooking).
import eslintPlugin from "eslint-plugin-eslint-plugin";
import tseslint from "typescript-eslint";
import tracedExit from "./dist/index.js";

export default tseslint.config(
  {
    ignores: ["dist/**", "node_modules/**", ".bench-tmp/**", ".scratch*/**", "coverage/**", "tests/**/__fixtures__/**", "tests/**/__runnable__/**", "bench/.corpus/**", "bench/.accuracy-corpus/**", "bench/.accuracy-sources/**", "**/*.d.ts", "tests/rules/fixtures/**", "examples/**/index.ts", "tests/e2e/fixtures/**"],
  },
  ...tseslint.configs.recommended,
  {
    files: ["src/rules/**/*.ts"],
    ...eslintPlugin.configs.recommended,
  },
  {
    files: ["src/rules/**/*.ts"],
    rules: {
      "eslint-plugin/require-meta-docs-description": ["error", { pattern: "^(Enforce|Require|Disallow)" }],
      "eslint-plugin/prefer-message-ids": "error",
      "eslint-plugin/require-meta-has-suggestions": "error",
      "eslint-plugin/no-property-in-node": "off",
    },
  },
  {
    files: ["tests/rules/**/*.test.ts"],
    ...eslintPlugin.configs.recommended,
    rules: {
      ...eslintPlugin.configs.recommended.rules,
      "eslint-plugin/consistent-output": "error",
    },
  },
  tracedExit.configs.recommended,
  {
    files: ["bin/**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
