import type { TSESLint } from "@typescript-eslint/utils";
import globals from "globals";
import type { TracedExitDocs } from "../utils/create-rule";

type Rules = Record<string, { meta?: { docs?: TracedExitDocs } }>;

/** The flat configs, derived from each rule's `meta.docs` so the two can never disagree. */
export function buildConfigs(plugin: TSESLint.FlatConfig.Plugin, rules: Rules) {
  const pick = (predicate: (docs: TracedExitDocs) => boolean): TSESLint.FlatConfig.Rules =>
    Object.fromEntries(
      Object.entries(rules)
        .filter(([, rule]) => predicate(rule.meta?.docs ?? {}))
        .map(([id]) => [`traced-exit/${id}`, "error" as const]),
    );
  // `process` must resolve to the Node global for the rules to see it.
  const languageOptions: TSESLint.FlatConfig.LanguageOptions = { globals: { ...globals.node } };
  const recommended: TSESLint.FlatConfig.Config = {
    name: "traced-exit/recommended",
    plugins: { "traced-exit": plugin },
    languageOptions,
    rules: pick((docs) => docs.recommended === true),
  };
  const recommendedTypeChecked: TSESLint.FlatConfig.Config = {
    name: "traced-exit/recommended-type-checked",
    plugins: { "traced-exit": plugin },
    languageOptions,
    rules: pick((docs) => docs.recommended === true || docs.recommendedTypeChecked === true),
  };
  return { recommended, "recommended-type-checked": recommendedTypeChecked };
}
