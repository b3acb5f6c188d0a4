import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider();
provider.register();

process.on("SIGTERM", () => {
  console.log("shutting down");
  process.exit(0);
});
