/**
 * The catalogue: what each supported tracing SDK looks like in source code.
 *
 * This file is data, not code paths. Resolution (`resolve.ts`) turns these
 * entries into the nodes of one file; reach (`reach.ts`) decides what runs
 * inside the scopes they open. Users extend it through
 * `settings["traced-exit"]` (see `settings.ts`).
 */

export type SdkId =
  | "traceloop"
  | "opentelemetry"
  | "langfuse"
  | "sentry"
  | "openinference"
  | "langsmith"
  | "dd-trace"
  | "openai-agents"
  | "vercel-ai"
  | "mastra"
  | "custom";

/**
 * What the SDK's wrapper does with the span when the callback throws or rejects.
 * - `not-recorded`: the span is neither recorded nor ended (Traceloop 0.27 `with*` and decorators).
 * - `recorded`: the wrapper records the exception, sets ERROR and ends the span.
 * - `user-owned`: the callback owns the span (`startActiveSpan`): nothing happens unless it ends the span.
 */
export type ErrorSemantics = "not-recorded" | "recorded" | "user-owned";

/** Where the scope's human name is written at the call site. */
export type NameSource =
  /** A string argument, or the `name` property of an object argument, at this index. */
  | { readonly arg: number; readonly property?: string }
  /** The name of the callback function (or of the decorated method). */
  | { readonly callbackName: true };

/** Which argument is the callback that runs inside the scope. */
export type CallbackPosition = number | "last";

interface OpenerBase {
  readonly sdk: SdkId;
  /** Scope kind as users say it: workflow, task, span, observation … */
  readonly kind: string;
  readonly callback: CallbackPosition;
  /** Ordered: the first source that yields a string wins. */
  readonly names: readonly NameSource[];
  readonly errors: ErrorSemantics;
  /** The callback receives its span as this parameter (`startActiveSpan(name, (span) => …)`). */
  readonly spanParam?: number;
  /** … and a function that ends the span as this one (Sentry's `startSpanManual(opts, (span, finish) => …)`). */
  readonly finishParam?: number;
  /**
   * `false` when the scope's span is not the active OpenTelemetry span inside the callback (Traceloop's
   * `withLLMCall` starts it without activating it; dd-trace's spans are not OpenTelemetry spans): our
   * `recordSpanErrors` helper, which ends the active span, cannot reach it, so no rewrite wraps the callback.
   */
  readonly activeOtelSpan?: false;
  /**
   * dd-trace's `tracer.trace(name, (span, done) => …)`: an async callback that declares this parameter owns
   * the span (the tracer ends it only when `done` is called; a rejection leaves it open), as if the opener
   * were `user-owned` with this `finishParam`.
   */
  readonly doneParam?: number;
}

/** A callback written as a property of an options object, and the scope kind it opens. */
export interface CallbackProperty {
  /** From the options object: `["onFinish"]`, `["tools", "*", "execute"]` (the `*` key names the scope). */
  readonly path: readonly string[];
  readonly kind: string;
}

/** A function exported by a module: `withWorkflow(config, fn)`. */
export interface ExportOpener extends OpenerBase {
  readonly form: "call";
  readonly modules: readonly string[];
  /** Property path from the module object, e.g. `["withWorkflow"]`. */
  readonly path: readonly string[];
  /** `context.with(trace.setSpan(...), fn)`: only when the first argument is a call of this export path. */
  readonly firstArgCallOf?: readonly string[];
  /** A first-argument callback that the call runs at once (`withCustomSpan(fn)`), where other such openers return the traced function (`traceChain(fn)`). */
  readonly runsAtOnce?: true;
  /**
   * The callbacks are properties of the options object at index `callback`, one scope each, not the argument
   * itself: `generateText({ onFinish, tools: { weather: tool({ execute }) } })`. A path segment `*` is any
   * property (`["tools", "*", "execute"]`), and a call between two segments (`tool({ … })`) is looked through.
   */
  readonly callbackProperties?: readonly CallbackProperty[];
  /**
   * The scope exists only when this option path of the options object is not statically `false` or absent:
   * the AI SDK makes spans only with `experimental_telemetry: { isEnabled: true }`.
   */
  readonly enabledBy?: readonly string[];
  /**
   * A throw in the callback never reaches the opener's caller: the SDK catches it (AI SDK tool errors become
   * `tool-error` results, its `onFinish` errors are ignored). So no throw or return is offered for an exit there.
   */
  readonly contained?: boolean;
}

/** A decorator factory: `@traceloop.workflow({ name })` on a method. */
export interface DecoratorOpener extends OpenerBase {
  readonly form: "decorator";
  readonly modules: readonly string[];
  readonly path: readonly string[];
}

/** A method of any object: `tracer.startActiveSpan(name, fn)`; tracers come from many places. */
export interface MethodOpener extends OpenerBase {
  readonly form: "method";
  readonly method: string;
  /** When set, only calls on objects that resolve to this module (or its `init()` result) count. */
  readonly modules?: readonly string[];
  /** With `modules`: the method is on this property path of the module object (`tracer.llmobs.trace`: `["llmobs"]`). */
  readonly receiver?: readonly string[];
}

export type OpenerSpec = ExportOpener | DecoratorOpener | MethodOpener;

