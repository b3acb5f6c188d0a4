// Scaling curves of one file: does the cost grow with the size of the input, and no faster?
//
//   node bench/scaling.mjs [--baseline <dir>] [--rounds 3] [--timeout 300] [--only chain|scopes] [--write] [--section] [--json out.json] [--from out.json]
//
//   chain   no-process-exit … (configs.recommended) linting one file where a workflow calls a chain of
//           N same-file functions, each calling the next; every 10th and the last leaves a promise floating,
//           so findings are reported all along the chain. N = 250, 500, 1000, 2000, 4000.
//   scopes  the codemod engine (all four codemods, src/codemods/engine.ts) rewriting one file with S traced
//           scopes that can exit, in the four shapes of bench/inject.mjs. S = 800, 1600, 3200.
//
// Each measurement is its own child process (`--child`), so its peak RSS is its own and no run warms the
// next one's caches; the child times only the lint or the transform (CPU: user + system of the process).
// `--baseline <dir>`: a directory with another build's `dist/` (e.g. the commit before a change, built and
// copied aside); its runs are interleaved with this build's, size by size, so both curves share the
// machine's moments and the before/after ratios are paired. A run over `--timeout` seconds is stopped and
// reported as longer than the timeout. `--write` keeps the figures in bench/.corpus/scaling.json, which
// `npm run bench` (or `node bench/run.mjs --render-only`) puts in docs/benchmarks.md. `--section` puts this run's
// curves in docs/benchmarks.md itself, each in place of its old table; a curve not run (`--only`) keeps its own.
//
// The figures to read are the ratios: time(4N) / time(N) should stay near 4 (linear); 16 is quadratic.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { writeSection } from "./sections.mjs";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);

export const CURVES = {
  chain: { sizes: [250, 500, 1000, 2000, 4000], unit: "functions" },
  scopes: { sizes: [800, 1600, 3200], unit: "scopes" },
};

/**
 * A workflow calling f0 → f1 → … → f{n-1}. Each function calls the next and logs (a statement reach is asked
 * about); every 10th and the last also call `save()` without awaiting it: a floating promise `n` hops deep.
 */
export function chainFile(n) {
  const lines = [
    `import * as traceloop from "@traceloop/node-server-sdk";`,
    ``,
    `async function save(step) {`,
    `  await Promise.resolve(step);`,
    `}`,
    ``,
    `export function main() {`,
    `  return traceloop.withWorkflow({ name: "chain" }, async () => {`,
    `    f0();`,
    `  });`,
    `}`,
  ];
  for (let i = 0; i < n; i++) {
    lines.push(``, `function f${i}() {`);
    if (i + 1 < n) lines.push(`  f${i + 1}();`);
    lines.push(`  console.log("step ${i}");`);
    if (i % 10 === 9 || i === n - 1) lines.push(`  save(${i});`);
    lines.push(`}`);
  }
  return `${lines.join("\n")}\n`;
}

/** S exported functions, each opening a traced scope that can end the process (the shapes of bench/inject.mjs). */
export function scopesFile(s) {
  const lines = [
    `import * as traceloop from "@traceloop/node-server-sdk";`,
    `import * as otelApi from "@opentelemetry/api";`,
    ``,
    `function ensureReady() {`,
    `  if (!process.env.BENCH_READY) {`,
    `    console.error("bench: not ready");`,
    `    process.exit(1);`,
    `  }`,
    `}`,
  ];
  for (let i = 0; i < s; i++) {
    lines.push(``, `export function load${i}(input) {`);
    switch (i % 4) {
      case 0:
        lines.push(`  return traceloop.withTask({ name: "task_${i}" }, async () => {`, `    if (!process.env.BENCH_READY) {`, `      process.exit(1);`, `    }`);
        break;
      case 1:
        lines.push(`  return traceloop.withWorkflow({ name: "workflow_${i}" }, async () => {`, `    if (!process.env.BENCH_READY) process.exit(0);`);
        break;
      case 2:
        lines.push(`  return otelApi.trace.getTracer("bench").startActiveSpan("span_${i}", async (span) => {`, `    if (!process.env.BENCH_READY) {`, `      process.exit(2);`, `    }`, `    span.end();`);
        break;
      default:
        lines.push(`  return traceloop.withTask({ name: "helper_${i}" }, async () => {`, `    ensureReady();`);
    }
    lines.push(`    return input * ${i};`, `  });`, `}`);
  }
  return `${lines.join("\n")}\n`;
}

