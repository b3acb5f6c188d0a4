/**
 * `settings["traced-exit"]`: users add their own scope openers, flush calls and
 * initializers. Validated here so a typo fails loudly instead of silently
 * turning the rules off.
 *
 * ```js
 * settings: {
 *   "traced-exit": {
 *     wrappers: [
 *       { module: "./tracing", export: "traced", callback: 1, kind: "job", recordsErrors: false },
 *       { method: "runInSpan", callback: "last" },
 *     ],
 *     flushes: [{ module: "./tracing", export: "shutdownTracing" }, { method: "flushTraces" }],
 *     initializers: [{ module: "./tracing" }],
 *     // const span = startTimer("sync"); … span.stop(): a span started by hand.
 *     spanStarters: [{ module: "./tracing", export: "startTimer", end: "stop" }],
 *     // inContext(ctx, async () => { … }): runs its callback at once, opening no span.
 *     runners: [{ module: "./tracing", export: "inContext", callback: 1 }],
 *     // runSafely(() => work(), (error) => { …; span.end(); }): hands a failure of its callback to the others.
 *     errorHandlers: [{ module: "./tracing", export: "runSafely", callback: 0, onError: [1], catches: "sync-and-async" }],
 *     // Only in a config object scoped to entry files (`files: ["src/main.ts"]`): tracing is
 *     // started outside this file (`node --import ./instrumentation.mjs`), but it ends here.
 *     entry: true,
 *     // The SDK versions to judge by, instead of the ones installed next to the linted file.
 *     versions: { "@traceloop/node-server-sdk": "0.27.0" },
 *   },
 * }
 * ```
 */
import { docsUrl } from "../meta";
import type { ErrorHandlerSpec, FlushSpec, InitializerSpec, ManualSpanSpec, OpenerSpec, RunnerSpec } from "./catalogue";
import { ERROR_HANDLERS, FLUSHES, INITIALIZERS, MANUAL_SPANS, OPENERS, RELEASE_OPENERS, RUNNERS } from "./catalogue";
import type { VersionPins } from "./releases";
import { VERSIONED_PACKAGES } from "./releases";
import { parseVersion } from "./version";

export interface Catalogue {
  readonly openers: readonly OpenerSpec[];
  readonly flushes: readonly FlushSpec[];
  readonly initializers: readonly InitializerSpec[];
  /** Calls that start a span ended by hand (`tracer.startSpan`): src/scopes/manual-spans.ts. */
  readonly manualSpans: readonly ManualSpanSpec[];
  /** Calls that run their callback at once in a context of their own, opening no span (`context.with`). */
  readonly runners: readonly RunnerSpec[];
  /** Helpers that run a callback and hand its failure to callbacks of the caller (`safeExecuteInTheMiddle`): src/scopes/error-handlers.ts. */
  readonly errorHandlers: readonly ErrorHandlerSpec[];
  /** Modules whose mere import (`import "./tracing"`) starts tracing. */
  readonly initializerModules: readonly string[];
  /** `entry: true`: the file is a traced program's entry even though it starts no tracing itself. */
  readonly entry?: boolean;
  /** `versions`: package → exact version, used instead of the installed one (src/scopes/releases.ts). */
  readonly versions: VersionPins;
}

export const DEFAULT_CATALOGUE: Catalogue = {
  openers: [...OPENERS, ...RELEASE_OPENERS],
  flushes: FLUSHES,
  initializers: INITIALIZERS,
  manualSpans: MANUAL_SPANS,
  runners: RUNNERS,
  errorHandlers: ERROR_HANDLERS,
  initializerModules: [],
  versions: {},
};

export class SettingsError extends Error {
  /** Where the bad value is, e.g. `settings["traced-exit"].wrappers[0].module`, when it is one value. */
  readonly path: string | undefined;

  constructor(message: string, where?: string) {
    super(`Invalid settings["traced-exit"]: ${message}. See ${docsUrl("settings.md")}`);
    this.name = "SettingsError";
    this.path = where === undefined ? undefined : `settings["traced-exit"].${where}`;
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

function expectKeys(value: Json, where: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new SettingsError(`${where} has unknown property "${key}" (allowed: ${allowed.join(", ")})`);
    }
  }
}

