// Issue 14, new-user report 1c: `traced-exit fix -t exit-to-throw` alone (the README offers one codemod at a
// time). The entry logs a rejection with `.catch(console.error)`; `main` flushes on both paths, so the flush
// codemod has nothing to do here. The exit(1) made the program fail; the throw that replaces it must keep
// that code through the entry without the flush codemod's help.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function complete(prompt: string): Promise<string> {
  return traceloop.withTask({ name: "complete" }, async () => {
    if (process.env.RUNNABLE_LLM_DOWN) {
      console.error("LLM failed:", prompt);
      process.exit(1);
    }
    return prompt.toUpperCase();
  });
}

async function main(): Promise<void> {
  try {
    const reply = await traceloop.withWorkflow({ name: "chat" }, () => complete("hello"));
    console.log("reply", reply);
  } finally {
    await traceloop.forceFlush();
  }
}

main().catch(console.error);
