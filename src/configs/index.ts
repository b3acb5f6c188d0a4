import type { TracedExitDocs } from "../utils/create-rule";
import type { TracedExitConfig, TracedExitPlugin } from "../plugin-type";

type Rules = Record<string, { meta?: { docs?: TracedExitDocs } }>;

/** The flat configs, derived from each rule's `meta.docs` so the two can never disagree. */
export function buildConfigs(plugin: TracedExitPlugin, rules: Rules): TracedExitPlugin["configs"] {
  const pick = (predicate: (docs: TracedExitDocs) => boolean): TracedExitConfig["rules"] =>
    Object.fromEntries(
      Object.entries(rules)
        .filter(([, rule]) => predicate(rule.meta?.docs ?? {}))
        .map(([id]) => [`traced-exit/${id}`, "error" as const]),
    );
  // No `languageOptions`: the rules find Node's `process` whether or not the config declares it
  // (src/scopes/globals.ts), and declaring Node's globals in every file the user lints would hide
  // `no-undef` findings in browser code. unicorn and typescript-eslint do not do it either.
  return {
    recommended: {
      name: "traced-exit/recommended",
      plugins: { "traced-exit": plugin },
      rules: pick((docs) => docs.recommended === true),
    },
    "recommended-type-checked": {
      name: "traced-exit/recommended-type-checked",
      plugins: { "traced-exit": plugin },
      rules: pick((docs) => docs.recommended === true || docs.recommendedTypeChecked === true),
    },
  };
}
