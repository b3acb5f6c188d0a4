// Issue 16: a Langfuse 5 observation started by hand (`startObservation`) and ended on the success path only.
// A completion that throws skips `generation.end()`: its OpenTelemetry span never ends and is never exported.
import { startObservation } from "@langfuse/tracing";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

// Langfuse's observations use the global tracer provider: this one exports them over OTLP.
const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();

async function complete(question: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (question.includes("?")) return `answer to ${question}`;
  throw new Error(`not a question: ${question}`);
}

async function answer(question: string): Promise<string> {
  const generation = startObservation("answer", { input: question }, { asType: "generation" });
  const output = await complete(question);
  generation.update({ output });
  generation.end();
  return output;
}

async function main(): Promise<void> {
  try {
    console.log(await answer(process.env.RUNNABLE_QUESTION ?? "hello"));
  } catch (error) {
    console.log("failed:", (error as Error).message);
    process.exitCode = 4;
  } finally {
    await provider.shutdown();
  }
}

main();
