// An `exit` listener that ends the active span (src/scopes/exit-listeners.ts), measured with the real OpenTelemetry
// SDK 2.x: `process.exit()` inside a span whose error path exits keeps the span only when the listener ends it and
// the pipeline exports it synchronously as it ends (a SimpleSpanProcessor with an exporter that writes with
// appendFileSync). A batch processor queues it and the exit drops the queue; an OTLP exporter's request, started
// in the listener, is cut by the exit; a listener that does not end the span leaves it open.
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { startOtlpReceiver } from "../../examples/support/otlp-receiver";
import { runExample } from "../../examples/support/run-example";

vi.setConfig({ testTimeout: 180_000 });

const PROGRAM = "tests/e2e/fixtures/pipeline/otel-exit-listener.ts";
const dir = mkdtempSync(path.join(tmpdir(), "traced-exit-listener-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The spans the run wrote to its file and posted to a loopback receiver, and how it ended. */
async function run(name: string, env: Record<string, string>) {
  const file = path.join(dir, `${name}.spans`);
  const receiver = await startOtlpReceiver();
  try {
    const result = await runExample(PROGRAM, { receiverUrl: receiver.url, env: { ...env, EXIT_LISTENER_FILE: file }, timeoutMs: 90_000 });
    expect(result.timedOut, result.stderr).toBe(false);
    expect(result.stderr).toContain("the command failed");
    const written = existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    return { exitCode: result.exitCode, written, received: receiver.spans().map((span) => span.name) };
  } finally {
    await receiver.close();
  }
}

describe("process.exit() inside a span, with an exit listener that ends the active span", () => {
  it("SimpleSpanProcessor + a synchronous exporter: the listener's end() writes the span before the process ends", async () => {
    expect(await run("simple-sync", { EXIT_LISTENER_PIPELINE: "simple-sync" })).toEqual({ exitCode: 1, written: ["cli"], received: [] });
  });

  it("BatchSpanProcessor + the same exporter: the span is queued and the exit drops it", async () => {
    expect(await run("batch-sync", { EXIT_LISTENER_PIPELINE: "batch-sync" })).toEqual({ exitCode: 1, written: [], received: [] });
  });

  it("SimpleSpanProcessor + the OTLP exporter: the request started in the listener is cut by the exit", async () => {
    expect(await run("simple-otlp", { EXIT_LISTENER_PIPELINE: "simple-otlp" })).toEqual({ exitCode: 1, written: [], received: [] });
  });

  it("a listener that does not end the span: nothing is written", async () => {
    expect(await run("no-end", { EXIT_LISTENER_PIPELINE: "simple-sync", EXIT_LISTENER_ENDS: "0" })).toEqual({ exitCode: 1, written: [], received: [] });
  });
});
