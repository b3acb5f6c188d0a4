import type { FixSummary } from "./fix";
import { oneLine } from "./reparse";

/**
 * The end-of-run report. Counts first, then the lines a person must act on,
 * each starting with a clickable location:
 *
 *   traced-exit fix: scanned 12 files
 *     changed              3
 *     unchanged            8
 *     needs manual review  1
 *       src/jobs.ts:14:7  process.exit() is reached through a dynamic call
 *     failed               1
 *       src/broken.ts  3:9 ';' expected.
 */
export function formatSummary(summary: FixSummary, { gitCanUndo = true }: { gitCanUndo?: boolean } = {}): string {
  const lines: string[] = [`traced-exit fix: scanned ${summary.scanned} ${plural(summary.scanned, "file")}`];
  const count = (label: string, n: number) => lines.push(`  ${label.padEnd(21)}${n}`);
  count("changed", summary.changed.length);
  count("unchanged", summary.unchanged);
  count("needs manual review", summary.manualReview.length);
  for (const item of summary.manualReview) {
    lines.push(`    ${item.file}:${item.line}:${item.column}  ${oneLine(item.reason)}`);
  }
  count("failed", summary.failed.length);
  for (const item of summary.failed) lines.push(`    ${item.file}  ${oneLine(item.reason)}`);
  if (summary.skipped.length > 0) {
    count("skipped", summary.skipped.length);
    for (const item of summary.skipped) lines.push(`    ${item.file}  ${item.reason}`);
  }
  if (summary.declared.length > 0) {
    lines.push(summary.dryRun ? "  would add to dependencies (installed, but not declared; the rewrites import them)" : "  added to dependencies (installed, but not declared; the rewrites import them)");
    for (const item of summary.declared) lines.push(`    ${item.packageJson}  ${item.name} ${item.range}`);
  }
  if (summary.dryRun) {
    lines.push("Dry run: nothing was written; the counts say what a real run would do.");
  } else if (summary.changed.length > 0) {
    // Written with --force outside git, or to files git ignores: `git diff` would show nothing.
    lines.push(gitCanUndo ? "Review the changes with `git diff`." : "Written with --force where git cannot show or undo the changes.");
  }
  return `${lines.join("\n")}\n`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
