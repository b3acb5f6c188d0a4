import { NodeSDK } from "@opentelemetry/sdk-node";

const sdk = new NodeSDK({});
sdk.start();

async function main(): Promise<void> {}

// Both paths flush before the process ends: nothing to do.
main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => sdk.shutdown());

process.on("SIGTERM", () => {
  sdk.shutdown().finally(() => process.exit(0));
});
