import * as traceloop from "@traceloop/node-server-sdk";

// A throw here would be swallowed by the catch below: left for a human.
export async function run(): Promise<void> {
  await traceloop.withTask({ name: "load" }, async () => {
    try {
      if (!process.env.KEY) process.exit(1);
    } catch (error) {
      console.warn(error);
    }
  });
}
