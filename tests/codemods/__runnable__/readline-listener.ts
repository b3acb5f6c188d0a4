// Issue 14, case 4 with readline: a Traceloop task reads lines and exits 4 on the first malformed one, from
// the interface's repeating 'line' listener. A throw there would be an uncaught exception (exit code 1). The
// rewrite keeps the exit: the task's and the workflow's spans (noted as each scope starts) are ended with the
// error, the interface is detached (`rl.removeAllListeners()`: no more 'line' or 'close', which would print
// what the original never printed), Traceloop flushes, and the process exits 4 once the flush settles.
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

const input = process.env.RUNNABLE_CLEAN ? "id=1\nid=2\nid=3\n" : "id=1\nbroken\nid=3\n";

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "ingest" }, async () => {
    const ids = await traceloop.withTask({ name: "parse" }, async () => {
      return new Promise<string[]>((resolve) => {
        const found: string[] = [];
        const rl = createInterface({ input: Readable.from([input]) });
        rl.on("line", (line) => {
          if (!line.startsWith("id=")) {
            console.log("malformed line:", line);
            process.exit(4);
          }
          console.log("id", line.slice(3));
          found.push(line.slice(3));
        });
        rl.on("close", () => resolve(found));
      });
    });
    console.log("ingested", ids.length);
  });
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