/** A call that starts tracing in this process. */
export interface InitializerSpec {
  readonly sdk: SdkId;
  readonly modules: readonly string[];
  readonly path: readonly string[];
  /** `new NodeSDK()` vs `Sentry.init()`. */
  readonly construct?: boolean;
  /**
   * The option (of the first argument) that, set to `false`, leaves the spans to another object: Traceloop's
   * `initialize({ tracingEnabled: false })` starts no exporter of its own, its wrappers use the global tracer
   * provider, and its `forceFlush()` has nothing to flush.
   */
  readonly offWhenFalse?: string;
  /** With `construct`: the class name its instances are known by, when `path` does not end in it (`["default"]`). */
  readonly className?: string;
  /** With `construct`: the instance method a fix awaits before the end, when it is not `shutdown()`. */
  readonly flushMethod?: string;
  /**
   * The SDK sends what it queued before a natural end by itself (a `beforeExit` hook, a timer that keeps the
   * process alive): only `process.exit()` and a crash lose it (pipeline `drains-at-end`).
   */
  readonly drainsAtEnd?: true;
  /**
   * The SDK sends what it records by itself and keeps the process alive until it is sent, and survives an
   * unhandled rejection (src/scopes/pipeline.ts `self-flushing`): Sentry's Node SDKs.
   */
  readonly selfFlushing?: boolean;
  /**
   * It registers a global tracer provider but returns no handle to flush it (`registerOTel()` of
   * `@vercel/otel`): the flush can only be named, not written.
   */
  readonly handleless?: boolean;
  /**
   * It traces only when one of these options of its first argument is written: `new Mastra({ observability })`.
   * Options that cannot be read statically may hold one.
   */
  readonly tracesWith?: readonly string[];
}

/** A call that exports what is queued. */
export type FlushSpec =
  | {
      readonly sdk: SdkId;
      readonly form: "call";
      readonly modules: readonly string[];
      readonly path: readonly string[];
      /** The flush is one of these methods of the call's result (the first is the one written): `getGlobalTraceProvider().forceFlush()`. */
      readonly resultMethods?: readonly string[];
      readonly example: string;
    }
  | {
      readonly sdk: SdkId;
      readonly form: "method";
      readonly method: string;
      /** Only on objects built by `new` of one of these initializers (by export path); absent: on any object. */
      readonly onInstancesOf?: readonly string[];
      readonly example: string;
    };

const TRACELOOP = ["@traceloop/node-server-sdk"] as const;
const OTEL_API = ["@opentelemetry/api"] as const;
const LANGFUSE = ["@langfuse/tracing"] as const;
/**
 * The `@sentry/*` packages whose `init()` is `@sentry/node`'s (`nodeInit`, `initNodeSdk`, `initWithoutDefaultIntegrations`
 * in their `sdk.ts`), or is it: the Node transport and the rejection handler of the `self-flushing` delivery.
 */
export const SENTRY_NODE_INIT = [
  "@sentry/node",
  "@sentry/node-core",
  "@sentry/aws-serverless",
  "@sentry/google-cloud-serverless",
  "@sentry/nestjs",
  "@sentry/nextjs",
  "@sentry/remix",
  "@sentry/sveltekit",
  "@sentry/astro",
  "@sentry/nuxt",
  "@sentry/react-router",
  "@sentry/solidstart",
  "@sentry/tanstackstart-react",
] as const;
/**
 * `init()` of runtimes other than Node, with a `fetch` transport: nothing here proves that they keep the
 * process alive until the transaction is sent, so their spans count as queued. (`@sentry/core` and
 * `@sentry/cloudflare` export no `init`.)
 */
const SENTRY_OTHER_INIT = ["@sentry/bun", "@sentry/deno", "@sentry/vercel-edge"] as const;
/**
 * Every `@sentry/*` package that exports `startSpan`, `startSpanManual`, `startInactiveSpan`, `flush` and `close`
 * for code that may run in a Node process (read in getsentry/sentry-javascript at 10.63, each package's
 * `src/index.ts` or `src/index.server.ts`). Browser-only packages (`@sentry/browser`, `@sentry/react` …) are left out.
 */
const SENTRY = [...SENTRY_NODE_INIT, ...SENTRY_OTHER_INIT, "@sentry/core", "@sentry/cloudflare"] as const;
const OPENINFERENCE = ["@arizeai/openinference-core"] as const;
const LANGSMITH = ["langsmith/traceable"] as const;
const DD_TRACE = ["dd-trace"] as const;

const configName = [{ arg: 0, property: "name" }] as const;

function traceloopWith(exportName: string, kind: string): ExportOpener {
  return { sdk: "traceloop", form: "call", modules: TRACELOOP, path: [exportName], kind, callback: 1, names: configName, errors: "not-recorded" };
}

function traceloopDecorator(exportName: string, kind: string): DecoratorOpener {
  return {
    sdk: "traceloop",
    form: "decorator",
    modules: TRACELOOP,
    path: [exportName],
    kind,
    callback: 0,
    // `@workflow({ name })`, else Traceloop uses the method's own name.
    names: exportName === "conversation" ? [{ arg: 0 }, { callbackName: true }] : [{ arg: 0, property: "name" }, { callbackName: true }],
    errors: "not-recorded",
  };
}

function wrapperOf(sdk: SdkId, modules: readonly string[], exportName: string, kind: string): ExportOpener {
  // `traceable(fn, { name })`, `traceChain(fn, { name })`: the callback comes first.
  return { sdk, form: "call", modules, path: [exportName], kind, callback: 0, names: [{ arg: 1, property: "name" }, { callbackName: true }], errors: "recorded" };
}

// Issue 16, part "sdks2": Traceloop's manual LLM and vector-DB spans, dd-trace's LLM Observability spans, the
// Langfuse v3 client and the LangSmith client. Each semantic is read from the SDK's own source (cited per entry).

/**
 * dd-trace `tracer.trace` (packages/dd-trace/src/tracer.js, 5.132): a callback of one parameter has its throw or
 * rejection tagged on the span (`addError`) and the span finished; one that declares `(span, done)` owns the span
 * until it calls `done` (a synchronous throw is still caught, a rejection is not). Its spans are not OpenTelemetry
 * spans, so `trace.getActiveSpan()` does not see them.
 */
const DD_TRACE_SPANS = { activeOtelSpan: false, doneParam: 1 } as const;

