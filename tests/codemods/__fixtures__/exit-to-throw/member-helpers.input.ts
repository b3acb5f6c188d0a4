import * as traceloop from "@traceloop/node-server-sdk";

// Helpers reached through members: an object literal's method and a class's static method.
const guard = {
  requireKey(name: string): string {
    const value = process.env[name];
    if (!value) {
      console.error(`${name} is not set`);
      process.exit(2);
    }
    return value;
  },
};

class Limits {
  static check(count: number): void {
    if (count > 100) {
      console.error("too many documents");
      process.exit(3);
    }
  }
}

export function ingest(count: number): Promise<void> {
  return traceloop.withWorkflow({ name: "ingest" }, async () => {
    guard.requireKey("OPENAI_API_KEY");
    Limits.check(count);
  });
}
