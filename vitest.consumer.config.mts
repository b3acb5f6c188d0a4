import { defineConfig } from "vitest/config";
import { ciReporters } from "./.ci/reporters.mjs";

// The consumer tests (tests/consumer): the packed tarball installed in scratch projects. Slow and
// networked (npm registry), so not part of `npm test`; `.ci/run` runs them with `npm run test:consumer`.
export default defineConfig({
  test: {
    include: ["tests/consumer/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 900_000,
    ...ciReporters("consumer"),
  },
});
