// Rule time of traced-exit/no-floating-promises beside @typescript-eslint/no-floating-promises,
// both in type-aware mode, on the same real TypeScript program (see corpus.mjs), from ESLint's
// own per-rule stats (the numbers `eslint --stats` prints).
//
//   node bench/type-aware/run.mjs [--rounds 5] [--variant plain|traced]
//
// Each measurement lints every file of one corpus variant with one rule, in a fresh process
// (lint-once.mjs), so neither rule finds types the other already computed. The rules
// alternate within each round; the report is the median over rounds of each rule's time
// summed over all files (create() and every listener, the checker's lazy work included):
// ESLint's --stats wall-clock time, and the CPU time of the same calls, which a busy
// machine disturbs less. Parsing (building the program) is the same for both and reported apart.
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCorpus, ROOT } from "./corpus.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RULES = ["traced-exit/no-floating-promises", "@typescript-eslint/no-floating-promises"];

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const ROUNDS = Number(option("--rounds", 5));
const corpus = buildCorpus();
const variants = option("--variant", undefined) ? [option("--variant")] : Object.keys(corpus.variants);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function measure(dir, ruleId) {
  const out = execFileSync(process.execPath, ["--import", "tsx", path.join(HERE, "lint-once.mjs"), dir, ruleId], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    env: process.env,
  });
  return JSON.parse(out.trim().split("\n").at(-1));
}

console.log(`corpus: ${corpus.package} src/, ${corpus.files} files, ${corpus.lines} lines; node ${process.version}; ${ROUNDS} rounds\n`);
const summary = [];
for (const variant of variants) {
  const dir = corpus.variants[variant];
  const samples = Object.fromEntries(RULES.map((id) => [id, []]));
  const cpu = Object.fromEntries(RULES.map((id) => [id, []]));
  const parse = Object.fromEntries(RULES.map((id) => [id, []]));
  let reports = {};
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? RULES : [...RULES].reverse();
    const line = [];
    for (const ruleId of order) {
      const result = measure(dir, ruleId);
      if (result.fatal > 0) throw new Error(`${variant}: ${result.fatal} files failed to parse`);
      samples[ruleId].push(result.ruleMs);
      cpu[ruleId].push(result.ruleCpuMs);
      parse[ruleId].push(result.parseMs);
      reports[ruleId] = result.reports;
      line.push(`${ruleId} ${result.ruleMs.toFixed(0)} ms (cpu ${result.ruleCpuMs.toFixed(0)} ms)`);
    }
    console.log(`${variant} round ${round + 1}: ${line.join(", ")}`);
  }
  for (const ruleId of RULES) {
    const values = samples[ruleId];
    summary.push({
      variant,
      ruleId,
      median: median(values),
      min: Math.min(...values),
      max: Math.max(...values),
      cpu: median(cpu[ruleId]),
      parse: median(parse[ruleId]),
      reports: reports[ruleId],
    });
  }
}

console.log("\n| corpus | rule | rule time (--stats, median) | min–max | CPU time (median) | reports | parse (median) |");
console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
for (const row of summary) {
  console.log(
    `| ${row.variant} | \`${row.ruleId}\` | ${row.median.toFixed(0)} ms | ${row.min.toFixed(0)}–${row.max.toFixed(0)} ms | ${row.cpu.toFixed(0)} ms | ${row.reports} | ${(row.parse / 1000).toFixed(1)} s |`,
  );
}
for (const variant of variants) {
  const [ours, theirs] = RULES.map((id) => summary.find((row) => row.variant === variant && row.ruleId === id));
  const percent = (a, b) => `${((a / b) * 100).toFixed(1)}%`;
  console.log(`${variant}: traced-exit takes ${percent(ours.median, theirs.median)} of typescript-eslint's time (${percent(ours.cpu, theirs.cpu)} in CPU time)`);
}
