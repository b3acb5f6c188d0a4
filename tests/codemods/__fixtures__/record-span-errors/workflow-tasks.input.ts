import * as traceloop from "@traceloop/node-server-sdk";
import { trace } from "@opentelemetry/api";

// Every Traceloop scope can fail: each gets its callback wrapped, the helpers come once.
export async function answer(question: string): Promise<string> {
  return traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
    const documents = await traceloop.withTask({ name: "retrieve_documents" }, async () => {
      if (question.length === 0) throw new Error("empty question");
      return ["refund-policy.md"];
    });
    return traceloop.withTask({ name: "bedrock_completion" }, async () => `${documents.join(", ")}: ${question}`);
  });
}

export const active = () => trace.getActiveSpan();
