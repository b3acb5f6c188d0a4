// The plugin's lint overhead in instructions, not seconds: each run is a fresh Node process under
// valgrind's callgrind, with V8 made deterministic (`--predictable --single-threaded`: no concurrent
// compiler or GC threads, a fixed hash seed), so the count repeats whatever else the machine is doing
// (two runs of the same process differed by 0.003 % here, on a loaded machine). CPU time on this
// shared machine moved by several percent from round to round (bench/overhead.mjs), more than the
// ≤ 3 % target it was meant to check.
//
//   node bench/instructions.mjs [--every 8] [--parts traced,rest]
//
// For each config (as many do-nothing rules as recommended has, and configs.recommended) and each part
// of the mixed corpus ("traced": the files the prefilter lets through; "rest": every `--every`-th other
// file), one process lints the part once; one more process per config loads everything and lints
// nothing. The lint's own count is the difference, and the whole corpus weighs the rest back.
// Slow (about 50x native; tens of minutes on a loaded machine). Needs valgrind.
//
// Writes bench/.corpus/instructions.json and the "Lint overhead in instructions" section of docs/benchmarks.md.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { CORPUS, ROOT, ensureCorpus, listCorpus } from "./corpus.mjs";
import { lintSetups, loadPlugins } from "./lint.mjs";
import { writeSection } from "./sections.mjs";

const require = createRequire(import.meta.url);
const RESULTS = path.join(CORPUS, "instructions.json");
const TITLE = "Lint overhead in instructions";
const CONFIGS = ["floorRules", "recommended"];

/** The part's files: what bench/overhead.mjs lints, in the same order. */
function partFiles(part, every) {
  const { mightOpenScope } = require(path.join(ROOT, "dist/scopes/prefilter.js"));
  const { catalogueFor } = require(path.join(ROOT, "dist/scopes/settings.js"));
  const catalogue = catalogueFor({});
  const files = [];
  let restSeen = 0;
  for (const file of listCorpus("mixed")) {
    const text = fs.readFileSync(file, "utf8");
    if (mightOpenScope(text, catalogue)) {
      if (part === "traced") files.push({ file, text });
    } else if (restSeen++ % every === 0 && part === "rest") files.push({ file, text });
  }
  return { files, restSeen };
}

/** The child: lint one part once with one config ("none": load the same, lint nothing). */
function child(config, part, every) {
  const { setups } = lintSetups(loadPlugins());
  const { files } = partFiles(part === "none" ? "traced" : part, every);
  const { Linter } = require("eslint");
  const linter = new Linter({ configType: "flat", cwd: path.join(CORPUS, "mixed") });
  if (part !== "none") for (const { file, text } of files) linter.verify(text, setups[config], { filename: file });
}

/** Instructions callgrind counted for one child process. */
function count(config, part, every, log) {
  const out = path.join(os.tmpdir(), `traced-exit-callgrind-${process.pid}.out`);
  const args = ["--tool=callgrind", "--cache-sim=no", `--callgrind-out-file=${out}`, process.execPath, "--predictable", "--single-threaded", fileURLToPath(import.meta.url), "--child", config, part, String(every)];
  const run = spawnSync("valgrind", args, { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 << 20 });
  fs.rmSync(out, { force: true });
  const stderr = run.stderr ?? "";
  if (run.status !== 0) throw new Error(`valgrind exited ${run.status} for ${config} ${part}:\n${stderr.slice(-2000)}`);
  const match = /Collected : (\d+)/u.exec(stderr);
  if (!match) throw new Error(`callgrind printed no count for ${config} ${part}:\n${stderr.slice(-2000)}`);
  log(`instructions ${config} ${part}: ${match[1]}`);
  return Number(match[1]);
}

