// Lint benchmark: what configs.recommended adds to an ESLint run, and what each of our
// rules costs beside unicorn/no-process-exit and n/no-process-exit, on the same files.
//
// One process, ESLint's programmatic API, no cache, no concurrency. Each round lints the
// corpus four times, in an order that rotates between rounds:
//   floor        the parser, no rules
//   floorRule    the parser + one rule that does nothing: any config with a rule costs ESLint ~15 % more than
//                none at all (mostly garbage collection), which every real config pays
//   recommended  the parser + tracedExit.configs.recommended
//   stats        every traced-exit rule + unicorn/no-process-exit + n/no-process-exit,
//                with `stats: true` (ESLint's per-rule times: create() and every listener),
//                the rules' order rotating from round to round
// Then one more recommended run under the V8 sampling profiler: the share of samples with a
// frame of ours (dist/) on the stack is what the plugin costs, without stats' timer overhead
// and without the garbage collections that happen to fall inside a rule.
// Inline `/* eslint */` comments are off so every rule runs on every file.
import * as inspector from "node:inspector";
import { createRequire } from "node:module";
import * as path from "node:path";
import { performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const ROOT = path.dirname(path.dirname(new URL(import.meta.url).pathname));

/** Loaded at call time, so the rules that exist *now* (plugin.rules, configs.recommended) are measured. */
export function loadPlugins() {
  const { ESLint } = require("eslint");
  const tsParser = require("@typescript-eslint/parser");
  const globals = require("globals");
  const plugin = require(path.join(ROOT, "dist/index.js"));
  const unicorn = require("eslint-plugin-unicorn").default ?? require("eslint-plugin-unicorn");
  const n = require("eslint-plugin-n");
  return { ESLint, tsParser, globals, plugin, unicorn, n };
}

/** typescript-eslint's parser for every file, as a TypeScript project configures it: JSX for JavaScript and .tsx, not for .ts/.mts/.cts; .cjs/.cts as CommonJS. */
function parserConfigs({ tsParser, globals }) {
  const base = {
    languageOptions: { parser: tsParser, ecmaVersion: "latest", sourceType: "module", globals: { ...globals.node }, parserOptions: { ecmaFeatures: { jsx: true } } },
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
  };
  return [
    { files: ["**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}"], ...base },
    { files: ["**/*.{ts,mts,cts}"], languageOptions: { parserOptions: { ecmaFeatures: { jsx: false } } } },
    { files: ["**/*.{cjs,cts}"], languageOptions: { sourceType: "commonjs" } },
  ];
}

const DO_NOTHING = { meta: { type: "problem", schema: [] }, create: () => ({}) };

export function lintSetups(mods) {
  const { plugin, unicorn, n } = mods;
  const parser = parserConfigs(mods);
  const ours = Object.keys(plugin.rules).map((id) => `traced-exit/${id}`);
  const recommendedRules = Object.keys(plugin.configs.recommended.rules ?? {});
  return {
    ours,
    recommendedRules,
    setups: {
      floor: parser,
      floorRule: [...parser, { plugins: { bench: { rules: { nothing: DO_NOTHING } } }, rules: { "bench/nothing": "error" } }],
      /** As many do-nothing rules as recommended has: what any config of that size costs (bench/overhead.mjs). */
      floorRules: [
        ...parser,
        {
          plugins: { bench: { rules: Object.fromEntries(recommendedRules.map((_, i) => [`nothing${i}`, DO_NOTHING])) } },
          rules: Object.fromEntries(recommendedRules.map((_, i) => [`bench/nothing${i}`, "error"])),
        },
      ],
      recommended: [...parser, plugin.configs.recommended],
      /**
       * The first rule to run on a file pays for what the rules after it share (our text scan, a
       * pending garbage collection): the order rotates with the round, so no rule always pays it.
       */
      stats: (round) => {
        const ids = [...ours, "unicorn/no-process-exit", "n/no-process-exit"];
        const rotated = ids.map((_, i) => ids[(i + round) % ids.length]);
        return [...parser, { plugins: { "traced-exit": plugin, unicorn, n }, rules: Object.fromEntries(rotated.map((id) => [id, "error"])) }];
      },
    },
  };
}

/** One lint run under the V8 sampling profiler (100 µs); the share of samples in our code. */
async function profileShare(ESLint, cwd, config) {
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config, cache: false, warnIgnored: false });
  await post("Profiler.start");
  await eslint.lintFiles(["."]);
  const { profile } = await post("Profiler.stop");
  session.disconnect();
  const ours = `${ROOT}/dist/`;
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const inOurs = new Map();
  const isOurs = (id) => {
    if (inOurs.has(id)) return inOurs.get(id);
    const url = byId.get(id)?.callFrame.url ?? "";
    const result = url.includes(ours) || (parent.has(id) && isOurs(parent.get(id)));
    inOurs.set(id, result);
    return result;
  };
  // Garbage collection and idle samples belong to no stack: counted in the total, never as ours.
  let mine = 0;
  let total = 0;
  for (const id of profile.samples) {
    const name = byId.get(id)?.callFrame.functionName;
    if (name === "(idle)") continue;
    total++;
    if (isOurs(id)) mine++;
  }
  return { share: mine / total, samples: total };
}

