import noFloatingPromises from "./no-floating-promises";
import noProcessExit from "./no-process-exit";

/** Every rule of the plugin, by id. The meta-test checks this against src/rules and docs/rules. */
export const rules = {
  "no-floating-promises": noFloatingPromises,
  "no-process-exit": noProcessExit,
};