/** In the child: one measurement with the build under `root`; prints JSON. */
function child(kind, size, root) {
  const require = createRequire(path.join(root, "package.json"));
  let run;
  if (kind === "chain") {
    const { Linter } = require("eslint");
    const tsParser = require("@typescript-eslint/parser");
    const plugin = require(path.join(root, "dist/index.js"));
    const linter = new Linter({ configType: "flat" });
    const config = [{ files: ["**/*.ts"], languageOptions: { parser: tsParser, sourceType: "module" } }, plugin.configs.recommended];
    const lint = (text) => linter.verify(text, config, { filename: "chain.ts" });
    lint(chainFile(10)); // loads and warms what a first file pays for
    const text = chainFile(size);
    run = () => {
      const messages = lint(text);
      const fatal = messages.find((message) => message.fatal);
      if (fatal) throw new Error(`chain: ${fatal.message}`);
      const longest = Math.max(...messages.map((message) => message.message.length));
      return { findings: messages.length, longestMessage: longest };
    };
  } else {
    const { createEngine } = require(path.join(root, "dist/codemods/engine.js"));
    const engine = createEngine();
    engine.transform(scopesFile(4), "scopes.ts");
    const text = scopesFile(size);
    run = () => {
      const result = engine.transform(text, "scopes.ts");
      if (result.output === undefined) throw new Error("scopes: nothing rewritten");
      return { outputBytes: result.output.length, manual: result.manual.length, passes: result.passes };
    };
  }
  const cpu = process.cpuUsage();
  const start = performance.now();
  const facts = run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, ...facts }));
}

function measure(kind, size, root, timeoutS) {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--child", kind, String(size), root], {
    encoding: "utf8",
    timeout: timeoutS * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error?.code === "ETIMEDOUT" || result.signal === "SIGTERM") return { timedOut: true, ms: timeoutS * 1000, cpuMs: timeoutS * 1000 };
  if (result.status !== 0) throw new Error(`scaling: ${kind} ${size} failed under ${root}: ${result.stderr.slice(0, 2000)}`);
  return JSON.parse(result.stdout);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** A run this long is not repeated in later rounds: one figure is enough, and the rest of the machine's time is saved. */
const LONG_MS = 60_000;

/**
 * Every size of each curve, for each build (this one, and the baseline when given), interleaved: for each
 * round, each size, each build (the order of builds alternating). A build that timed out at a size is not run
 * at that size or larger again; a run longer than a minute is not repeated.
 */
export function benchScaling({ builds, rounds = 3, timeoutS = 300, only, log = () => {} }) {
  const curves = {};
  for (const [kind, { sizes, unit }] of Object.entries(CURVES)) {
    if (only && only !== kind) continue;
    const names = Object.keys(builds);
    // runs[name][size][round]: one measurement, or undefined when skipped.
    const runs = Object.fromEntries(names.map((name) => [name, Object.fromEntries(sizes.map((size) => [size, []]))]));
    const gaveUp = {};
    for (let round = 0; round < rounds; round++) {
      for (const size of sizes) {
        for (const name of round % 2 ? [...names].reverse() : names) {
          if (gaveUp[name] !== undefined && size >= gaveUp[name]) continue;
          if (runs[name][size].some((run) => run && run.cpuMs > LONG_MS)) continue;
          const run = measure(kind, size, builds[name], timeoutS);
          runs[name][size][round] = run;
          log(`  ${kind} ${size} ${unit}, ${name}, round ${round + 1}: ${run.timedOut ? `> ${timeoutS} s` : `${run.ms.toFixed(0)} ms, cpu ${run.cpuMs.toFixed(0)} ms, ${run.peakRssMb.toFixed(0)} MB`}`);
          if (run.timedOut) gaveUp[name] = size;
        }
      }
    }
    curves[kind] = { unit, sizes, runs };
  }
  return { date: new Date().toISOString().replace(/\.\d+Z$/u, "Z"), timeoutS, rounds, builds: Object.fromEntries(Object.entries(builds).map(([name, root]) => [name, labelOf(root)])), curves };
}

/** The commit a build was made from: `<root>/COMMIT` when a copied-aside build has one, else this checkout's HEAD. */
function labelOf(root) {
  const file = path.join(root, "COMMIT");
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  return head.status === 0 ? head.stdout.trim() : path.basename(root);
}

const measured = (run) => run && !run.timedOut;

/** One build's point at one size: medians over its rounds, the largest peak RSS. */
export function point(curve, name, size) {
  const list = curve.runs[name][size].filter(Boolean);
  if (list.length === 0 || !list.every(measured)) return { size, timedOut: list.some((run) => run.timedOut), rounds: list.length };
  const { ms: _ms, cpuMs: _cpu, peakRssMb: _rss, ...facts } = list[0];
  return { size, ms: median(list.map((run) => run.ms)), cpuMs: median(list.map((run) => run.cpuMs)), peakRssMb: Math.max(...list.map((run) => run.peakRssMb)), rounds: list.length, ...facts };
}

