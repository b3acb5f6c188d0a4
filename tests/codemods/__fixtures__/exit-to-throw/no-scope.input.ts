import * as traceloop from "@traceloop/node-server-sdk";

// An exit outside every traced scope is require-flush-before-exit's business, not this codemod's:
// parseArgs() runs before the workflow opens.
export function parseArgs(argv: string[]): string {
  if (argv.length === 0) process.exit(64);
  return argv[0] ?? "";
}

export const run = () => {
  const arg = parseArgs(process.argv);
  return traceloop.withWorkflow({ name: "cli" }, async () => arg);
};
