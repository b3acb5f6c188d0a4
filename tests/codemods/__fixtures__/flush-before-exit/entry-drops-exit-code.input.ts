// Flushed on both paths, but the catch only logs, and main throws an error carrying an exit code (as
// exit-to-throw writes it): the program would end with 0 where it meant 3.
import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "importer" });
declare function load(input: string): Promise<void>;

async function main(): Promise<void> {
  if (!process.env.INPUT) throw Object.assign(new Error("no INPUT"), { exitCode: 3 });
  await traceloop.withWorkflow({ name: "import" }, async () => load(process.env.INPUT ?? ""));
}

main().catch(console.error).finally(() => traceloop.forceFlush());
