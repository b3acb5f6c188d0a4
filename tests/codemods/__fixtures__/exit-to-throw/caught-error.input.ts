import * as traceloop from "@traceloop/node-server-sdk";

declare function callModel(prompt: string): Promise<string>;
declare function readConfig(name: string): Promise<string>;

// The exit stands for the error the catch caught: the throw carries it as `cause`, and its message after
// the logged text (the span's exception event says what failed).
export async function complete(prompt: string): Promise<string> {
  return traceloop.withTask({ name: "complete" }, async () => {
    try {
      return await callModel(prompt);
    } catch (err) {
      console.error("LLM failed:", err);
      process.exit(1);
    }
  });
}

// The error logged alone: its message, not its String() ("Error: …").
export async function summarize(text: string): Promise<string> {
  return traceloop.withTask({ name: "summarize" }, async () => {
    try {
      return await callModel(text);
    } catch (error) {
      console.error(error);
      process.exit(2);
    }
  });
}

// The error not logged: the logged text, then the error's message.
export async function configure(name: string): Promise<string> {
  return traceloop.withTask({ name: "configure" }, async () => {
    try {
      return await readConfig(name);
    } catch (e) {
      console.error(`config ${name} unreadable`);
      process.exit(3);
    }
  });
}

// A promise's rejection handler, nothing logged; and a catch with no binding: nothing to carry.
export async function warmUp(): Promise<void> {
  await traceloop.withTask({ name: "warm_up" }, async () => {
    await callModel("ping").catch((reason) => process.exit(4));
    try {
      await readConfig("defaults");
    } catch {
      process.exit(5);
    }
  });
}
