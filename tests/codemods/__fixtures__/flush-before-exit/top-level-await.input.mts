import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "nightly" });

async function main(): Promise<void> {}

await main();
