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
const SENTRY_NODE_INIT = [
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
  { sdk: "openai-agents", form: "call", modules: OPENAI_AGENTS, path: ["getOrCreateTrace"], kind: "trace", callback: 0, names: [{ arg: 1, property: "name" }], errors: "recorded" },
  // withCustomSpan(fn, { data: { name } }): `_withSpanFactory` in `tracing/createSpans.mjs` sets the error and ends the span in `finally`.
  { sdk: "openai-agents", form: "call", modules: OPENAI_AGENTS, path: ["withCustomSpan"], kind: "span", callback: 0, names: [{ callbackName: true }], errors: "recorded" },
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
  { sdk: "mastra", modules: MASTRA, path: ["Mastra"], construct: true, tracesWith: ["observability"] },
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
  { sdk: "dd-trace", form: "method", method: "trace", modules: DD_TRACE, kind: "span", callback: "last", names: [{ arg: 0 }], errors: "recorded" },
  { sdk: "dd-trace", form: "method", method: "wrap", modules: DD_TRACE, kind: "span", callback: "last", names: [{ arg: 0 }], errors: "recorded" },
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
  { sdk: "dd-trace", modules: DD_TRACE, path: ["init"] },
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
  ...AGENT_AND_AI_FLUSHES,
];

/** Global process-ending calls, by property of `process`. */
export const EXIT_METHODS = ["exit", "abort", "kill", "reallyExit"] as const;
export type ExitMethod = (typeof EXIT_METHODS)[number];

export const PROCESS_MODULES = ["process", "node:process"] as const;
