// `npm run bench`: builds the corpus, runs the lint and codemod benchmarks, and writes
// docs/benchmarks.md (and the raw numbers to bench/.corpus/results.json).
//
//   node --expose-gc bench/run.mjs [--rounds 5] [--quick] [--no-write]
//
// --quick: one round, no 16x scaling: to check the harness, not to quote.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { CORPUS, ensureCorpus, listCorpus } from "./corpus.mjs";
import { benchLint, benchLintEspree } from "./lint.mjs";
import { benchCommands } from "./codemod.mjs";
import { coresSection } from "./cores.mjs";
import { overheadSection } from "./overhead.mjs";
import { renderScaling } from "./scaling.mjs";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rounds = quick ? 1 : Number(args[args.indexOf("--rounds") + 1] || 0) || 5;
const log = (line) => console.error(line);

function machine() {
  const cpus = os.cpus();
  let git = "unknown";
  try {
    git = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    // not a git checkout
  }
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/u, "Z"),
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model ?? "unknown",
    memGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    eslint: JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/eslint/package.json"), "utf8")).version,
    jscodeshift: JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/jscodeshift/package.json"), "utf8")).version,
    unicorn: JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/eslint-plugin-unicorn/package.json"), "utf8")).version,
    n: JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/eslint-plugin-n/package.json"), "utf8")).version,
    commit: git,
    loadBefore: os.loadavg(),
  };
}

/** A file the CLI must parse and rewrite (valid JavaScript and TypeScript alike). */
const ONE_TRACED_FILE = `import * as traceloop from "@traceloop/node-server-sdk";

export function load() {
  return traceloop.withTask({ name: "load" }, async () => {
    if (!process.env.KEY) process.exit(1);
  });
}
`;

/** The files of the corpus the codemod's text prefilter lets through to the parser. */
function prefilterPassed(dir, manifest) {
  const require = createRequire(import.meta.url);
  const { createEngine } = require(path.join(ROOT, "dist/codemods/engine.js"));
  const engine = createEngine();
  return manifest.files.filter((file) => engine.mightChange(fs.readFileSync(path.join(dir, file.path), "utf8")));
}

/**
 * The mixed corpus without the files that name a tracing API (hard links): what most of an application's
 * files look like to the CLI, so its cost there is reading and scanning, not parsing.
 */
function buildUntraced(mixed, manifest, passed) {
  const dir = path.join(CORPUS, "untraced");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, ".git", "info"), { recursive: true });
  const traced = new Set(passed.map((file) => file.path));
  let count = 0;
  for (const file of manifest.files) {
    if (traced.has(file.path)) continue;
    const target = path.join(dir, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.linkSync(path.join(mixed, file.path), target);
    count++;
  }
  return { dir, files: count };
}

/** The CLI beside the no-op on the untraced subset. */
function benchUntraced(mixed, manifest) {
  const untraced = buildUntraced(mixed, manifest, prefilterPassed(mixed, manifest));
  log(`bench: codemod on the mixed corpus without its traced files (${untraced.files} files)`);
  return { files: untraced.files, ...benchCommands({ cwd: untraced.dir, names: ["cli", "noop"], rounds, log }) };
}

