/**
 * `traced-exit fix --cpus 2` (worker threads) against `--cpus 1` (in-process): the built CLI, the real
 * engine, on the same tree of traced, plain, manual-review and broken files. Output, written files and
 * exit codes must be the same, byte for byte.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/cli/engine";
import { runFix } from "../../src/cli/fix";
import { createEngine } from "../../src/codemods/engine";
import { captureIo, gitEnv, initRepo, makeTempDir, writeFiles } from "../cli/helpers";
import { CAUGHT_EXIT } from "../support/traced-sources";

const root = path.resolve(__dirname, "../..");
const bin = path.join(root, "bin/traced-exit.js");

const task = (name: string, code: number) => `import * as traceloop from "@traceloop/node-server-sdk";

export function ${name}(): Promise<void> {
  return traceloop.withTask({ name: "${name}" }, async () => {
    if (!process.env.KEY) {
      process.exit(${code});
    }
  });
}
`;
const SPAN = `import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("jobs");
export const job = () =>
  tracer.startActiveSpan("job", (span) => {
    if (process.argv.length > 5) process.exit(2);
    span.end();
  });
`;
// Names an opener, so the prefilter lets it through to the parser, which fails: exit code 1.
const BROKEN = `import * as traceloop from "@traceloop/node-server-sdk";\nexport const x = traceloop.withTask(;\n`;

/** A tree where files of each kind alternate, so both workers get traced files and failures. */
function tree(withBroken: boolean): Record<string, string> {
  const files: Record<string, string> = {
    "src/a/plain.ts": "export const sum = (a: number, b: number) => a + b;\n",
    "src/a/span.ts": SPAN,
    "src/b/caught.ts": CAUGHT_EXIT,
    "src/b/util.js": "module.exports = () => process.exit(1);\n",
    "src/c/job.mjs": task("job", 3).replace("(): Promise<void>", "()"),
    "src/c/legacy.cjs": `const traceloop = require("@traceloop/node-server-sdk");\nexports.go = () => traceloop.withWorkflow({ name: "go" }, () => { process.exit(0); });\n`,
  };
  for (let index = 1; index <= 6; index++) files[`src/tasks/t${index}.ts`] = task(`load${index}`, index);
  if (withBroken) files["src/b/broken.ts"] = BROKEN;
  return files;
}

function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, "fix", "--quiet", ...args], { cwd, env: gitEnv(), encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file under `dir` (but .git) with its content. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      if (entry.name === ".git") continue;
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return files;
}

function repoWith(files: Record<string, string>): string {
  const dir = makeTempDir("traced-exit-cpus-");
  writeFiles(dir, files);
  initRepo(dir);
  return dir;
}

describe("traced-exit fix --cpus 2 against --cpus 1", () => {
  it("prints the same dry-run diffs and summary, with the same exit code, when a file fails", () => {
    const dir = repoWith(tree(true));
    for (const format of [[], ["--json"]]) {
      const one = cli(dir, "--dry-run", "--cpus", "1", ...format);
      const two = cli(dir, "--dry-run", "--cpus", "2", ...format);
      expect(two.stdout).toBe(one.stdout);
      expect(two.code).toBe(one.code);
      expect(two.stderr).toBe(one.stderr);
    }
    const summary = JSON.parse(cli(dir, "--dry-run", "--cpus", "2", "--json").stdout) as Record<string, unknown>;
    // Not two empty runs: every kind of outcome is there.
    expect(summary).toMatchObject({ scanned: 13, unchanged: 2, exitCode: 1, failed: [{ file: "src/b/broken.ts" }] });
    expect(summary.changed).toEqual(["src/a/span.ts", "src/b/caught.ts", "src/c/job.mjs", "src/c/legacy.cjs", ...[1, 2, 3, 4, 5, 6].map((n) => `src/tasks/t${n}.ts`)]);
    expect(summary.manualReview).toEqual([expect.objectContaining({ file: "src/b/caught.ts" })]);
  });

  it("writes the same files, prints the same summary and exits with the same code", () => {
    for (const withBroken of [true, false]) {
      const files = tree(withBroken);
      const [one, two] = [repoWith(files), repoWith(files)];
      const first = cli(one, "--cpus", "1");
      const second = cli(two, "--cpus", "2");
      expect(second.stdout).toBe(first.stdout);
      expect(second.code).toBe(first.code);
      expect(second.code).toBe(withBroken ? 1 : 0);
      expect(snapshot(two)).toEqual(snapshot(one));
      expect(snapshot(two)["src/tasks/t4.ts"]).toContain("{ exitCode: 4 }");
      expect(snapshot(two)["src/a/plain.ts"]).toBe(files["src/a/plain.ts"]);
    }
  });

  it("refuses a bad --cpus value as a usage error", () => {
    const dir = repoWith(tree(false));
    for (const value of ["0", "-1", "two", "1.5"]) {
      const result = cli(dir, "--dry-run", "--cpus", value);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("expected a whole number of at least 1");
    }
  });
});

describe("runFix with workers", () => {
  it("rewrites in the worker threads only, with the outcome of an in-process run", async () => {
    const dir = repoWith(tree(true));
    const real = createEngine();
    // The main thread may only prefilter: a transform here would mean the workers were bypassed.
    const prefilterOnly: Engine = {
      mightChange: real.mightChange,
      transform: () => {
        throw new Error("transform ran on the main thread");
      },
    };
    const inProcess = await runFix({ dryRun: true, quiet: true }, real, captureIo(dir));
    const threaded = await runFix({ dryRun: true, quiet: true, workers: { cpus: 2 } }, prefilterOnly, captureIo(dir));
    expect(threaded).toEqual(inProcess);
    expect(threaded.summary?.changed).toHaveLength(10);
  });

  it("starts no worker when no file passes the prefilter", async () => {
    const dir = repoWith({ "src/plain.ts": "export const a = 1;\n" });
    const io = captureIo(dir);
    const report = await runFix({ dryRun: true, quiet: true, workers: { cpus: 2, engineOptions: { transforms: ["no-such-codemod"] } } }, createEngine(), io);
    // A worker would have failed to build an engine for the unknown codemod; none was started.
    expect(report.exitCode).toBe(0);
    expect(report.summary?.unchanged).toBe(1);
  });

  it("ends the run with the worker's error when a worker cannot build its engine", async () => {
    const dir = repoWith(tree(false));
    const run = runFix({ dryRun: true, quiet: true, workers: { cpus: 2, engineOptions: { transforms: ["no-such-codemod"] } } }, createEngine(), captureIo(dir));
    await expect(run).rejects.toThrow(/Unknown codemod "no-such-codemod"/u);
  });
});