function expectString(value: Json, key: string, where: string, required: boolean): string | undefined {
  const found = value[key];
  if (found === undefined && !required) return undefined;
  if (typeof found !== "string" || found.length === 0) {
    throw new SettingsError(`${where}.${key} must be a non-empty string`, `${where}.${key}`);
  }
  return found;
}

/**
 * A module specifier as it sits between the quotes of an `import`. The fixes write it into the
 * user's file (through an escaper, src/fixes/imports.ts), so anything that is not part of a real
 * specifier is refused here rather than escaped into an import nobody can resolve: quotes,
 * control characters and line breaks, surrounding spaces.
 */
const BAD_SPECIFIER = /["'`\u0000-\u001f\u007f\u2028\u2029]|^\s|\s$/u;

function expectModule(value: Json, where: string, required: boolean): string | undefined {
  const module = expectString(value, "module", where, required);
  if (module !== undefined && BAD_SPECIFIER.test(module)) {
    throw new SettingsError(
      `${where}.module must be a module specifier without quotes, control characters, line breaks or surrounding spaces (got ${JSON.stringify(module)})`,
      `${where}.module`,
    );
  }
  return module;
}

/** One JavaScript identifier name (`forceFlush`, `$`, `π`): what follows a dot or sits in `import { … }`. */
const IDENTIFIER_NAME = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200c\u200d]*$/u;

/** `key` as a dotted path of identifier names (`"spans.run"`), split; or a single name when `dotted` is false. */
function expectNames(value: Json, key: string, where: string, required: boolean, dotted: boolean): string[] | undefined {
  const text = expectString(value, key, where, required);
  if (text === undefined) return undefined;
  const names = dotted ? text.split(".") : [text];
  if (!names.every((name) => IDENTIFIER_NAME.test(name))) {
    const shape = dotted ? "an identifier name or a dotted path of them (\"flush\", \"spans.run\")" : "an identifier name";
    throw new SettingsError(`${where}.${key} must be ${shape} (got ${JSON.stringify(text)})`, `${where}.${key}`);
  }
  return names;
}

function expectArray(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SettingsError(`${where} must be an array`, where);
  return value;
}

/** `key` as a non-negative integer (an argument's index), or `fallback` when absent. */
function expectIndex(value: Json, key: string, where: string, fallback: number): number {
  const found = value[key] ?? fallback;
  if (typeof found !== "number" || !Number.isInteger(found) || found < 0) {
    throw new SettingsError(`${where}.${key} must be a non-negative integer`, `${where}.${key}`);
  }
  return found;
}

function expectBoolean(value: Json, key: string, where: string): boolean {
  // "yes" must fail, not quietly mean false.
  if (value[key] !== undefined && typeof value[key] !== "boolean") throw new SettingsError(`${where}.${key} must be a boolean`, `${where}.${key}`);
  return value[key] === true;
}

function parseCallback(value: Json, where: string): number | "last" {
  const callback = value.callback ?? "last";
  if (callback === "last" || (typeof callback === "number" && Number.isInteger(callback) && callback >= 0)) return callback;
  throw new SettingsError(`${where}.callback must be a non-negative integer or "last"`, `${where}.callback`);
}

function parseWrapper(raw: unknown, index: number): OpenerSpec {
  const where = `wrappers[${index}]`;
  if (!isObject(raw)) throw new SettingsError(`${where} must be an object`);
  expectKeys(raw, where, ["module", "export", "method", "callback", "kind", "nameArg", "recordsErrors", "decorator"]);
  const kind = expectString(raw, "kind", where, false) ?? "scope";
  const callback = parseCallback(raw, where);
  const errors = expectBoolean(raw, "recordsErrors", where) ? "recorded" : "not-recorded";
  const nameArg = expectIndex(raw, "nameArg", where, 0);
  const names = [{ arg: nameArg, property: "name" }, { arg: nameArg }, { callbackName: true as const }];
  const method = expectNames(raw, "method", where, false, false)?.[0];
  if (method !== undefined) {
    if (raw.module !== undefined || raw.export !== undefined) {
      throw new SettingsError(`${where} takes either "method" or "module" + "export", not both`);
    }
    return { sdk: "custom", form: "method", method, kind, callback, names, errors };
  }
  const module = expectModule(raw, where, true) as string;
  const exportPath = expectNames(raw, "export", where, true, true) as string[];
  if (expectBoolean(raw, "decorator", where)) {
    return { sdk: "custom", form: "decorator", modules: [module], path: exportPath, kind, callback: 0, names, errors };
  }
  return { sdk: "custom", form: "call", modules: [module], path: exportPath, kind, callback, names, errors };
}

