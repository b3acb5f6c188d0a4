import * as traceloop from "@traceloop/node-server-sdk";

// The incident: a credentials error inside a task ends the process.
export async function answer(question: string): Promise<string> {
  return traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
    return traceloop.withTask({ name: "bedrock_completion" }, async () => {
      const credentials = process.env.AWS_ACCESS_KEY_ID;
      if (!credentials) {
        console.error(`No AWS credentials for question ${question}`);
        process.exit(1);
      }
      return `answer to ${question}`;
    });
  });
}
