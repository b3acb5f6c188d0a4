// Rule time of traced-exit/no-process-exit beside unicorn/no-process-exit, from ESLint's
// own per-rule stats (the numbers `eslint --stats` prints), on real TypeScript files of the
// installed npm packages.
//
//   node --import tsx bench/rule-timing/run.mjs [--rounds 9] [--stress] [--list]
//
// The corpus is every .ts/.mts/.cts/.tsx file under node_modules that is not a declaration
// file, linted where it lies (no copy; an ignore pattern `!**/node_modules/` lets ESLint read them).
// Each round lints the whole corpus with a fresh ESLint instance and sums each rule's
// time over all files (create() included, since ESLint times it too); the report is the
// median over rounds. Rounds alternate the rules' order in the config.
//
// --stress: the same files, each given a Traceloop task with a process.exit() in it (an
// import at the top, a call at the end), linted from memory. Every file then takes our
// rule's full path (binding resolution, scopes, reach, suggestions) instead of the
// "no exit-like word" early return, and unicorn reports every file too.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import config, { RULES } from "./timing.config.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const NODE_MODULES = path.join(ROOT, "node_modules");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const ROUNDS = option("--rounds", 9);

const SOURCE = /\.(?:[cm]?ts|tsx)$/u;
const DECLARATION = /\.d\.[cm]?ts$|\.d\.tsx$/u;

/** Every TypeScript source file under node_modules, sorted; symlinks (.bin) are not followed. */
function corpus() {
  const files = [];
  const visit = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && SOURCE.test(entry.name) && !DECLARATION.test(entry.name)) files.push(full);
    }
  };
  visit(NODE_MODULES);
  return files.sort();
}

function packageOf(file) {
  const parts = path.relative(NODE_MODULES, file).split(path.sep);
  const at = parts.lastIndexOf("node_modules");
  const rest = at >= 0 ? parts.slice(at + 1) : parts;
  return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const STRESS = args.includes("--stress");
const INJECT_HEAD = 'import { withTask as benchTask } from "@traceloop/node-server-sdk";\n';
const INJECT_TAIL = '\nbenchTask({ name: "bench" }, () => {\n  process.exit(1);\n});\n';

async function lintAll(eslint, files) {
  if (!STRESS) return eslint.lintFiles(files);
  const results = [];
  for (const file of files) {
    const text = INJECT_HEAD + fs.readFileSync(file, "utf8") + INJECT_TAIL;
    results.push(...(await eslint.lintText(text, { filePath: file })));
  }
  return results;
}

async function round(files, order) {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: config.map((entry) => (entry.rules ? { ...entry, rules: Object.fromEntries(order.map((id) => [id, "error"])) } : entry)),
    // Un-ignore node_modules (ignored by default), where the corpus lies.
    ignorePatterns: ["!**/node_modules/"],
    stats: true,
    cache: false,
  });
  const results = await lintAll(eslint, files);
  const totals = Object.fromEntries(RULES.map((id) => [id, 0]));
  let fatal = 0;
  const reports = Object.fromEntries(RULES.map((id) => [id, 0]));
  for (const result of results) {
    if (!result.stats) throw new Error(`${result.filePath} was not linted: ${result.messages[0]?.message}`);
    if (result.messages.some((message) => message.fatal)) fatal++;
    for (const message of result.messages) if (message.ruleId in reports) reports[message.ruleId]++;
    for (const pass of result.stats?.times.passes ?? []) {
      for (const [id, time] of Object.entries(pass.rules ?? {})) if (id in totals) totals[id] += time.total;
    }
  }
  return { totals, fatal, reports, linted: results.length };
}

const files = corpus();
if (args.includes("--list")) {
  for (const file of files) console.log(path.relative(ROOT, file));
  process.exit(0);
}
const hashes = new Set(files.map((file) => createHash("sha1").update(fs.readFileSync(file)).digest("hex")));
const bytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
const packages = new Map();
for (const file of files) packages.set(packageOf(file), (packages.get(packageOf(file)) ?? 0) + 1);
const exitWords = files.filter((file) => /\b(?:exit|abort|kill|reallyExit)\b/u.test(fs.readFileSync(file, "utf8"))).length;

console.log(`corpus: ${files.length} TypeScript files (${hashes.size} distinct), ${(bytes / 1e6).toFixed(1)} MB, from ${packages.size} packages`);
console.log(`  ${[...packages].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, count]) => `${name} ${count}`).join(", ")}, …`);
console.log(`  ${exitWords} files contain an exit-like word (the rest skip the model)`);
console.log(`node ${process.version}, eslint ${ESLint.version}, rule from ${process.env.TRACED_EXIT_FROM === "dist" ? "dist" : "src (tsx)"}, ${ROUNDS} rounds${STRESS ? ", stress (a traced exit injected in every file)" : ""}\n`);

const samples = Object.fromEntries(RULES.map((id) => [id, []]));
let last;
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? RULES : [...RULES].reverse();
  last = await round(files, order);
  for (const id of RULES) samples[id].push(last.totals[id]);
  console.log(`round ${r + 1}: ${RULES.map((id) => `${id} ${last.totals[id].toFixed(1)} ms`).join(", ")}`);
}
console.log(`\nlinted ${last.linted} files, ${last.fatal} with a parse error (no rule ran on those)`);
console.log(`reports: ${RULES.map((id) => `${id} ${last.reports[id]}`).join(", ")}`);
console.log("\nmedian ms per rule over the corpus (min–max):");
for (const id of RULES) {
  const values = samples[id];
  console.log(`  ${id.padEnd(30)} ${median(values).toFixed(1).padStart(8)}   (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`);
}
// Both rules run in the same pass over the same ASTs, so a round's ratio is immune to the
// machine's load in that round; its median is the number to compare against the target (≤ 1).
const [ours, theirs] = RULES;
const ratios = samples[ours].map((value, index) => value / samples[theirs][index]);
console.log(`\n${ours} / ${theirs}, per round: median ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
