// Runs for two classes whose semantics were read from source only (issue 13: "no run of their own"):
//   - OpenInference before 2.0.7, whose withSpan left the span open on a synchronous throw. The real 2.0.6 is
//     installed here under an alias (package.json `openinference-core-2.0.6`); each run gets a scratch project
//     whose node_modules/@arizeai/openinference-core is one release or the other, so the rule, the codemod and
//     the program all see the same release, as in a user's project.
//   - The Langfuse v3 client (`langfuse`), which queues events and sends them to its own ingestion API, not
//     OTLP: a loopback endpoint here records what arrives.
// Each program is linted, run, rewritten by `traced-exit fix` and run again.
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Linter } from "eslint";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import plugin from "../../src/index";
import { createEngine } from "../../src/codemods/engine";
import { startOtlpReceiver, type OtlpReceiver } from "../../examples/support/otlp-receiver";
import { findRepoRoot, runExample } from "../../examples/support/run-example";

vi.setConfig({ testTimeout: 300_000, hookTimeout: 60_000 });

const root = findRepoRoot();
const DIR = path.join(root, "tests/e2e/fixtures/releases");
const modules = path.join(root, "node_modules");

/** A scratch project holding `file`, whose node_modules has the packages it imports, `overrides` winning. */
async function scratchProject(file: string, overrides: Record<string, string>, packages: readonly string[]) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "traced-exit-release-"));
  for (const name of ["tsx", ...packages]) {
    const target = path.join(dir, "node_modules", name);
    await mkdir(path.dirname(target), { recursive: true });
    await symlink(overrides[name] ?? path.join(modules, name), target, "dir");
  }
  const program = path.join(dir, path.basename(file));
  await writeFile(program, await readFile(path.join(DIR, file), "utf8"));
  return { dir, program, remove: () => rm(dir, { recursive: true, force: true }) };
}

// The scratch projects are outside the repository: the linter is rooted where they are.
const linter = new Linter({ configType: "flat", cwd: os.tmpdir() });

function lint(program: string, source: string, rule: string) {
  const messages = linter.verify(source, [{ files: ["**/*.mjs"], plugins: { "traced-exit": plugin as never }, rules: { [`traced-exit/${rule}`]: "error" } }], { filename: program });
  expect(messages.filter((message) => message.fatal)).toEqual([]);
  return messages.map((message) => ({ id: message.messageId, message: message.message }));
}

describe("OpenInference withSpan before and from 2.0.7, as installed", () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  const releases = {
    "2.0.6": path.join(modules, "openinference-core-2.0.6"),
    "2.7.1": path.join(modules, "@arizeai/openinference-core"),
  };
  const packages = ["@arizeai/openinference-core", "@opentelemetry"];

  async function run(program: string, cwd: string, id: string) {
    const result = await runExample(program, { receiverUrl: receiver.urlFor(id), cwd, timeoutMs: 120_000 });
    expect(result.timedOut, result.stderr).toBe(false);
    return { exitCode: result.exitCode, stdout: result.stdout, spans: receiver.spansOf(id).map((span) => `${span.name}${span.status === "ERROR" ? "!" : ""}`) };
  }

  it("2.0.6: reported, the span is lost; the rewrite keeps exit code and output and the span arrives with the error", async () => {
    const project = await scratchProject("openinference-sync-throw.mjs", { "@arizeai/openinference-core": releases["2.0.6"] }, packages);
    try {
      const source = await readFile(project.program, "utf8");
      const findings = lint(project.program, source, "require-span-error-recording");
      expect(findings.map((finding) => finding.id)).toEqual(["spanNotEndedOnError"]);
      expect(findings[0]?.message).toContain("OpenInference 2.0.6, installed");

      expect(await run(project.program, project.dir, "oi206-before")).toEqual({ exitCode: 1, stdout: "failed: SyntaxError\n", spans: [] });

      const rewritten = createEngine().transform(source, project.program);
      expect(rewritten.output).toContain("recordSpanErrors(");
      await writeFile(project.program, rewritten.output ?? source);
      expect(lint(project.program, rewritten.output ?? source, "require-span-error-recording")).toEqual([]);
      expect(await run(project.program, project.dir, "oi206-after")).toEqual({ exitCode: 1, stdout: "failed: SyntaxError\n", spans: ["parse!"] });
    } finally {
      await project.remove();
    }
  });

  it("2.7.1: not reported, left unchanged, and the span arrives with the error", async () => {
    const project = await scratchProject("openinference-sync-throw.mjs", { "@arizeai/openinference-core": releases["2.7.1"] }, packages);
    try {
      const source = await readFile(project.program, "utf8");
      expect(lint(project.program, source, "require-span-error-recording")).toEqual([]);
      expect(createEngine().transform(source, project.program).output).toBeUndefined();
      expect(await run(project.program, project.dir, "oi271")).toEqual({ exitCode: 1, stdout: "failed: SyntaxError\n", spans: ["parse!"] });
    } finally {
      await project.remove();
    }
  });
});

