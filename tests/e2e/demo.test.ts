// Smoke test of the README's first command: the demo runs end to end and every claim it prints holds.
// Only the incident's scenario (and the happy path) is run here; tests/e2e/runtime-fix.test.ts covers every
// scenario with the same pipeline. `npm test` builds first, so the demo's own `npm run build` is skipped.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../examples/demo/pipeline";

function runDemo(env: Record<string, string>): Promise<{ exitCode: number | null; output: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // Vitest's own settings mean nothing to the demo.
  for (const key of ["NODE_OPTIONS", "VITEST", "VITEST_WORKER_ID", "VITEST_POOL_ID", "FORCE_COLOR"]) delete childEnv[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "examples/demo.ts"], { cwd: REPO_ROOT, env: childEnv });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    child.once("error", reject);
    child.once("close", (exitCode) => resolve({ exitCode, output }));
  });
}

describe("npm run demo", () => {
  it("prints the findings, the CLI's diff and the incident's spans before and after, all claims holding", async () => {
    const { exitCode, output } = await runDemo({ DEMO_FAIL: "credentials", NO_COLOR: "1" });
    expect(output).toContain("1. Lint findings");
    expect(output).toMatch(/examples\/traceloop-app\/index\.ts:\d+:\d+ {2}traced-exit\/no-process-exit/u);
    expect(output).toContain("+++ b/examples/traceloop-app/index.ts");
    expect(output).toContain("3. Spans the OTLP receiver got");
    expect(output).toContain(
      "before: 0 of 5 spans exported; after: 5 of 5, 2 with ERROR status and exception events, exit code 1 kept",
    );
    expect(output).toContain("All claims above hold.");
    expect(exitCode, output).toBe(0);
  });
});
