// The codemod's text prefilter: files that cannot match are never parsed. It must let
// through every way of reaching a catalogue entry (else fixes are silently skipped),
// and keep out files that only name a module or a common word (else it saves nothing).
import path from "node:path";
import dedent from "dedent";
import { describe, expect, it } from "vitest";
import { constructedImports, mightConstructDependency, mightNeedChange, mightOpenScope } from "../../src/scopes/prefilter";
import { catalogueFor } from "../../src/scopes/settings";

const catalogue = catalogueFor({});

describe("prefilter", () => {
  it.each([
    ['import { withTask } from "@traceloop/node-server-sdk";'],
    ['import * as traceloop from "@traceloop/node-server-sdk"; traceloop.withWorkflow({ name: "w" }, fn);'],
    ['import traceloop from "@traceloop/node-server-sdk"; class A { @traceloop.task({ name: "t" }) run() {} }'],
    ['const { withAgent: agent } = require("@traceloop/node-server-sdk");'],
    ["tracer.startActiveSpan('x', (span) => {});"],
    ['const api = require("@opentelemetry/api"); api.context.with(api.trace.setSpan(api.context.active(), s), fn);'],
    ['import * as Sentry from "@sentry/node"; Sentry.startSpan({ name: "x" }, fn);'],
    ['const tracer = require("dd-trace").init(); tracer.trace("x", fn);'],
    // Issue 16: a method on a receiver path, Traceloop's manual spans.
    ['import tracer from "dd-trace"; tracer.llmobs.trace({ kind: "task" }, fn);'],
    ['const tracer = require("dd-trace").init(); tracer.llmobs.wrap({ kind: "agent" }, fn);'],
    ['const traceloop = require("@traceloop/node-server-sdk"); traceloop.withVectorDBCall({ vendor: "x" }, fn);'],
    ['import { withLLMCall } from "@traceloop/node-server-sdk";'],
    ['import { traceable } from "langsmith/traceable";'],
  ])("lets a scope opener through: %s", (text) => {
    expect(mightOpenScope(text, catalogue)).toBe(true);
    expect(mightNeedChange(text, catalogue)).toBe(true);
  });

  it.each([
    ['import { NodeSDK } from "@opentelemetry/sdk-node"; const sdk = new NodeSDK(); process.exit(1);'],
    ['import * as traceloop from "@traceloop/node-server-sdk"; traceloop.initialize(); process.exit(1);'],
    ["await provider.forceFlush(); process.exit(1);"],
    // Issue 16: a default-exported class (never spelled `default`), LangSmith's clients and wrappers.
    ['import Langfuse from "langfuse"; const langfuse = new Langfuse(); process.exit(1);'],
    ['const { Langfuse } = require("langfuse-node"); new Langfuse(); process.exit(1);'],
    ['import { RunTree } from "langsmith/run_trees"; new RunTree({ name: "x" }); process.exit(1);'],
    ['import { wrapOpenAI } from "langsmith/wrappers"; wrapOpenAI(openai); process.exit(1);'],
    ['import { wrapAISDK } from "langsmith/experimental/vercel"; wrapAISDK(ai); process.exit(1);'],
    ['import { initializeOTEL } from "langsmith/experimental/otel/setup"; initializeOTEL(); process.exit(1);'],
    ['import * as Sentry from "@sentry/node"; await Sentry.flush(); process.exit(1);'],
  ])("lets flushes and initializers through: %s", (text) => {
    expect(mightNeedChange(text, catalogue)).toBe(true);
  });

  it.each([
    // OpenTelemetry's own code: the API module, but no opener used from it.
    ['const api_1 = require("@opentelemetry/api"); api_1.diag.debug("x"); process.exit(1);'],
    // `trace` and `wrap` are dd-trace methods only on dd-trace's tracer.
    ["shimmer.wrap(module, 'x', fn); trace(x); process.exit(1);"],
    // `llmobs` of something else, without dd-trace; a Langfuse v3 method on an object the file does not build.
    ["agent.llmobs.trace({ kind: 'task' }, fn); process.exit(1);"],
    ["await lf.shutdownAsync(); process.exit(1);"],
    ['import { context } from "@opentelemetry/api"; context.with(ctx, fn);'],
    ["process.exit(1);"],
  ])("keeps out a file that cannot match: %s", (text) => {
    expect(mightNeedChange(text, catalogue)).toBe(false);
  });

  it("takes the user's wrappers, flushes and initializer modules from settings", () => {
    const custom = catalogueFor({
      "traced-exit": {
        wrappers: [{ module: "./tracing", export: "traced" }, { method: "runInSpan" }],
        flushes: [{ method: "flushTraces" }],
        initializers: [{ module: "./instrument" }],
      },
    });
    expect(mightOpenScope('import { traced } from "./tracing";', custom)).toBe(true);
    expect(mightOpenScope('import { other } from "./tracing";', custom)).toBe(false);
    expect(mightOpenScope("job.runInSpan(fn);", custom)).toBe(true);
    expect(mightNeedChange("await flushTraces(); process.exit(0);", custom)).toBe(true);
    expect(mightNeedChange(dedent`
      import "./instrument";
      process.exit(1);
    `, custom)).toBe(true);
  });

  // Read-only review of the merged change: the rules reported these two, the codemod's gate kept them out, so
  // `traced-exit fix` left the files unchanged and listed nothing for review.
  it("lets through a class of an installed package constructed in the file (its constructor may start tracing)", () => {
    const worker = 'import { TracingKit } from "@acme/worker-kit";\nprocess.on("disconnect", () => process.exit(0));\nconst sdk = new TracingKit({});';
    expect(mightNeedChange(worker, catalogue, path.join(__dirname, "../rules/fixtures/program-setup/src/worker.ts"))).toBe(true);
    expect(mightNeedChange('import { helper } from "./helper";\nnew Date();\nprocess.exit(0);', catalogue)).toBe(false);
  });

  it("lets through a span started on a tracer kept by a relative module that binds dd-trace's", () => {
    const text = 'var tracer_1 = require("./tracer");\nvar span = tracer_1.tracer.startSpan("x");\nprocess.exit(2);';
    expect(mightNeedChange(text, catalogue, path.join(__dirname, "../rules/fixtures/tracer-bindings/cjs/job.js"))).toBe(true);
    // The same text where no such module is on disk.
    expect(mightNeedChange(text, catalogue, path.join(__dirname, "../rules/fixtures/no-such-folder/job.js"))).toBe(false);
  });

  it("lets every file through for an entry file (settings entry: true)", () => {
    expect(mightNeedChange("process.exit(1);", catalogueFor({ "traced-exit": { entry: true } }))).toBe(true);
  });
  // A class of an installed package may start tracing when constructed (src/scopes/program-setup.ts reads only
  // classes imported by name from a package): the text must construct one of the names such an import binds; a
  // `new` of a relative module's class, of a global or of another name is kept out.
  it.each([
    ['import { Config } from "@google/gemini-cli-core";\nexport function load() { return new Config({}); }', true],
    ['import {\n  // the class\n  Settings as S, /* more */ other,\n} from "@acme/kit";\nnew S();', true],
    ['import kit, { TracingKit } from "@acme/kit"; const k = new TracingKit();', true],
    ['import { Config } from "./config.js"; import { debugLogger } from "@google/gemini-cli-core"; new Config();', false],
    ['import { debugLogger } from "@google/gemini-cli-core"; const m = new Map();', false],
    ['import { Config } from "@google/gemini-cli-core"; const c = new ConfigLoader();', false],
  ])("constructs a package's named import: %s → %s", (text, expected) => {
    expect(mightConstructDependency(text)).toBe(expected);
  });
  // What an imported module constructs, by package and imported name (review finding 13): src/scopes/program-setup.ts's
  // constructsTracingClass() reads only these classes' constructors, in packages that declare a catalogue module,
  // before the module is parsed (commander's `new Command()` is not one).
  it.each([
    ['import { Settings as S, other } from "@acme/worker-kit"; new S({});', [{ specifier: "@acme/worker-kit", name: "Settings" }]],
    ['import { Command } from "commander"; import { Config } from "./config.js"; new Command(); new Config();', [{ specifier: "commander", name: "Command" }]],
    ['import { debugLogger } from "@google/gemini-cli-core"; new Map();', []],
  ])("names the package classes the text constructs: %s", (text, expected) => {
    expect(constructedImports(text)).toEqual(expected);
  });

});