const SDKS2_OPENERS: readonly OpenerSpec[] = [
  // withVectorDBCall({ vendor, type }, fn): `startActiveSpan`, ended when fn returns or resolves, neither recorded nor
  // ended on a throw or rejection (@traceloop/node-server-sdk 0.27 dist/index.mjs, `withVectorDBCall`).
  { ...traceloopWith("withVectorDBCall", "vector DB call"), names: [{ arg: 0, property: "vendor" }] },
  // withLLMCall({ vendor, type }, fn): `startSpan` (never made active: `trace.setSpan`'s result is dropped), ended on
  // success only (same file, `withLLMCall`). The callback gets the span inside an `LLMSpan` whose field is private.
  { ...traceloopWith("withLLMCall", "LLM call"), names: [{ arg: 0, property: "vendor" }], activeOtelSpan: false },
  // tracer.llmobs.trace({ kind, name }, fn): `tracer.trace(name || kind, …)` around fn, `(span, cb)` passed on
  // (dd-trace packages/dd-trace/src/llmobs/sdk.js, `trace`).
  {
    sdk: "dd-trace",
    form: "method",
    method: "trace",
    modules: DD_TRACE,
    receiver: ["llmobs"],
    kind: "LLMObs span",
    callback: "last",
    names: [{ arg: 0, property: "name" }, { arg: 0, property: "kind" }],
    errors: "recorded",
    ...DD_TRACE_SPANS,
  },
  // tracer.llmobs.wrap({ kind, name }, fn): `tracer.wrap(name || fn.name || kind, …)` (same file, `wrap`).
  {
    sdk: "dd-trace",
    form: "method",
    method: "wrap",
    modules: DD_TRACE,
    receiver: ["llmobs"],
    kind: "LLMObs span",
    callback: "last",
    names: [{ arg: 0, property: "name" }, { callbackName: true }, { arg: 0, property: "kind" }],
    errors: "recorded",
    activeOtelSpan: false,
  },
  // @tracer.llmobs.decorate({ kind, name }) on a method: `llmobs.wrap({ name: <method>, ...options }, method)`
  // (same directory, noop.js `decorate`, which the SDK class inherits).
  {
    sdk: "dd-trace",
    form: "decorator",
    modules: DD_TRACE,
    path: ["llmobs", "decorate"],
    kind: "LLMObs span",
    callback: 0,
    names: [{ arg: 0, property: "name" }, { callbackName: true }],
    errors: "recorded",
    activeOtelSpan: false,
  },
];

/** The Langfuse v3 client (`langfuse`, `langfuse-node`): `new Langfuse()`, events queued by trace()/span()/generation(). */
const LANGFUSE_V3 = ["langfuse", "langfuse-node"] as const;

const SDKS2_INITIALIZERS: readonly InitializerSpec[] = [
  // langfuse-core v3.39 `enqueue`: a queue sent when it holds `flushAt` (15) events or by an `unref`'d `flushInterval`
  // (10 s) timer; no exit hook. `shutdownAsync()` flushes, waits for the requests in flight, and flushes again.
  { sdk: "langfuse", modules: LANGFUSE_V3, path: ["Langfuse"], construct: true, flushMethod: "shutdownAsync" },
  // `import Langfuse from "langfuse"`: the default export is the same class.
  { sdk: "langfuse", modules: LANGFUSE_V3, path: ["default"], construct: true, className: "Langfuse", flushMethod: "shutdownAsync" },
  // langsmith 0.12 lib/client.mjs `processRunOperation`: runs wait 250 ms in a batch queue on a timer that is not
  // `unref`'d; `awaitPendingTraceBatches()` sends them and waits.
  { sdk: "langsmith", modules: ["langsmith"], path: ["Client"], construct: true, flushMethod: "awaitPendingTraceBatches", drainsAtEnd: true },
  // The runs of a RunTree (postRun/end/patchRun), of a wrapped client's calls (each one a `traceable` run:
  // lib/wrappers/openai.mjs, generic.mjs, experimental/vercel) go to that shared client unless told otherwise.
  { sdk: "langsmith", modules: ["langsmith", "langsmith/run_trees"], path: ["RunTree"], construct: true, flushMethod: "client.awaitPendingTraceBatches", drainsAtEnd: true },
  { sdk: "langsmith", modules: ["langsmith/wrappers", "langsmith/wrappers/openai"], path: ["wrapOpenAI"], drainsAtEnd: true },
  { sdk: "langsmith", modules: ["langsmith/wrappers", "langsmith/wrappers/generic"], path: ["wrapSDK"], drainsAtEnd: true },
  { sdk: "langsmith", modules: ["langsmith/experimental/vercel"], path: ["wrapAISDK"], drainsAtEnd: true },
  // initializeOTEL() registers a BatchSpanProcessor (lib/experimental/otel/setup.mjs, processor.mjs): queued, and the
  // client's awaitPendingTraceBatches() force-flushes it.
  { sdk: "langsmith", modules: ["langsmith/experimental/otel/setup"], path: ["initializeOTEL"] },
];

const SDKS2_FLUSHES: readonly FlushSpec[] = [
  { sdk: "langfuse", form: "method", method: "flushAsync", onInstancesOf: ["Langfuse"], example: "langfuse.flushAsync()" },
  { sdk: "langfuse", form: "method", method: "shutdownAsync", onInstancesOf: ["Langfuse"], example: "langfuse.shutdownAsync()" },
];
// --- Issue 16 (branch sdks): OpenAI Agents SDK, Vercel AI SDK telemetry, @vercel/otel ---------------------------

const OPENAI_AGENTS = ["@openai/agents", "@openai/agents-core"] as const;
const VERCEL_AI = ["ai"] as const;
const MASTRA = ["@mastra/core", "@mastra/core/mastra"] as const;

