/**
 * eslint-plugin-traced-exit: rules (and, through `traced-exit fix`, codemods) that stop
 * Node.js programs from losing their traces on exit.
 *
 *   import tracedExit from "eslint-plugin-traced-exit";
 *   export default [tracedExit.configs.recommended];
 *
 * This is the CommonJS entry (`require()` gets the plugin object itself); ./index.mts is the ESM
 * one, which re-exports this object with named exports so the two are never different plugins.
 */
import { PACKAGE_NAME, PACKAGE_VERSION } from "./meta";
import { rules } from "./rules";
import { buildConfigs } from "./configs";
import type { TracedExitPlugin } from "./plugin-type";
import type * as Types from "./types";

const plugin: TracedExitPlugin = {
  meta: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
  // typescript-eslint's visitors take `never` nodes, ESLint's take `any`: the same functions, typed apart.
  rules: rules as unknown as TracedExitPlugin["rules"],
  configs: {} as TracedExitPlugin["configs"],
};
plugin.configs = buildConfigs(plugin, rules);

// Types only: `import type { TracedExitSettings } from "eslint-plugin-traced-exit"` from CommonJS too.
// eslint-disable-next-line @typescript-eslint/no-namespace -- the one way to name types beside `export =`
declare namespace plugin {
  export type TracedExitSettings = Types.TracedExitSettings;
  export type WrapperSetting = Types.WrapperSetting;
  export type FlushSetting = Types.FlushSetting;
  export type InitializerSetting = Types.InitializerSetting;
}

export = plugin;
