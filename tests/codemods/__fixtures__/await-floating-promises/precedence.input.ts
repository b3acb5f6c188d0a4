import { trace } from "@opentelemetry/api";

const tracer = trace.getTracer("sync");

async function pull(): Promise<void> {}
async function push(): Promise<void> {}

export function sync(fast: boolean): Promise<void> {
  return tracer.startActiveSpan("sync", async (span) => {
    void pull();
    fast ? push() : pull();
    Promise.all([pull(), push()]);
    span.end();
  });
}
