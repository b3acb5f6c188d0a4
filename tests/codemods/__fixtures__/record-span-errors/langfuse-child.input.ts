// A Langfuse 5 observation and a child started from it (`parent.startObservation`), both ended on success
// only: each gets its own try, the inner one recording on the child, the outer one on the parent.
import { startObservation } from "@langfuse/tracing";

declare function search(question: string): Promise<string[]>;

export async function rag(question: string): Promise<string[]> {
  const root = startObservation("rag");
  const retrieval = root.startObservation("retrieve", { input: question });
  const docs = await search(question);
  retrieval.update({ output: docs });
  retrieval.end();
  root.end();
  return docs;
}
