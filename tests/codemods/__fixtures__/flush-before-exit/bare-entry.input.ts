import { initialize } from "@traceloop/node-server-sdk";

initialize({ appName: "digest" });

async function main(): Promise<void> {
  // …work in workflows…
}

// Neither path flushes: the batch timer is unref'd, so even success drops spans.
main();
