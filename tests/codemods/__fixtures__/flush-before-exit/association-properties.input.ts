// Issue 16: the whole program inside Traceloop's withAssociationProperties, neither awaited nor caught.
// It is the program's promise: same shape as `main();`, so the same chain.
import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "support-bot" });
declare function answer(question: string | undefined): Promise<string>;

traceloop.withAssociationProperties({ userId: process.env.USER_ID ?? "anonymous" }, async () => {
  await traceloop.withWorkflow({ name: "answer" }, async () => answer(process.argv[2]));
});
