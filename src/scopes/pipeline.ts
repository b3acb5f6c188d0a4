/**
 * How spans leave the process, per file: what the tracing set-up written here does with a span
 * once it ends. The flush findings exist only where this really loses spans.
 *
 * Measured (tests/e2e/runtime-pipeline.test.ts, real SDKs, a loopback OTLP receiver):
 * - `queued`: a batch processor (the default of Traceloop's `initialize()`, NodeSDK's
 *   `traceExporter`, `BatchSpanProcessor`) keeps ended spans until an `unref`'d timer or a flush
 *   exports them. Any end of the process without a flush loses them: `process.exit()`, a crash,
 *   and a natural end too.
 * - `on-end`: a simple processor (Traceloop `disableBatch: true`, `SimpleSpanProcessor`) exports
 *   each span as it ends, and the request in flight keeps the event loop alive. A natural end loses nothing; `process.exit()` and a crash (an unhandled
 *   rejection) still cut the requests in flight.
 * - `self-flushing`: Sentry in its default mode sends a transaction when its root span ends on a
 *   timer that keeps the process alive, and captures unhandled rejections itself (the process
 *   does not crash). Only `process.exit()` loses anything. That is the `init()` of `@sentry/node`
 *   and of the packages whose `init()` is its (frameworks, serverless); Bun, Deno and Vercel Edge
 *   send with `fetch` and are left `queued`. The OpenAI Agents SDK's trace provider flushes on
 *   `beforeExit` and on an unhandled rejection by itself, with no initializer call.
 * - `drains-at-end`: the SDK queues spans but sends them before a natural end by itself: dd-trace's exporters
 *   flush from its `beforeExit` hook (dd-trace 5.132 packages/dd-trace/src/bootstrap.js and
 *   exporters/agent/index.js; the 2 s flush timer is `unref`'d), the LangSmith `Client`'s 250 ms batch timer
 *   is not `unref`'d (langsmith 0.12 lib/client.mjs `processRunOperation`), so its RunTrees and wrapped clients
 *   too (catalogue `drainsAtEnd`; LangSmith's `initializeOTEL()` batches like OpenTelemetry); Mastra's
 *   `observability` exporters batch on a timer that is not `unref`'d either (measured on @mastra/core 0.24.9).
 *   `process.exit()` and a crash skip them all: they lose the queue.
 * - `none`: nothing leaves the process: Traceloop with `tracingEnabled: false`, a provider whose
 *   processors export to an `InMemorySpanExporter` or that has no processor at all.
 *
 * A file whose set-up cannot be read statically (options from a variable, an initializer module
 * from settings, a processor built elsewhere) is `queued`: the conservative answer. A set-up in a module the file
 * imports by a relative path is read there (src/scopes/imported-setup.ts).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { propertyNode, resolveConst, walk } from "./ast";
import { createTracker } from "./globals";
import type { FileModel, InitializerCall } from "./model";
import { SELF_FLUSHING_SDKS, SENTRY_NODE_INIT, type SdkId } from "./catalogue";

export type Delivery = "queued" | "on-end" | "drains-at-end" | "self-flushing" | "none";

/** Worst first: the file's delivery is the worst of its initializers'. */
const ORDER: readonly Delivery[] = ["queued", "on-end", "drains-at-end", "self-flushing", "none"];

const OTEL_SDK_MODULES = ["@opentelemetry/sdk-trace-base", "@opentelemetry/sdk-trace-node", "@opentelemetry/sdk-trace-web"];
/** `new SimpleSpanProcessor(…)` and friends, by the export they construct. */
const PROCESSOR_EXPORTS = ["SimpleSpanProcessor", "BatchSpanProcessor", "InMemorySpanExporter"] as const;
type Built = (typeof PROCESSOR_EXPORTS)[number];

const pipelines = new WeakMap<FileModel, Delivery>();

/** The file's delivery: how its spans leave the process. */
export function deliveryOf(model: FileModel): Delivery {
  let delivery = pipelines.get(model);
  if (delivery === undefined) {
    delivery = computeDelivery(model);
    pipelines.set(model, delivery);
  }
  return delivery;
}

