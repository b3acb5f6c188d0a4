/**
 * The plugin's published type, loose on purpose (as typescript-eslint's own `CompatibleConfig` and
 * `CompatiblePlugin` are): ESLint 9's and 10's config types and typescript-eslint's differ in
 * details no user cares about, so the exported objects are typed by what users touch, in shapes
 * that every one of them accepts. `defineConfig(tseslint.configs.recommended,
 * tracedExit.configs.recommended)` from `eslint/config`, a plain array config, and
 * `plugins: { "traced-exit": tracedExit }` type-check with `skipLibCheck: false`
 * (tests/consumer checks them on ESLint 9 and 10).
 */

export type RuleId = "no-floating-promises" | "no-process-exit" | "require-flush-before-exit" | "require-span-error-recording";

/** A rule as ESLint sees it; the same looseness as typescript-eslint's `LooseRuleDefinition`. */
export interface TracedExitRule {
  meta?: {
    type?: "problem" | "suggestion" | "layout";
    docs?: { description?: string; url?: string; recommended?: boolean; requiresTypeChecking?: boolean };
    hasSuggestions?: boolean;
    messages?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ESLint 9's, 10's and typescript-eslint's contexts and visitors differ; these accept all
  create(context: any): Record<string, ((...args: any[]) => void) | undefined>;
}

/**
 * The plugin as a config names it. Only `meta` is spelled out: a config inside the plugin's own
 * `configs` that named the full plugin type again is a recursive type that ESLint's `Plugin` type
 * rejects (typescript-eslint's `CompatiblePlugin` is the same).
 */
export interface ConfigPlugin {
  meta: { name: string; version: string };
}

/** One of the plugin's flat configs. */
export interface TracedExitConfig {
  name: string;
  plugins: { "traced-exit": ConfigPlugin };
  rules: Partial<Record<`traced-exit/${RuleId}`, "error">>;
}

export interface TracedExitPlugin {
  meta: { name: string; version: string };
  rules: Record<RuleId, TracedExitRule>;
  configs: {
    recommended: TracedExitConfig;
    "recommended-type-checked": TracedExitConfig;
  };
}
