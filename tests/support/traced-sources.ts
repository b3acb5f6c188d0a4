/** Small traced sources that several end-to-end tests run the real engine on. */

/** An exit inside try/catch in a Traceloop task: no safe rewrite, so a manual-review item; `audit()` may throw, so the task still needs the wrapper. */
export const CAUGHT_EXIT = `import * as traceloop from "@traceloop/node-server-sdk";

export const run = () =>
  traceloop.withTask({ name: "t" }, () => {
    try {
      process.exit(1);
    } catch {}
    audit();
  });
`;
