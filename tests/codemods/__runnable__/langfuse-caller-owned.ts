// Issue 14, case 7, under Langfuse 5: startActiveObservation(…, { endOnExit: false }) hands the span to the
// caller, who ends it once the answer is out. Langfuse sets ERROR on a throw but, with endOnExit: false,
// does not end the span (node_modules/@langfuse/tracing: wrapPromise). The callback exits 2 on an empty
// request: the exit ends the process before the batch goes out, so both observations are lost.
// The rewrite throws, and wraps the caller-owned callback in endObservationOnError: on the happy path it does
// nothing (the caller ends "handle"); on the error path, where the caller's await rejects and it never receives
// the span, it ends "handle" one microtask after Langfuse's own handler has set ERROR and the message, so no
// operation lands on an ended span. Both observations are exported with ERROR and the message as their status,
// the way Langfuse records errors (no exception event).
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { startActiveObservation } from "@langfuse/tracing";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

// Batched export to $LANGFUSE_BASE_URL/api/public/otel/v1/traces, the test's receiver.
const langfuseSpanProcessor = new LangfuseSpanProcessor();
const provider = new NodeTracerProvider({ spanProcessors: [langfuseSpanProcessor] });
provider.register();

async function handle(request: string): Promise<void> {
  const observation = await startActiveObservation(
    "handle",
    async (span) => {
      span.update({ input: request });
      if (!request) {
        console.error("empty request");
        process.exit(2);
      }
      return span;
    },
    { endOnExit: false },
  );
  console.log("streaming the answer");
  observation.update({ output: "answer" }).end();
}

async function main(): Promise<void> {
  await startActiveObservation("session", async () => {
    await handle(process.env.RUNNABLE_REQUEST ?? "");
  });
  await langfuseSpanProcessor.forceFlush();
}

main().catch(() => process.exit(1));
