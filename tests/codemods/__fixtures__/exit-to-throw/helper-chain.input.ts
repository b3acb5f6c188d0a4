import { withTask, withWorkflow } from "@traceloop/node-server-sdk";
import { SpanStatusCode } from "@opentelemetry/api";

function requireRegion(): string {
  const region = process.env.AWS_REGION;
  if (!region) {
    console.error("AWS_REGION is not set");
    process.exit(2);
  }
  return region;
}

export function run(): Promise<string> {
  void SpanStatusCode;
  return withWorkflow({ name: "daily_digest" }, () =>
    withTask({ name: "load_config" }, async () => requireRegion()),
  );
}