/**
 * The callbacks of an AI SDK call made with `experimental_telemetry: { isEnabled: true }`: they run while its
 * `ai.*` spans are open (a tool's `execute` inside `ai.toolCall` too). ai 6.0 (`dist/index.mjs`) catches what
 * they throw: `executeToolCall` turns it into a `tool-error` result, `notify()` ignores it for `onStart`,
 * `onStepStart`, `onStepFinish` and `onFinish`, and `streamObject` puts it into the stream.
 */
function aiSdkCall(exportName: string, properties: readonly string[], tools: boolean): ExportOpener {
  const callbackProperties = [
    ...(tools ? [{ path: ["tools", "*", "execute"], kind: `${exportName} tool` }] : []),
    ...properties.map((property) => ({ path: [property], kind: `${exportName} ${property} callback` })),
  ];
  return {
    sdk: "vercel-ai",
    form: "call",
    modules: VERCEL_AI,
    path: [exportName],
    kind: exportName,
    callback: 0,
    names: [],
    // `recordSpan()` records the error on its span, sets ERROR and ends it.
    errors: "recorded",
    callbackProperties,
    enabledBy: ["experimental_telemetry", "isEnabled"],
    contained: true,
  };
}

const TEXT_CALLBACKS = ["onStart", "onStepStart", "onStepFinish", "onFinish"] as const;

const AGENT_AND_AI_OPENERS: readonly OpenerSpec[] = [
  // withTrace(name, fn, options): agents-core 0.20 `tracing/context.mjs` ends the trace only when fn settles,
  // and has no error state for it; but `BatchTraceProcessor` exports a trace when it *starts* (`onTraceEnd`
  // does nothing), so a throw loses nothing of it, and the spans inside end themselves (below).
  { sdk: "openai-agents", form: "call", modules: OPENAI_AGENTS, path: ["withTrace"], kind: "trace", callback: 1, names: [{ arg: 0 }], errors: "recorded" },
  { sdk: "openai-agents", form: "call", modules: OPENAI_AGENTS, path: ["getOrCreateTrace"], kind: "trace", callback: 0, names: [{ arg: 1, property: "name" }], errors: "recorded", runsAtOnce: true },
  // withCustomSpan(fn, { data: { name } }): `_withSpanFactory` in `tracing/createSpans.mjs` sets the error and ends the span in `finally`.
  { sdk: "openai-agents", form: "call", modules: OPENAI_AGENTS, path: ["withCustomSpan"], kind: "span", callback: 0, names: [{ callbackName: true }], errors: "recorded", runsAtOnce: true },
  aiSdkCall("generateText", TEXT_CALLBACKS, true),
  aiSdkCall("streamText", TEXT_CALLBACKS, true),
  aiSdkCall("streamObject", ["onFinish"], false),
];

/**
 * SDKs that flush on their own whatever the set-up, with no initializer call: agents-core 0.20's
 * `TraceProvider` (`tracing/provider.mjs`) shuts its processors down on `beforeExit`, and on `unhandledRejection`
 * before it exits with code 1 (when nothing else listens). Only `process.exit()` (and a signal) loses its spans.
 */
export const SELF_FLUSHING_SDKS: readonly SdkId[] = ["openai-agents"];

const AGENT_AND_AI_FLUSHES: readonly FlushSpec[] = [
  {
    sdk: "openai-agents",
    form: "call",
    modules: OPENAI_AGENTS,
    path: ["getGlobalTraceProvider"],
    resultMethods: ["forceFlush", "shutdown"],
    example: "getGlobalTraceProvider().forceFlush()",
  },
  { sdk: "mastra", form: "method", method: "shutdown", onInstancesOf: ["Mastra"], example: "mastra.shutdown()" },
];

const AGENT_AND_AI_INITIALIZERS: readonly InitializerSpec[] = [
  // @vercel/otel 2.1 `src/index.ts`: `registerOTel()` builds a BasicTracerProvider with batch processors,
  // sets it as the global provider and returns nothing.
  { sdk: "opentelemetry", modules: ["@vercel/otel"], path: ["registerOTel"], handleless: true },
  // Mastra traces with its `observability` option; its `shutdown()` shuts the observability instance and its
  // exporters down (mastra-ai/mastra packages/core/src/mastra/index.ts). The 0.x `telemetry` option is left
  // out: the early `Mastra` class read here has no `shutdown()`, and which release added it is not verified.
  // drainsAtEnd, measured on @mastra/core 0.24.9 (tests/e2e/runtime-releases.test.ts, "Mastra"): its exporters
  // batch on a 5 s timer that is not `unref`'d (CloudExporter, DefaultExporter in dist/chunk-BBE22VBK.js), so a
  // natural end waits and sends; process.exit() and a crash lose the batch; mastra.shutdown() sends it; without
  // `observability` nothing is sent, flushed or not. Exporters of other packages (@mastra/otel-exporter, …) are not run.
  { sdk: "mastra", modules: MASTRA, path: ["Mastra"], construct: true, tracesWith: ["observability"], drainsAtEnd: true },
];

// --- end of issue 16 (branch sdks) ----------------------------------------------------------------------------------

