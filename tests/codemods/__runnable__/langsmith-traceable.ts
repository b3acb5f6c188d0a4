// LangSmith in OpenTelemetry mode (LANGSMITH_TRACING_MODE=otel in langsmith-traceable.json): traceable()
// records an error on its run, and the client's translator ends the run's span with the exception when it
// sends the batch (node_modules/langsmith: lib/experimental/otel/translator.js). The span's status stays OK:
// the translator sets OK when it sends the run's start, and the SDK lets no later ERROR replace OK.
// awaitPendingTraceBatches() sends the runs and flushes LangSmith's span processor, which exports to
// $OTEL_EXPORTER_OTLP_ENDPOINT, the test's receiver. A step exits 3 on an empty question: both runs' spans
// are lost. The rewrite throws (LangSmith records errors), and the entry keeps the code and flushes.
import { Client } from "langsmith";
import { initializeOTEL } from "langsmith/experimental/otel/setup";
import { traceable } from "langsmith/traceable";

initializeOTEL();
const client = new Client();

const retrieve = traceable(
  async (question: string) => {
    if (!question) {
      console.error("empty question");
      process.exit(3);
    }
    return [`document about ${question}`];
  },
  { name: "retrieve", client },
);

const answer = traceable(
  async (question: string) => {
    const documents = await retrieve(question);
    console.log("answer from", documents.join(", "));
  },
  { name: "answer", client },
);

async function main(): Promise<void> {
  await answer(process.env.RUNNABLE_QUESTION ?? "");
  await client.awaitPendingTraceBatches();
}

main().catch(() => process.exit(1));
