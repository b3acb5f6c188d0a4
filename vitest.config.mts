import { defineConfig } from "vitest/config";
import { ciReporters } from "./.ci/reporters.mjs";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/__fixtures__/**", "tests/consumer/**"],
    setupFiles: ["tests/setup/require-ts.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    ...ciReporters("unit"),
  },
});