export const OPENERS: readonly OpenerSpec[] = [
  traceloopWith("withWorkflow", "workflow"),
  traceloopWith("withTask", "task"),
  traceloopWith("withAgent", "agent"),
  traceloopWith("withTool", "tool"),
  { ...traceloopWith("withConversation", "conversation"), names: [{ arg: 0 }] },
  traceloopDecorator("workflow", "workflow"),
  traceloopDecorator("task", "task"),
  traceloopDecorator("agent", "agent"),
  traceloopDecorator("tool", "tool"),
  traceloopDecorator("conversation", "conversation"),
  // tracer.startActiveSpan(name, fn) | (name, options, fn) | (name, options, context, fn)
  { sdk: "opentelemetry", form: "method", method: "startActiveSpan", kind: "span", callback: "last", names: [{ arg: 0 }], errors: "user-owned", spanParam: 0 },
  // context.with(trace.setSpan(context.active(), span), fn)
  {
    sdk: "opentelemetry",
    form: "call",
    modules: OTEL_API,
    path: ["context", "with"],
    firstArgCallOf: ["trace", "setSpan"],
    kind: "span",
    callback: 1,
    names: [],
    errors: "user-owned",
  },
  // context.bind(trace.setSpan(ctx, span), fn) (issue 16): the bound function runs in the span's context when called.
  { sdk: "opentelemetry", form: "call", modules: OTEL_API, path: ["context", "bind"], firstArgCallOf: ["trace", "setSpan"], kind: "span", callback: 1, names: [], errors: "user-owned" },
  { sdk: "langfuse", form: "call", modules: LANGFUSE, path: ["startActiveObservation"], kind: "observation", callback: 1, names: [{ arg: 0 }], errors: "recorded" },
  { sdk: "langfuse", form: "call", modules: LANGFUSE, path: ["observe"], kind: "observation", callback: 0, names: [{ arg: 1, property: "name" }, { callbackName: true }], errors: "recorded" },
  { sdk: "sentry", form: "call", modules: SENTRY, path: ["startSpan"], kind: "span", callback: 1, names: configName, errors: "recorded" },
  // startSpanManual sets ERROR when the callback throws but leaves `span.end()` to the callback: the span stays open.
  { sdk: "sentry", form: "call", modules: SENTRY, path: ["startSpanManual"], kind: "span", callback: 1, names: configName, errors: "user-owned", spanParam: 0, finishParam: 1 },
  { sdk: "openinference", form: "call", modules: OPENINFERENCE, path: ["withSpan"], kind: "span", callback: 0, names: [{ arg: 1, property: "name" }, { callbackName: true }], errors: "recorded" },
  wrapperOf("openinference", OPENINFERENCE, "traceChain", "chain"),
  wrapperOf("openinference", OPENINFERENCE, "traceAgent", "agent"),
  wrapperOf("openinference", OPENINFERENCE, "traceTool", "tool"),
  wrapperOf("langsmith", LANGSMITH, "traceable", "run"),
  // tracer.trace(name, [options], fn), tracer.wrap(name, [options], fn) on the dd-trace tracer
  { sdk: "dd-trace", form: "method", method: "trace", modules: DD_TRACE, kind: "span", callback: "last", names: [{ arg: 0 }], errors: "recorded", ...DD_TRACE_SPANS },
  // tracer.wrap(name, fn): `done` is the wrapped function's own callback argument at call time, not a parameter of fn.
  { sdk: "dd-trace", form: "method", method: "wrap", modules: DD_TRACE, kind: "span", callback: "last", names: [{ arg: 0 }], errors: "recorded", activeOtelSpan: false },
  ...SDKS2_OPENERS,
  ...AGENT_AND_AI_OPENERS,
];

export const INITIALIZERS: readonly InitializerSpec[] = [
  { sdk: "traceloop", modules: TRACELOOP, path: ["initialize"], offWhenFalse: "tracingEnabled" },
  { sdk: "opentelemetry", modules: ["@opentelemetry/sdk-node"], path: ["NodeSDK"], construct: true },
  { sdk: "opentelemetry", modules: ["@opentelemetry/sdk-trace-node"], path: ["NodeTracerProvider"], construct: true },
  { sdk: "opentelemetry", modules: ["@opentelemetry/sdk-trace-base"], path: ["BasicTracerProvider"], construct: true },
  { sdk: "langfuse", modules: ["@langfuse/otel"], path: ["LangfuseSpanProcessor"], construct: true },
  { sdk: "sentry", modules: SENTRY_NODE_INIT, path: ["init"], selfFlushing: true },
  { sdk: "sentry", modules: SENTRY_OTHER_INIT, path: ["init"] },
  // dd-trace flushes from its own beforeExit hook (packages/dd-trace/src/bootstrap.js, exporters/agent/index.js).
  { sdk: "dd-trace", modules: DD_TRACE, path: ["init"], drainsAtEnd: true },
  ...SDKS2_INITIALIZERS,
  ...AGENT_AND_AI_INITIALIZERS,
];

export const FLUSHES: readonly FlushSpec[] = [
  { sdk: "traceloop", form: "call", modules: TRACELOOP, path: ["forceFlush"], example: "traceloop.forceFlush()" },
  { sdk: "sentry", form: "call", modules: SENTRY, path: ["flush"], example: "Sentry.flush()" },
  { sdk: "sentry", form: "call", modules: SENTRY, path: ["close"], example: "Sentry.close()" },
  // provider.forceFlush(), spanProcessor.forceFlush(), langfuseSpanProcessor.forceFlush(): the name is specific enough.
  { sdk: "opentelemetry", form: "method", method: "forceFlush", example: "provider.forceFlush()" },
  // sdk.shutdown() / provider.shutdown(): `shutdown` is too common a name to trust on any object.
  { sdk: "opentelemetry", form: "method", method: "shutdown", onInstancesOf: ["NodeSDK", "NodeTracerProvider", "BasicTracerProvider", "LangfuseSpanProcessor"], example: "sdk.shutdown()" },
  { sdk: "langsmith", form: "method", method: "awaitPendingTraceBatches", example: "client.awaitPendingTraceBatches()" },
  ...SDKS2_FLUSHES,
  ...AGENT_AND_AI_FLUSHES,
];

/** Global process-ending calls, by property of `process`. */
export const EXIT_METHODS = ["exit", "abort", "kill", "reallyExit"] as const;
export type ExitMethod = (typeof EXIT_METHODS)[number];

