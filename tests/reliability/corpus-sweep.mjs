// Reliability sweep over every .js/.ts/.mjs/.cjs/.tsx file under node_modules (the
// installed dev dependencies and theirs): real code nobody here wrote.
//
//   npm run test:corpus                        (builds, then runs this; exits 1 on any failure)
//   node tests/reliability/corpus-sweep.mjs [--limit N] [--inject-every N] [--workers N] [--json out.json]
//
// For each file:
//   1. lint with every rule in plugin.rules: a rule must never throw. A fatal parse error is
//      counted (by extension), not a failure: real packages ship Flow, JSX in .js, etc.
//   2. the codemod's text prefilter must never skip a file any rule reports on.
//   3. the codemod engine (dry run: nothing is written) when the prefilter lets the file in:
//      it may throw only "cannot parse" (the CLI reports it as a failed file); its output
//      must re-parse with the file's extension, a second pass must change nothing, and the
//      rules must report nothing fixable on it.
//   4. every Nth file that is not a declaration file also gets a traced scope with an exit
//      injected into its first function (bench/inject.mjs); the engine must rewrite it, under
//      the same checks as 3.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const SOURCE = /\.(?:js|ts|mjs|cjs|tsx)$/u;
const DECLARATION = /\.d\.[cm]?ts$/u;
const MAX_INJECT_BYTES = 1_000_000;
/** Injected files the rules may legitimately not report on (a reassigned `process`, `/* eslint-disable *\/`). */
const UNREPORTED_SHARE = 0.02;

function option(args, name, fallback) {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
}

function listFiles() {
  const files = [];
  const visit = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      // Symlinks (node_modules/.bin) are not followed: every real file is reached directly.
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && SOURCE.test(entry.name)) files.push(full);
    }
  };
  visit(path.join(ROOT, "node_modules"));
  return files.sort();
}

// ---------------------------------------------------------------------------------------------
// Worker: checks one file at a time.

