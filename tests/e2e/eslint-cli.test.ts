/**
 * The plugin under the ESLint CLI as users scale it: `--concurrency` (ESLint ≥ 9.34 lints on worker
 * threads, each importing the config file and so the plugin) and `--cache` (results kept per file,
 * which cross-file findings outlive). The built plugin (dist/), a config file as a user writes one,
 * the json formatter, ESLint 10 and ESLint 9.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { makeTempDir, plainEnv, writeFiles } from "../cli/helpers";

const root = path.resolve(__dirname, "../..");
const ESLINTS = {
  "ESLint 10": path.join(root, "node_modules/eslint/bin/eslint.js"),
  "ESLint 9": path.join(root, "node_modules/eslint-v9/bin/eslint.js"),
};
const url = (file: string) => JSON.stringify(pathToFileURL(file).href);
const PLUGIN = url(path.join(root, "dist/index.js"));
const TS_PARSER = url(require.resolve("@typescript-eslint/parser"));

/** ESLint's `--concurrency=auto` takes half of `os.availableParallelism()`: this preload makes it 8, as on an 8-CPU machine. */
const EIGHT_CPUS = `require("node:os").availableParallelism = () => 8;\n`;

interface LintRun {
  code: number | null;
  results: Array<{ filePath: string; messages: Array<{ ruleId: string | null; line: number; column: number; message: string }> }>;
  stderr: string;
}