async function main() {
  if (args.includes("--only-untraced")) {
    // Adds the untraced-subset figure to the last results, without rerunning the rest.
    const file = path.join(CORPUS, "results.json");
    const results = JSON.parse(fs.readFileSync(file, "utf8"));
    results.codemodUntraced = benchUntraced(path.join(CORPUS, "mixed"), ensureCorpus({ log }));
    results.codemodUntraced.commit = machine().commit;
    fs.writeFileSync(file, JSON.stringify(results, null, 2));
    fs.writeFileSync(path.join(ROOT, "docs/benchmarks.md"), render(results));
    log("bench: added the untraced subset to bench/.corpus/results.json and docs/benchmarks.md");
    return;
  }
  if (args.includes("--render-only")) {
    // Re-render docs/benchmarks.md from the last results (after a template change, or a new sweep).
    const results = JSON.parse(fs.readFileSync(path.join(CORPUS, "results.json"), "utf8"));
    fs.writeFileSync(path.join(ROOT, "docs/benchmarks.md"), render(results));
    log("bench: re-rendered docs/benchmarks.md from bench/.corpus/results.json");
    return;
  }
  const info = machine();
  log(`bench: ${info.date}, ${info.nproc} CPUs (${info.cpu}), node ${info.node}, load ${info.loadBefore.map((l) => l.toFixed(1)).join(" ")}; ${rounds} rounds`);
  const manifest = ensureCorpus({ log });
  const mixed = path.join(CORPUS, "mixed");
  const injected = path.join(CORPUS, "injected");
  const empty = path.join(CORPUS, "empty");
  fs.mkdirSync(path.join(empty, ".git"), { recursive: true });
  const corpus = {
    files: manifest.files.length,
    bytes: manifest.files.reduce((sum, file) => sum + fs.statSync(path.join(mixed, file.path)).size, 0),
    packages: Object.keys(manifest.packages).length,
    byExtension: manifest.files.reduce((acc, file) => {
      const ext = path.extname(file.path);
      acc[ext] = (acc[ext] ?? 0) + 1;
      return acc;
    }, {}),
    injected: listCorpus("injected").length,
    prefilterPassed: prefilterPassed(mixed, manifest).length,
  };

  log("bench: lint (ESLint API, one process)");
  const lint = await benchLint({ cwd: mixed, rounds, log });
  log("bench: lint with ESLint's default parser (JavaScript files)");
  const lintEspree = await benchLintEspree({ cwd: mixed, rounds, log });

  log("bench: codemod on the mixed corpus");
  const codemodMixed = benchCommands({ cwd: mixed, names: ["cli", "noop", "noop-babel", "parse-noop"], rounds, log });
  const codemodUntraced = benchUntraced(mixed, manifest);
  log("bench: codemod on the injected corpus (every file needs a change)");
  const codemodInjected = benchCommands({ cwd: injected, names: ["cli", "noop", "parse-noop"], rounds, log });
  log("bench: start-up (an empty directory)");
  const startup = benchCommands({ cwd: empty, names: ["cli", "noop"], rounds, log });
  // What the CLI pays as soon as one file passes the prefilter: loading ESLint and the plugin (and, for
  // TypeScript, typescript-eslint's parser and TypeScript), then parsing and linting that one file.
  log("bench: start-up with one traced file (JavaScript, then TypeScript)");
  const oneFile = {};
  for (const ext of [".mjs", ".ts"]) {
    const dir = path.join(CORPUS, `one${ext.replace(".", "-")}`);
    fs.mkdirSync(path.join(dir, ".git"), { recursive: true });
    fs.writeFileSync(path.join(dir, `task${ext}`), ONE_TRACED_FILE);
    oneFile[ext] = benchCommands({ cwd: dir, names: ["cli"], rounds, log }).cli;
  }

  log("bench: scaling");
  const scaling = [{ factor: 1, files: corpus.files, cli: codemodMixed.cli, noop: codemodMixed.noop }];
  for (const factor of quick ? [4] : [4, 16]) {
    const result = benchCommands({ cwd: path.join(CORPUS, `x${factor}`), names: ["cli", "noop"], rounds: Math.min(rounds, 3), log });
    scaling.push({ factor, files: corpus.files * factor, cli: result.cli, noop: result.noop });
  }

  const results = { info: { ...info, loadAfter: os.loadavg() }, rounds, corpus, lint, lintEspree, codemodMixed, codemodUntraced, codemodInjected, startup, oneFile, scaling };
  fs.writeFileSync(path.join(CORPUS, "results.json"), JSON.stringify(results, null, 2));
  if (!args.includes("--no-write")) {
    fs.writeFileSync(path.join(ROOT, "docs/benchmarks.md"), render(results));
    log("bench: wrote docs/benchmarks.md");
  }
}

// ------------------------------------------------------------------------------------------

const ms = (value) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);
const pct = (value) => `${(value * 100).toFixed(1)} %`;
const x = (value) => `${value.toFixed(2)}x`;
/** CPU per file, the tool's start-up (an empty directory) taken out. */
const marginal = (run, base, files) => ((run.cpuMs - base.cpuMs) / files).toFixed(2);
const verdict = (ok) => (ok ? "**met**" : "**missed**");

