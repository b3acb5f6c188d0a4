/**
 * The built CLI (`bin/traced-exit.js`, real engine, real git) on a temporary repository:
 * dirty-tree refusal, a dry run that writes nothing, a real run with its summary and exit
 * code, and a second run that changes nothing.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { gitEnv, makeTempDir, writeFiles } from "../cli/helpers";
import { CAUGHT_EXIT } from "../support/traced-sources";

const root = path.resolve(__dirname, "../..");
const bin = path.join(root, "bin/traced-exit.js");

const TASK = `import * as traceloop from "@traceloop/node-server-sdk";

export function load(): Promise<void> {
  return traceloop.withTask({ name: "load" }, async () => {
    if (!process.env.KEY) {
      process.exit(1);
    }
  });
}
`;
const PLAIN = `export const sum = (a: number, b: number) => a + b;\n`;
// Mentions an opener, so the prefilter lets it through to the parser, which fails.
const BROKEN = `import * as traceloop from "@traceloop/node-server-sdk";\nexport const x = traceloop.withTask(;\n`;

function run(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, "fix", "--quiet", ...args], { cwd, env: gitEnv(), encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync("git", args, { cwd, env: gitEnv(), encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe("traced-exit fix on a git repository", () => {
  const repo = makeTempDir("traced-exit-e2e-");
  writeFiles(repo, {
    "src/task.ts": TASK,
    "src/plain.ts": PLAIN,
    "src/caught.ts": CAUGHT_EXIT,
    // Never entered, even when not ignored.
    "src/node_modules/dep/index.js": TASK,
    ".gitignore": "node_modules/\n",
  });
  git(repo, "init", "-q");
  git(repo, "add", "src", ".gitignore");
  git(repo, "commit", "-qm", "init");

  it("refuses to write while the tree has uncommitted changes under the paths", () => {
    writeFiles(repo, { "src/broken.ts": BROKEN });
    const result = run(repo, "src");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("src/broken.ts");
    expect(readFileSync(path.join(repo, "src/task.ts"), "utf8")).toBe(TASK);
    git(repo, "add", "src");
    git(repo, "commit", "-qm", "broken file");
  });

  it("prints a diff in a dry run and writes nothing", () => {
    const result = run(repo, "--dry-run", "src");
    expect(result.stdout).toContain("--- a/src/task.ts");
    expect(result.stdout).toContain("+      throw Object.assign(new Error(\"process.exit() in task 'load'\"), { exitCode: 1 });");
    expect(result.stdout).toContain("recordSpanErrors(async () => {");
    expect(git(repo, "status", "--porcelain")).toBe("");
    // The unparsable file fails in a dry run too.
    expect(result.code).toBe(1);
  });

  it("rewrites, reports manual review and failures, and exits 1 for the file that failed", () => {
    const plainBefore = readFileSync(path.join(repo, "src/plain.ts"));
    const result = run(repo, "src");
    expect(result.code).toBe(1);
    // caught.ts: its task callback is wrapped so the span records errors, but the exit inside a try/catch is left to a human.
    expect(git(repo, "status", "--porcelain")).toBe(" M src/caught.ts\n M src/task.ts\n");
    expect(readFileSync(path.join(repo, "src/caught.ts"), "utf8")).toContain("      process.exit(1);");
    expect(readFileSync(path.join(repo, "src/plain.ts")).equals(plainBefore)).toBe(true);
    expect(readFileSync(path.join(repo, "src/broken.ts"), "utf8")).toBe(BROKEN);
    expect(readFileSync(path.join(repo, "src/node_modules/dep/index.js"), "utf8")).toBe(TASK);
    expect(result.stdout).toMatch(/scanned\s+4/u);
    expect(result.stdout).toMatch(/changed\s+2/u);
    // Positions are in the written file, which gained the helpers above the task.
    expect(result.stdout).toMatch(/src\/caught\.ts:\d+:7 +process\.exit\(\) inside task 't'/u);
    expect(result.stdout).toContain("src/broken.ts");
    const fixed = readFileSync(path.join(repo, "src/task.ts"), "utf8");
    expect(fixed).toContain('import { SpanStatusCode, trace } from "@opentelemetry/api";');
    expect(fixed).toContain("function recordSpanErrors<F extends");
  });

  it("changes nothing on a second run", () => {
    git(repo, "commit", "-qam", "fixed");
    writeFileSync(path.join(repo, "src/broken.ts"), "export const x = 1;\n");
    git(repo, "commit", "-qam", "repair the broken file");
    const result = run(repo, "src");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/changed\s+0/u);
    expect(git(repo, "status", "--porcelain")).toBe("");
  });
});

describe("traced-exit fix --settings", () => {
  const dir = makeTempDir("traced-exit-settings-");
  const source = `export const job = (runner: { runTraced(name: string, fn: () => void): void }) =>\n  runner.runTraced("nightly", () => {\n    process.exit(1);\n  });\n`;
  writeFiles(dir, {
    "job.ts": source,
    "settings.json": JSON.stringify({ wrappers: [{ method: "runTraced", callback: "last", kind: "job", recordsErrors: true }] }),
    "bad-settings.json": JSON.stringify({ wrappers: [{ method: "runTraced", callback: -1 }] }),
  });

  it("rewrites exits inside the user's own wrappers", () => {
    const result = run(dir, "--force", "--settings", "settings.json", "job.ts");
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(dir, "job.ts"), "utf8")).toContain(`throw Object.assign(new Error("process.exit() in job 'nightly'"), { exitCode: 1 });`);
  });

  it("refuses invalid settings with the reason, touching nothing", () => {
    writeFileSync(path.join(dir, "job.ts"), source);
    const result = run(dir, "--force", "--settings", "bad-settings.json", "job.ts");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("wrappers[0].callback must be a non-negative integer");
    expect(readFileSync(path.join(dir, "job.ts"), "utf8")).toBe(source);
  });
});

describe("what the built CLI loads", () => {
  // Runs the CLI in-process in a child Node and lists the modules it loaded. One thread (--cpus 1): with
  // workers the engine loads in them, where require.cache of the main thread does not show it.
  function loaded(cwd: string): { code: number; modules: string[] } {
    const script = `
      const { main } = require(${JSON.stringify(path.join(root, "dist/cli/index.js"))});
      main(["fix", "--dry-run", "--quiet", "--json", "--cpus", "1", "."]).then((code) => {
        process.stderr.write(JSON.stringify({ code, modules: Object.keys(require.cache) }));
      });`;
    const result = spawnSync(process.execPath, ["-e", script], { cwd, env: gitEnv(), encoding: "utf8" });
    return JSON.parse(result.stderr) as { code: number; modules: string[] };
  }
  const from = (modules: string[], pkg: string) => modules.filter((file) => file.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`));

  it("loads neither ESLint nor TypeScript when no file names a tracing API", () => {
    const dir = makeTempDir("traced-exit-lazy-");
    writeFiles(dir, { "src/plain.ts": PLAIN, "src/util.js": "module.exports = () => process.exit(1);\n" });
    const { code, modules } = loaded(dir);
    expect(code).toBe(0);
    expect(modules.some((file) => file.endsWith(path.join("dist", "codemods", "engine.js")))).toBe(true);
    expect(from(modules, "eslint")).toEqual([]);
    expect(from(modules, "typescript")).toEqual([]);
    expect(from(modules, "espree")).toEqual([]);
  });

  it("loads ESLint but not TypeScript for JavaScript files, and TypeScript for a TypeScript file", () => {
    const dir = makeTempDir("traced-exit-lazy-");
    writeFiles(dir, { "task.mjs": TASK.replace("(): Promise<void>", "()") });
    const js = loaded(dir);
    expect(js.code).toBe(0);
    expect(from(js.modules, "eslint").length).toBeGreaterThan(0);
    expect(from(js.modules, "typescript")).toEqual([]);
    writeFiles(dir, { "task.ts": TASK });
    expect(from(loaded(dir).modules, "typescript").length).toBeGreaterThan(0);
  });
});
