// Issue 14, new-user report 10: the exit stands in a catch that logs the error it caught,
//   } catch (err) { console.error("LLM failed:", err); process.exit(1); }
// The throw that replaces it must carry that error: its message after the logged text (the span's exception
// event says what failed, not only "LLM failed:"), and the error itself as `cause`.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function callModel(prompt: string): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  if (process.env.RUNNABLE_LLM_DOWN) throw new Error(`rate limited (429) for ${prompt}`);
  return prompt.toUpperCase();
}

async function complete(prompt: string): Promise<string> {
  return traceloop.withTask({ name: "complete" }, async () => {
    try {
      return await callModel(prompt);
    } catch (err) {
      console.error("LLM failed:", err);
      process.exit(1);
    }
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
