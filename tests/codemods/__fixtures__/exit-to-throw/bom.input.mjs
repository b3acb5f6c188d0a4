import { withAgent } from "@traceloop/node-server-sdk";

// The byte order mark stays.
export const plan = () =>
  withAgent({ name: "planner" }, async () => {
    process.exit(1);
  });
