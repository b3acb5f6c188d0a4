// The Vercel AI SDK's telemetry callbacks (src/scopes/catalogue.ts, `contained`), measured with the real SDK,
// its ai/test mock model and the loopback OTLP receiver, on the runnable case as `traced-exit fix` rewrites it
// (tests/codemods/__runnable__/ai-sdk-telemetry.ts: a NodeSDK shut down at the entry and before its exit):
//   - an exit inside a tool's execute still loses every span of the call: the fix leaves it (one finding for
//     manual review), as no-process-exit offers no suggestion there;
//   - because a throw there does not reach the caller: the AI SDK records it on ai.toolCall, ends that span,
//     hands the model a tool-error and goes on, so the program runs on to its own exit (4, "no weather").
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startOtlpReceiver } from "../../examples/support/otlp-receiver";
import { runExample } from "../../examples/support/run-example";
import { rewriteToScratch, type Rewritten } from "../support/rewritten";

vi.setConfig({ testTimeout: 180_000 });

const SPANS = ["ai.generateText", "ai.generateText.doGenerate", "ai.generateText.doGenerate", "ai.toolCall"];
let rewritten: Rewritten;

beforeAll(async () => {
  rewritten = await rewriteToScratch("tests/codemods/__runnable__/ai-sdk-telemetry.ts");
});

afterAll(async () => {
  await rewritten?.remove();
});

async function run(env: Record<string, string>) {
  const receiver = await startOtlpReceiver();
  try {
    const result = await runExample(rewritten.name, { receiverUrl: receiver.url, cwd: rewritten.dir, env, timeoutMs: 90_000 });
    expect(result.timedOut, result.stderr).toBe(false);
    expect(receiver.rejectedRequests()).toBe(0);
    const spans = receiver.spans();
    return {
      exitCode: result.exitCode,
      stdout: result.stdout,
      names: spans.map((span) => span.name).sort(),
      errors: spans.filter((span) => span.status === "ERROR").map((span) => span.name),
    };
  } finally {
    await receiver.close();
  }
}

describe("generateText with experimental_telemetry and a tool, after the fix", () => {
  it("leaves the exit in the tool's execute for manual review", () => {
    expect(rewritten.result.manual).toHaveLength(1);
    expect(rewritten.result.output).toContain('if (process.env.RUNNABLE_TOOL === "exit") process.exit(3);');
  });

  it("exports every span of the call on the happy path", async () => {
    expect(await run({ RUNNABLE_WEATHER: "sunny" })).toEqual({ exitCode: 0, stdout: "It is sunny. Paris: sunny\n", names: SPANS, errors: [] });
  });

  it("loses them all when the tool's execute calls process.exit()", async () => {
    expect(await run({ RUNNABLE_TOOL: "exit" })).toEqual({ exitCode: 3, stdout: "", names: [], errors: [] });
  });

  it("catches a throw in the tool's execute: recorded on ai.toolCall, and the program goes on to its own exit", async () => {
    expect(await run({ RUNNABLE_TOOL: "throw" })).toEqual({ exitCode: 4, stdout: "no weather\n", names: SPANS, errors: ["ai.toolCall"] });
  });
});