export const PROCESS_MODULES = ["process", "node:process"] as const;

// ---------------------------------------------------------------------------------------------
// Version-aware error semantics (issue 16). The openers above say what the newest verified
// release does; these entries say where that differs by release, so that the rules judge the
// code by the SDK installed in the user's project (src/scopes/releases.ts reads it). Each claim
// was checked in the SDK's own source at the versions named; docs/settings.md#versions lists them.
// ---------------------------------------------------------------------------------------------

/**
 * What an opener's wrapper does when its callback fails, in the releases `[from, below)`:
 * - an `ErrorSemantics`, as on the opener;
 * - `async-only`: a rejected promise is recorded and the span ended, but a synchronous throw escapes
 *   before the wrapper's promise handlers run and leaves the span open;
 * - `no-scope`: in these releases the export takes no callback (or does not exist): the argument is
 *   never called, so nothing runs inside a span.
 */
export interface ReleaseBehaviour {
  readonly from?: string;
  readonly below?: string;
  /** The range as messages write it: `<=0.27.0`, `>=7.69.0`. */
  readonly label: string;
  readonly errors: ErrorSemantics | "async-only" | "no-scope";
}

export interface VersionedOpeners {
  readonly sdk: SdkId;
  /** The openers of `sdk` it applies to, by the last name of their export path (or their method). */
  readonly openers: readonly string[];
  /** The packages whose installed version decides, first found wins (Sentry's release in lockstep): the openers' modules. */
  readonly packages: readonly string[];
  /** The SDK as messages name it. */
  readonly name: string;
  /** Ordered, non-overlapping, together covering every version. */
  readonly releases: readonly ReleaseBehaviour[];
  /** The release assumed when no version can be found: the one that lets the fewest spans go unreported. */
  readonly assume: number;
  /** The newest release whose source was read: a newer one gets the last range, and the message says so. */
  readonly verifiedThrough: string;
}

/** Releases before `version` behave one way, `version` and later another. */
function changedIn(version: string, before: ReleaseBehaviour["errors"], after: ReleaseBehaviour["errors"]): ReleaseBehaviour[] {
  return [
    { below: version, label: `<${version}`, errors: before },
    { from: version, label: `>=${version}`, errors: after },
  ];
}

/**
 * Openers that exist only in some releases, so they are known here with their ranges below. Sentry 7.65–7.x's
 * `startActiveSpan(context, callback)` records and ends like `startSpan`; without this entry the any-object
 * `startActiveSpan` of OpenTelemetry would claim `Sentry.startActiveSpan(…)` as a span its callback owns.
 */
export const RELEASE_OPENERS: readonly OpenerSpec[] = [
  { sdk: "sentry", form: "call", modules: SENTRY, path: ["startActiveSpan"], kind: "span", callback: 1, names: configName, errors: "recorded" },
];

export const VERSIONED_OPENERS: readonly VersionedOpeners[] = [
  // withEntity() (packages/traceloop-sdk/src/lib/tracing/decorators.ts) ends the span in the promise's
  // fulfilment handler and after a synchronous return only, in every version of that file from its first
  // commit (0.0.2) to 0.27.0, the latest published; no branch of the repository records errors there.
  {
    sdk: "traceloop",
    openers: ["withWorkflow", "withTask", "withAgent", "withTool", "withConversation", "workflow", "task", "agent", "tool", "conversation", "withVectorDBCall", "withLLMCall"],
    packages: TRACELOOP,
    name: "Traceloop",
    releases: [{ label: "<=0.27.0", errors: "not-recorded" }],
    assume: 0,
    verifiedThrough: "0.27.0",
  },
  // 7.65.0–7.68.x: `startSpan(context)` returned an inactive span and took no callback (the callback form was
  // `startActiveSpan`); 7.69.0 (getsentry/sentry-javascript cf75ffea45) renamed it to `startSpan(context, callback)`,
  // which sets 'internal_error' and finishes the span on a throw or rejection, as every release since does
  // (handleCallbackErrors in 7.120.0, 8.0.0 and 10.x). Before 7.65.0 there is no `startSpan`.
  {
    sdk: "sentry",
    openers: ["startSpan"],
    packages: SENTRY,
    name: "Sentry",
    releases: changedIn("7.69.0", "no-scope", "recorded"),
    assume: 1,
    verifiedThrough: "10.78.0",
  },
  // `startSpanManual(context, (span, finish) => …)` arrived in 7.69.0 (getsentry/sentry-javascript 3db988f463); it sets
  // an error status but never ends the span, in every release since (7.120.0 handleCallbackErrors without an end,
  // 10.x `autoEnd` false). Before 7.69.0 it is not exported: the call throws and the callback never runs.
  {
    sdk: "sentry",
    openers: ["startSpanManual"],
    packages: SENTRY,
    name: "Sentry",
    releases: changedIn("7.69.0", "no-scope", "user-owned"),
    assume: 1,
    verifiedThrough: "10.78.0",
  },
  // `startActiveSpan(context, callback)`: added in 7.65.0 (getsentry/sentry-javascript 5c085efa8d), setting 'internal_error'
  // and finishing the span on a throw or rejection; an alias of `startSpan` from 7.69.0 to 7.120.x; not exported by 8.0.0
  // and later, where the call throws and the callback never runs.
  {
    sdk: "sentry",
    openers: ["startActiveSpan"],
    packages: SENTRY,
    name: "Sentry",
    releases: [
      { below: "7.65.0", label: "<7.65.0", errors: "no-scope" },
      { from: "7.65.0", below: "8.0.0", label: ">=7.65.0 <8.0.0", errors: "recorded" },
      { from: "8.0.0", label: ">=8.0.0", errors: "no-scope" },
    ],
    assume: 1,
    verifiedThrough: "10.78.0",
  },
  // withSpan() (js/packages/openinference-core/src/helpers/withSpan.ts), which traceChain/traceAgent/traceTool
  // call: from 2.0.0 it recorded and ended the span when the promise rejected, but called `fn(...args)` outside
  // any try, so a synchronous throw left the span open; 2.0.7 (Arize-ai/openinference 4eebba39a, "withSpan sync
  // errors") records and ends on both. Assumed when not found: the older behaviour, which reports more.
  {
    sdk: "openinference",
    openers: ["withSpan", "traceChain", "traceAgent", "traceTool"],
    packages: OPENINFERENCE,
    name: "OpenInference",
    releases: changedIn("2.0.7", "async-only", "recorded"),
    assume: 0,
    verifiedThrough: "2.7.1",
  },
];

