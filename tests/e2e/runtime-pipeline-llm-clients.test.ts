// How dd-trace and the LangSmith client deliver what they queue (src/scopes/pipeline.ts, `drains-at-end`),
// measured with the real SDKs posting to a loopback HTTP endpoint: both send their queue before a natural
// end by themselves (dd-trace from its `beforeExit` hook, LangSmith on a batch timer that keeps the process
// alive), and both lose it on process.exit() and on the crash of an unhandled rejection. So
// require-flush-before-exit reports their exits and crashes, never a natural end.
import * as http from "node:http";
import { describe, expect, it, vi } from "vitest";
import { runExample } from "../../examples/support/run-example";

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

describe.each([
  { sdk: "dd-trace", file: "tests/e2e/fixtures/pipeline/dd-trace-app.ts", payload: /^PUT \/v0\.[45]\/traces/u },
  { sdk: "LangSmith", file: "tests/e2e/fixtures/pipeline/langsmith-app.ts", payload: /^POST \/runs/u },
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
