/**
 * The public shape of `settings["traced-exit"]` (docs/settings.md), for users' editors:
 *
 *   import type { TracedExitSettings } from "eslint-plugin-traced-exit";
 *   const tracing: TracedExitSettings = { wrappers: [{ module: "./tracing", export: "traced" }] };
 *   export default [tracedExit.configs.recommended, { settings: { "traced-exit": tracing } }];
 *
 * src/scopes/settings.ts validates the same shape at run time; tests/settings-types.test.ts keeps
 * the two in step.
 */

/** Which argument runs inside the scope: an index, or the last argument. */
export type CallbackArgument = number | "last";

interface WrapperCommon {
  /** The argument that runs inside the scope. Default `"last"`. */
  callback?: CallbackArgument;
  /** The argument that names the scope (a string, or an object with `name`). Default `0`. */
  nameArg?: number;
  /** The word used in messages (`job 'nightly_sync'`). Default `"scope"`. */
  kind?: string;
  /** The wrapper records a thrown error on the span and ends it (as Sentry's `startSpan` does). Default `false`. */
  recordsErrors?: boolean;
}

/** A module export that opens a traced scope: `import { traced } from "./tracing"`. */
export interface ExportWrapperSetting extends WrapperCommon {
  /** The module specifier as files write it: `"./tracing"`, `"@acme/observability"`. */
  module: string;
  /** The exported function; a dotted path reaches into an object (`"spans.run"`). */
  export: string;
  /** The export is a decorator factory (`@Traced({ name })`); `callback` is then ignored. */
  decorator?: boolean;
  method?: never;
}

/** A method name that opens a scope on any object, like `startActiveSpan`. */
export interface MethodWrapperSetting extends WrapperCommon {
  method: string;
  module?: never;
  export?: never;
  decorator?: never;
}

export type WrapperSetting = ExportWrapperSetting | MethodWrapperSetting;

/** A call that flushes the span queue: a module export, or a method on any object. */
export type FlushSetting = { module: string; export: string; method?: never } | { method: string; module?: never; export?: never };

/** A module that starts tracing when imported, or an export that does when called (or constructed). */
export interface InitializerSetting {
  module: string;
  export?: string;
  /** The export is a class whose construction starts tracing (`new NodeSDK()`). */
  construct?: boolean;
}

/** `settings["traced-exit"]`. */
export interface TracedExitSettings {
  wrappers?: readonly WrapperSetting[];
  flushes?: readonly FlushSetting[];
  initializers?: readonly InitializerSetting[];
  /** Only in a config object scoped to entry files: tracing starts elsewhere but the program ends here. */
  entry?: boolean;
  /**
   * The SDK releases to judge by instead of the ones installed next to each linted file: package name →
   * exact version (`{ "@traceloop/node-server-sdk": "0.27.0" }`). Only the packages whose behaviour the
   * catalogue keys by version are accepted (docs/settings.md#versions).
   */
  versions?: Readonly<Record<string, string>>;
}
