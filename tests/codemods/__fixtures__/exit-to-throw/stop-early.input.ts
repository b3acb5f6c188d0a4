import * as traceloop from "@traceloop/node-server-sdk";

export async function digest(items: string[]): Promise<void> {
  await traceloop.withWorkflow({ name: "digest" }, async () => {
    if (items.length === 0) {
      process.exit(0);
    }
    console.log(items.join("\n"));
  });
}
