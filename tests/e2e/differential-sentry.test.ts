// Issue 14, case 8: the differential proof for a Sentry program (tests/e2e/differential.test.ts does the same
// for OTLP exporters; Sentry posts envelopes to its DSN instead). The program is run as written and as
// `traced-exit fix` rewrites it, under the real @sentry/node 10 posting to a loopback endpoint, and compared:
// same exit code and stdout; the transaction the exit lost now arrives with the failing span; and the error
// reaches Sentry through Sentry's own unhandled-rejection capture, which a `.catch` that handled the error
// at the entry would have taken away.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../examples/demo/pipeline";
import { runExample } from "../../examples/support/run-example";
import { createEngine } from "../../src/codemods/engine";
import type { EngineResult } from "../../src/cli/engine";
import { startSentryEndpoint, type SentryItem } from "../support/sentry-endpoint";
import { errorsByFile, typecheckFolder } from "../support/tsc";

const CASE = "sentry-exit.ts";
const source = readFileSync(path.join(REPO_ROOT, "tests", "e2e", "fixtures", "sentry-differential", CASE), "utf8");
let work: string;
let fixed: EngineResult;
let diagnostics = new Map<string, string[]>();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "traced-exit-differential-sentry-"));
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(work, "node_modules"), "dir");
  fixed = createEngine().transform(source, CASE);
  for (const [side, text] of [["input", source], ["output", fixed.output ?? source]] as const) {
    await mkdir(path.join(work, side));
    await writeFile(path.join(work, side, CASE), text);
  }
  diagnostics = errorsByFile(await typecheckFolder(work, { include: ["input", "output"] }));
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

interface SentryRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  items: SentryItem[];
}

async function measure(side: "input" | "output", env: Record<string, string>): Promise<SentryRun> {
  const endpoint = await startSentryEndpoint();
  try {
    // The OTLP receiver is not used: Sentry posts envelopes to its DSN.
    const run = await runExample(path.join(work, side, CASE), { receiverUrl: "http://127.0.0.1:9", cwd: work, env: { ...env, SENTRY_DSN: endpoint.dsn }, timeoutMs: 120_000 });
    expect(run.timedOut, run.stderr).toBe(false);
    return { exitCode: run.exitCode, stdout: run.stdout, stderr: run.stderr, items: endpoint.items() };
  } finally {
    await endpoint.close();
  }
}

/** The transactions as `name:status` and their child spans as `description:status`. */
function transactions(run: SentryRun): string[] {
  return run.items
    .filter((item) => item.type === "transaction")
    .flatMap((item) => {
      const payload = item.payload as { transaction?: string; contexts?: { trace?: { status?: string } }; spans?: { description?: string; status?: string }[] };
      return [`${payload.transaction}:${payload.contexts?.trace?.status}`, ...(payload.spans ?? []).map((span) => `${span.description}:${span.status}`)];
    });
}

/** The error events as `message (mechanism)`. */
function errors(run: SentryRun): string[] {
  return run.items
    .filter((item) => item.type === "event")
    .map((item) => {
      const exception = (item.payload as { exception?: { values?: { value?: string; mechanism?: { type?: string } }[] } }).exception?.values?.at(-1);
      return `${exception?.value} (${exception?.mechanism?.type})`;
    });
}

describe("a Sentry program rewritten by traced-exit fix", () => {
  it("is rewritten whole and type-checks as cleanly as the original", () => {
    expect(fixed.output).toBeDefined();
    expect(fixed.manual).toEqual([]);
    const before = diagnostics.get(`input/${CASE}`) ?? [];
    expect((diagnostics.get(`output/${CASE}`) ?? []).filter((line) => !before.includes(line)), fixed.output).toEqual([]);
  });

  it("keeps the exit code and stdout; the lost transaction arrives, and Sentry captures the error itself", async () => {
    const original = await measure("input", {});
    const rewritten = await measure("output", {});
    const why = `\noriginal stderr: ${original.stderr.slice(0, 600)}\nrewritten stderr: ${rewritten.stderr.slice(0, 600)}\n${fixed.output}`;
    expect(original.exitCode, why).toBe(1);
    expect(rewritten.exitCode, why).toBe(original.exitCode);
    expect(rewritten.stdout, why).toBe(original.stdout);
    // The exit lost everything.
    expect({ transactions: transactions(original), errors: errors(original) }, why).toEqual({ transactions: [], errors: [] });
    expect(transactions(rewritten), why).toEqual(["nightly:internal_error", "step:internal_error"]);
    expect(errors(rewritten), why).toEqual(["step failed (auto.node.onunhandledrejection)"]);
  }, 300_000);

  it("on the happy path, runs as before", async () => {
    const env = { RUNNABLE_OK: "1" };
    const original = await measure("input", env);
    const rewritten = await measure("output", env);
    expect(rewritten.exitCode).toBe(original.exitCode);
    expect(rewritten.stdout).toBe(original.stdout);
    expect(transactions(rewritten)).toEqual(transactions(original));
    expect(transactions(rewritten)).toEqual(["nightly:ok", "step:ok"]);
    expect(errors(rewritten)).toEqual([]);
  }, 300_000);
});
