/**
 * The ESM entry: `import tracedExit from "eslint-plugin-traced-exit"` and
 * `import { configs, rules, meta } from "eslint-plugin-traced-exit"`. Node cannot see named exports
 * in `module.exports = plugin`, so they are written here, taken from the one CommonJS plugin object
 * (a config that mixes the default and the named exports names the same plugin).
 */
import plugin from "./index.js";

export type { TracedExitSettings, WrapperSetting, FlushSetting, InitializerSetting } from "./types.js";
export const { meta, rules, configs } = plugin;
export default plugin;
