/**
 * The codemod engine: rewrites exactly what the rules report.
 *
 * It runs the plugin's own rules through ESLint's `Linter` and applies, for each
 * finding, the rule's first suggestion; then lints again, until nothing fixable
 * is left. One source of truth: the rules decide what is wrong and how to fix it,
 * and the codemod's output is, by construction, a file the rules accept (the
 * parity test checks it). Findings without a safe rewrite are returned for
 * manual review. See docs/architecture.md for why this design.
 *
 * This module is light on purpose: the text prefilter (`mightChange`) needs only the
 * catalogue, so a run over files that name no tracing API never loads ESLint, the
 * plugin or TypeScript. `./lint-engine` (which does) is loaded by the first
 * `transform()`.
 */
import * as path from "node:path";
import type { Engine, EngineOptions, EngineResult } from "../cli/engine";
import { catalogueFor } from "../scopes/settings";
import { mightNeedChange } from "../scopes/prefilter";
import type { LintEngine } from "./lint-engine";

/** Codemod id → the rule whose first suggestion it applies. */
export const CODEMODS = {
  "exit-to-throw": "no-process-exit",
  "flush-before-exit": "require-flush-before-exit",
  "await-floating-promises": "no-floating-promises",
  "record-span-errors": "require-span-error-recording",
} as const;
export type CodemodId = keyof typeof CODEMODS;

export type CodemodOptions = EngineOptions;

export function createEngine(options: CodemodOptions = {}): Engine {
  const selected = (options.transforms ?? Object.keys(CODEMODS)) as CodemodId[];
  for (const id of selected) {
    if (!(id in CODEMODS)) throw new Error(`Unknown codemod "${id}". Known: ${Object.keys(CODEMODS).join(", ")}`);
  }
  const ruleIds = selected.map((id) => CODEMODS[id]);
  const settings = options.settings ? { "traced-exit": options.settings } : {};
  // Validates the settings now (a SettingsError before any file is read); files that cannot match are never parsed: see src/scopes/prefilter.ts.
  const catalogue = catalogueFor(settings);
  let lintEngine: LintEngine | undefined;
  return {
    mightChange: (source, filePath) => mightNeedChange(source, catalogue, filePath === undefined ? undefined : path.resolve(filePath)),
    transform(source: string, filePath: string): EngineResult {
      if (!lintEngine) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: ESLint, the plugin and TypeScript load only when a file passes the prefilter
        const { createLintEngine } = require("./lint-engine") as typeof import("./lint-engine");
        lintEngine = createLintEngine(ruleIds, settings);
      }
      return lintEngine.transform(source, filePath);
    },
  };
}
