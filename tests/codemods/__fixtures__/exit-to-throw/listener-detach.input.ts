// An exit in a repeating listener inside traced scopes (issue 14, case 4): the emitter, a `const` of this file,
// is detached (`lines.removeAllListeners()`) after the spans are ended, so that no more lines reach any of its
// listeners while the flush is in flight; then the process exits with the same code. An exit in a
// `setInterval` callback has nothing to detach and is left for manual review.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import * as traceloop from "@traceloop/node-server-sdk";

export async function ingest(file: string): Promise<number> {
  return traceloop.withWorkflow({ name: "ingest" }, async () => {
    return traceloop.withTask({ name: "parse" }, () => {
      return new Promise<number>((resolve) => {
        let count = 0;
        const lines = createInterface({ input: createReadStream(file) });
        const ticker = setInterval(() => {
          if (count > 1_000_000) process.exit(9);
        }, 1000);
        lines.on("line", (line) => {
          if (line.length === 0) {
            console.error(`empty line after ${count} records`);
            process.exit(4);
          }
          count++;
        });
        lines.on("close", () => {
          clearInterval(ticker);
          resolve(count);
        });
      });
    });
  });
}
