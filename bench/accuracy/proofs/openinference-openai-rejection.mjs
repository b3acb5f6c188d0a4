// Proof behind four `true` labels (docs/accuracy.md): OpenInference's OpenAI instrumentation
// (@arizeai/openinference-instrumentation-openai 4.2.7, src/instrumentation.ts:326) ends its span only
// when chat.completions.create resolves. `safeExecuteInTheMiddle` sees a synchronous throw only, so a
// rejected request (here a 500 from a loopback server) leaves the span open: it is never exported.
//
//   npm install --no-save --ignore-scripts --prefix bench/.accuracy-corpus/proofs \
//     @arizeai/openinference-instrumentation-openai@4.2.7 openai@6.49.0 @opentelemetry/api@1.9.1 \
//     @opentelemetry/sdk-trace-base@2.12.1 @opentelemetry/sdk-trace-node@2.12.0
//   node bench/accuracy/proofs/openinference-openai-rejection.mjs [<prefix>]
//
// Measured 2026-12-06: "ok: resolved, 1 span exported", then "fail: rejected 500, 1 span exported".
import * as http from "node:http";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const prefix = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../.accuracy-corpus/proofs");
const load = createRequire(path.join(prefix, "node_modules", "proof.js"));
const { NodeTracerProvider } = load("@opentelemetry/sdk-trace-node");
const { SimpleSpanProcessor, InMemorySpanExporter } = load("@opentelemetry/sdk-trace-base");
const { OpenAIInstrumentation } = load("@arizeai/openinference-instrumentation-openai");
const OpenAI = load("openai");

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
const instrumentation = new OpenAIInstrumentation();
instrumentation.setTracerProvider(provider);
instrumentation.manuallyInstrument(OpenAI);

const COMPLETION = { id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: "hi" } }] };
const server = http.createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    const fail = request.url.includes("/fail/");
    response.writeHead(fail ? 500 : 200, { "content-type": "application/json" });
    response.end(JSON.stringify(fail ? { error: { message: "boom" } } : COMPLETION));
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
for (const route of ["ok", "fail"]) {
  const client = new OpenAI({ apiKey: "k", baseURL: `http://127.0.0.1:${server.address().port}/${route}/`, maxRetries: 0 });
  let outcome = "resolved";
  try {
    await client.chat.completions.create({ model: "m", messages: [{ role: "user", content: "x" }] });
  } catch (error) {
    outcome = `rejected ${error.status}`;
  }
  // SimpleSpanProcessor exports a span as soon as it ends: give a late end a moment anyway.
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log(`${route}: ${outcome}, ${exporter.getFinishedSpans().length} span exported`);
}
server.close();