/** A natural end of the program (its entry settles, nothing exits) loses no span. */
export function naturalEndIsSafe(delivery: Delivery): boolean {
  return delivery !== "queued";
}

/** An unhandled rejection that ends the process loses no span. */
export function crashIsSafe(delivery: Delivery): boolean {
  return delivery === "self-flushing" || delivery === "none";
}

/**
 * What an unhandled rejection does where the delivery is `self-flushing`: Sentry's Node SDKs capture it and keep
 * the process alive, so the program ends with code 0 (`captured`); the OpenAI Agents SDK's listener flushes and
 * then calls `process.exit(1)` (`exits-1`). Undefined for the other deliveries: the rejection crashes the process.
 */
export function rejectionHandling(model: FileModel): "captured" | "exits-1" | undefined {
  if (deliveryOf(model) !== "self-flushing") return undefined;
  const sdks = tracedSdks(model);
  return model.initializers().length === 0 && sdks.length > 0 && sdks.every((sdk) => SELF_FLUSHING_SDKS.includes(sdk)) ? "exits-1" : "captured";
}

function computeDelivery(model: FileModel): Delivery {
  const initializers = model.initializers();
  if (initializers.length === 0) return onlySelfFlushingSdks(model) ? "self-flushing" : "queued";
  const built = lazyBuilt(model.sourceCode);
  const each = initializers.map((init) => initializerDelivery(model.sourceCode, init, built));
  return ORDER.find((delivery) => each.includes(delivery)) ?? "queued";
}

/** The SDKs the file traces with: its scopes' and its flush calls'. */
function tracedSdks(model: FileModel): SdkId[] {
  return [...model.scopes().map((scope) => scope.spec.sdk), ...model.flushes().flatMap((flush) => (flush.spec.form === "call" ? [flush.spec.sdk] : []))];
}

/**
 * With no initializer in the file, the SDKs it traces with: when all of them flush on their own whatever module
 * sets them up, nothing but an exit loses their spans. That is the OpenAI Agents SDK's trace provider (no set-up
 * at all), and Sentry when the file takes Sentry's API only from its Node SDKs: whichever module calls `init()`
 * (Sentry's documented `instrument.js`, imported first), it is a Node SDK's, which self-flushes.
 */
function onlySelfFlushingSdks(model: FileModel): boolean {
  const sdks = tracedSdks(model);
  let sentryFromNode: boolean | undefined;
  const sentryNodeOnly = () => (sentryFromNode ??= sentryImportedFromNodeOnly(model.sourceCode));
  return sdks.length > 0 && sdks.every((sdk) => SELF_FLUSHING_SDKS.includes(sdk) || (sdk === "sentry" && sentryNodeOnly()));
}

/** Every `@sentry/*` module the file imports or requires is one of the Node SDKs (and there is one). */
function sentryImportedFromNodeOnly(sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  const modules: string[] = [];
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    const source =
      node.type === AST_NODE_TYPES.ImportDeclaration
        ? node.source.value
        : node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === "require" && node.arguments[0]?.type === AST_NODE_TYPES.Literal
          ? node.arguments[0].value
          : undefined;
    if (typeof source === "string" && source.startsWith("@sentry/")) modules.push(source);
    return true;
  });
  return modules.length > 0 && modules.every((module) => (SENTRY_NODE_INIT as readonly string[]).includes(module));
}

function lazyBuilt(sourceCode: Readonly<TSESLint.SourceCode>): () => Map<TSESTree.Node, Built> {
  let built: Map<TSESTree.Node, Built> | undefined;
  return () => {
    if (built) return built;
    built = new Map();
    const tracker = createTracker(sourceCode);
    if (!tracker) return built;
    const perModule = Object.fromEntries(PROCESSOR_EXPORTS.map((name) => [name, { [ASTUtils.ReferenceTracker.CONSTRUCT]: name }]));
    const map = Object.fromEntries(OTEL_SDK_MODULES.map((module) => [module, perModule]));
    // NodeSDK's module re-exports the base SDK as `tracing`: `new tracing.SimpleSpanProcessor(…)`.
    map["@opentelemetry/sdk-node"] = { tracing: perModule };
    for (const ref of [...tracker.iterateEsmReferences(map as never), ...tracker.iterateCjsReferences(map as never)]) {
      built.set(ref.node, ref.info as Built);
    }
    return built;
  };
}

