// Codemod benchmark: the real CLI (`bin/traced-exit.js fix --dry-run`, dist build) as a
// child process, beside jscodeshift 17 running no-op transforms over the same files.
//
//   cli            traced-exit fix --dry-run --quiet --json .
//   noop           jscodeshift --no-babel -t noop.js --dry            (reads every file, parses none)
//   noop-babel     jscodeshift -t noop.js --dry                       (its default: babel-register on)
//   parse-noop     jscodeshift --no-babel --parser=tsx -t parse-noop.js --dry  (parses every file)
//
// Every command runs under /usr/bin/time for its peak resident set size (the largest
// process of the tree: jscodeshift's worker counts) and is timed from here, wall clock.
// jscodeshift runs with its default worker count: max(cpus - 1, 1).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const JSCODESHIFT = path.join(ROOT, "node_modules/jscodeshift/bin/jscodeshift.js");
const EXTENSIONS = "js,jsx,mjs,cjs,ts,tsx,mts,cts";
const TIME = "/usr/bin/time";

export const COMMANDS = {
  cli: () => [path.join(ROOT, "bin/traced-exit.js"), "fix", "--dry-run", "--quiet", "--json", "."],
  // The CLI in one thread, and on two worker threads (bench/cores.mjs).
  "cli-cpus-1": () => [...COMMANDS.cli(), "--cpus", "1"],
  "cli-cpus-2": () => [...COMMANDS.cli(), "--cpus", "2"],
  noop: () => [JSCODESHIFT, "--no-babel", "-t", path.join(BENCH, "jscodeshift/noop.js"), "--dry", "--silent", `--extensions=${EXTENSIONS}`, "."],
  "noop-babel": () => [JSCODESHIFT, "-t", path.join(BENCH, "jscodeshift/noop.js"), "--dry", "--silent", `--extensions=${EXTENSIONS}`, "."],
  "parse-noop": () => [JSCODESHIFT, "--no-babel", "--parser=tsx", "-t", path.join(BENCH, "jscodeshift/parse-noop.js"), "--dry", "--silent", `--extensions=${EXTENSIONS}`, "."],
};

/** Runs one command in `cwd`; returns wall ms, peak RSS (MB) and, for the CLI, its JSON summary. */
export function runOnce(name, cwd) {
  const args = COMMANDS[name]();
  const out = path.join(os.tmpdir(), `traced-exit-bench-${process.pid}.out`);
  const fd = fs.openSync(out, "w");
  const useTime = fs.existsSync(TIME);
  const command = useTime ? TIME : process.execPath;
  const argv = useTime ? ["-f", "__PEAK_RSS_KB=%M __CPU_S=%U+%S", process.execPath, ...args] : args;
  const start = performance.now();
  const result = spawnSync(command, argv, { cwd, stdio: ["ignore", fd, "pipe"], maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  fs.closeSync(fd);
  const stderr = result.stderr.toString();
  const rss = /__PEAK_RSS_KB=(\d+)/u.exec(stderr);
  const cpu = /__CPU_S=([\d.]+)\+([\d.]+)/u.exec(stderr);
  let summary;
  if (name.startsWith("cli")) {
    const text = fs.readFileSync(out, "utf8");
    try {
      summary = JSON.parse(text);
    } catch {
      throw new Error(`bench: the CLI printed no JSON summary in ${cwd} (exit ${result.status}): ${stderr.slice(0, 2000)}`);
    }
    delete summary.patches;
  } else if (result.status !== 0) {
    throw new Error(`bench: ${name} failed in ${cwd} (exit ${result.status}): ${stderr.slice(0, 2000)}`);
  }
  fs.rmSync(out, { force: true });
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : undefined;
  return { ms, cpuMs, peakRssMb: rss ? Number(rss[1]) / 1024 : undefined, summary, exitCode: result.status };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Runs each of `names` in `cwd`, `rounds` times (after one warm-up of each, for the disk
 * cache), interleaved and rotating, so a slow moment of the machine hits all of them.
 */
export function benchCommands({ cwd, names, rounds, log = () => {} }) {
  for (const name of names) runOnce(name, cwd);
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) runs[name].push(runOnce(name, cwd));
    log(`  ${path.basename(cwd)} round ${round + 1}: ${names.map((name) => `${name} ${runs[name].at(-1).ms.toFixed(0)} ms (cpu ${runs[name].at(-1).cpuMs?.toFixed(0)})`).join(", ")}`);
  }
  const result = {};
  for (const name of names) {
    result[name] = {
      ms: median(runs[name].map((run) => run.ms)),
      cpuMs: median(runs[name].map((run) => run.cpuMs ?? Number.NaN)),
      peakRssMb: Math.max(...runs[name].map((run) => run.peakRssMb ?? 0)),
      summary: runs[name][0].summary,
      all: runs[name].map((run) => Math.round(run.ms)),
      allCpu: runs[name].map((run) => Math.round(run.cpuMs ?? Number.NaN)),
    };
  }
  // Paired ratios: each round's CLI run against the same round's no-op runs.
  result.ratios = {};
  result.cpuRatios = {};
  if (names.includes("cli")) {
    for (const name of names.filter((other) => other !== "cli")) {
      result.ratios[name] = median(runs.cli.map((run, i) => run.ms / runs[name][i].ms));
      result.cpuRatios[name] = median(runs.cli.map((run, i) => run.cpuMs / runs[name][i].cpuMs));
    }
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cwd = path.resolve(process.argv[2] ?? path.join(BENCH, ".corpus/mixed"));
  const names = (process.argv[3] ?? "cli,noop").split(",");
  const rounds = Number(process.argv[4] ?? 3);
  console.log(JSON.stringify(benchCommands({ cwd, names, rounds, log: (line) => console.error(line) }), null, 2));
}