async function workerMain() {
  const { Linter } = require("eslint");
  const plugin = require(path.join(ROOT, "dist/index.js"));
  const { createEngine } = require(path.join(ROOT, "dist/codemods/engine.js"));
  const { languageOptionsFor } = require(path.join(ROOT, "dist/codemods/lint-engine.js"));
  const { parseModesFor } = require(path.join(ROOT, "dist/codemods/parse-modes.js"));
  const { findSyntaxError } = require(path.join(ROOT, "dist/cli/reparse.js"));
  const { inject } = await import(pathToFileURL(path.join(ROOT, "bench/inject.mjs")).href);
  const linter = new Linter({ configType: "flat" });
  const engine = createEngine();
  const ruleIds = Object.keys(plugin.rules).map((id) => `traced-exit/${id}`);
  const { injectEvery } = workerData;

  const configFor = (file, mode) => [
    {
      files: ["**/*"],
      plugins: { "traced-exit": plugin },
      languageOptions: languageOptionsFor(file, mode),
      // Every rule runs on every file, whatever the file's own `eslint-disable` comments say.
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
      rules: Object.fromEntries(ruleIds.map((id) => [id, "error"])),
    },
  ];
  /** Parsed the first way that works, as the engine does (espree for JavaScript, then typescript-eslint's parser). */
  const lint = (text, file, filename = path.basename(file)) => {
    let messages = [];
    for (const mode of parseModesFor(file)) {
      messages = linter.verify(text, configFor(file, mode), { filename });
      if (linter.getSourceCode()) break;
    }
    return messages;
  };

  /** The checks on one engine run; returns failure strings. */
  const checkEngineOutput = (file, text, what) => {
    const failures = [];
    let result;
    try {
      result = engine.transform(text, file);
    } catch (error) {
      const message = String(error?.message ?? error);
      if (message.startsWith("cannot parse")) return { failures, outcome: "parse-failure", reason: message };
      return { failures: [`${what}: engine threw: ${error?.stack ?? message}`], outcome: "crash" };
    }
    for (const item of result.manual) {
      if (item.reason.startsWith("not rewritten after")) failures.push(`${what}: did not converge: ${item.line}:${item.column} ${item.reason}`);
    }
    if (result.output === undefined) return { failures, outcome: result.manual.length > 0 ? "manual" : "unchanged" };
    const syntaxError = findSyntaxError(result.output, file, text);
    if (syntaxError) failures.push(`${what}: output does not parse: ${syntaxError}`);
    else {
      let second;
      try {
        second = engine.transform(result.output, file);
      } catch (error) {
        failures.push(`${what}: second pass threw: ${error?.message ?? error}`);
      }
      if (second?.output !== undefined) failures.push(`${what}: second pass changed the output again`);
      // Linted at the file's own path, as the engine lints it: whether a throw may replace an exit depends on the
      // files of the package that import this one (src/scopes/importing-callers.ts), which a bare name cannot find.
      const left = lint(result.output, file, file).filter((message) => message.ruleId?.startsWith("traced-exit/") && message.suggestions?.length);
      for (const message of left) failures.push(`${what}: fixable finding left in the output: ${message.line}:${message.column} ${message.ruleId} ${message.message}`);
    }
    return { failures, outcome: "changed", manual: result.manual.length };
  };

  parentPort.on("message", ({ index, file }) => {
    const started = performance.now();
    const report = { index, file, failures: [], findings: 0, findingList: [] };
    try {
      const buffer = fs.readFileSync(file);
      const text = buffer.toString("utf8");
      // 1. the rules never throw
      let messages;
      try {
        messages = lint(text, file);
      } catch (error) {
        report.failures.push(`rules threw: ${error?.stack ?? error}`);
        messages = [];
      }
      const fatal = messages.find((message) => message.fatal);
      if (fatal) report.parseFailure = `${fatal.line}:${fatal.column} ${fatal.message}`;
      const findings = messages.filter((message) => message.ruleId?.startsWith("traced-exit/"));
      report.findings = findings.length;
      report.findingList = findings.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
      // 2. the prefilter never hides a finding
      const passes = engine.mightChange(text);
      if (!passes && findings.length > 0) {
        report.failures.push(`prefilter skipped a file with findings: ${findings.map((m) => `${m.line}:${m.column} ${m.ruleId}`).join(", ")}`);
      }
      // 3. the engine, as `traced-exit fix --dry-run` runs it (declaration files are never discovered)
      if (passes && !DECLARATION.test(file) && Buffer.from(text, "utf8").equals(buffer)) {
        const checked = checkEngineOutput(file, text, "engine");
        report.engine = checked.outcome;
        if (checked.reason) report.engineParseFailure = checked.reason;
        report.failures.push(...checked.failures);
      }
      // 4. an injected traced scope with an exit must be rewritten
      if (injectEvery > 0 && index % injectEvery === 0 && !DECLARATION.test(file) && !fatal && buffer.length <= MAX_INJECT_BYTES) {
        const injected = inject(text, file, index);
        if (injected !== undefined) {
          // Reproduce with: inject(text, file, index) from bench/inject.mjs.
          const what = `injected (bench/inject.mjs index ${index})`;
          const checked = checkEngineOutput(file, injected, what);
          report.injected = checked.outcome;
          report.failures.push(...checked.failures);
          if (checked.outcome === "crash" || checked.outcome === "parse-failure") report.failures.push(`${what}: ${checked.outcome} ${checked.reason ?? ""}`);
          // No finding at all: the file reassigns `process`, or disables the rules with `/* eslint-disable */`.
          // Counted, and a failure only when it is more than a few files (see UNREPORTED_SHARE).
        }
      }
    } catch (error) {
      report.failures.push(`sweep error: ${error?.stack ?? error}`);
    }
    report.ms = performance.now() - started;
    parentPort.postMessage(report);
  });
  parentPort.postMessage({ ready: true });
}

// ---------------------------------------------------------------------------------------------
// Main: hands out files, aggregates, prints, exits non-zero on any failure.

