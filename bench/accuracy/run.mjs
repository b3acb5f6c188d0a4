// Accuracy of the rules on real code nobody here wrote, against labels written by reading it.
//
//   npm run accuracy                      build, fetch the corpora, lint them, compare with the labels
//   node bench/accuracy/run.mjs [--corpus <package>] [--pass syntax-only|type-aware] [--unlabelled out.jsonl] [--json out.json]
//
// Two passes, each scored against the same labels and checked against its own floors:
//   syntax-only  configs.recommended, each file on its own (espree / typescript-eslint's parser)
//   type-aware   configs["recommended-type-checked"] with a TypeScript program over the corpus's files
//                (allowJs, a tsconfig generated in a temporary folder, never in the package), so the
//                rules follow calls into the package's other files
//
// bench/accuracy/manifest.json names each corpus: a published npm package at an exact version,
// the folders of its own files to lint, and the SDK it uses. The package is fetched with
// `npm pack` (its tarball only: its dependencies are never linted, so they are not installed) and
// unpacked into bench/.accuracy-corpus/ (gitignored), once. A corpus's `dependencies` (manifest) are the
// exception: packages whose code the rules read from node_modules, as they do in a user's project, are
// fetched the same way into the corpus's own node_modules (see installDependencies).
//
// bench/accuracy/labels.jsonl holds one verdict a line, keyed by corpus, file, rule, line and the
// text of that line:
//   label true    the finding is right (spans or their export really are lost there)
//   label false   the finding is wrong
//   label "miss"  nothing is reported there, and a rule should report (recall)
// A finding with no label fails the run: a new finding is read and labelled, never just counted.
// A `true` label whose finding is no longer reported counts as a miss.
//
// Test code (test/, __tests__/, spec/, e2e/, fixtures/, *.test.*, *.spec.*) is measured apart from
// production code: see docs/accuracy.md for what it is expected to get. The run fails (exit 1) on
// an unlabelled finding or when a rule's precision on production code is below its goal.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
export const CACHE = path.join(ROOT, "bench/.accuracy-corpus");
export const MANIFEST = path.join(HERE, "manifest.json");
export const LABELS = path.join(HERE, "labels.jsonl");
const DECLARATION = /\.d\.[cm]?ts$/u;
const TEST_PATH = /(?:^|\/)(?:test|tests|__tests__|__mocks__|spec|e2e|fixtures|__fixtures__)(?:\/|$)|\.(?:test|spec)\.[cm]?[jt]sx?$/u;
const TEXT_MAX = 160;

export const corpusId = (corpus) => `${corpus.package}@${corpus.version}`;
export const isTestPath = (file) => TEST_PATH.test(file);

/** A label's key: what identifies a finding across runs of the same pinned corpus. */
export const keyOf = ({ corpus, file, rule, line, text }) => [corpus, file, rule, line, text].join("\u0000");

/** The text of a finding's line, as a label records it: trimmed, and cut to a readable length. */
export const lineText = (line) => {
  const trimmed = line.trim();
  if (trimmed.length <= TEXT_MAX) return trimmed;
  return `${trimmed.slice(0, TEXT_MAX)}…#${createHash("sha1").update(trimmed).digest("hex").slice(0, 8)}`;
};

