// The cores curve: `traced-exit fix --cpus 1` beside `--cpus 2` (worker threads), same files, same
// rounds, each round's two runs back to back, so the ratio is paired.
//
//   node bench/cores.mjs [--rounds 3]
//
// Writes bench/.corpus/cores.json and the "Cores" section of docs/benchmarks.md (bench/run.mjs
// renders the same section from that file on a full run).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { benchCommands } from "./codemod.mjs";
import { CORPUS, ensureCorpus, listCorpus } from "./corpus.mjs";
import { writeSection } from "./sections.mjs";

const RESULTS = path.join(CORPUS, "cores.json");
const NAMES = ["cli-cpus-1", "cli-cpus-2"];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** `--cpus 1` and `--cpus 2` on one corpus directory, with the paired ratios (1 cpu ÷ 2 cpus). */
function benchDir(name, rounds, log) {
  const cwd = path.join(CORPUS, name);
  fs.mkdirSync(path.join(cwd, ".git"), { recursive: true });
  const result = benchCommands({ cwd, names: NAMES, rounds, log });
  const [one, two] = NAMES.map((n) => result[n]);
  if (JSON.stringify(one.summary) !== JSON.stringify(two.summary)) throw new Error(`bench: --cpus 1 and --cpus 2 disagree on ${name}`);
  const paired = (key) => median(one[key].map((value, i) => value / two[key][i]));
  return { dir: name, files: listCorpus(name).length, changed: one.summary.changed.length, one, two, wallRatio: paired("all"), cpuRatio: paired("allCpu") };
}

export function benchCores({ rounds = 3, log = () => {} } = {}) {
  ensureCorpus({ log });
  const loadBefore = os.loadavg();
  const runs = ["injected", "mixed"].map((name) => {
    log(`bench: cores on ${name}`);
    return benchDir(name, rounds, log);
  });
  return { date: new Date().toISOString().replace(/\.\d+Z$/u, "Z"), nproc: os.availableParallelism(), rounds, loadBefore, loadAfter: os.loadavg(), runs };
}

const ms = (value) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
const load = (values) => values.map((v) => v.toFixed(1)).join(" ");

/** The "Cores" section of docs/benchmarks.md, from the last `node bench/cores.mjs`; empty before the first. */
export function coresSection() {
  if (!fs.existsSync(RESULTS)) return "";
  const r = JSON.parse(fs.readFileSync(RESULTS, "utf8"));
  const rows = r.runs
    .map((run) => `| ${run.dir} (${run.files} files, ${run.changed} changed) | ${ms(run.one.ms)} / ${ms(run.one.cpuMs)} | ${ms(run.two.ms)} / ${ms(run.two.cpuMs)} | ${run.wallRatio.toFixed(2)}x | ${run.cpuRatio.toFixed(2)}x | ${(run.one.cpuMs / run.one.ms).toFixed(2)} / ${(run.two.cpuMs / run.two.ms).toFixed(2)} | ${run.one.peakRssMb.toFixed(0)} / ${run.two.peakRssMb.toFixed(0)} MB |`)
    .join("\n");
  return `## Cores

\`node bench/cores.mjs\`, last run ${r.date}: \`traced-exit fix --dry-run --quiet --json .\` with \`--cpus 1\` (one thread) and
\`--cpus 2\` (two worker threads; the main thread reads and prefilters), ${r.rounds} rounds after one warm-up of each, the two runs
of a round back to back and alternating which goes first; figures are medians, ratios the medians of each round's
ratio. ${r.nproc} CPUs, shared: load average ${load(r.loadBefore)} before, ${load(r.loadAfter)} after, so wall-clock
gains are what was left of the second core: "cores used" says how much CPU a run got per second of wall clock. Both
runs print the same JSON summary (checked every run).

| corpus | --cpus 1 wall / CPU | --cpus 2 wall / CPU | speed-up (wall, 1 ÷ 2) | CPU ratio (1 ÷ 2) | cores used (CPU ÷ wall) 1 / 2 | peak RSS 1 / 2 |
|---|---|---|---|---|---|---|
${rows}

Each worker loads ESLint, the plugin and the parsers itself, so two workers cost more CPU than one thread
(a CPU ratio below 1): the second worker's start-up, paid even when few or no files change (the mixed corpus,
where the prefilter stops almost every file on the main thread). What two workers gain in wall-clock time depends
on a free core: when "cores used" stays near the same value for both, the machine had none to give, and this run
says nothing about the speed-up on an idle machine. One thread is not one core: \`--cpus 1\` itself used
${r.runs.map((run) => `${(run.one.cpuMs / run.one.ms).toFixed(2)}`).join(" and ")} cores here (V8's garbage collector and compiler
run on threads of their own), so on a 2-core machine a second worker can only take what
is left of the second core.

`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const rounds = Number(args[args.indexOf("--rounds") + 1] || 0) || 3;
  const results = benchCores({ rounds, log: (line) => console.error(line) });
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2));
  writeSection("Cores", coresSection(), "## Reliability sweep");
  console.error("bench: wrote bench/.corpus/cores.json and the Cores section of docs/benchmarks.md");
}