function parseFlush(raw: unknown, index: number): FlushSpec {
  const where = `flushes[${index}]`;
  if (!isObject(raw)) throw new SettingsError(`${where} must be an object`);
  expectKeys(raw, where, ["module", "export", "method"]);
  const method = expectNames(raw, "method", where, false, false)?.[0];
  if (method !== undefined) {
    if (raw.module !== undefined || raw.export !== undefined) {
      throw new SettingsError(`${where} takes either "method" or "module" + "export", not both`);
    }
    return { sdk: "custom", form: "method", method, example: `x.${method}()` };
  }
  const module = expectModule(raw, where, true) as string;
  const exportPath = expectNames(raw, "export", where, true, true) as string[];
  return { sdk: "custom", form: "call", modules: [module], path: exportPath, example: `${exportPath.join(".")}()` };
}

function parseInitializer(raw: unknown, index: number): { spec?: InitializerSpec; module?: string } {
  const where = `initializers[${index}]`;
  if (!isObject(raw)) throw new SettingsError(`${where} must be an object`);
  expectKeys(raw, where, ["module", "export", "construct"]);
  const module = expectModule(raw, where, true) as string;
  const exportPath = expectNames(raw, "export", where, false, true);
  const construct = expectBoolean(raw, "construct", where);
  if (exportPath === undefined) return { module };
  return { spec: { sdk: "custom", modules: [module], path: exportPath, construct } };
}

/** `spanStarters`: `const span = startTimer("sync"); … span.stop()`, an export that starts a span left to its caller to end. */
function parseSpanStarter(raw: unknown, index: number): ManualSpanSpec {
  const where = `spanStarters[${index}]`;
  if (!isObject(raw)) throw new SettingsError(`${where} must be an object`);
  expectKeys(raw, where, ["module", "export", "end", "kind", "nameArg", "otel"]);
  const module = expectModule(raw, where, true) as string;
  const exportPath = expectNames(raw, "export", where, true, true) as string[];
  const end = expectNames(raw, "end", where, false, false)?.[0] ?? "end";
  const kind = expectString(raw, "kind", where, false) ?? "span";
  const nameArg = expectIndex(raw, "nameArg", where, 0);
  // `otel: true`: the started span is an OpenTelemetry Span, so the rewrite may record on it and end it.
  const otel = expectBoolean(raw, "otel", where);
  return {
    sdk: "custom",
    kind,
    form: "call",
    modules: [module],
    path: exportPath,
    names: [{ arg: nameArg, property: "name" }, { arg: nameArg }],
    end,
    ...(otel ? { otelSpan: "self" } : {}),
  };
}

/** `runners`: `inContext(ctx, async () => { … })`, an export that runs its callback at once and returns what it returns. */
function parseRunner(raw: unknown, index: number): RunnerSpec {
  const where = `runners[${index}]`;
  if (!isObject(raw)) throw new SettingsError(`${where} must be an object`);
  expectKeys(raw, where, ["module", "export", "callback"]);
  const module = expectModule(raw, where, true) as string;
  const exportPath = expectNames(raw, "export", where, true, true) as string[];
  return { sdk: "custom", modules: [module], path: exportPath, callback: expectIndex(raw, "callback", where, 0) };
}