/** The commit the measured build came from (dist/ is built from the work tree: a dirty tree is said so). */
function commitOf() {
  const run = (args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  return `${run(["rev-parse", "--short", "HEAD"])}${run(["status", "--porcelain", "--untracked-files=no"]) ? " (with uncommitted changes)" : ""}`;
}

/** `parts`: the parts to measure now; the others keep their figures from the last run (each part says its date and commit). */
export function benchInstructions({ every = 8, parts = ["traced", "rest"], log = () => {} } = {}) {
  ensureCorpus({ log });
  const previous = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, "utf8")) : {};
  const measured = { ...(previous.every === every && previous.parts ? previous.parts : {}) };
  const { restSeen } = partFiles("rest", every);
  for (const part of parts) {
    // Loading without linting is the same work whatever the config (the count repeats), so it is counted once per part.
    const none = count(CONFIGS[0], "none", every, log);
    const counts = Object.fromEntries(CONFIGS.map((config) => [config, count(config, part, every, log)]));
    measured[part] = { date: new Date().toISOString().replace(/\.\d+Z$/u, "Z"), commit: commitOf(), files: partFiles(part, every).files.length, none, ...counts };
  }
  const lint = (config, part) => measured[part][config] - measured[part].none;
  const restWeight = restSeen / measured.rest.files;
  const whole = (config) => lint(config, "traced") + lint(config, "rest") * restWeight;
  return {
    node: process.version,
    every,
    restSeen,
    parts: measured,
    over: {
      traced: lint("recommended", "traced") / lint("floorRules", "traced"),
      rest: lint("recommended", "rest") / lint("floorRules", "rest"),
      whole: whole("recommended") / whole("floorRules"),
    },
  };
}

const pct = (ratio) => `${((ratio - 1) * 100).toFixed(2)} %`;
const giga = (value) => `${(value / 1e9).toFixed(2)} G`;

/** The section, from the last `node bench/instructions.mjs`; empty before the first. */
export function instructionsSection() {
  if (!fs.existsSync(RESULTS)) return "";
  const r = JSON.parse(fs.readFileSync(RESULTS, "utf8"));
  if (!r.parts) return "";
  const lint = (config, part) => r.parts[part][config] - r.parts[part].none;
  const row = (part, label) =>
    `| ${label} | ${giga(lint("floorRules", part))} | ${giga(lint("recommended", part))} | ${pct(r.over[part])} | ${r.parts[part].date}, ${r.parts[part].commit} |`;
  return `## ${TITLE}

\`node bench/instructions.mjs\`, Node ${r.node}: instructions counted by valgrind's callgrind in fresh processes with V8 made
deterministic (\`--predictable --single-threaded\`), so the figures repeat on a loaded machine (two runs of one process
differed by 0.003 %). Each part linted once by ESLint's \`Linter\` in memory; a process that loads the same and lints
nothing is subtracted. "traced": the files the prefilter lets through; "rest": every ${r.every}th of the other ${r.restSeen}
files, weighed back for the whole corpus. A part can be measured again alone (\`--parts traced\`); each says its run.

| part | do-nothing rules (as many as recommended) | configs.recommended | recommended over do-nothing rules | measured |
|---|---|---|---|---|
${row("traced", `traced (${r.parts.traced.files} files)`)}
${row("rest", `rest (${r.parts.rest.files} of ${r.restSeen} files)`)}

**The plugin's cost on the whole mixed corpus: ${pct(r.over.whole)} more instructions** than the same number of rules that do
nothing (target ≤ 3 %: **${r.over.whole <= 1.03 ? "met" : "missed"}**). Instructions are not time: a cache miss costs more than an
add. They are the figure that does not move with the machine's load; the CPU-time section above is the one in seconds.

`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    child(args[1], args[2], Number(args[3]));
  } else {
    const every = Number(args[args.indexOf("--every") + 1] || 0) || 8;
    const parts = args.includes("--parts") ? args[args.indexOf("--parts") + 1].split(",") : ["traced", "rest"];
    const results = benchInstructions({ every, parts, log: (line) => console.error(line) });
    fs.mkdirSync(CORPUS, { recursive: true });
    fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2));
    writeSection(TITLE, instructionsSection(), "## Codemod");
    console.error(instructionsSection());
  }
}
