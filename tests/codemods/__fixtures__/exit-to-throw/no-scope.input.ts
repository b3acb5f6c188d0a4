import * as traceloop from "@traceloop/node-server-sdk";

// An exit outside every traced scope is require-flush-before-exit's business, not this codemod's.
export function parseArgs(argv: string[]): string {
  if (argv.length === 0) process.exit(64);
  return argv[0] ?? "";
}

export const run = () => traceloop.withWorkflow({ name: "cli" }, async () => parseArgs(process.argv));