/**
 * cpu(b) / cpu(a), paired: the median over rounds where both were measured in the same round; when one of
 * them was measured once (a long run), its one figure against the other's median.
 */
export function pairedRatio(curve, [nameA, sizeA], [nameB, sizeB]) {
  const a = curve.runs[nameA][sizeA];
  const b = curve.runs[nameB][sizeB];
  const paired = a.flatMap((run, round) => (measured(run) && measured(b[round]) ? [b[round].cpuMs / run.cpuMs] : []));
  if (paired.length > 0) return median(paired);
  const pa = point(curve, nameA, sizeA);
  const pb = point(curve, nameB, sizeB);
  return pa.cpuMs && pb.cpuMs ? pb.cpuMs / pa.cpuMs : undefined;
}

/** cpu(4N) / cpu(N) for every size whose fourfold is in the curve. */
export function fourfoldRatios(curve, name) {
  return curve.sizes.filter((size) => curve.sizes.includes(size * 4)).map((size) => ({ from: size, to: size * 4, ratio: pairedRatio(curve, [name, size], [name, size * 4]) }));
}

const seconds = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/** The section of docs/benchmarks.md (bench/run.mjs renders it from bench/.corpus/scaling.json). */
export function renderScaling(summary) {
  const { curves, builds, timeoutS } = summary;
  const hasBaseline = "baseline" in builds;
  const cell = (p) => (p.timedOut ? `> ${timeoutS} s` : p.cpuMs === undefined ? "—" : `${seconds(p.cpuMs)}, ${p.peakRssMb.toFixed(0)} MB`);
  const ratioText = (ratio) => (ratio === undefined ? "n/a (timed out)" : `${ratio.toFixed(2)}x`);
  const verdict = (ratios) => (ratios.every((r) => r.ratio !== undefined && r.ratio <= 5) ? "**met**" : "**missed**");
  const section = (kind, title, what) => {
    const curve = curves[kind];
    if (!curve) return "";
    const names = hasBaseline ? ["baseline", "current"] : ["current"];
    const header = hasBaseline
      ? `| ${curve.unit} | before (${builds.baseline}): CPU, peak RSS | after (${builds.current}): CPU, peak RSS | after ÷ before (CPU, paired) |\n|---|---|---|---|`
      : `| ${curve.unit} | CPU, peak RSS |\n|---|---|`;
    const rows = curve.sizes.map((size) => {
      const cells = names.map((name) => cell(point(curve, name, size)));
      if (hasBaseline) cells.push(ratioText(pairedRatio(curve, ["baseline", size], ["current", size])));
      return `| ${size} | ${cells.join(" | ")} |`;
    });
    const fourfold = names.map((name) => {
      const ratios = fourfoldRatios(curve, name);
      const label = name === "baseline" ? `before (${builds.baseline})` : `after (${builds.current})`;
      return `- ${label}: ${ratios.map(({ from, to, ratio }) => `${from} → ${to}: ${ratioText(ratio)}`).join(", ")}; target ≤ 5x: ${verdict(ratios)}`;
    });
    const facts = kind === "chain" ? chainFacts(curve, names, builds) : passFacts(curve, names, builds);
    return `**${title}** ${what}\n\n${header}\n${rows.join("\n")}\n\n4x the ${curve.unit} costs (CPU, ratios paired within a round):\n\n${fourfold.join("\n")}\n${facts}`;
  };
  return `
## Scaling within one file (\`node bench/scaling.mjs\`, ${summary.date.slice(0, 10)})

Each figure is one child process timing only the lint or the rewrite of one generated file (CPU: user + system; a
process's own peak RSS), the median of up to ${summary.rounds} rounds (a run over a minute is not repeated). Where a table has a
before column, the build before the change (its commit in the header, built and copied aside, \`--baseline <dir>\`) ran
interleaved with the one after, size by size, in the same run. CPU time and RSS, not wall-clock time: the machine is
shared. Linear cost means 4x the input costs about 4x; quadratic is 16x.

${section("chain", "Chain length.", "`configs.recommended` (ESLint `Linter`, typescript-eslint's parser) on one file where a workflow calls f0 → f1 → … → f(N−1), each calling the next; every 10th and the last leave a promise floating, so findings are reported all along the chain.")}
${section("scopes", "Traced scopes per file.", "The codemod engine (all four codemods, `src/codemods/engine.ts`, as the CLI runs it) rewriting one `.ts` file of S exported functions, each opening a traced scope that can end the process, in the four shapes of bench/inject.mjs.")}`;
}

/** How many rewrite passes the engine made on the scopes file (each pass is one more lint of the whole file). */
function passFacts(curve, names, builds) {
  const passes = names
    .map((name) => {
      const counts = curve.sizes.map((size) => point(curve, name, size).passes).filter((count) => count !== undefined);
      return counts.length === 0 ? undefined : `${name === "baseline" ? `before (${builds.baseline})` : "after"} ${[...new Set(counts)].join(" or ")}`;
    })
    .filter(Boolean);
  return passes.length === 0 ? "" : `\nRewrite passes at every size (each is one more lint of the file): ${passes.join(", ")}.\n`;
}