function eslint(bin: string, cwd: string, args: string[], preload?: string): LintRun {
  const result = spawnSync(process.execPath, [...(preload ? ["--require", preload] : []), bin, "--format", "json", ...args], {
    cwd,
    // eslint:eslint's debug log says whether the run used worker threads.
    env: { ...plainEnv(), DEBUG: "eslint:eslint" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0 && result.status !== 1) throw new Error(`eslint exited ${result.status}: ${result.stderr}`);
  return { code: result.status, results: JSON.parse(result.stdout) as LintRun["results"], stderr: result.stderr };
}

const findings = (run: LintRun) =>
  run.results.flatMap((result) => result.messages.map((m) => `${path.basename(result.filePath)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`));

/** Sources with findings of every recommended rule, and one without any. */
const SOURCES: Array<(n: number) => string> = [
  (n) => `import * as traceloop from "@traceloop/node-server-sdk";
export function load${n}(): Promise<void> {
  return traceloop.withTask({ name: "load${n}" }, async () => {
    if (!process.env.KEY) process.exit(${n % 3});
  });
}
`,
  (n) => `const traceloop = require("@traceloop/node-server-sdk");
traceloop.initialize({ appName: "job${n}" });
async function main() {
  await traceloop.withWorkflow({ name: "nightly${n}" }, async () => {
    traceloop.withTask({ name: "send" }, async () => fetch("http://localhost/${n}"));
  });
}
main().catch(() => process.exit(1));
`,
  (n) => `import { trace } from "@opentelemetry/api";
const tracer = trace.getTracer("jobs");
export const job${n} = () =>
  tracer.startActiveSpan("job${n}", (span) => {
    if (process.argv.length > ${n}) process.exit(2);
    span.end();
  });
`,
  (n) => `export const sum${n} = (a, b) => a + b + ${n};\n`,
];

describe.each(Object.entries(ESLINTS))("%s --concurrency", (_name, bin) => {
  const dir = makeTempDir("traced-exit-concurrency-");
  const files: Record<string, string> = {
    "eslint.config.mjs": `import tracedExit from ${PLUGIN};
import tsParser from ${TS_PARSER};
export default [
  { files: ["**/*.ts"], languageOptions: { parser: tsParser } },
  tracedExit.configs.recommended,
];
`,
    "eight-cpus.cjs": EIGHT_CPUS,
  };
  // 120 files: over ESLint's 50 files per worker, so "auto" starts 3 workers on 8 CPUs.
  for (let index = 0; index < 120; index++) {
    const source = SOURCES[index % SOURCES.length] as (n: number) => string;
    files[`src/dir${index % 7}/file${index}.${index % 2 === 0 ? "ts" : "js"}`] = source(index);
  }
  writeFiles(dir, files);
  const single = eslint(bin, dir, ["--concurrency", "off", "src"]);

  it("finds every rule's problems single-threaded (the reference)", () => {
    expect(single.code).toBe(1);
    expect(single.stderr).toContain("Linting in single-thread mode.");
    expect(single.results).toHaveLength(120);
    const rules = new Set(single.results.flatMap((result) => result.messages.map((m) => m.ruleId)));
    expect([...rules].sort()).toEqual(["traced-exit/no-floating-promises", "traced-exit/no-process-exit", "traced-exit/require-flush-before-exit", "traced-exit/require-span-error-recording"]);
  });

  it.each([
    ["2", undefined, 2],
    ["auto", path.join(dir, "eight-cpus.cjs"), 3],
  ])("gives exactly the single-threaded findings with --concurrency=%s", (concurrency, preload, workers) => {
    const threaded = eslint(bin, dir, [`--concurrency=${concurrency}`, "src"], preload);
    expect(threaded.stderr).toContain(`Linting using ${workers} worker thread(s).`);
    expect(threaded.code).toBe(single.code);
    expect(threaded.results).toEqual(single.results);
    expect(findings(threaded).length).toBeGreaterThan(80);
  });
});

describe("eslint --cache with recommended-type-checked (findings across files)", () => {
  const dir = makeTempDir("traced-exit-cache-");
  const HELPER = `export function requireRegion(): string {\n  return process.env.AWS_REGION ?? "us-east-1";\n}\n`;
  const EXITING = `export function requireRegion(): string {\n  const region = process.env.AWS_REGION;\n  if (!region) process.exit(2);\n  return region;\n}\n`;
  writeFiles(dir, {
    "eslint.config.mjs": `import tracedExit from ${PLUGIN};
import tsParser from ${TS_PARSER};
export default [
  { files: ["**/*.ts"], languageOptions: { parser: tsParser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  tracedExit.configs["recommended-type-checked"],
];
`,
    "tsconfig.json": JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true }, include: ["src"] }),
    "src/region.ts": HELPER,
    "src/workflow.ts": `import * as traceloop from "@traceloop/node-server-sdk";
import { requireRegion } from "./region.js";

export function run(): Promise<string> {
  return traceloop.withWorkflow({ name: "rag" }, async () => requireRegion());
}
`,
  });
  // Only no-process-exit: require-span-error-recording also reports the Traceloop workflow, in any case.
  const lint = (...args: string[]) => findings(eslint(ESLINTS["ESLint 10"], dir, ["src", ...args])).filter((finding) => finding.includes("traced-exit/no-process-exit"));
  const REPORT = /^workflow\.ts:5:\d+ traced-exit\/no-process-exit requireRegion\(\) reaches process\.exit\(\) in region\.ts:3/u;
  // The exit's own report, naming the call in the other file's span (src/scopes/reached-from-importers.ts).
  const EXIT_REPORT = /^region\.ts:3:\d+ traced-exit\/no-process-exit process\.exit\(\) is reached from requireRegion\(\) at workflow\.ts:5/u;

  it("keeps a stale result for a file whose finding comes from a file that changed", () => {
    expect(lint("--cache")).toEqual([]);
    // Only region.ts changes: workflow.ts's content and the config are what they were, so ESLint reuses its cached,
    // empty result; region.ts itself is linted again and reports its new exit.
    fs.writeFileSync(path.join(dir, "src/region.ts"), EXITING);
    const cached = lint("--cache");
    expect(cached).toHaveLength(1);
    expect(cached[0]).toMatch(EXIT_REPORT);
    // Dropped cache (what docs/rules/no-process-exit.md advises after another file changed): the call is reported again …
    fs.rmSync(path.join(dir, ".eslintcache"));
    const recomputed = lint("--cache");
    expect(recomputed).toHaveLength(2);
    expect(recomputed[0]).toMatch(EXIT_REPORT);
    expect(recomputed[1]).toMatch(REPORT);
    // … as a run without the cache reports it.
    expect(lint()).toEqual(recomputed);
  });
});
