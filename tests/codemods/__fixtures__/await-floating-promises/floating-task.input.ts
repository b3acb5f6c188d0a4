import * as traceloop from "@traceloop/node-server-sdk";

// The audit task floats: if it rejects, the rejection escapes the workflow's span.
export async function answer(question: string): Promise<string> {
  return traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
    traceloop.withTask({ name: "record_request" }, async () => audit(question));
    return question;
  });
}

async function audit(question: string): Promise<void> {
  if (question.length > 1000) throw new Error("too long");
}