/** The last `npm run test:corpus` summary, when there is one. */
function sweepSection() {
  const file = path.join(CORPUS, "sweep.json");
  if (!fs.existsSync(file)) return "";
  const s = JSON.parse(fs.readFileSync(file, "utf8"));
  const parseFailures = Object.values(s.parseFailures).reduce((a, b) => a + b, 0);
  return `
## Reliability sweep (\`npm run test:corpus\`, last run ${s.date ?? "unknown"})

Every .js/.ts/.mjs/.cjs/.tsx file under node_modules: ${s.files} files (${Object.entries(s.byExtension).sort().map(([ext, n]) => `${ext} ${n}`).join(", ")}),
${s.workers} workers, ${Math.round(s.seconds)} s. Parse failures (not ours: Flow, broken files shipped in packages): ${parseFailures}.
Every rule in plugin.rules on every file: ${s.findings} findings in ${s.filesWithFindings} files, ${s.failures.some((f) => f.includes("rules threw")) ? "**some rule threw**" : "no rule threw"}.
The engine where the prefilter let it in (${s.engine.run} files): ${s.engine.changed} changed, ${s.engine.unchanged} unchanged, ${s.engine.manual} manual only,
${s.engine["parse-failure"]} parse failures reported, ${s.engine.crash} crashes. A traced scope with an exit injected into every 8th file
(${s.injected.run} files): ${s.injected.changed} rewritten, ${s.injected.manual} manual only, ${s.injected.unchanged} with no finding (\`process\` reassigned in the
file, or \`/* eslint-disable */\`). Every output re-parsed, a second pass changed nothing and left nothing fixable:
${s.failures.length === 0 ? "**0 failures**" : `**${s.failures.length} failures** (see the sweep's output)`}.
${findingList(s.findingSamples)}`;
}

/** The last `node bench/scaling.mjs --write` figures (cost within one file), when there are some. */
function scalingSection() {
  const file = path.join(CORPUS, "scaling.json");
  return fs.existsSync(file) ? renderScaling(JSON.parse(fs.readFileSync(file, "utf8"))) : "";
}

/** The findings on code nobody here wrote: each is a true or a false positive, so they are listed to be read. */
function findingList(samples) {
  if (!samples?.length) return "";
  return `
The findings on that real code (file:line:column rule). Each is a bug in that package or a false positive of ours, so a new one is read before a release:

${samples.map((finding) => `- \`${finding}\``).join("\n")}
`;
}

/** The untraced subset: the CLI where it parses nothing. */
function untracedParagraph(cu, startup) {
  if (!cu) return "";
  const runs = (name) => `${ms(cu[name].ms)} wall / ${ms(cu[name].cpuMs)} CPU`;
  return `
**The same corpus without its traced files** (${cu.files} files: those the prefilter lets through removed, so
nothing is parsed, as for most of an application's files${cu.commit ? `; measured at ${cu.commit}` : ""}): the CLI ${runs("cli")}, the no-op
${runs("noop")}: **${x(cu.cpuRatios.noop)}** CPU, target ${verdict(cu.cpuRatios.noop <= 0.1)}. Per file, start-up taken out, the CLI
costs ${marginal(cu.cli, startup.cli, cu.files)} ms and the no-op ${marginal(cu.noop, startup.noop, cu.files)} ms: reading each file and the text scan. The rest is
start-up (the CLI's ${ms(startup.cli.cpuMs)} CPU for an empty directory, of which Node itself is about 40 ms), so as a repository
grows the ratio falls toward the per-file one, ${x((cu.cli.cpuMs - startup.cli.cpuMs) / (cu.noop.cpuMs - startup.noop.cpuMs))}, still above 0.1x; in a CPU profile, reading the files is the largest part, then the text scan and garbage collection.
`;
}

function render(r) {
  const { info, lint, lintEspree, codemodMixed: cm, codemodUntraced: cu, codemodInjected: ci, startup, oneFile, scaling, corpus } = r;
  const ruleRows = Object.entries(lint.ruleMs)
    .map(([id, value]) => `| \`${id}\` | ${ms(value)} | ${(value / lint.ruleMs["unicorn/no-process-exit"]).toFixed(2)} |`)
    .join("\n");
  const perFile = (run, files) => (run.cpuMs / files).toFixed(2);
  const rows = (result, names) =>
    names
      .map((name) => `| ${LABELS[name]} | ${ms(result[name].ms)} | ${ms(result[name].cpuMs)} | ${result[name].peakRssMb.toFixed(0)} MB | ${name === "cli" ? "—" : `${x(result.ratios[name])} / ${x(result.cpuRatios[name])}`} |`)
      .join("\n");
  const scalingRows = scaling
    .map((s) => `| ${s.factor}x | ${s.files} | ${ms(s.cli.ms)} | ${ms(s.cli.cpuMs)} | ${Math.round(s.files / (s.cli.cpuMs / 1000))} | ${s.cli.peakRssMb.toFixed(0)} MB | ${Math.round(s.files / (s.noop.cpuMs / 1000))} | ${s.noop.peakRssMb.toFixed(0)} MB |`)
    .join("\n");
  const cliSummary = cm.cli.summary;
  const injectedSummary = ci.cli.summary;
  const oursVsUnicorn = lint.oursVsUnicorn;
  return `# Benchmarks

Generated by \`npm run bench\` (bench/run.mjs) on ${info.date.slice(0, 10)}; commit ${info.commit}. Do not edit by hand: rerun.

**Machine:** ${info.nproc} CPUs (\`nproc\`), ${info.cpu}, ${info.memGiB.toFixed(0)} GiB, Node ${info.node}, ${info.platform}.
ESLint ${info.eslint}, jscodeshift ${info.jscodeshift}, eslint-plugin-unicorn ${info.unicorn}, eslint-plugin-n ${info.n}.
Load average before / after: ${info.loadBefore.map((l) => l.toFixed(1)).join(" ")} / ${info.loadAfter.map((l) => l.toFixed(1)).join(" ")}.
**Rounds:** ${r.rounds} per figure (after one warm-up run of each), interleaved and rotated; every figure is the median.
Ratios are medians of per-round ratios (each round's runs back to back). The machine is shared: wall-clock figures
move with other load, so CPU time (user + system, the whole process tree) is given beside them and the codemod
ratios are quoted on CPU time.

## Corpus

${corpus.files} files (${(corpus.bytes / 1e6).toFixed(1)} MB) copied out of ${corpus.packages} installed npm packages: the built JavaScript
(CommonJS and ESM) of \`@opentelemetry/*\` (one build per package), \`@traceloop/*\`, \`@langchain/core\`, \`openai\`,
\`typescript-eslint\`'s packages, \`eslint\`, \`eslint-plugin-unicorn\`, \`eslint-plugin-n\`, \`jscodeshift\`, \`commander\`,
\`diff\`, and \`openai\`'s TypeScript sources. By extension: ${Object.entries(corpus.byExtension).map(([ext, n]) => `${ext} ${n}`).join(", ")}.
\`bench/corpus-manifest.json\` pins every package version and file hash; \`bench/.corpus/\` is rebuilt from it (gitignored).

The **injected** corpus: ${corpus.injected} of those files, spread over the corpus, each with the body of its first function
wrapped in a traced scope that can exit (bench/inject.mjs): a Traceloop task with \`process.exit(1)\`, a workflow that
stops early with \`exit(0)\`, a \`startActiveSpan\` span with \`exit(2)\`, or a task calling a helper that exits.

## Lint

ESLint's programmatic API (\`ESLint#lintFiles\`), one process, no cache, inline config off (so every rule runs on every
file), the typescript-eslint parser for every file (JSX on except in .ts/.mts/.cts), ${lint.files} files,
${lint.parseFailures} parse failures.

| | wall | CPU |
|---|---|---|
| floor: the parser, no rules | ${ms(lint.floorMs)} | ${ms(lint.floorCpuMs)} |
| the parser + one rule that does nothing | ${ms(lint.floorRuleMs)} | ${ms(lint.floorRuleCpuMs)} |
| \`configs.recommended\` (${lint.recommendedRules.map((id) => `\`${id}\``).join(", ")}) | ${ms(lint.recommendedMs)} | ${ms(lint.recommendedCpuMs)} |

