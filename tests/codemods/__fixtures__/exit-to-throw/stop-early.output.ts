import * as traceloop from "@traceloop/node-server-sdk";

export async function digest(items: string[]): Promise<void> {
  await traceloop.withWorkflow({ name: "digest" }, async () => {
    if (items.length === 0) {
      return;
    }
    console.log(items.join("\n"));
  });
}