/**
 * `errorHandlers`: `runSafely(() => work(), (error) => { …; span.end(); })`, an export that runs its callback and calls
 * the `onError` ones when it fails: on a synchronous throw only (`catches: "sync"`), or on a rejection of the promise it
 * returns too (`"sync-and-async"`). No default for `catches`: which one a helper does decides whether a finding is dropped.
 */
function parseErrorHandler(raw: unknown, index: number): ErrorHandlerSpec {
  const where = `errorHandlers[${index}]`;
  if (!isObject(raw)) throw new SettingsError(`${where} must be an object`);
  expectKeys(raw, where, ["module", "export", "callback", "onError", "catches"]);
  const module = expectModule(raw, where, true) as string;
  const exportPath = expectNames(raw, "export", where, true, true) as string[];
  const run = expectIndex(raw, "callback", where, 0);
  const onError = raw.onError ?? [1];
  if (!Array.isArray(onError) || onError.length === 0 || !onError.every((arg) => typeof arg === "number" && Number.isInteger(arg) && arg >= 0 && arg !== run)) {
    throw new SettingsError(`${where}.onError must be a non-empty array of argument indexes other than the callback's`, `${where}.onError`);
  }
  if (raw.catches !== "sync" && raw.catches !== "sync-and-async") {
    throw new SettingsError(`${where}.catches must be "sync" or "sync-and-async"`, `${where}.catches`);
  }
  return { sdk: "custom", modules: [module], path: exportPath, run, onError: onError as number[], catches: raw.catches };
}

/** `versions: { "@traceloop/node-server-sdk": "0.27.0" }`: only packages the catalogue keys by version, only exact versions. */
function parseVersions(raw: unknown): VersionPins {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new SettingsError("versions must be an object of package name to version", "versions");
  for (const [name, version] of Object.entries(raw)) {
    if (!VERSIONED_PACKAGES.includes(name)) {
      throw new SettingsError(`versions has unknown package "${name}" (allowed: ${VERSIONED_PACKAGES.join(", ")})`, `versions["${name}"]`);
    }
    if (typeof version !== "string" || !parseVersion(version)) {
      throw new SettingsError(`versions["${name}"] must be an exact version such as "1.2.3" (got ${JSON.stringify(version)})`, `versions["${name}"]`);
    }
  }
  return raw as VersionPins;
}

const cache = new WeakMap<object, Catalogue>();

/** The catalogue for these ESLint settings: defaults plus the user's additions. Throws `SettingsError`. */
export function catalogueFor(settings: Readonly<Record<string, unknown>> | undefined): Catalogue {
  const raw = settings?.["traced-exit"];
  if (raw === undefined) return DEFAULT_CATALOGUE;
  if (!isObject(raw)) throw new SettingsError("must be an object");
  const cached = cache.get(raw);
  if (cached) return cached;
  expectKeys(raw, "settings", ["wrappers", "flushes", "initializers", "spanStarters", "runners", "errorHandlers", "entry", "versions"]);
  if (raw.entry !== undefined && typeof raw.entry !== "boolean") throw new SettingsError("entry must be a boolean");
  const initializers = expectArray(raw.initializers, "initializers").map(parseInitializer);
  const catalogue: Catalogue = {
    openers: [...DEFAULT_CATALOGUE.openers, ...expectArray(raw.wrappers, "wrappers").map(parseWrapper)],
    flushes: [...FLUSHES, ...expectArray(raw.flushes, "flushes").map(parseFlush)],
    initializers: [...INITIALIZERS, ...initializers.flatMap((entry) => (entry.spec ? [entry.spec] : []))],
    initializerModules: initializers.flatMap((entry) => (entry.module !== undefined && !entry.spec ? [entry.module] : [])),
    manualSpans: [...MANUAL_SPANS, ...expectArray(raw.spanStarters, "spanStarters").map(parseSpanStarter)],
    runners: [...RUNNERS, ...expectArray(raw.runners, "runners").map(parseRunner)],
    errorHandlers: [...ERROR_HANDLERS, ...expectArray(raw.errorHandlers, "errorHandlers").map(parseErrorHandler)],
    entry: raw.entry === true,
    versions: parseVersions(raw.versions),
  };
  cache.set(raw, catalogue);
  return catalogue;
}
