/**
 * eslint-plugin-traced-exit: rules (and, through `traced-exit fix`, codemods) that stop
 * Node.js programs from losing their traces on exit.
 *
 *   import tracedExit from "eslint-plugin-traced-exit";
 *   export default [tracedExit.configs.recommended];
 */
import type { TSESLint } from "@typescript-eslint/utils";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./meta";
import { rules } from "./rules";
import { buildConfigs } from "./configs";

const plugin = {
  meta: { name: PACKAGE_NAME, version: PACKAGE_VERSION },
  rules,
  configs: {} as ReturnType<typeof buildConfigs>,
};
plugin.configs = buildConfigs(plugin as unknown as TSESLint.FlatConfig.Plugin, rules);

export = plugin;
