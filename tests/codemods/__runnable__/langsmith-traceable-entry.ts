// Issue 16: a LangSmith traceable() wrapper called at once at top level (OpenTelemetry mode, see
// langsmith-traceable.ts); its promise is the program's. Nothing sends the pending batches: a natural end
// and a rejection both lose the runs' spans.
import { Client } from "langsmith";
import { initializeOTEL } from "langsmith/experimental/otel/setup";
import { traceable } from "langsmith/traceable";

initializeOTEL();
const client = new Client();

const retrieve = traceable(async (question: string) => [`document about ${question}`], { name: "retrieve", client });

async function main(): Promise<void> {
  const documents = await retrieve(process.env.RUNNABLE_QUESTION ?? "refunds");
  if (process.env.RUNNABLE_FAIL) throw new Error("no model configured");
  console.log("answer from", documents.join(", "));
}

traceable(main, { name: "answer", client })();
