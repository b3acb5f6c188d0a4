import noFloatingPromises from "./no-floating-promises";
import noProcessExit from "./no-process-exit";
import requireFlushBeforeExit from "./require-flush-before-exit";
import requireSpanErrorRecording from "./require-span-error-recording";

/** Every rule of the plugin, by id. The meta-test checks this against src/rules and docs/rules. */
export const rules = {
  "no-floating-promises": noFloatingPromises,
  "no-process-exit": noProcessExit,
  "require-flush-before-exit": requireFlushBeforeExit,
  "require-span-error-recording": requireSpanErrorRecording,
};
