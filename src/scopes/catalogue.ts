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

/** A function exported by a module: `withWorkflow(config, fn)`. */
export interface ExportOpener extends OpenerBase {
  readonly form: "call";
  readonly modules: readonly string[];
  /** Property path from the module object, e.g. `["withWorkflow"]`. */
  readonly path: readonly string[];
  /** `context.with(trace.setSpan(...), fn)`: only when the first argument is a call of this export path. */
  readonly firstArgCallOf?: readonly string[];
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
}

/** A call that exports what is queued. */
export type FlushSpec =
  | { readonly sdk: SdkId; readonly form: "call"; readonly modules: readonly string[]; readonly path: readonly string[]; readonly example: string }
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
const SENTRY = ["@sentry/node", "@sentry/bun", "@sentry/aws-serverless", "@sentry/google-cloud-serverless"] as const;
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
  { sdk: "dd-trace", form: "method", method: "trace", modules: DD_TRACE, kind: "span", callback: "last", names: [{ arg: 0 }], errors: "recorded" },
  { sdk: "dd-trace", form: "method", method: "wrap", modules: DD_TRACE, kind: "span", callback: "last", names: [{ arg: 0 }], errors: "recorded" },
];

export const INITIALIZERS: readonly InitializerSpec[] = [
  { sdk: "traceloop", modules: TRACELOOP, path: ["initialize"], offWhenFalse: "tracingEnabled" },
  { sdk: "opentelemetry", modules: ["@opentelemetry/sdk-node"], path: ["NodeSDK"], construct: true },
  { sdk: "opentelemetry", modules: ["@opentelemetry/sdk-trace-node"], path: ["NodeTracerProvider"], construct: true },
  { sdk: "opentelemetry", modules: ["@opentelemetry/sdk-trace-base"], path: ["BasicTracerProvider"], construct: true },
  { sdk: "langfuse", modules: ["@langfuse/otel"], path: ["LangfuseSpanProcessor"], construct: true },
  { sdk: "sentry", modules: SENTRY, path: ["init"] },
  { sdk: "dd-trace", modules: DD_TRACE, path: ["init"] },
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
];

/** Global process-ending calls, by property of `process`. */
export const EXIT_METHODS = ["exit", "abort", "kill", "reallyExit"] as const;
export type ExitMethod = (typeof EXIT_METHODS)[number];

export const PROCESS_MODULES = ["process", "node:process"] as const;

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
  { sdk: "langfuse", kind: "observation", form: "call", modules: LANGFUSE, path: ["startObservation"], names: [{ arg: 0 }], end: "end", otelSpan: "otelSpan", childMethod: "startObservation" },
];
