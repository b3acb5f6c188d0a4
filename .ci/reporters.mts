// Under `.ci/run` (TRACED_EXIT_CI_RESULTS set to a folder), vitest also writes its JSON report there,
// so `.ci/summary.mjs` can print one closing "N passed, N failed" line for the whole run: CI reads
// that line, and vitest's own summary is not one it reads. Outside CI this adds nothing.
import * as path from "node:path";

export function ciReporters(name: string): { reporters?: string[]; outputFile?: Record<string, string> } {
  const dir = process.env.TRACED_EXIT_CI_RESULTS;
  if (!dir) return {};
  return {
    reporters: ["default", "json"],
    outputFile: { json: path.resolve(dir, `${name}.json`) },
  };
}
