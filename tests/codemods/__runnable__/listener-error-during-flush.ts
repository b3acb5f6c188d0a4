// Issue 14, case 4, a limit of the listener detach: the exit in a repeating listener of a `const` emitter
// becomes "end the spans, detach the emitter, flush, then exit". The emitter here is fed one event per turn of
// the event loop, and ends with an `error` (the connection drops), which its own listener handles. The
// original exits 3 at the bad line and never sees that error. After the rewrite, the source goes on while
// the flush is in flight and emits `error` on an emitter with no listener left: Node throws it, an uncaught
// exception with exit code 1, unless the detach leaves a listener that ignores it.
import { EventEmitter } from "node:events";
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "tail" }, async () => {
    await new Promise<void>((resolve) => {
      const feed = new EventEmitter();
      let received = 0;
      feed.on("line", (line: string) => {
        if (line === "bad") process.exit(3);
        console.log("line", line);
        received++;
      });
      feed.on("error", (error: Error) => {
        console.log("feed dropped after", received, "lines:", error.message);
        resolve();
      });
      const lines = ["a", process.env.RUNNABLE_CLEAN ? "b" : "bad", "c"];
      let next = 0;
      const pump = () => {
        if (next < lines.length) {
          feed.emit("line", lines[next++]);
          setImmediate(pump);
        } else {
          feed.emit("error", new Error("connection reset"));
        }
      };
      setImmediate(pump);
    });
  });
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
