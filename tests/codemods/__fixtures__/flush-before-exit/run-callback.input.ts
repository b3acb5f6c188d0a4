// Issue 16: the program as a callback that flushes last. A throw before the shutdown skips it; what run()
// does with the rejection is run's business, so the flush moves into a finally and the error goes on.
import { NodeSDK } from "@opentelemetry/sdk-node";

const sdk = new NodeSDK({});
sdk.start();
// A runner of the program's own (a CLI framework's, say): it handles the rejection its own way.
declare function run(program: (args: string[]) => Promise<void>): void;
declare function build(args: string[]): Promise<string>;

run(async (args) => {
  const report = await build(args);
  // Printed only on success.
  console.log(report);
  await sdk.shutdown();
});
