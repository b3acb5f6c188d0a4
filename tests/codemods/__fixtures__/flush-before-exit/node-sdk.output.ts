import { NodeSDK } from "@opentelemetry/sdk-node";

const sdk = new NodeSDK({});
sdk.start();

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) {
    console.error("DATABASE_URL is not set");
    await sdk.shutdown();
    process.exit(2);
  }
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = error?.exitCode ?? 1;
  })
  .finally(() => sdk.shutdown());