Overhead of \`configs.recommended\`, four ways:

| measured as | overhead | target ≤ 2 % |
|---|---|---|
| end to end, against the floor (no rules) | ${pct(lint.overheadWall)} wall, ${pct(lint.overheadCpu)} CPU | ${verdict(lint.overheadCpu <= 0.02)} |
| end to end, against one do-nothing rule | ${pct(lint.overheadVsRuleWall)} wall, ${pct(lint.overheadVsRuleCpu)} CPU | ${verdict(lint.overheadVsRuleCpu <= 0.02)} |
| the rules' own time from ESLint stats, over the floor | ${pct(lint.overheadStats)} | ${verdict(lint.overheadStats <= 0.02)} |
| CPU samples with our code on the stack (V8 profiler, 100 µs, ${lint.profileSamples} samples) | ${pct(lint.overheadProfile)} | ${verdict(lint.overheadProfile <= 0.02)} |

How to read them. One rule that does nothing (its \`create()\` returns no listeners) already costs
${pct(lint.floorRuleCpuMs / lint.floorCpuMs - 1)} (CPU) over the floor. ESLint 10 runs its traversal and code-path analysis in both cases; CPU profiles of
the two runs show the difference is mostly garbage collection (+3.7 s over two runs, every phase a little slower). The
same rule set to "off" costs almost nothing (Linter API, 600 files: +2 % when off, +21 % when on), so it is the cost of ESLint running any
enabled rule, which every real config pays. No plugin can be within 2 % of the first line,
so the second is the end-to-end cost of the plugin. End-to-end differences of a few percent
are within the spread between rounds on this shared machine (see bench/.corpus/results.json for every round).
ESLint's stats time \`create()\` and every listener call with a timer, and charge a rule for the garbage collections
that fall inside its listeners; the profiler counts only samples in our code (garbage collection caused by our
allocations is not counted as ours). The plugin's own code: ${ms(lint.recommendedTotalMs)} by ESLint's stats in a ${ms(lint.floorMs)} run.

Per rule, ESLint stats (\`stats: true\`), every rule in one run on the same files:

| rule | time (sum over files) | × unicorn/no-process-exit |
|---|---|---|
${ruleRows}
| **all traced-exit rules** | ${ms(lint.oursTotalMs)} | ${oursVsUnicorn.toFixed(2)} |

Target: our rules together ≤ unicorn/no-process-exit: ${verdict(oursVsUnicorn <= 1)} (${x(oursVsUnicorn)}; ${x(lint.oursVsN)} of
n/no-process-exit, which only matches \`process.exit\` member expressions by name and resolves nothing).
Parsing alone took ${ms(lint.parseMs)} of the same run. ESLint's per-rule stats include the garbage collections that
happen to fall inside a rule's listeners, so they move between runs by a few tens of ms.
Elsewhere: no-process-exit alone beside unicorn/no-process-exit on every TypeScript file under node_modules is
bench/rule-timing/ (issue 2); the type-aware config beside \`@typescript-eslint/no-floating-promises\` on a typed
project is bench/type-aware/, with results in docs/rules/no-floating-promises.md.

${lintEspree ? `**With ESLint's default parser** (espree and eslint-scope, as a JavaScript project lints): the corpus's
${lintEspree.files} JavaScript files, TypeScript ignored, ${lintEspree.parseFailures} parse failures. The floor is faster (${ms(lintEspree.floorMs)} wall,
${ms(lintEspree.floorCpuMs)} CPU), so the same work weighs more:

