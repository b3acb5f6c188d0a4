// `npm run demo`: what the plugin finds in the example apps, what `traced-exit fix` changes, and what that
// changes for the traces, measured. Every number printed is checked; the demo exits 1 when a claim does not
// hold (a lost span after the fix, a missing ERROR, a changed exit code …) and says which.
//
//   npm run demo                          every scenario of both apps
//   DEMO_FAIL=credentials npm run demo    only that scenario (and the happy path)
//
// The parts are in examples/demo/pipeline.ts, shared with tests/e2e/runtime-fix.test.ts.
import path from "node:path";
import { ESLint } from "eslint";
import {
  EXAMPLES,
  copyExamples,
  inBatches,
  lintFiles,
  lostSpans,
  measureExample,
  problemsWith,
  recordedErrors,
  REPO_ROOT,
  runCli,
  scenarioLabel,
  splitDryRun,
  type Measurement,
  type Scenario,
} from "./demo/pipeline";

const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\u001B[${code}m${text}\u001B[0m` : text);
const bold = paint(1);
const dim = paint(2);
const red = paint(31);
const green = paint(32);
const cyan = paint(36);

const out = (text = "") => process.stdout.write(`${text}\n`);
const indent = (text: string, by = "  ") =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => by + line)
    .join("\n");

interface Row {
  app: string;
  sdk: string;
  scenario: Scenario;
  before: Measurement;
  after: Measurement;
  problems: string[];
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  const failures: string[] = [];
  const only = process.env.DEMO_FAIL;

  out(bold("traced-exit demo: lint, fix and run two traced apps against a local OTLP receiver"));
  out(dim(`eslint-plugin-traced-exit, ESLint ${ESLint.version}, Node ${process.version}`));

  // 1. Lint findings on the originals.
  out();
  out(bold("1. Lint findings") + dim("  (configs.recommended + @typescript-eslint/parser, ESLint API)"));
  const files = EXAMPLES.map((app) => app.file);
  const findings = await lintFiles(REPO_ROOT, files);
  for (const finding of findings) {
    out(`  ${cyan(`${finding.file}:${finding.line}:${finding.column}`)}  ${finding.ruleId}`);
    out(`      ${finding.message}`);
    for (const suggestion of finding.suggestions) out(dim(`      suggestion: ${suggestion}`));
  }
  const rules = [...new Set(findings.map((finding) => finding.ruleId))];
  out(`  ${findings.length} findings in ${new Set(findings.map((finding) => finding.file)).size} files (${rules.join(", ") || "no rule"})`);
  if (findings.length === 0) failures.push("lint: no findings on the example apps");

  const copy = await copyExamples();
  try {
    // 2. The codemod, by the real CLI, on a copy.
    out();
    out(bold("2. The fix") + dim(`  (traced-exit fix on a copy of the apps: ${copy.dir})`));
    out(dim("  $ traced-exit fix --dry-run examples"));
    const dryRun = await runCli(["fix", "--dry-run", "--quiet", "examples"], copy.dir);
    const { diff, summary } = splitDryRun(dryRun.stdout);
    out(indent(colorDiff(diff)));
    out(indent(summary));
    if (dryRun.exitCode !== 0) failures.push(`fix --dry-run exited ${dryRun.exitCode}: ${dryRun.stderr.trim()}`);
    if (diff.trim() === "") failures.push("fix --dry-run: no diff");

    out(dim("  $ traced-exit fix --force examples"));
    const fix = await runCli(["fix", "--force", "--quiet", "examples"], copy.dir);
    out(indent(fix.stdout));
    if (fix.exitCode !== 0) failures.push(`fix exited ${fix.exitCode}: ${fix.stderr.trim()}`);

    const left = await lintFiles(copy.dir, files);
    out(`  Lint after the fix: ${left.length === 0 ? green("no findings") : `${left.length} left`}`);
    for (const finding of left) out(`    ${finding.file}:${finding.line}:${finding.column}  ${finding.ruleId}  ${dim(finding.message)}`);

    // 3. Spans before and after, same scenario.
    out();
    out(bold("3. Spans the OTLP receiver got") + dim("  (127.0.0.1, OTLP/HTTP protobuf; original app, then the CLI-fixed copy)"));
    const jobs = EXAMPLES.flatMap((app) =>
      app.scenarios
        .filter((scenario) => only === undefined || scenario.fail === undefined || scenario.fail === only)
        .map((scenario) => async (): Promise<Row> => {
          const before = await measureExample(path.join(REPO_ROOT, app.file), scenario);
          const after = await measureExample(copy.file(app.file), scenario);
          return { app: app.name, sdk: app.sdk, scenario, before, after, problems: problemsWith(scenario, before, after) };
        }),
    );
    if (jobs.length === 0) failures.push(`DEMO_FAIL=${only}: no such scenario`);
    const rows = await inBatches(2, jobs);
    let app = "";
    for (const row of rows) {
      if (row.app !== app) {
        app = row.app;
        out(`  ${bold(row.app)} ${dim(`(${row.sdk})`)}`);
      }
      out(`    ${cyan(scenarioLabel(row.scenario))}`);
      out(`      ${dim(row.scenario.what)}`);
      out(`      before: ${describeBefore(row.before)}`);
      out(`      after:  ${describeAfter(row.before, row.after)}  ${row.problems.length === 0 ? green("✓") : red("✗")}`);
      for (const problem of row.problems) {
        out(red(`        ✗ ${problem}`));
        failures.push(`${row.app} ${scenarioLabel(row.scenario)}: ${problem}`);
      }
    }

    const incident = rows.find((row) => row.app === "traceloop-app" && row.scenario.fail === "credentials" && !row.scenario.env);
    out();
    if (incident) {
      out(bold("The incident") + dim(" (traceloop-app, DEMO_FAIL=credentials):"));
      out(`  before: ${exportedOf(incident.before)} spans exported; after: ${exportedOf(incident.after)}, ${
        recordedErrors(incident.after).length
      } with ERROR status and exception events, exit code ${incident.after.exitCode} ${
        incident.after.exitCode === incident.before.exitCode ? "kept" : `(was ${incident.before.exitCode})`
      }`);
    }
  } finally {
    await copy.dispose();
  }

  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  if (failures.length === 0) {
    out(green(`All claims above hold. (${seconds} s)`));
    return 0;
  }
  out(red(bold(`${failures.length} claim(s) do not hold:`)));
  for (const failure of failures) out(red(`  - ${failure}`));
  out(dim(`(${seconds} s)`));
  return 1;
}

function exportedOf(run: Measurement): string {
  return `${run.started.length - lostSpans(run).length} of ${run.started.length}`;
}

function exitOf(run: Measurement): string {
  return run.signal ? `killed by ${run.signal}` : `exit ${run.exitCode}`;
}

function describeBefore(run: Measurement): string {
  const orphans = run.summary.orphans > 0 ? `, ${run.summary.orphans} orphaned (parent never exported)` : "";
  return `${exportedOf(run)} spans exported${orphans}, ${exitOf(run)}`;
}

function describeAfter(before: Measurement, after: Measurement): string {
  const errors = recordedErrors(after);
  const parts = [`${exportedOf(after)} exported`, after.summary.orphans > 0 ? `${after.summary.orphans} orphaned` : "no orphans"];
  if (after.summary.errors > 0) {
    parts.push(`${errors.length} with ERROR status and exception events (${errors.join(", ")})`);
  }
  parts.push(after.exitCode === before.exitCode ? `exit code ${after.exitCode} kept` : `${exitOf(after)} (was ${before.exitCode})`);
  return parts.join(", ");
}

function colorDiff(diff: string): string {
  if (!color) return diff;
  return diff
    .split("\n")
    .map((line) => {
      if (line.startsWith("+++") || line.startsWith("---")) return bold(line);
      if (line.startsWith("+")) return green(line);
      if (line.startsWith("-")) return red(line);
      if (line.startsWith("@@")) return cyan(line);
      return line;
    })
    .join("\n");
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
