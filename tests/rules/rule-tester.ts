import * as vitest from "vitest";
import { RuleTester } from "@typescript-eslint/rule-tester";
import globals from "globals";

RuleTester.afterAll = vitest.afterAll;
RuleTester.it = vitest.it;
RuleTester.itOnly = vitest.it.only;
RuleTester.describe = vitest.describe;

/** A RuleTester for TypeScript sources with Node's globals declared, as `configs.recommended` does. */
export function createRuleTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { ecmaFeatures: { jsx: false } },
    },
  });
}