function option(args, name) {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

/** The package's folder in the cache, fetched and unpacked on first use. */
function fetchCorpus(corpus) {
  const dir = path.join(CACHE, corpusId(corpus).replaceAll("/", "+"));
  const done = path.join(dir, ".unpacked");
  if (fs.existsSync(done)) return path.join(dir, "package");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", dir, corpusId(corpus)], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const [{ filename }] = JSON.parse(out);
  execFileSync("tar", ["-xzf", path.join(dir, filename), "-C", dir]);
  fs.rmSync(path.join(dir, filename));
  fs.writeFileSync(done, "");
  return path.join(dir, "package");
}

/**
 * The corpus's `dependencies` (manifest), installed beside it as a user's project has them: each fetched with
 * `npm pack <name>@<version>` (the tarball only: no install scripts run, and its own dependencies are not installed)
 * and unpacked into `<package>/node_modules/<name>`, where Node's resolution from the corpus's files finds it. The
 * version must be the one the corpus's package.json pins (`"^0.37.2"` → `0.37.2`), the release it was built against.
 * A marker file lists what is installed, so a changed list installs again. `pinnedDependencies` checks the versions
 * against the corpus's package.json (throws on another one); `installDependencies` returns the list (empty: nothing).
 */
export function pinnedDependencies(corpus, packageJson) {
  const pins = packageJson.dependencies ?? {};
  return (corpus.dependencies ?? []).map(({ name, version }) => {
    const pinned = pins[name]?.replace(/^[\^~=]/u, "");
    if (pinned !== version) throw new Error(`${corpusId(corpus)}: dependency ${name}@${version} is not the version its package.json pins (${pins[name] ?? "none"})`);
    return { name, version };
  });
}

function installDependencies(corpus, pkgDir) {
  const wanted = (corpus.dependencies ?? []).map(({ name, version }) => `${name}@${version}`).join("\n");
  const marker = path.join(pkgDir, "node_modules", ".traced-exit-dependencies");
  if ((fs.existsSync(marker) ? fs.readFileSync(marker, "utf8") : "") === wanted) return wanted;
  for (const { name, version } of pinnedDependencies(corpus, JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")))) {
    const dest = path.join(pkgDir, "node_modules", ...name.split("/"));
    fs.rmSync(dest, { recursive: true, force: true });
    fs.mkdirSync(dest, { recursive: true });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "traced-exit-dependency-"));
    try {
      const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp, `${name}@${version}`], { cwd: tmp, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
      const [{ filename }] = JSON.parse(out);
      execFileSync("tar", ["-xzf", path.join(tmp, filename), "-C", dest, "--strip-components=1"]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, wanted);
  return wanted;
}

/**
 * The package as its sources: a copy without the declaration files tsc emitted next to the JavaScript
 * (`cli.d.ts` beside `cli.js`). TypeScript resolves `import "./cli.js"` to the declaration when there is one,
 * and a declaration has no bodies, so with them the program would follow no call into another file, where
 * the project a user lints has its sources there instead. The copy is in bench/.accuracy-sources/ (gitignored),
 * under this repository as the cache is, so the SDK versions the rules read for it (the nearest node_modules
 * up the tree) are the same.
 */
export const SOURCES = path.join(ROOT, "bench/.accuracy-sources");
export function sourcesOnly(pkgDir, dependencies = "") {
  const dir = path.join(SOURCES, path.basename(path.dirname(pkgDir)));
  const done = path.join(dir, ".copied");
  // The marker holds the installed dependencies the copy was made with: a copy made before them is made again.
  if (fs.existsSync(done) && fs.readFileSync(done, "utf8") === dependencies) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(pkgDir, dir, { recursive: true, filter: (source) => !DECLARATION.test(source) });
  fs.writeFileSync(done, dependencies);
  return dir;
}

function listFiles(pkgDir, corpus) {
  const only = new RegExp(corpus.only, "u");
  const files = [];
  const visit = (full) => {
    const stat = fs.statSync(full);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) if (name !== "node_modules") visit(path.join(full, name));
    } else if (only.test(full) && !DECLARATION.test(full)) {
      files.push(full);
    }
  };
  for (const include of corpus.include) visit(path.join(pkgDir, include));
  return [...new Set(files)];
}

/** The two passes: which config, and whether the files are linted with a TypeScript program. */
export const PASSES = {
  "syntax-only": { config: "recommended", typed: false },
  "type-aware": { config: "recommended-type-checked", typed: true },
};

/**
 * The tsconfig of a corpus's TypeScript program: exactly the linted files (JavaScript included, not
 * type-checked), resolved as a bundler resolves them, so `require("./x")`, `import "./x.js"` and
 * extensionless specifiers all reach the package's own files. No `@types` are loaded (`types: []`): the
 * package's dependencies are not installed, and Node's `process` is then the undeclared global, which is
 * what the rules take it for.
 */
export function programConfig(files) {
  return {
    compilerOptions: {
      allowJs: true,
      checkJs: false,
      noEmit: true,
      skipLibCheck: true,
      target: "ES2022",
      module: "preserve",
      moduleResolution: "bundler",
      resolveJsonModule: true,
      jsx: "preserve",
      types: [],
    },
    files,
  };
}

