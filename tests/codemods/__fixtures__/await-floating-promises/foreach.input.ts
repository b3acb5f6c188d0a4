import { withWorkflow } from "@traceloop/node-server-sdk";

async function index(doc: string): Promise<void> {
  void doc;
}

export const ingest = (docs: string[]) =>
  withWorkflow({ name: "ingest" }, async () => {
    docs.forEach(async (doc) => {
      await index(doc);
    });
  });
