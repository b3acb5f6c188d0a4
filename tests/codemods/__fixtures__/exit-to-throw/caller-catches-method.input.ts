// Issue 14, case 1b: each exit's throw would reach a caller's handler that logs and goes on, through a class
// method (`this.handleOne(item)`) and through a function stored in a const object and its promise's `.catch`.
// Both exits are left as they are, for manual review.
import * as traceloop from "@traceloop/node-server-sdk";

class Worker {
  async handleOne(item: string): Promise<string> {
    return traceloop.withWorkflow({ name: "handle_item" }, async () => {
      if (!item) process.exit(3);
      return item;
    });
  }

  async runAll(items: string[]): Promise<void> {
    for (const item of items) {
      try {
        await this.handleOne(item);
      } catch (error) {
        console.log("skipping", item, error);
      }
    }
  }
}

async function check(item: string): Promise<string> {
  return traceloop.withTask({ name: "check" }, async () => {
    if (item === "bad") process.exit(4);
    return item;
  });
}

const steps = { check };

export async function validate(items: string[]): Promise<void> {
  for (const item of items) await steps.check(item).catch((error: unknown) => console.log("invalid", item, error));
}

export const worker = new Worker();