// --- Program runners (issue 16, require-flush-before-exit's entry shapes) -------------------------------
// Calls that run their callback at once, in a context of their own, and return what it returns, opening no
// span: the whole program may be written inside one at top level, and its promise is then the program's.
//   traceloop.withAssociationProperties({ userId }, async () => { … });   (Traceloop 0.27: context.with)
//   context.with(ctx, async () => { … });
export interface RunnerSpec {
  readonly sdk: SdkId;
  readonly modules: readonly string[];
  readonly path: readonly string[];
  /** The index of the callback that runs (`"last"`: the last argument, for runners with optional leading arguments). */
  readonly callback: CallbackPosition;
}

export const RUNNERS: readonly RunnerSpec[] = [
  { sdk: "traceloop", modules: TRACELOOP, path: ["withAssociationProperties"], callback: 1 },
  { sdk: "opentelemetry", modules: OTEL_API, path: ["context", "with"], callback: 1 },
  // --- wizard13 (issue 13): Sentry's scope forks. `withScope(cb)` / `withScope(scope, cb)` and the same for
  // `withIsolationScope`: @sentry/core's currentScopes.js hands the last argument to the async context strategy,
  // whose withScope / withSetScope / withIsolationScope / withSetIsolationScope (@sentry/opentelemetry's, which
  // @sentry/node uses; the stack strategy's alike) call it at once inside `context.with` and return its result.
  { sdk: "sentry", modules: SENTRY, path: ["withScope"], callback: "last" },
  { sdk: "sentry", modules: SENTRY, path: ["withIsolationScope"], callback: "last" },
  // --- end wizard13
];

/**
 * An opener that returns the traced function instead of running it: `traceAgent(fn, opts)`,
 * `traceable(fn, opts)`, `observe(fn, opts)`, `withSpan(fn, opts)` (their callback is the first argument;
 * every `call` opener whose callback comes later runs it at once and returns its result).
 */
export function returnsTracedFunction(spec: OpenerSpec): boolean {
  return spec.form === "call" && spec.callback === 0 && spec.runsAtOnce !== true && spec.callbackProperties === undefined;
}

// ---- Manual spans (issue 16): started by one call, ended by hand (`span.end()`, dd-trace's `span.finish()`). ----

/**
 * A call that starts a span and returns it, leaving its end to the caller:
 *
 *   const span = tracer.startSpan("fetch");   // ends at span.end(), or never
 *
 * Between the start and the end, an exit or an uncaught throw loses the span (src/scopes/manual-spans.ts).
 */
export interface ManualSpanSpec {
  readonly sdk: SdkId;
  /** Span kind as users say it: span, observation. */
  readonly kind: string;
  /**
   * `call`: an export of `modules` at `path` (`Sentry.startInactiveSpan`, Langfuse's `startObservation`).
   * `tracer-method`: `method` on a tracer resolved by binding: the result of an export call at `tracerPath`
   * (`trace.getTracer()`), or the module object itself and its `init()` result (`moduleIsTracer`, dd-trace).
   */
  readonly form: "call" | "tracer-method";
  readonly modules: readonly string[];
  readonly path: readonly string[];
  readonly tracerPaths?: readonly (readonly string[])[];
  /**
   * Tracer providers whose `getTracer()` returns a tracer: made with `new` of a class (`new NodeTracerProvider()`)
   * or returned by a call (`trace.getTracerProvider()`).
   */
  readonly providers?: readonly { readonly modules: readonly string[]; readonly path: readonly string[]; readonly construct?: boolean }[];
  readonly moduleIsTracer?: boolean;
  /**
   * `tracer-method` only: `method` on any other object also counts in a file that names one of `modules`
   * (a tracer injected as `tracer: Tracer`, `this.tracer`), when the span it returns is ended in the same
   * function with `end`: an unrelated `startSpan` whose result is never `.end()`ed stays out.
   */
  readonly anyObjectWhenEnded?: boolean;
  readonly names: readonly NameSource[];
  /** The method that ends the span. */
  readonly end: string;
  /** A method of the span that starts a child of the same kind (Langfuse's `observation.startObservation(…)`). */
  readonly childMethod?: string;
  /** Methods that return the span itself, so that `observation.update({ … }).end()` ends it (Langfuse's `update`). */
  readonly chainMethods?: readonly string[];
  /**
   * How the rewrite reaches an OpenTelemetry span to record on: the span itself (`"self"`) or one of its
   * properties (Langfuse's `observation.otelSpan`). Absent: no rewrite (dd-trace spans are not OpenTelemetry
   * spans; Sentry's `Span` type is not assignable to OpenTelemetry's).
   */
  readonly otelSpan?: "self" | string;
}

