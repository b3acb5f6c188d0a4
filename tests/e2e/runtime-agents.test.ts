// The OpenAI Agents SDK's delivery (src/scopes/pipeline.ts `self-flushing`, with no initializer call), measured
// with the real SDK and its own exporter posting to a loopback endpoint:
//   - a natural end, unflushed, exports the trace and its span (the provider's `beforeExit` listener);
//   - an unhandled rejection exports them too, and the SDK's listener ends the process with code 1;
//   - process.exit() loses both: what require-flush-before-exit reports;
// and the rewrite of that exit (`await getGlobalTraceProvider().forceFlush()` first) keeps the exit code, the
// output and the types, and exports everything. (Not in tests/codemods/__runnable__: that harness counts
// OpenTelemetry spans, and this SDK's spans are its own.)
import * as http from "node:http";
import { describe, expect, it, vi } from "vitest";
import { runExample } from "../../examples/support/run-example";
import { rewriteToScratch } from "../support/rewritten";
import { typecheckFolder } from "../support/tsc";

vi.setConfig({ testTimeout: 180_000 });

const FIXTURE = "tests/e2e/fixtures/pipeline/openai-agents.ts";

/** Runs `file` with a loopback traces endpoint; returns how it ended and the `object` of every item it posted. */
async function agentsItemsOf(file: string, env: Record<string, string>, cwd?: string) {
  const items: string[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      for (const item of (JSON.parse(body) as { data: { object: string; span_data?: { name?: string }; workflow_name?: string }[] }).data) {
        items.push(`${item.object}:${item.workflow_name ?? item.span_data?.name}`);
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = server.address() as { port: number };
    // The OTLP receiver is not used: the SDK posts its own JSON batches.
    const run = await runExample(file, { receiverUrl: "http://127.0.0.1:9", cwd, env: { ...env, AGENTS_TRACES_URL: `http://127.0.0.1:${port}/v1/traces/ingest` }, timeoutMs: 90_000 });
    expect(run.timedOut, run.stderr).toBe(false);
    return { exitCode: run.exitCode, stdout: run.stdout, items: items.sort() };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const EVERYTHING = ["trace.span:step", "trace:nightly"];

describe("the OpenAI Agents SDK's trace provider", () => {
  it("exports the trace and its span on a natural end, unflushed", async () => {
    expect(await agentsItemsOf(FIXTURE, {})).toEqual({ exitCode: 0, stdout: "step done\n", items: EVERYTHING });
  });

  it("exports them after an unhandled rejection, then exits with code 1", async () => {
    expect(await agentsItemsOf(FIXTURE, { PIPELINE_THROW: "1" })).toEqual({ exitCode: 1, stdout: "step done\n", items: EVERYTHING });
  });

  it("loses them on process.exit()", async () => {
    expect(await agentsItemsOf(FIXTURE, { PIPELINE_EXIT: "1" })).toEqual({ exitCode: 0, stdout: "step done\n", items: [] });
  });

  it("keeps them once traced-exit fix flushes before the exit, with the same exit code and output", async () => {
    const rewritten = await rewriteToScratch(FIXTURE);
    try {
      expect(rewritten.result.output).toContain('if (process.env.PIPELINE_EXIT === "1") { await getGlobalTraceProvider().forceFlush(); process.exit(0); }');
      expect(rewritten.result.manual).toEqual([]);
      // The flush joins the SDK's import with its real type: the rewritten program type-checks (strict, NodeNext).
      expect(await typecheckFolder(rewritten.dir, { files: [rewritten.name] })).toBe("");
      const original = await agentsItemsOf(FIXTURE, { PIPELINE_EXIT: "1" });
      const after = await agentsItemsOf(rewritten.name, { PIPELINE_EXIT: "1" }, rewritten.dir);
      expect(after).toEqual({ exitCode: original.exitCode, stdout: original.stdout, items: EVERYTHING });
    } finally {
      await rewritten.remove();
    }
  });

  it("keeps an exit code from inside a span once the exit becomes a throw: the entry handles it, the SDK flushes at the natural end", async () => {
    const fixture = "tests/e2e/fixtures/pipeline/openai-agents-exit-in-span.ts";
    const rewritten = await rewriteToScratch(fixture);
    try {
      expect(rewritten.result.output).toContain('throw Object.assign(new Error("process.exit() in a span"), { exitCode: 3 });');
      // Rethrowing would reach the SDK's own unhandledRejection listener, which exits with code 1.
      expect(rewritten.result.output).toContain("if (error?.exitCode === undefined) console.error(error);");
      expect(rewritten.result.manual).toEqual([]);
      expect(await typecheckFolder(rewritten.dir, { files: [rewritten.name] })).toBe("");
      const original = await agentsItemsOf(fixture, { PIPELINE_EXIT: "1" });
      expect(original).toEqual({ exitCode: 3, stdout: "step started\n", items: [] });
      const after = await agentsItemsOf(rewritten.name, { PIPELINE_EXIT: "1" }, rewritten.dir);
      expect(after).toEqual({ exitCode: 3, stdout: "step started\n", items: EVERYTHING });
      // The happy path is unchanged.
      expect(await agentsItemsOf(rewritten.name, {}, rewritten.dir)).toEqual(await agentsItemsOf(fixture, {}));
    } finally {
      await rewritten.remove();
    }
  });
});
