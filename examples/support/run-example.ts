// Runs one TypeScript example in a child process, exporting to a receiver, and reports how it ended.
//
// The child is `node --import tsx <file>`: one process, so the exit code and signal we see are the
// example's own (node_modules/.bin/tsx would put a tsx supervisor process in between).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";

export interface RunExampleOptions {
  /** Base URL of the OTLP receiver (OtlpReceiver.url), e.g. http://127.0.0.1:41234. */
  receiverUrl: string;
  /** Extra environment for the example (DEMO_FAIL=..., etc.). Wins over the defaults set here. */
  env?: Record<string, string | undefined>;
  /** Working directory; defaults to the repository root so `--import tsx` resolves. */
  cwd?: string;
  /** Kill the example (SIGKILL) after this long. Default 60 s: Traceloop alone takes seconds to load on a busy 2-core machine. */
  timeoutMs?: number;
  /** After exit, wait this long for exports the child had already put on the wire. Default 300 ms. */
  settleMs?: number;
}

export interface RunExampleResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the example was killed by the timeout. */
  timedOut: boolean;
}

/** The repository root: the nearest ancestor of the current directory that holds node_modules/tsx. */
export function findRepoRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(path.join(dir, "node_modules", "tsx", "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export async function runExample(file: string, opts: RunExampleOptions): Promise<RunExampleResult> {
  const cwd = opts.cwd ?? findRepoRoot();
  const env: Record<string, string | undefined> = {
    ...process.env,
    // Traceloop: initialize() reads TRACELOOP_BASE_URL and appends /v1/traces.
    TRACELOOP_BASE_URL: opts.receiverUrl,
    TRACELOOP_TELEMETRY: "false",
    TRACELOOP_SYNC_ENABLED: "false",
    // Langfuse's span processor: it posts to <base URL>/api/public/otel/v1/traces with these keys.
    LANGFUSE_BASE_URL: opts.receiverUrl,
    LANGFUSE_PUBLIC_KEY: "pk-lf-local",
    LANGFUSE_SECRET_KEY: "sk-lf-local",
    // LangSmith's client asks its endpoint for /info (the receiver answers 404, and the client goes on);
    // its OpenTelemetry exporter posts to OTEL_EXPORTER_OTLP_ENDPOINT below.
    LANGSMITH_ENDPOINT: opts.receiverUrl,
    // Plain OTel exporters: the base endpoint (the exporter appends /v1/traces) and the full one.
    OTEL_EXPORTER_OTLP_ENDPOINT: opts.receiverUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${opts.receiverUrl}/v1/traces`,
    // Traceloop starts a NodeSDK, which would also start metric and log exporters from the environment.
    OTEL_METRICS_EXPORTER: "none",
    OTEL_LOGS_EXPORTER: "none",
    // Vitest sets these in the test process; they mean nothing to the example.
    NODE_OPTIONS: undefined,
    VITEST: undefined,
    VITEST_WORKER_ID: undefined,
    VITEST_POOL_ID: undefined,
    ...opts.env,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];

  const child = spawn(process.execPath, ["--import", "tsx", path.resolve(cwd, file)], {
    cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, opts.timeoutMs ?? 60_000);

  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once("error", reject);
    // 'close' (not 'exit') so stdout and stderr are complete.
    child.once("close", (code, sig) => resolve([code, sig]));
  }).finally(() => clearTimeout(timer));

  // A child that exits while an export request is still being read by the receiver: give it a moment.
  await delay(opts.settleMs ?? 300);
  return { exitCode, signal, stdout, stderr, timedOut };
}