async function lintOnce(ESLint, cwd, config, stats) {
  const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config, cache: false, stats, warnIgnored: false });
  global.gc?.();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const results = await eslint.lintFiles(["."]);
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, results };
}

function summarise(results, ruleIds) {
  const rules = Object.fromEntries(ruleIds.map((id) => [id, 0]));
  let parse = 0;
  let fatal = 0;
  let findings = 0;
  const failures = [];
  for (const result of results) {
    const pass = result.stats?.times?.passes ?? [];
    for (const p of pass) {
      parse += p.parse?.total ?? 0;
      for (const [id, time] of Object.entries(p.rules ?? {})) if (id in rules) rules[id] += time.total;
    }
    for (const message of result.messages) {
      if (message.fatal) {
        fatal++;
        failures.push(`${result.filePath}: ${message.message}`);
      } else if (message.ruleId?.startsWith("traced-exit/")) findings++;
    }
  }
  return { files: results.length, parse, rules, fatal, findings, failures };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * `rounds` rounds (plus one warm-up) of the four setups over `cwd`, in an order that rotates
 * between rounds; `setups.stats(round)` runs with ESLint's stats, summarised for `measured`.
 * Returns each round's times and the floor run's file count and parse failures.
 */
async function runRounds({ mods, cwd, rounds, log, label, setups, measured }) {
  const order = ["floor", "floorRule", "recommended", "stats"];
  const raw = [];
  let info;
  for (let round = 0; round <= rounds; round++) {
    const times = {};
    const rotated = order.map((_, i) => order[(i + round) % order.length]);
    for (const name of rotated) {
      const config = name === "stats" ? setups.stats(round) : setups[name];
      const { ms, cpuMs, results } = await lintOnce(mods.ESLint, cwd, config, name === "stats");
      times[name] = ms;
      times[`${name}Cpu`] = cpuMs;
      if (name === "stats") times.statsSummary = summarise(results, measured);
      if (name === "floor" && !info) {
        const s = summarise(results, []);
        info = { files: s.files, parseFailures: s.fatal, failures: s.failures.slice(0, 20) };
      }
    }
    log(`${label} round ${round === 0 ? "warm-up" : round}: ${order.map((name) => `${name} ${times[name].toFixed(0)} ms (cpu ${times[`${name}Cpu`].toFixed(0)})`).join(", ")}`);
    if (round > 0) raw.push(times);
  }
  return { raw, info };
}

/** Runs `rounds` rounds (plus one warm-up) over `cwd`; returns medians and per-round raw data. */
export async function benchLint({ cwd, rounds = 5, log = () => {} }) {
  const mods = loadPlugins();
  const { ours, recommendedRules, setups } = lintSetups(mods);
  const measured = [...ours, "unicorn/no-process-exit", "n/no-process-exit"];
  const { raw, info } = await runRounds({ mods, cwd, rounds, log, label: "lint", setups, measured });
  const profile = await profileShare(mods.ESLint, cwd, setups.recommended);
  log(`lint profile: ${(profile.share * 100).toFixed(2)} % of ${profile.samples} samples have a frame of ours on the stack`);
  const ruleMedians = Object.fromEntries(measured.map((id) => [id, median(raw.map((r) => r.statsSummary.rules[id]))]));
  const oursTotal = median(raw.map((r) => ours.reduce((sum, id) => sum + r.statsSummary.rules[id], 0)));
  const recommendedTotal = median(raw.map((r) => recommendedRules.reduce((sum, id) => sum + (r.statsSummary.rules[id] ?? 0), 0)));
  return {
    rounds,
    files: info.files,
    parseFailures: info.parseFailures,
    failures: info.failures,
    ours,
    recommendedRules,
    floorMs: median(raw.map((r) => r.floor)),
    recommendedMs: median(raw.map((r) => r.recommended)),
    floorCpuMs: median(raw.map((r) => r.floorCpu)),
    recommendedCpuMs: median(raw.map((r) => r.recommendedCpu)),
    /** Median over rounds of (recommended / floor − 1): each round's pair ran back to back. */
    overheadWall: median(raw.map((r) => r.recommended / r.floor - 1)),
    /** The same with the process's CPU time, which other load on the machine disturbs less. */
    overheadCpu: median(raw.map((r) => r.recommendedCpu / r.floorCpu - 1)),
    floorRuleMs: median(raw.map((r) => r.floorRule)),
    floorRuleCpuMs: median(raw.map((r) => r.floorRuleCpu)),
    /** Against a config with one rule that does nothing: what any real config already pays is left out. */
    overheadVsRuleWall: median(raw.map((r) => r.recommended / r.floorRule - 1)),
    overheadVsRuleCpu: median(raw.map((r) => r.recommendedCpu / r.floorRuleCpu - 1)),
    /** Sampled: share of CPU samples with our code on the stack, as overhead over the rest. */
    overheadProfile: profile.share / (1 - profile.share),
    profileSamples: profile.samples,
    /** The recommended rules' own time (ESLint stats) over the floor's wall time. */
    overheadStats: median(raw.map((r) => recommendedRules.reduce((sum, id) => sum + (r.statsSummary.rules[id] ?? 0), 0) / r.floor)),
    parseMs: median(raw.map((r) => r.statsSummary.parse)),
    ruleMs: ruleMedians,
    oursTotalMs: oursTotal,
    recommendedTotalMs: recommendedTotal,
    /** Median over rounds of (sum of our rules / unicorn's), each from the same stats run. */
    oursVsUnicorn: median(raw.map((r) => ours.reduce((sum, id) => sum + r.statsSummary.rules[id], 0) / r.statsSummary.rules["unicorn/no-process-exit"])),
    oursVsN: median(raw.map((r) => ours.reduce((sum, id) => sum + r.statsSummary.rules[id], 0) / r.statsSummary.rules["n/no-process-exit"])),
    findings: raw[0]?.statsSummary.findings ?? 0,
    raw: raw.map((r) => ({ floor: r.floor, floorRule: r.floorRule, recommended: r.recommended, floorCpu: r.floorCpu, floorRuleCpu: r.floorRuleCpu, recommendedCpu: r.recommendedCpu, stats: r.stats, rules: r.statsSummary.rules, parse: r.statsSummary.parse })),
  };
}

/**
 * The same overheads with ESLint's default parser (espree, eslint-scope), which is what a JavaScript
 * project lints with: only the corpus's JavaScript files (TypeScript is ignored), JSX on, .cjs as CommonJS.
 */
export async function benchLintEspree({ cwd, rounds = 5, log = () => {} }) {
  const mods = loadPlugins();
  const { plugin, globals } = mods;
  const base = [
    {
      files: ["**/*.{js,jsx,mjs,cjs}"],
      languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: { ...globals.node }, parserOptions: { ecmaFeatures: { jsx: true } } },
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
    },
    { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
    { ignores: ["**/*.{ts,tsx,mts,cts}"] },
  ];
  const setups = {
    floor: base,
    floorRule: [...base, { plugins: { bench: { rules: { nothing: DO_NOTHING } } }, rules: { "bench/nothing": "error" } }],
    recommended: [...base, plugin.configs.recommended],
    stats: () => [...base, plugin.configs.recommended],
  };
  const recommendedRules = Object.keys(plugin.configs.recommended.rules ?? {});
  const { raw, info } = await runRounds({ mods, cwd, rounds, log, label: "lint (espree)", setups, measured: recommendedRules });
  const ruleSum = (r) => recommendedRules.reduce((sum, id) => sum + (r.statsSummary.rules[id] ?? 0), 0);
  return {
    files: info.files,
    parseFailures: info.parseFailures,
    floorMs: median(raw.map((r) => r.floor)),
    floorCpuMs: median(raw.map((r) => r.floorCpu)),
    floorRuleCpuMs: median(raw.map((r) => r.floorRuleCpu)),
    recommendedCpuMs: median(raw.map((r) => r.recommendedCpu)),
    overheadCpu: median(raw.map((r) => r.recommendedCpu / r.floorCpu - 1)),
    overheadVsRuleWall: median(raw.map((r) => r.recommended / r.floorRule - 1)),
    overheadVsRuleCpu: median(raw.map((r) => r.recommendedCpu / r.floorRuleCpu - 1)),
    recommendedTotalMs: median(raw.map(ruleSum)),
    overheadStats: median(raw.map((r) => ruleSum(r) / r.floor)),
  };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const cwd = path.resolve(process.argv[2] ?? path.join(ROOT, "bench/.corpus/mixed"));
  const rounds = Number(process.argv[3] ?? 3);
  const result = await benchLint({ cwd, rounds, log: (line) => console.error(line) });
  delete result.raw;
  console.log(JSON.stringify(result, null, 2));
}