function initializerDelivery(sourceCode: Readonly<TSESLint.SourceCode>, init: InitializerCall, built: () => Map<TSESTree.Node, Built>): Delivery {
  // A set-up in a module the file imports: that module's delivery (src/scopes/imported-setup.ts).
  if (init.imported) return init.imported.delivery;
  // A set-up an installed package's class runs: the delivery of the package's file that starts it (src/scopes/program-setup.ts).
  if (init.dependency) return init.dependency.delivery;
  const spec = init.spec;
  if (!spec || loadsModule(init.node)) return "queued";
  const options = init.node.arguments[0];
  const read = (key: string) => optionValue(sourceCode, options, key);
  if (!startsTracing(sourceCode, init)) return "none";
  if (spec.drainsAtEnd) return "drains-at-end";
  switch (spec.sdk) {
    case "traceloop": {
      // initialize({ tracingEnabled: false }) creates no tracer provider; disableBatch picks the simple processor.
      if (read("tracingEnabled") === false) return "none";
      return read("disableBatch") === true ? "on-end" : "queued";
    }
    case "sentry":
      // Sentry's Node SDKs only (src/scopes/catalogue.ts SENTRY_NODE_INIT); the fetch-transport runtimes are queued.
      return spec.selfFlushing === true ? "self-flushing" : "queued";
    case "opentelemetry":
      return otelDelivery(sourceCode, init, built);
    default:
      return "queued";
  }
}

/** `new NodeTracerProvider({ spanProcessors: [...] })`, `new NodeSDK({ spanProcessors | traceExporter })`. */
function otelDelivery(sourceCode: Readonly<TSESLint.SourceCode>, init: InitializerCall, built: () => Map<TSESTree.Node, Built>): Delivery {
  if (loadsModule(init.node)) return "queued";
  const options = init.node.arguments[0];
  // NodeSDK, and @vercel/otel's registerOTel, batch by default when no processor is given.
  const isSdk = init.spec?.path.at(-1) === "NodeSDK" || init.spec?.handleless === true;
  if (!options) {
    // A provider without processors exports nothing (until `addSpanProcessor`, which is not followed); NodeSDK
    // then reads OTEL_TRACES_EXPORTER and batches.
    return isSdk || addsProcessorsLater(sourceCode, init) ? "queued" : "none";
  }
  const object = resolveConst(sourceCode, options);
  if (object.type !== AST_NODE_TYPES.ObjectExpression) return "queued";
  if (object.properties.some((property) => property.type === AST_NODE_TYPES.SpreadElement)) return "queued";
  const processors = propertyNode(object, "spanProcessors");
  if (processors) {
    const list = resolveConst(sourceCode, processors);
    if (list.type !== AST_NODE_TYPES.ArrayExpression) return "queued";
    const each = list.elements.map((element) => (element && element.type !== AST_NODE_TYPES.SpreadElement ? processorDelivery(sourceCode, element, built) : "queued"));
    if (each.length === 0) return addsProcessorsLater(sourceCode, init) ? "queued" : "none";
    return ORDER.find((delivery) => each.includes(delivery)) ?? "queued";
  }
  const exporter = propertyNode(object, "traceExporter");
  // NodeSDK wraps its traceExporter in a BatchSpanProcessor: queued unless the exporter keeps spans in memory.
  if (exporter) return built().get(resolveConst(sourceCode, exporter)) === "InMemorySpanExporter" ? "none" : "queued";
  return isSdk || addsProcessorsLater(sourceCode, init) ? "queued" : "none";
}

