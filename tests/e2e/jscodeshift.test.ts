/**
 * The transforms as plain jscodeshift runs them (`jscodeshift --no-babel -t dist/codemods/<id>.js`):
 * the same output as the engine, untouched files left alone, user settings passed through, and
 * findings without a safe rewrite reported through jscodeshift's `api.report`.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CODEMODS, createEngine } from "../../src/codemods/engine";
import { makeTempDir, plainEnv, writeFiles } from "../cli/helpers";
import { CAUGHT_EXIT } from "../support/traced-sources";

const root = path.resolve(__dirname, "../..");
const jscodeshift = path.join(root, "node_modules/jscodeshift/bin/jscodeshift.js");

const TASK_TS = `import * as traceloop from "@traceloop/node-server-sdk";

export function load(): Promise<void> {
  return traceloop.withTask({ name: "load" }, async () => {
    if (!process.env.KEY) {
      console.error("KEY is not set");
      process.exit(1);
    }
  });
}
`;
const SPAN_MJS = `import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("jobs");

export function nightly() {
  return tracer.startActiveSpan("nightly", (span) => {
    if (!process.env.BUCKET) process.exit(2);
    span.end();
  });
}
`;
const PLAIN_JS = "module.exports = () => process.exit(1);\n";

function shift(transform: string, cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [jscodeshift, "--no-babel", "--run-in-band", "-t", path.join(root, "dist/codemods", `${transform}.js`), ...args], {
    cwd,
    env: plainEnv(),
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("jscodeshift -t dist/codemods/<id>.js", () => {
  it("exports every codemod as a jscodeshift transform", () => {
    for (const id of Object.keys(CODEMODS)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built file, as jscodeshift loads it
      const transform = require(path.join(root, "dist/codemods", `${id}.js`)) as unknown;
      expect(typeof transform, id).toBe("function");
      expect((transform as { parser?: string }).parser, id).toBe("tsx");
    }
  });

  it("rewrites what the engine rewrites, and leaves other files byte-identical", () => {
    const dir = makeTempDir("traced-exit-jscodeshift-");
    writeFiles(dir, { "src/task.ts": TASK_TS, "src/span.mjs": SPAN_MJS, "src/plain.js": PLAIN_JS });
    const result = shift("exit-to-throw", dir, "--extensions=ts,mjs,js", "src");
    expect(result.code, result.stderr).toBe(0);
    // jscodeshift counts a transform that returns nothing as "skipped".
    expect(result.stdout).toMatch(/0 errors\n0 unmodified\n1 skipped\n2 ok\n/u);
    const engine = createEngine({ transforms: ["exit-to-throw"] });
    expect(readFileSync(path.join(dir, "src/task.ts"), "utf8")).toBe(engine.transform(TASK_TS, "task.ts").output);
    expect(readFileSync(path.join(dir, "src/span.mjs"), "utf8")).toBe(engine.transform(SPAN_MJS, "span.mjs").output);
    expect(readFileSync(path.join(dir, "src/plain.js"), "utf8")).toBe(PLAIN_JS);
  });

  it("reports a finding it cannot rewrite through api.report, and leaves the file", () => {
    const dir = makeTempDir("traced-exit-jscodeshift-");
    writeFiles(dir, { "caught.ts": CAUGHT_EXIT });
    const result = shift("exit-to-throw", dir, "--extensions=ts", "caught.ts");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/caught\.ts:6:7 process\.exit\(\) inside task 't'.*fix by hand/u);
    expect(readFileSync(path.join(dir, "caught.ts"), "utf8")).toBe(CAUGHT_EXIT);
  });

  it("reports the position in the file on disk: the input with --dry, the written output without", () => {
    const both = `${TASK_TS}\n${CAUGHT_EXIT.split("\n").slice(1).join("\n")}`;
    const dir = makeTempDir("traced-exit-jscodeshift-");
    writeFiles(dir, { "both.ts": both });
    // The caught exit is the last one; the first is rewritten.
    const inputLine = both.split("\n").findLastIndex((line) => line.includes("process.exit(1);")) + 1;
    const dry = shift("exit-to-throw", dir, "--extensions=ts", "--dry", "both.ts");
    expect(dry.stdout).toContain(`both.ts:${inputLine}:7 process.exit() inside task 't'`);
    expect(readFileSync(path.join(dir, "both.ts"), "utf8")).toBe(both);
    const real = shift("exit-to-throw", dir, "--extensions=ts", "both.ts");
    const written = readFileSync(path.join(dir, "both.ts"), "utf8");
    const outputLine = written.split("\n").findIndex((line) => line.includes("process.exit(1);")) + 1;
    expect(outputLine).toBeGreaterThan(inputLine);
    expect(real.stdout).toContain(`both.ts:${outputLine}:7 process.exit() inside task 't'`);
  });

  it("takes settings from --settings=<json>", () => {
    const dir = makeTempDir("traced-exit-jscodeshift-");
    const job = `export const job = (runner: { runTraced(name: string, fn: () => void): void }) =>\n  runner.runTraced("nightly", () => {\n    process.exit(1);\n  });\n`;
    writeFiles(dir, { "job.ts": job });
    const settings = JSON.stringify({ wrappers: [{ method: "runTraced", callback: "last", kind: "job", recordsErrors: true }] });
    const result = shift("exit-to-throw", dir, "--extensions=ts", `--settings=${settings}`, "job.ts");
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(path.join(dir, "job.ts"), "utf8")).toContain(`throw Object.assign(new Error("process.exit() in job 'nightly'"), { exitCode: 1 });`);
  });
});
