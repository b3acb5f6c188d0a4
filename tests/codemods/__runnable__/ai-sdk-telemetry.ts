// Issue 16: the Vercel AI SDK with `experimental_telemetry` makes its spans (ai.generateText, its doGenerate
// steps, ai.toolCall around the tool's execute) on the global tracer provider: here a NodeSDK's batch
// processor. The program stops early when the tool finds nothing, without a flush, and its entry lets the
// program end unflushed: both lose the AI SDK's spans until the fix shuts the NodeSDK down first.
// The model is the AI SDK's own mock (ai/test): no network but the loopback receiver.
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { generateText, jsonSchema, stepCountIs, tool } from "ai";
import { MockLanguageModelV3 } from "ai/test";

const sdk = new NodeSDK({ traceExporter: new OTLPTraceExporter() });
sdk.start();

const usage = {
  inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 2, text: 2, reasoning: undefined },
};
const model = new MockLanguageModelV3({
  doGenerate: [
    {
      content: [{ type: "tool-call", toolCallId: "call-1", toolName: "lookup", input: JSON.stringify({ city: "Paris" }) }],
      finishReason: { unified: "tool-calls", raw: undefined },
      usage,
      warnings: [],
    },
    { content: [{ type: "text", text: "It is sunny." }], finishReason: { unified: "stop", raw: undefined }, usage, warnings: [] },
  ],
});

const lookup = tool({
  description: "Weather of a city",
  inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }),
  execute: async ({ city }) => {
    // tests/e2e/runtime-ai-sdk.test.ts: an exit (which the fix leaves, for manual review) or a throw inside ai.toolCall.
    if (process.env.RUNNABLE_TOOL === "exit") process.exit(3);
    if (process.env.RUNNABLE_TOOL === "throw") throw new Error(`no weather for ${city}`);
    return process.env.RUNNABLE_WEATHER ? `${city}: ${process.env.RUNNABLE_WEATHER}` : "";
  },
});

async function main(): Promise<void> {
  const result = await generateText({
    model,
    prompt: "Weather in Paris?",
    tools: { lookup },
    stopWhen: stepCountIs(2),
    experimental_telemetry: { isEnabled: true, functionId: "weather" },
  });
  const found = result.steps[0]?.toolResults[0]?.output;
  if (!found) {
    console.log("no weather");
    process.exit(4);
  }
  console.log(result.text, found);
}

main();