function processorDelivery(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, built: () => Map<TSESTree.Node, Built>): Delivery {
  const processor = resolveConst(sourceCode, node);
  const kind = built().get(processor);
  if (processor.type !== AST_NODE_TYPES.NewExpression || (kind !== "SimpleSpanProcessor" && kind !== "BatchSpanProcessor")) return "queued";
  const exporter = processor.arguments[0];
  if (exporter && built().get(resolveConst(sourceCode, exporter)) === "InMemorySpanExporter") return "none";
  return kind === "SimpleSpanProcessor" ? "on-end" : "queued";
}

/** `provider.addSpanProcessor(…)` on the provider's binding (OpenTelemetry 1.x style): not followed, so queued. */
function addsProcessorsLater(sourceCode: Readonly<TSESLint.SourceCode>, init: InitializerCall): boolean {
  return init.binding !== undefined && sourceCode.text.includes(`${init.binding}.addSpanProcessor`);
}

/** The initializer is a module loaded (`import`, `import()`, a preload anchored at the program), not a call with options. */
function loadsModule(node: InitializerCall["node"]): node is TSESTree.ImportDeclaration | TSESTree.ImportExpression | TSESTree.Program {
  return node.type === AST_NODE_TYPES.ImportDeclaration || node.type === AST_NODE_TYPES.ImportExpression || node.type === AST_NODE_TYPES.Program;
}

/** False for `new Mastra({ agents })`: an initializer that traces only with options (`tracesWith`) none of which is written. */
export function startsTracing(sourceCode: Readonly<TSESLint.SourceCode>, init: InitializerCall): boolean {
  const keys = init.spec?.tracesWith;
  // A set-up in an imported module was judged there, with its own options (src/scopes/imported-setup.ts); so was
  // the package's own initializer, in its file (src/scopes/program-setup.ts).
  if (!keys || init.imported !== undefined || init.dependency || loadsModule(init.node)) return true;
  const options = init.node.arguments[0];
  if (!options) return false;
  if (options.type === AST_NODE_TYPES.SpreadElement) return true;
  const object = resolveConst(sourceCode, options);
  if (object.type !== AST_NODE_TYPES.ObjectExpression) return true;
  return object.properties.some((property) => property.type === AST_NODE_TYPES.SpreadElement) || keys.some((key) => propertyNode(object, key) !== undefined);
}

/**
 * The file's own set-up records nothing: every initializer of it is Traceloop's `initialize({ tracingEnabled: false })`,
 * which makes no tracer provider. (An initializer that merely starts no tracing of its own, such as Mastra without
 * `observability`, says nothing about the file's other spans, so it does not count.) The spans of its
 * scopes are then non-recording, so neither an exit nor a span left open loses anything (measured:
 * tests/e2e/runtime-classes.test.ts, "Traceloop with tracingEnabled: false"). The file's set-up is taken as the
 * program's: a provider registered by another module would record those spans (docs/rules/no-process-exit.md).
 */
export function tracingSwitchedOff(model: FileModel): boolean {
  const inits = model.initializers();
  return (
    inits.length > 0 &&
    inits.every(
      (init) =>
        init.imported === undefined &&
        init.spec !== undefined &&
        !loadsModule(init.node) &&
        init.spec.sdk === "traceloop" &&
        optionValue(model.sourceCode, init.node.arguments[0], "tracingEnabled") === false,
    )
  );
}

/** The static value of `options[key]` (booleans, strings), or undefined when it is absent or not static. */
function optionValue(sourceCode: Readonly<TSESLint.SourceCode>, options: TSESTree.Node | undefined, key: string): unknown {
  if (!options || options.type === AST_NODE_TYPES.SpreadElement) return undefined;
  const object = resolveConst(sourceCode, options);
  if (object.type !== AST_NODE_TYPES.ObjectExpression) return undefined;
  const value = propertyNode(object, key);
  if (!value) return undefined;
  return ASTUtils.getStaticValue(value, sourceCode.getScope(value))?.value;
}
