import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider();
provider.register();

process.on("SIGTERM", async () => {
  console.log("shutting down");
  await provider.shutdown();
  process.exit(0);
});
