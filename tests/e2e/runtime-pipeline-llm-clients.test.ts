// How dd-trace and the LangSmith client deliver what they queue (src/scopes/pipeline.ts, `drains-at-end`),
// measured with the real SDKs posting to a loopback HTTP endpoint: both send their queue before a natural
// end by themselves (dd-trace from its `beforeExit` hook, LangSmith on a batch timer that keeps the process
// alive), and both lose it on process.exit() and on the crash of an unhandled rejection. So
// require-flush-before-exit reports their exits and crashes, never a natural end.
import { readFileSync } from "node:fs";
import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import * as http from "node:http";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { REPO_ROOT } from "../../examples/demo/pipeline";
import { runExample } from "../../examples/support/run-example";
import { createEngine } from "../../src/codemods/engine";

vi.setConfig({ testTimeout: 180_000 });

/** The requests a run of `file` sends to a loopback endpoint whose path matches `payload`, and how it ended. */
async function payloadsOf(file: string, payload: RegExp, env: Record<string, string>) {
  const paths: string[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      paths.push(`${request.method ?? ""} ${request.url ?? ""}`);
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as { port: number };
    const run = await runExample(file, {
      // The OTLP receiver is not used: each SDK posts to its own endpoint.
      receiverUrl: "http://127.0.0.1:9",
      env: { ...env, PIPELINE_URL: `http://127.0.0.1:${port}`, ...QUIET },
      timeoutMs: 90_000,
      settleMs: 1_000,
    });
    expect(run.timedOut, run.stderr).toBe(false);
    return { exitCode: run.exitCode, payloads: paths.filter((line) => payload.test(line)).length };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** dd-trace's side channels (telemetry, remote configuration) off: only traces reach the endpoint. */
const QUIET = {
  DD_INSTRUMENTATION_TELEMETRY_ENABLED: "false",
  DD_REMOTE_CONFIGURATION_ENABLED: "false",
  DD_TRACE_STARTUP_LOGS: "false",
  DD_RUNTIME_METRICS_ENABLED: "false",
  LANGSMITH_TRACING: "true",
};

const LANGSMITH_APP = "tests/e2e/fixtures/pipeline/langsmith-app.ts";
const LANGSMITH_RUNS = /^POST \/runs/u;

describe.each([
  { sdk: "dd-trace", file: "tests/e2e/fixtures/pipeline/dd-trace-app.ts", payload: /^PUT \/v0\.[45]\/traces/u },
  { sdk: "LangSmith", file: LANGSMITH_APP, payload: LANGSMITH_RUNS },
])("$sdk", ({ file, payload }) => {
  it("sends its queue on a natural end, unflushed", async () => {
    const { exitCode, payloads } = await payloadsOf(file, payload, {});
    expect(exitCode).toBe(0);
    expect(payloads).toBeGreaterThan(0);
  });

  it("loses it on process.exit()", async () => {
    expect(await payloadsOf(file, payload, { PIPELINE_EXIT: "1" })).toEqual({ exitCode: 0, payloads: 0 });
  });

  it("loses it on the crash of an unhandled rejection", async () => {
    expect(await payloadsOf(file, payload, { PIPELINE_THROW: "1" })).toEqual({ exitCode: 1, payloads: 0 });
  });
});

// The rewrite `traced-exit fix` makes of the LangSmith program (`await client.awaitPendingTraceBatches()` before
// the exit; the entry keeps the error's exit code and flushes on both paths), run before and after: same exit
// code, and the runs the original loses now arrive.
describe("LangSmith, rewritten by traced-exit fix", () => {
  it.each<Record<string, string>>([{ PIPELINE_EXIT: "1" }, { PIPELINE_THROW: "1" }])("%o: same exit code, the runs arrive", async (env) => {
    const result = createEngine().transform(readFileSync(path.join(REPO_ROOT, LANGSMITH_APP), "utf8"), "langsmith-app.ts");
    expect(result.manual).toEqual([]);
    expect(result.output).toContain("await client.awaitPendingTraceBatches(); process.exit(0);");
    expect(result.output).toContain(".finally(() => client.awaitPendingTraceBatches());");
    const work = await mkdtemp(path.join(os.tmpdir(), "traced-exit-langsmith-"));
    try {
      await symlink(path.join(REPO_ROOT, "node_modules"), path.join(work, "node_modules"), "dir");
      const fixed = path.join(work, "langsmith-app.ts");
      await writeFile(fixed, result.output ?? "");
      const before = await payloadsOf(LANGSMITH_APP, LANGSMITH_RUNS, env);
      const after = await payloadsOf(fixed, LANGSMITH_RUNS, env);
      expect(before.payloads).toBe(0);
      expect(after.exitCode).toBe(before.exitCode);
      expect(after.payloads).toBeGreaterThan(0);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
