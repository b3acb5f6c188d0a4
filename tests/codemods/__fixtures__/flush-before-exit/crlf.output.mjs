import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "crlf" });

async function main() {}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = error?.exitCode ?? 1;
  })
  .finally(() => traceloop.forceFlush());