/** The blocks of the scaling section, by curve: from a curve's bold title to the next one's, or to the end. */
const TITLES = { chain: "**Chain length.**", scopes: "**Traced scopes per file.**" };

/**
 * docs/benchmarks.md's scaling section with this run's curves; a curve this run did not measure keeps the block
 * the section had (its table names its own builds).
 */
function writeScalingSection(summary) {
  const doc = fs.readFileSync(path.join(ROOT, "docs/benchmarks.md"), "utf8");
  const start = doc.indexOf("\n## Scaling within one file");
  const end = start === -1 ? -1 : doc.indexOf("\n## ", start + 1);
  const old = start === -1 ? "" : doc.slice(start, end === -1 ? doc.length : end);
  const blockOf = (text, kind) => {
    const at = text.indexOf(TITLES[kind]);
    if (at === -1) return "";
    const next = Object.values(TITLES).map((title) => text.indexOf(title, at + 1)).filter((index) => index > at);
    return text.slice(at, next.length ? Math.min(...next) : text.length).trimEnd();
  };
  let section = renderScaling(summary).trimEnd();
  for (const kind of Object.keys(TITLES)) {
    if (summary.curves[kind] || !blockOf(old, kind)) continue;
    const later = Object.keys(TITLES).slice(Object.keys(TITLES).indexOf(kind) + 1).map((other) => section.indexOf(TITLES[other])).filter((index) => index !== -1);
    const at = later.length ? Math.min(...later) : section.length;
    section = `${section.slice(0, at).trimEnd()}\n\n${blockOf(old, kind)}\n\n${section.slice(at)}`.trimEnd();
  }
  const text = `${section.trimStart()}\n\n\n`;
  const updated = start === -1 ? null : `${doc.slice(0, start + 1)}${text}${end === -1 ? "" : doc.slice(end + 1)}`;
  if (updated) fs.writeFileSync(path.join(ROOT, "docs/benchmarks.md"), updated);
  else writeSection("Scaling within one file", text, "## Cores");
}

/** The longest message of the chain file: the via chain is bounded now. */
function chainFacts(curve, names, builds) {
  const longest = names
    .map((name) => {
      const sizes = curve.sizes.filter((size) => point(curve, name, size).longestMessage !== undefined);
      const size = sizes.includes(1000) ? 1000 : sizes.at(-1);
      return size === undefined ? undefined : `${name === "baseline" ? `before (${builds.baseline})` : "after"} ${point(curve, name, size).longestMessage} characters at N = ${size}`;
    })
    .filter(Boolean);
  return `\nLongest message (the via chain): ${longest.join(", ")}.\n`;
}

function option(args, name, fallback) {
  const index = args.indexOf(name);
  return index === -1 ? fallback : args[index + 1];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    child(args[1], Number(args[2]), args[3]);
  } else {
    const builds = { current: ROOT };
    const baseline = option(args, "--baseline", undefined);
    if (baseline) builds.baseline = path.resolve(baseline);
    // --from <json>: the figures of an earlier run (its --json), rendered again without running anything.
    const from = option(args, "--from", undefined);
    const summary = from
      ? JSON.parse(fs.readFileSync(from, "utf8"))
      : benchScaling({
          builds,
          rounds: Number(option(args, "--rounds", "3")),
          timeoutS: Number(option(args, "--timeout", "300")),
          only: option(args, "--only", undefined),
          log: (line) => console.error(line),
        });
    for (const [kind, curve] of Object.entries(summary.curves)) {
      for (const name of Object.keys(builds)) {
        const ratios = fourfoldRatios(curve, name).map(({ from, to, ratio }) => `${from}→${to}: ${ratio === undefined ? "n/a" : `${ratio.toFixed(2)}x`}`);
        console.error(`${kind} (${name}): 4x the ${curve.unit} costs ${ratios.join(", ")}`);
      }
    }
    // --write: keep the figures for docs/benchmarks.md (bench/run.mjs renders them; --render-only re-renders).
    if (args.includes("--write")) {
      fs.mkdirSync(path.join(BENCH, ".corpus"), { recursive: true });
      fs.writeFileSync(path.join(BENCH, ".corpus", "scaling.json"), JSON.stringify(summary, null, 2));
    }
    if (args.includes("--section")) writeScalingSection(summary);
    const out = option(args, "--json", undefined);
    if (out) fs.writeFileSync(out, JSON.stringify(summary, null, 2));
    console.log(renderScaling(summary));
  }
}