/** The config a user of the plugin writes: configs.recommended, espree for JavaScript, typescript-eslint's parser for TypeScript. */
export function lintConfig(plugin, tsParser, commonjs, project) {
  if (project !== undefined) {
    // Type-aware: every file goes through typescript-eslint's parser, with the program of `project`.
    const languageOptions = (sourceType) => ({ parser: tsParser, sourceType, parserOptions: { project, tsconfigRootDir: path.dirname(project), ecmaFeatures: { jsx: true } } });
    return [
      { files: ["**/*.{js,jsx}"], languageOptions: languageOptions(commonjs ? "commonjs" : "module") },
      { files: ["**/*.{mjs,ts,tsx,mts}"], languageOptions: languageOptions("module") },
      { files: ["**/*.{cjs,cts}"], languageOptions: languageOptions("commonjs") },
      { linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" } },
      plugin.configs["recommended-type-checked"],
    ];
  }
  return [
    { files: ["**/*.{js,mjs,cjs,jsx}"], languageOptions: { ecmaVersion: "latest", sourceType: commonjs ? "commonjs" : "module" } },
    { files: ["**/*.mjs"], languageOptions: { sourceType: "module" } },
    { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" } },
    { files: ["**/*.{ts,tsx,mts,cts}"], languageOptions: { parser: tsParser, parserOptions: { ecmaFeatures: { jsx: true } } } },
    // Inline `eslint-disable` comments of the corpus would hide findings from the measurement.
    { linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" } },
    plugin.configs.recommended,
  ];
}

async function lintCorpus(corpus, mods, pass) {
  const pkgDir = fetchCorpus(corpus);
  const dependencies = installDependencies(corpus, pkgDir);
  // `sourceType` in the manifest for a build whose nearest package.json says `"type": "module"` (Sentry's build/esm).
  const commonjs = (corpus.sourceType ?? JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")).type) !== "module";
  const typed = PASSES[pass].typed;
  const lintDir = typed ? sourcesOnly(pkgDir, dependencies) : pkgDir;
  const files = listFiles(lintDir, corpus);
  // The generated tsconfig lives in a temporary folder: the cached package stays as npm unpacked it.
  const tmp = typed ? fs.mkdtempSync(path.join(os.tmpdir(), "traced-exit-accuracy-")) : undefined;
  const project = tmp && path.join(tmp, "tsconfig.json");
  if (project) fs.writeFileSync(project, JSON.stringify(programConfig(files), null, 1));
  const eslint = new mods.ESLint({ cwd: lintDir, overrideConfigFile: true, overrideConfig: lintConfig(mods.plugin, mods.tsParser, commonjs, project), ignore: false });
  let results;
  try {
    results = await eslint.lintFiles(files);
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    // typescript-eslint keeps every program it built for the process's life: one per corpus would fill the heap.
    if (typed) mods.clearCaches();
  }
  const findings = [];
  const parseErrors = [];
  for (const result of results) {
    const file = path.relative(lintDir, result.filePath).split(path.sep).join("/");
    const lines = fs.readFileSync(result.filePath, "utf8").split(/\r?\n/u);
    for (const message of result.messages) {
      if (message.fatal) {
        parseErrors.push(`${corpusId(corpus)} ${file}:${message.line}: ${message.message}`);
        continue;
      }
      if (!message.ruleId?.startsWith("traced-exit/")) continue;
      findings.push({
        corpus: corpusId(corpus),
        file,
        rule: message.ruleId.slice("traced-exit/".length),
        line: message.line,
        text: lineText(lines[message.line - 1] ?? ""),
        message: message.message,
        test: isTestPath(file),
      });
    }
  }
  return { files: files.length, testFiles: files.filter((file) => isTestPath(path.relative(lintDir, file).split(path.sep).join("/"))).length, parseErrors, findings };
}

export function readLabels(file = LABELS) {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      const label = JSON.parse(line);
      if (![true, false, "miss"].includes(label.label) || typeof label.reason !== "string" || label.reason.trim() === "") {
        throw new Error(`${path.relative(ROOT, file)}:${index + 1}: a label is true, false or "miss", with a reason`);
      }
      return label;
    });
}

/** Counts per group: true and false findings, misses; precision and recall from them. */
function newCounts() {
  return { tp: 0, fp: 0, fn: 0, unlabelled: 0 };
}
const ratio = (a, b) => (b === 0 ? null : a / b);
const pct = (value) => (value === null ? "   —  " : `${(value * 100).toFixed(1).padStart(5)}%`);

/**
 * Joins findings with labels. A finding is true or false by its label; a "miss" label that is now
 * reported counts as true; a `true` label no longer reported counts as a miss.
 */
export function score(findings, labels, corpora) {
  const byKey = new Map(labels.map((label) => [keyOf(label), label]));
  const reported = new Set(findings.map(keyOf));
  const sdkOf = new Map(corpora.map((corpus) => [corpusId(corpus), corpus.sdk]));
  const groups = new Map();
  const bump = (names, field) => {
    for (const name of names) {
      if (!groups.has(name)) groups.set(name, newCounts());
      groups.get(name)[field] += 1;
    }
  };
  const groupNames = ({ rule, corpus, file }) => {
    const part = isTestPath(file) ? "test" : "production";
    return [`rule\u0000${rule}\u0000${part}`, `corpus\u0000${corpus}\u0000${part}`, `sdk\u0000${sdkOf.get(corpus)}\u0000${part}`, `all\u0000all\u0000${part}`];
  };
  const unlabelled = [];
  const nowFound = [];
  for (const finding of findings) {
    const label = byKey.get(keyOf(finding));
    if (label === undefined) {
      unlabelled.push(finding);
      bump(groupNames(finding), "unlabelled");
    } else {
      if (label.label === "miss") nowFound.push(finding);
      bump(groupNames(finding), label.label === false ? "fp" : "tp");
    }
  }
  const gone = [];
  for (const label of labels) {
    if (reported.has(keyOf(label))) continue;
    if (label.label === true || label.label === "miss") bump(groupNames(label), "fn");
    if (label.label !== "miss") gone.push(label);
  }
  return { groups, unlabelled, nowFound, gone };
}

/** One row per name and part; `always` prints a row with zeros where nothing was found (each rule, in production code). */
function table(groups, kind, rows, always = false) {
  const lines = [`| ${kind} | part | true | false | missed | unlabelled | precision | recall |`, "|---|---|---:|---:|---:|---:|---:|---:|"];
  for (const name of rows) {
    for (const part of ["production", "test"]) {
      const c = groups.get(`${kind}\u0000${name}\u0000${part}`) ?? (always && part === "production" ? newCounts() : undefined);
      if (c === undefined) continue;
      lines.push(`| ${name} | ${part} | ${c.tp} | ${c.fp} | ${c.fn} | ${c.unlabelled} | ${pct(ratio(c.tp, c.tp + c.fp))} | ${pct(ratio(c.tp, c.tp + c.fn))} |`);
    }
  }
  return lines.join("\n");
}

/**
 * The floors a pass fails below, from the manifest: `goals[pass].precision[rule]` and `.recall[rule]` on
 * production code. A rule with no finding and no miss has no ratio and passes.
 */
export function belowFloors(groups, rules, goals) {
  const failures = [];
  for (const rule of rules) {
    const c = groups.get(`rule\u0000${rule}\u0000production`) ?? newCounts();
    for (const [measure, value] of [
      ["precision", ratio(c.tp, c.tp + c.fp)],
      ["recall", ratio(c.tp, c.tp + c.fn)],
    ]) {
      const goal = goals?.[measure]?.[rule] ?? 0;
      if (value !== null && value < goal) failures.push(`${rule}: ${measure} on production code ${pct(value).trim()} is below its floor ${pct(goal).trim()}`);
    }
  }
  return failures;
}

async function runPass(pass, corpora, labels, mods, manifest, checkFloors) {
  const start = performance.now();
  const findings = [];
  const parseErrors = [];
  console.log(`\n## Pass: ${pass} (configs${PASSES[pass].typed ? '["recommended-type-checked"], a TypeScript program per corpus' : ".recommended, file by file"})\n`);
  console.log("| corpus | SDK | kind | files | of them test | parse errors | findings | seconds |\n|---|---|---|---:|---:|---:|---:|---:|");
  for (const corpus of corpora) {
    const begun = performance.now();
    const result = await lintCorpus(corpus, mods, pass);
    findings.push(...result.findings);
    parseErrors.push(...result.parseErrors);
    console.log(`| ${corpusId(corpus)} | ${corpus.sdk} | ${corpus.kind} | ${result.files} | ${result.testFiles} | ${result.parseErrors.length} | ${result.findings.length} | ${((performance.now() - begun) / 1000).toFixed(1)} |`);
  }
  const ids = new Set(corpora.map(corpusId));
  const { groups, unlabelled, nowFound, gone } = score(findings, labels, corpora);
  const rules = Object.keys(mods.plugin.rules).sort();
  console.log(`\nPer rule (${pass})\n${table(groups, "rule", rules, true)}`);
  console.log(`\nPer corpus (${pass})\n${table(groups, "corpus", [...ids])}`);
  console.log(`\nPer SDK (${pass})\n${table(groups, "sdk", [...new Set(corpora.map((corpus) => corpus.sdk))])}`);
  console.log(`\nAll (${pass})\n${table(groups, "all", ["all"])}`);
  // A file that does not parse is not measured (ESLint's default parser, as users run it).
  for (const error of parseErrors) console.log(`not parsed (${pass}): ${error}`);
  for (const finding of nowFound) console.log(`now reported (${pass}; was a labelled miss): ${finding.corpus} ${finding.file}:${finding.line} ${finding.rule}`);
  for (const label of gone) console.log(`no longer reported (${pass}; labelled ${label.label}): ${label.corpus} ${label.file}:${label.line} ${label.rule}`);
  const failures = [];
  if (unlabelled.length > 0) {
    failures.push(`${unlabelled.length} finding(s) have no label`);
    console.log(`\n${unlabelled.length} finding(s) of the ${pass} pass have no label; read each and add it to ${path.relative(ROOT, LABELS)}:`);
    for (const finding of unlabelled) console.log(`  ${finding.corpus} ${finding.file}:${finding.line} ${finding.rule}: ${finding.text}\n      ${finding.message}`);
  }
  if (checkFloors) failures.push(...belowFloors(groups, rules, manifest.goals[pass]));
  for (const failure of failures) console.log(`${pass}: ${failure}`);
  console.log(`\n${pass}: ${findings.length} findings in ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return { findings, groups, unlabelled, failed: failures.length > 0 };
}

async function main() {
  const args = process.argv.slice(2);
  const manifest = JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
  const only = option(args, "--corpus");
  const onlyPass = option(args, "--pass");
  if (onlyPass !== undefined && !(onlyPass in PASSES)) throw new Error(`--pass is one of ${Object.keys(PASSES).join(", ")}`);
  const corpora = manifest.corpora.filter((corpus) => only === undefined || corpus.package === only);
  const mods = {
    ESLint: require("eslint").ESLint,
    tsParser: require("@typescript-eslint/parser"),
    clearCaches: require("@typescript-eslint/typescript-estree").clearCaches,
    plugin: require(path.join(ROOT, "dist/index.js")),
  };
  const ids = new Set(corpora.map(corpusId));
  const labels = readLabels().filter((label) => ids.has(label.corpus));
  const start = performance.now();
  let failed = false;
  const json = {};
  const unlabelled = new Map();
  for (const pass of onlyPass === undefined ? Object.keys(PASSES) : [onlyPass]) {
    const result = await runPass(pass, corpora, labels, mods, manifest, only === undefined);
    failed ||= result.failed;
    json[pass] = { findings: result.findings, groups: Object.fromEntries(result.groups) };
    for (const finding of result.unlabelled) unlabelled.set(keyOf(finding), finding);
  }
  const out = option(args, "--unlabelled");
  if (out !== undefined && unlabelled.size > 0) {
    fs.writeFileSync(out, [...unlabelled.values()].map(({ corpus, file, rule, line, text, message }) => JSON.stringify({ corpus, file, rule, line, text, message, label: null, reason: "" })).join("\n") + "\n");
  }
  const jsonOut = option(args, "--json");
  if (jsonOut !== undefined) fs.writeFileSync(jsonOut, JSON.stringify(json, null, 1));
  console.log(`\nwhole run: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