/**
 * A loopback JSON endpoint: a POST to `<base>/<id><route>` is answered `reply`, and what `events` reads of its body
 * is kept under `id`.
 */
async function startJsonEndpoint(route: string, events: (body: unknown) => string[], reply: { status: number; body: string }) {
  const received = new Map<string, string[]>();
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      const id = request.url?.endsWith(route) ? request.url.slice(1, request.url.length - route.length) : "";
      if (request.method === "POST" && /^[^/]+$/u.test(id)) {
        received.set(id, [...(received.get(id) ?? []), ...events(JSON.parse(body))]);
        response.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
      } else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    urlFor: (id: string) => `http://127.0.0.1:${port}/${id}`,
    eventsOf: (id: string) => [...(received.get(id) ?? [])].sort(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback stand-in for Langfuse's ingestion API: POST <base>/api/public/ingestion, a JSON `{ batch }`. */
const startIngestion = () =>
  startJsonEndpoint(
    "/api/public/ingestion",
    (body) => (body as { batch: { type: string; body: { name?: string } }[] }).batch.map((event) => `${event.type}${event.body.name ? `:${event.body.name}` : ""}`),
    { status: 207, body: JSON.stringify({ successes: [], errors: [] }) },
  );

describe("the Langfuse v3 client", () => {
  let ingestion: Awaited<ReturnType<typeof startIngestion>>;
  let unused: OtlpReceiver;
  beforeAll(async () => {
    ingestion = await startIngestion();
    unused = await startOtlpReceiver();
  });
  afterAll(async () => {
    await ingestion.close();
    await unused.close();
  });

  async function run(program: string, cwd: string, id: string, env: Record<string, string> = {}) {
    const result = await runExample(program, { receiverUrl: unused.url, cwd, timeoutMs: 120_000, env: { CLASS_LANGFUSE_URL: ingestion.urlFor(id), ...env } });
    expect(result.timedOut, result.stderr).toBe(false);
    return { exitCode: result.exitCode, stdout: result.stdout, events: ingestion.eventsOf(id) };
  }

  it("drops its queue on a natural end and on process.exit(); the rewrite flushes on both and keeps the exit code", async () => {
    const project = await scratchProject("langfuse-v3-client.mjs", {}, ["langfuse"]);
    try {
      const source = await readFile(project.program, "utf8");
      expect(lint(project.program, source, "require-flush-before-exit").map((finding) => finding.id)).toEqual(["exitWithoutFlush", "entryWithoutFlush"]);
      expect(await run(project.program, project.dir, "lf-end")).toEqual({ exitCode: 0, stdout: "done\n", events: [] });
      expect(await run(project.program, project.dir, "lf-exit", { CLASS_EXIT: "1" })).toEqual({ exitCode: 2, stdout: "", events: [] });

      const rewritten = createEngine().transform(source, project.program);
      expect(rewritten.output).toContain("shutdownAsync()");
      await writeFile(project.program, rewritten.output ?? source);
      expect(lint(project.program, rewritten.output ?? source, "require-flush-before-exit")).toEqual([]);
      const sent = ["span-create:fetch", "span-update", "trace-create:nightly"];
      expect(await run(project.program, project.dir, "lf-end-fixed")).toEqual({ exitCode: 0, stdout: "done\n", events: sent });
      expect(await run(project.program, project.dir, "lf-exit-fixed", { CLASS_EXIT: "1" })).toEqual({ exitCode: 2, stdout: "", events: sent });
    } finally {
      await project.remove();
    }
  });
});

// Mastra 0.24.9 (issue 16): what src/scopes/catalogue.ts says of `new Mastra({ observability })`, run. The exporter is
// Mastra's own CloudExporter with its `endpoint` set to this loopback, which receives its JSON `{ spans }` batches.
describe("Mastra 0.24.9 observability", () => {
  let endpoint: Awaited<ReturnType<typeof startJsonEndpoint>>;
  let unused: OtlpReceiver;
  beforeAll(async () => {
    endpoint = await startJsonEndpoint("/spans", (body) => (body as { spans: { spanType: string }[] }).spans.map((span) => span.spanType), { status: 200, body: "{}" });
    unused = await startOtlpReceiver();
  });
  afterAll(async () => {
    await endpoint.close();
    await unused.close();
  });

  async function run(program: string, cwd: string, id: string, env: Record<string, string> = {}) {
    const result = await runExample(program, { receiverUrl: unused.url, cwd, timeoutMs: 120_000, env: { CLASS_MASTRA_URL: `${endpoint.urlFor(id)}/spans`, ...env } });
    expect(result.timedOut, result.stderr).toBe(false);
    return { exitCode: result.exitCode, stdout: result.stdout, spans: endpoint.eventsOf(id) };
  }

  it("sends on a natural end and after shutdown(), loses the batch on process.exit() and a crash, sends nothing without observability; the rewrite flushes before the exit", async () => {
    const project = await scratchProject("mastra-observability.mjs", {}, ["@mastra/core", "zod"]);
    try {
      const both = ["workflow_run", "workflow_step"];
      const ran = "success 42\n";
      // The batch timer is not unref'd: the process waits for it, then sends.
      expect(await run(project.program, project.dir, "m-end")).toEqual({ exitCode: 0, stdout: ran, spans: both });
      expect(await run(project.program, project.dir, "m-shutdown", { CLASS_SHUTDOWN: "1" })).toEqual({ exitCode: 0, stdout: ran, spans: both });
      expect(await run(project.program, project.dir, "m-exit", { CLASS_EXIT: "1" })).toEqual({ exitCode: 2, stdout: ran, spans: [] });
      expect(await run(project.program, project.dir, "m-crash", { CLASS_CRASH: "1" })).toEqual({ exitCode: 1, stdout: ran, spans: [] });
      expect(await run(project.program, project.dir, "m-off", { CLASS_OBSERVE: "0", CLASS_SHUTDOWN: "1" })).toEqual({ exitCode: 0, stdout: ran, spans: [] });

      const source = await readFile(project.program, "utf8");
      expect(lint(project.program, source, "require-flush-before-exit").map((finding) => finding.id)).toEqual(["exitWithoutFlush"]);
      const rewritten = createEngine().transform(source, project.program);
      expect(rewritten.output).toContain(`if (process.env.CLASS_EXIT === "1") { await mastra.shutdown(); process.exit(2); }`);
      await writeFile(project.program, rewritten.output ?? source);
      expect(lint(project.program, rewritten.output ?? source, "require-flush-before-exit")).toEqual([]);
      expect(await run(project.program, project.dir, "m-exit-fixed", { CLASS_EXIT: "1" })).toEqual({ exitCode: 2, stdout: ran, spans: both });
    } finally {
      await project.remove();
    }
  });
});
