import { withWorkflow } from "@traceloop/node-server-sdk";

async function index(doc: string): Promise<void> {
  void doc;
}

export const ingest = (docs: string[]) =>
  withWorkflow({ name: "ingest" }, async () => {
    await Promise.all(docs.map(async (doc) => {
      await index(doc);
    }));
  });