| measured as | overhead | target ≤ 2 % |
|---|---|---|
| end to end, against the floor (no rules) | ${pct(lintEspree.overheadCpu)} CPU | ${verdict(lintEspree.overheadCpu <= 0.02)} |
| end to end, against one do-nothing rule | ${pct(lintEspree.overheadVsRuleWall)} wall, ${pct(lintEspree.overheadVsRuleCpu)} CPU | ${verdict(Math.max(lintEspree.overheadVsRuleWall, lintEspree.overheadVsRuleCpu) <= 0.02)} |
| the rules' own time from ESLint stats (${ms(lintEspree.recommendedTotalMs)}), over the floor | ${pct(lintEspree.overheadStats)} | ${verdict(lintEspree.overheadStats <= 0.02)} |

One do-nothing rule costs ${pct(lintEspree.floorRuleCpuMs / lintEspree.floorCpuMs - 1)} CPU over this floor too.
` : ""}
${overheadSection()}## Codemod: \`traced-exit fix --dry-run\` beside no-op jscodeshift transforms

Child processes on the same directory: \`node bin/traced-exit.js fix --dry-run --quiet --json .\` (the dist build, with its default \`--cpus\`: one worker thread per CPU; see [Cores](#cores)) and
jscodeshift ${info.jscodeshift} with its default worker count (max(cpus − 1, 1) = ${Math.max(info.nproc - 1, 1)}).

- *no-op*: \`jscodeshift --no-babel -t bench/jscodeshift/noop.js --dry\`: returns \`undefined\` without reading the AST, so
  jscodeshift never parses a file; this is jscodeshift's own cost (start-up, workers, reading files).
- *no-op, babel on*: the same with jscodeshift's default \`--babel\` (babel-register compiles the transform).
- *parse no-op*: \`--no-babel --parser=tsx -t bench/jscodeshift/parse-noop.js\`: parses every file and changes nothing,
  the floor of any real jscodeshift codemod.

**Mixed corpus** (${corpus.files} files; the CLI scanned ${cliSummary.scanned}, changed ${cliSummary.changed.length}, failed ${cliSummary.failed.length}):

| | wall | CPU | peak RSS | CLI ÷ this (wall / CPU) |
|---|---|---|---|---|
${rows(cm, ["cli", "noop", "noop-babel", "parse-noop"])}

Target: CLI ≤ 0.1x the no-op on the mixed corpus: ${verdict(cm.cpuRatios.noop <= 0.1)} (${x(cm.cpuRatios.noop)} CPU) against the no-op that parses nothing;
${verdict(cm.cpuRatios["noop-babel"] <= 0.1)} (${x(cm.cpuRatios["noop-babel"])}) against the babel default; ${verdict(cm.cpuRatios["parse-noop"] <= 0.1)} (${x(cm.cpuRatios["parse-noop"])}) against the parse no-op.
Why 0.1x is out of reach on this corpus. The CLI reads every file and runs a text prefilter (src/scopes/prefilter.ts):
a file that names no tracing API is never parsed, and a run where no file passes loads neither ESLint nor a parser
(an empty directory: ${ms(startup.cli.cpuMs)} CPU, ${x(startup.cli.cpuMs / cm.noop.cpuMs)} of the no-op's whole run). But ${corpus.prefilterPassed} of these
${corpus.files} files name a tracing API (this corpus is tracing libraries' own code; in an application most files name none),
and ${cliSummary.changed.length} really change, so they must be parsed and linted. As soon as one file must be: one small traced
JavaScript file costs the CLI ${ms(oneFile[".mjs"].cpuMs)} CPU (ESLint, the plugin and espree loaded, the file linted twice and re-parsed),
${x(oneFile[".mjs"].cpuMs / cm.noop.cpuMs)} of the no-op's whole run; one TypeScript file ${ms(oneFile[".ts"].cpuMs)} (${x(oneFile[".ts"].cpuMs / cm.noop.cpuMs)}, TypeScript loaded too).
So no run that parses a single file can be 0.1x of a transform that parses none. The no-op's CPU per file is
${perFile(cm.noop, corpus.files)} ms, the CLI's ${perFile(cm.cli, corpus.files)} ms, and ${marginal(cm.cli, startup.cli, corpus.files)} ms once its start-up is taken out.
${untracedParagraph(cu, startup)}
**Injected corpus: every file needs a change** (${corpus.injected} files; the CLI changed ${injectedSummary.changed.length},
${injectedSummary.manualReview.length} manual-review items, ${injectedSummary.failed.length} failed):

| | wall | CPU | peak RSS | CLI ÷ this (wall / CPU) |
|---|---|---|---|---|
${rows(ci, ["cli", "noop", "parse-noop"])}

Per file (CPU, start-up of each tool taken out): the CLI ${marginal(ci.cli, startup.cli, corpus.injected)} ms, the no-op
${marginal(ci.noop, startup.noop, corpus.injected)} ms, the parse no-op ${((ci["parse-noop"].cpuMs - startup.noop.cpuMs) / corpus.injected).toFixed(2)} ms. A file that changes is linted
once per rewrite pass plus once more, and re-parsed before it is written.

**Scaling** (the mixed corpus 1, 4 and 16 times, hard links; files/s on CPU time; files/s should stay flat):

| | files | CLI wall | CLI CPU | CLI files/s | CLI peak RSS | no-op files/s | no-op peak RSS |
|---|---|---|---|---|---|---|---|
${scalingRows}

Start-up (empty directory): CLI ${ms(startup.cli.ms)} wall / ${ms(startup.cli.cpuMs)} CPU, ${startup.cli.peakRssMb.toFixed(0)} MB; no-op ${ms(startup.noop.ms)} / ${ms(startup.noop.cpuMs)}, ${startup.noop.peakRssMb.toFixed(0)} MB.
${scalingSection()}
${coresSection()}${sweepSection()}
## What was fixed to get here

Found by these benchmarks and the reliability sweep (tests/reliability/), profiled with \`node --cpu-prof\`:

- **Codemod prefilter** (src/scopes/prefilter.ts, used by src/codemods/engine.ts): the old test passed a file naming any
  catalogue module, or containing \`trace\` or \`wrap\` (dd-trace's method names): 360 of the 2,817 files were parsed and
  linted, none could change, and the CLI took 10.5 s on the mixed corpus (3.3 s after). A file must now contain every
  word of one group: a module with the name used from it (\`@traceloop/node-server-sdk\` + \`withTask\`), or an
  any-object method (\`startActiveSpan\`, \`forceFlush\`). Cost: a name built at run time
  (\`sdk["with" + "Task"]\`) is not seen; the rules' binding resolution does not follow it either. The sweep and the
  property tests check that the prefilter never skips a file the rules report on.
- **Model** (src/scopes/model.ts): the same word test gates the reference tracking of openers, flushes and
  initializers, which require-flush-before-exit ran for every file containing an exit-like word. Our rules' stats time
  on the corpus went from ~0.62 s (1.1x unicorn/no-process-exit) to ~0.46 s (0.77x), with the three rules then in the tree.
- **One text scan per file** (src/scopes/prefilter.ts, src/rules/no-floating-promises.ts): each rule ran its own text
  test; the verdict for the last text is now kept, so the rules share one scan (~11 µs a file), and
  no-floating-promises uses the module + export test instead of module names alone. Cost: one string kept alive.
- **Lazy loading and espree** (src/codemods/engine.ts, src/codemods/lint-engine.ts, src/cli/reparse.ts): the CLI
  loaded ESLint, the plugin, typescript-eslint's parser and TypeScript before reading a file (0.44 s CPU, 0.45x of the
  no-op's whole run) and parsed JavaScript with typescript-eslint's parser. The engine now loads on the first file
  that passes the prefilter, TypeScript on the first TypeScript file, and JavaScript is parsed with espree (ESLint's
  default parser; typescript-eslint's parser when espree rejects the file, e.g. decorators). Mixed corpus: 4.0 s →
  2.35 s CPU; injected corpus 19.7 s → 12.5 s with identical patches. Every rule test that is plain JavaScript is also
  checked under espree (tests/rules/rule-tester.ts). Cost: two parsers to keep in step; the re-parse guard holds a
  file espree took to espree, which caught a redeclared \`trace\` in CommonJS files that typescript-eslint's parser
  let through (fixed in src/fixes/imports.ts).
- **Rules skip files that cannot match** (src/rules/no-process-exit.ts, src/rules/require-flush-before-exit.ts):
  no-process-exit reports only exits reached from a traced scope, so a file that cannot open one returns no listeners;
  require-flush-before-exit does the same for files that name no opener, flush or initializer.
- **No per-file option merge** (src/utils/create-rule.ts): ESLint's stats charged ~150 ms a run to whichever of our
  rules ran first on a file, though its work (the shared text scan) was ~57 ms. The profile put the rest in
  typescript-eslint's \`RuleCreator\` wrapper, which \`structuredClone\`s the default options on every file (~40 µs
  for the first clone per file under ESLint on Node 20). Our rules take no options, so \`create()\` gets them as
  they are. With the two items above, the rules' stats time went from 302 ms (3.0 % of the floor) to ${ms(lint.recommendedTotalMs)} (${pct(lint.overheadStats)} in this run).
- **Reach, once per function** (src/scopes/model.ts, issue 15): a chain of N same-file functions called from a
  workflow cost about N³ in no-floating-promises: each function asked about ran its own breadth-first search up
  the callers, kept only its own answer and copied the via path at every step, and the rule asked for every
  expression statement. Callers are now read once per function, distances to a scope solved in one pass, and
  each function's path is its caller's plus one step, shared (see "Scaling within one file" above; a property
  test, tests/reliability/reach.property.test.ts, checks the answers are the search's). Messages keep two names
  at each end of a via longer than five.
- **Fixes read a file once** (src/fixes/imports.ts, issue 15): every exit fix that adds the span helper scanned
  the top-level statements (for the helper and an import to extend), the module scope's names and the whole text
  (CRLF), per finding: a file with 3,200 traced scopes took 6.8x the CPU of 800 (ed7cb41 in an earlier scaling run; 7.7x
  in a first measurement). Each fact is now computed once per file. What is left is parsing and linting the
  file five times (one lint, then one per rewrite pass): a CPU profile at 1,600 scopes puts about half the time in
  the parser and a quarter in garbage collection. The peak RSS (1.4 GB at 3,200 scopes, before and after)
  grows linearly and is mostly garbage of those parses: the same rewrite completes under \`--max-old-space-size=300\`
  (407 MB RSS, at twice the CPU for the extra collections).
- **Injected corpus** (bench/inject.mjs, issue 15): a dangling \`else\` in \`children()\` never walked a node held in a
  single field (an export's declaration, a class body, a method's function), so inject() could change 815 of the
  2,817 files; 2,033 now, and the injected corpus is chosen among those.
- **Engine** (reliability): files with an unused \`eslint-disable\` comment (13 of the 400 injected files) or a
  \`/* eslint-env */\` comment failed with "cannot lint"; ESLint 10 reports both as problems without a rule id, and
  the second as fatal. Only a missing SourceCode now means a parse error.
- **Per traced file** (issue 15; src/codemods/fix-order.ts, src/cli/reparse.ts, src/fixes/exit-fix.ts): a CPU profile
  of \`traced-exit fix --dry-run\` on the injected corpus put ~70 % in ESLint's \`verify\` (parsing, scope analysis,
  traversal; our rules ~15 %), run 2.75 times a file, then 8 % in the re-parse before a write and ~17 % in garbage
  collection. (1) In 249 of the 400 files no-process-exit's and require-span-error-recording's fixes cover the same
  range (the helpers at the top to the end of the callback); the span fix won the tie, so the exit waited for a second
  pass. The exit's fix records the error on the span too, so it now goes first: 2.25 lints a file, outputs
  byte-identical. (2) The re-parse used \`@typescript-eslint/parser\`'s \`parse()\`, which always builds tokens,
  comments and a scope manager; typescript-estree's \`parse\` (the parser's own copy) checks the same syntax in about
  a third less time. (3) Measuring the other order found a real bug: the exit suggestion wrapped a recursive
  function's callback twice (\`recordSpanErrors(recordSpanErrors(…))\`, 2 of the 400 files). Before / after, one
  thread, 3 paired rounds on 2026-12-06 (machine load ~10 on 2 CPUs, so every figure is about 2x this page's others):
  33.7 s → 22.3 s CPU, paired ratio 0.65; per traced file, start-up taken out, 83.9 → 55.3 ms, against 1.45 ms for
  the jscodeshift no-op in the same rounds (57.8x → 38.2x). Left: 101 files still need a third lint, where a small
  exit fix (one statement replaced, nothing added at the top) sits inside the span fix's range; ESLint merges a fix's parts into one
  range, so the two cannot be applied together without re-deriving the parts. ESLint's own scope analysis spends
  ~10 % of the run copying visitor keys for every pattern (esrecurse), which no plugin option avoids.
- **Merged suggestions, split by their own edits** (issue 15; src/codemods/suggestion-parts.ts, src/codemods/combine.ts,
  src/codemods/lint-engine.ts): the engine's combination of overlapping suggestions (added for nested scopes, issue 14)
  line-diffed each suggestion as ESLint merges it, from the span helper at the top of the file down to the scope, and
  the flattened copies stayed alive with the pass's messages: about S² characters read and kept for S scopes. At
  9eaf22b a file of 3,200 scopes took 60.1 s CPU and 3.0 GB peak RSS, 12.3x the CPU of 800 (e822b33 had measured
  14.5 s and 1.39 GB before that combination); after a full collection, 1.96 GB was still live after the second lint.
  The engine now lints with a copy of each rule whose suggestions keep their unmerged edits, diffs only the lines
  around those edits (three lines of context) and finds taken edits in a sorted index. It also makes a Linter per lint
  (the one it kept held the last file's SourceCode, 250 MB after 3,200 scopes) and turns off typescript-eslint's node
  maps, which kept TypeScript's own tree alive for type-aware rules the engine does not run (60 MB at 3,200 scopes).
  Paired (table above; 3 rounds, one for the 60 s run): 3,200 scopes 60.1 s → 7.3 s CPU and 3,001 → 633 MB peak RSS; 800 scopes 4.8 → 2.5 s
  and 387 → 228 MB; 4x the scopes now costs 2.86x. Outputs are byte-identical on the codemod fixtures and the 400
  injected files (output hashes, passes and manual items), and splitting through the edits gives the edits of a diff
  of the whole fix for every suggestion of the fixtures, of the injected corpus (827) and of the accuracy corpus (33)
  (tests/codemods/suggestion-parts.test.ts checks the fixtures). The passes were not the cost: one rewrite pass (two
  lints) at 800 and 3,200 scopes and 801 lints for the 400 injected files, before and after. What is left: one lint of the
  3,200-scope file holds about 180 MB (typescript-estree's tree and tokens with ESLint's scope analysis ~150 MB, our
  rules' model ~26 MB); the rest of the peak RSS is garbage the collector has not yet taken.
`;
}

const LABELS = {
  cli: "`traced-exit fix --dry-run`",
  noop: "jscodeshift no-op (`--no-babel`)",
  "noop-babel": "jscodeshift no-op (babel on)",
  "parse-noop": "jscodeshift parse no-op (`--parser=tsx`)",
};

await main();
