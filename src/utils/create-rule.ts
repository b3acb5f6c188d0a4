import { ESLintUtils } from "@typescript-eslint/utils";
import { ruleDocsUrl } from "../meta";

export interface TracedExitDocs {
  /** In `configs.recommended` (and so in `recommended-type-checked`). */
  recommended?: boolean;
  /** Only in `configs["recommended-type-checked"]`: needs type information to be useful. */
  recommendedTypeChecked?: boolean;
  requiresTypeChecking?: boolean;
}

/** The one rule factory: every rule gets its docs URL from here. */
export const createRule = ESLintUtils.RuleCreator<TracedExitDocs>((name) => ruleDocsUrl(name));
