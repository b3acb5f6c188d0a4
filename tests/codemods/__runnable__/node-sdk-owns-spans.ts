// Issue 14, case 9: Traceloop is initialized with tracing off, and its spans go through the NodeSDK this
// program starts (Traceloop's wrappers use the global tracer provider). The flush the fix inserts must be the
// NodeSDK's: traceloop.forceFlush() has nothing to flush here. Nothing flushes, so even the happy path
// loses its spans before the fix.
import * as traceloop from "@traceloop/node-server-sdk";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { NodeSDK } from "@opentelemetry/sdk-node";

traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true, tracingEnabled: false });
const sdk = new NodeSDK({ traceExporter: new OTLPTraceExporter() });
sdk.start();

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "report" }, async () => {
    await traceloop.withTask({ name: "render" }, async () => {
      if (!process.env.RUNNABLE_TEMPLATE) {
        console.log("no template");
        process.exit(5);
      }
      console.log("rendered", process.env.RUNNABLE_TEMPLATE);
    });
  });
}

main().catch(() => process.exit(1));
