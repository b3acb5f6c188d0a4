import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "crlf" });

async function main() {}

main().catch(() => process.exit(1));