async function main() {
  const args = process.argv.slice(2);
  const limit = Number(option(args, "--limit", "0"));
  const injectEvery = Number(option(args, "--inject-every", "8"));
  const workers = Number(option(args, "--workers", String(Math.max(1, os.availableParallelism?.() ?? os.cpus().length))));
  // The summary also goes where `npm run bench` picks it up for docs/benchmarks.md.
  const explicitJson = option(args, "--json", undefined);
  for (const built of ["dist/index.js", "dist/codemods/engine.js", "dist/codemods/lint-engine.js"]) {
    if (!fs.existsSync(path.join(ROOT, built))) throw new Error(`${built} is missing: run npm run build first`);
  }
  const only = option(args, "--only", undefined);
  const all = listFiles();
  // Indexes stay those of the full list, so an injected failure reproduces with --only.
  let files = all.map((file, index) => ({ file, index }));
  if (only) files = files.filter(({ file }) => file.includes(only));
  if (limit > 0) files = files.filter((_, i) => i % Math.ceil(files.length / limit) === 0);
  const started = performance.now();
  const totals = {
    files: files.length,
    byExtension: {},
    parseFailures: {},
    findings: 0,
    filesWithFindings: 0,
    engine: { run: 0, changed: 0, unchanged: 0, manual: 0, "parse-failure": 0, crash: 0 },
    injected: { run: 0, changed: 0, unchanged: 0, manual: 0, "parse-failure": 0, crash: 0 },
  };
  const failures = [];
  const slowest = [];
  const parseFailureSamples = [];
  const unreported = [];
  /** Every finding on the real files, to read: real code nobody here wrote, so each one is a true or a false positive. */
  const findingSamples = [];
  let next = 0;
  let done = 0;
  const relative = (file) => path.relative(ROOT, file);

  await new Promise((resolve, reject) => {
    let alive = 0;
    for (let w = 0; w < Math.min(workers, files.length); w++) {
      const worker = new Worker(fileURLToPath(import.meta.url), {
        workerData: { injectEvery },
        resourceLimits: { maxOldGenerationSizeMb: 6144 },
      });
      alive++;
      const feed = () => {
        if (next < files.length) {
          worker.postMessage(files[next++]);
        } else {
          void worker.terminate();
        }
      };
      worker.on("message", (report) => {
        if (report.ready) return feed();
        done++;
        const ext = path.extname(report.file);
        totals.byExtension[ext] = (totals.byExtension[ext] ?? 0) + 1;
        if (report.parseFailure) {
          totals.parseFailures[ext] = (totals.parseFailures[ext] ?? 0) + 1;
          if (parseFailureSamples.length < 10) parseFailureSamples.push(`${relative(report.file)}: ${report.parseFailure}`);
        }
        totals.findings += report.findings;
        if (report.findings > 0) totals.filesWithFindings++;
        for (const finding of report.findingList) if (findingSamples.length < 30) findingSamples.push(`${relative(report.file)}:${finding}`);
        if (report.engine) {
          totals.engine.run++;
          totals.engine[report.engine]++;
        }
        if (report.injected) {
          totals.injected.run++;
          totals.injected[report.injected]++;
          if (report.injected === "unchanged" && unreported.length < 10) unreported.push(relative(report.file));
        }
        for (const failure of report.failures) failures.push(`${relative(report.file)}: ${failure}`);
        slowest.push([report.ms, relative(report.file)]);
        slowest.sort((a, b) => b[0] - a[0]);
        slowest.length = Math.min(slowest.length, 5);
        if (done % 2000 === 0) console.error(`corpus sweep: ${done}/${files.length} files, ${failures.length} failures, ${((performance.now() - started) / 1000).toFixed(0)} s`);
        feed();
      });
      worker.on("error", (error) => reject(new Error(`a sweep worker died: ${error?.stack ?? error}`)));
      worker.on("exit", () => {
        if (--alive === 0) resolve();
      });
    }
  });

  const seconds = (performance.now() - started) / 1000;
  const parseFailureCount = Object.values(totals.parseFailures).reduce((a, b) => a + b, 0);
  const lines = [
    `corpus sweep: ${totals.files} files under node_modules in ${seconds.toFixed(0)} s (${workers} workers)`,
    `  by extension: ${Object.entries(totals.byExtension).sort().map(([ext, n]) => `${ext} ${n}`).join(", ")}`,
    `  parse failures (not errors of ours): ${parseFailureCount} ${JSON.stringify(totals.parseFailures)}`,
    `  rules: ${totals.findings} findings in ${totals.filesWithFindings} files, no rule threw${failures.some((f) => f.includes("rules threw")) ? " — EXCEPT SOME (see below)" : ""}`,
    `  engine (prefilter let ${totals.engine.run} files in): ${JSON.stringify(totals.engine)}`,
    `  injected (every ${injectEvery}th file): ${JSON.stringify(totals.injected)}`,
    `  slowest files: ${slowest.map(([ms, file]) => `${file} ${ms.toFixed(0)} ms`).join("; ")}`,
  ];
  console.log(lines.join("\n"));
  if (findingSamples.length) console.log(`  findings:\n    ${findingSamples.join("\n    ")}`);
  if (parseFailureSamples.length) console.log(`  parse failure samples:\n    ${parseFailureSamples.join("\n    ")}`);
  if (unreported.length) console.log(`  injected files with no finding (e.g. \`process\` reassigned, /* eslint-disable */):\n    ${unreported.join("\n    ")}`);
  if (totals.injected.unchanged > UNREPORTED_SHARE * totals.injected.run) {
    failures.push(`${totals.injected.unchanged} of ${totals.injected.run} injected files got no finding at all (more than ${UNREPORTED_SHARE * 100}%): the rules stopped seeing the injected scopes`);
  }
  const date = new Date().toISOString().slice(0, 10);
  const fullRun = limit === 0 && !only;
  const jsonOut = explicitJson ?? (fullRun && fs.existsSync(path.join(ROOT, "bench/.corpus")) ? path.join(ROOT, "bench/.corpus/sweep.json") : undefined);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ ...totals, date, seconds, workers, failures, slowest, findingSamples, parseFailureSamples, unreported }, null, 2));
  if (failures.length > 0) {
    console.log(`\n${failures.length} FAILURES:`);
    for (const failure of failures.slice(0, 100)) console.log(`  ${failure.split("\n").slice(0, 8).join("\n    ")}`);
    process.exitCode = 1;
  } else {
    console.log("corpus sweep: OK");
  }
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error?.stack ?? error);
    process.exitCode = 1;
  });
} else {
  await workerMain();
}