export const MANUAL_SPANS: readonly ManualSpanSpec[] = [
  // tracer.startSpan(name, options?, context?): @opentelemetry/api's Tracer. The span is exported when it ends.
  {
    sdk: "opentelemetry",
    kind: "span",
    form: "tracer-method",
    modules: OTEL_API,
    path: ["startSpan"],
    tracerPaths: [["trace", "getTracer"]],
    providers: [
      { modules: OTEL_API, path: ["trace", "getTracerProvider"] },
      { modules: ["@opentelemetry/sdk-trace-node"], path: ["NodeTracerProvider"], construct: true },
      { modules: ["@opentelemetry/sdk-trace-base"], path: ["BasicTracerProvider"], construct: true },
    ],
    anyObjectWhenEnded: true,
    names: [{ arg: 0 }],
    end: "end",
    otelSpan: "self",
  },
  // tracer.startSpan(name, options?): dd-trace's tracer (the module object, or `init()`'s result). dd-trace
  // sends a trace once all its spans have finished (`span.finish()`).
  { sdk: "dd-trace", kind: "span", form: "tracer-method", modules: DD_TRACE, path: ["startSpan"], moduleIsTracer: true, names: [{ arg: 0 }], end: "finish" },
  // Sentry.startInactiveSpan({ name }): not made active, ended with span.end().
  { sdk: "sentry", kind: "span", form: "call", modules: SENTRY, path: ["startInactiveSpan"], names: configName, end: "end" },
  // startObservation(name, attributes?, { asType }?) of @langfuse/tracing 5: a LangfuseSpan/Generation/…
  // whose end() ends its `otelSpan`.
  { sdk: "langfuse", kind: "observation", form: "call", modules: LANGFUSE, path: ["startObservation"], names: [{ arg: 0 }], end: "end", otelSpan: "otelSpan", childMethod: "startObservation", chainMethods: ["update"] },
];

// ---- Error-handling helpers (issue 13, branch fp-owners): who ends a span when the work fails. ----

/**
 * A library function that runs a callback and hands its failure to other callbacks of the caller, which may
 * end the span there. Recognised by import binding, like the openers:
 *
 *   const request = safeExecuteInTheMiddle(() => original.apply(this, args), (error) => { if (error) { span.end(); } });
 */
export interface ErrorHandlerSpec {
  readonly sdk: SdkId;
  readonly modules: readonly string[];
  readonly path: readonly string[];
  /** The callback the helper runs. */
  readonly run: number;
  /** The callbacks the helper calls once `run` failed (and maybe on success too): one that ends the span ends it on the error path. */
  readonly onError: readonly number[];
  /**
   * Which failures of `run` reach them: `sync` a synchronous throw only (a promise `run` returns is passed on as it
   * is, its rejection unseen); `sync-and-async` a rejection of the promise it returns too.
   */
  readonly catches: "sync" | "sync-and-async";
}

export const ERROR_HANDLERS: readonly ErrorHandlerSpec[] = [
  // @opentelemetry/instrumentation 0.203 build/src/utils.js: `try { result = execute() } catch (e) { error = e }
  // finally { onFinish(error, result); if (error && !preventThrowingError) throw error; return result }`.
  { sdk: "opentelemetry", modules: ["@opentelemetry/instrumentation"], path: ["safeExecuteInTheMiddle"], run: 0, onError: [1], catches: "sync" },
  // The same with `result = await execute()`: a rejection reaches onFinish too.
  { sdk: "opentelemetry", modules: ["@opentelemetry/instrumentation"], path: ["safeExecuteInTheMiddleAsync"], run: 0, onError: [1], catches: "sync-and-async" },
  // @sentry/core 10.78 src/utils/handleCallbackErrors.ts: a throw calls onError(e), onFinally() and rethrows; a
  // thenable result is chained so that a rejection calls onError(err) then onFinally(); onFinally runs on every path.
  { sdk: "sentry", modules: ["@sentry/core"], path: ["handleCallbackErrors"], run: 0, onError: [1, 2], catches: "sync-and-async" },
];

// ---- Issue 14, case 7 (branch rewrites14): scopes whose span an option hands to the caller. ----

/**
 * An opener whose option (`options[property] === value` in the argument at `options`) leaves its span to the
 * caller: the SDK does not end it when the callback returns, nor when it throws or rejects.
 */
export interface CallerOwnedSpec {
  readonly sdk: SdkId;
  readonly modules: readonly string[];
  readonly path: readonly string[];
  readonly options: number;
  readonly property: string;
  readonly value: unknown;
}

export const CALLER_OWNED: readonly CallerOwnedSpec[] = [
  // startActiveObservation(name, fn, { endOnExit: false }) of @langfuse/tracing 5.11 (dist/index.mjs,
  // `startActiveObservation` and `wrapPromise`): a throw or rejection of fn sets ERROR and the error's message
  // on the span and is passed on, and the span is never ended; the caller, whose call throws or rejects, never
  // receives it.
  { sdk: "langfuse", modules: LANGFUSE, path: ["startActiveObservation"], options: 2, property: "endOnExit", value: false },
];

// ---- Issue 16, branch spanrecall16: calls that run a callback at once with a span started by hand active. ----

/**
 * `<tracer>.<chain…>().<method>(span, callback)`, on a tracer of a manual-span spec of `sdk`: runs `callback` at
 * once, synchronously, and returns what it returns; the span stays open (src/fixes/manual-span.ts judges the
 * callback's flow as the span's own).
 */
export interface SpanRunnerSpec {
  readonly sdk: SdkId;
  /** Calls from the tracer to the runner's holder: `["scope"]` for `tracer.scope()`. */
  readonly chain: readonly string[];
  readonly method: string;
  readonly span: number;
  readonly callback: number;
}

export const SPAN_RUNNERS: readonly SpanRunnerSpec[] = [
  // dd-trace 5.132 packages/dd-trace/src/scope.js `activate (span, callback)`: enters the span's store, `return
  // callback()`, on a throw sets the span's `error` tag and rethrows, restores the store in `finally`; never finishes it.
  { sdk: "dd-trace", chain: ["scope"], method: "activate", span: 0, callback: 1 },
];
