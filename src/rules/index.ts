import noProcessExit from "./no-process-exit";

/** Every rule of the plugin, by id. The meta-test checks this against src/rules and docs/rules. */
export const rules = {
  "no-process-exit": noProcessExit,
};
