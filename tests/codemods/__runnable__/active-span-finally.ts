// Issue 14: `startActiveSpan` callbacks that end their span in a `finally`. Every exit below loses the batch,
// and with it every span. Once an exit is a throw, the `finally` ends the span as the throw leaves the try: the
// span arrives, but with no error on it, unless the error is recorded in that same try before the `finally`
// runs (src/fixes/record-before-finally.ts). One exit per run, chosen by RUNNABLE_FAIL:
//   - "step" (default): in a try/finally of an async callback, itself in the try/finally of an outer callback;
//   - "parse": in the catch of a try/finally (JSON.parse threw);
//   - "check": before the try that ends the span (nothing ends it on that path);
//   - "load": in a sync callback's try whose catch rethrows, reached from `job` through a call;
//   - "sync": in a try/finally inside an `if`, in a callback that otherwise ends its span on success only;
//   - "sync-early": in that callback, before the `if` (nothing ends the span on that path);
//   - "close": in a `finally`, before its `span.end()` (which the exit skips);
//   - anything else: no exit, every span ends normally.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer = trace.getTracer("runnable");
const fail = process.env.RUNNABLE_FAIL ?? "step";

function load(name: string): string {
  return tracer.startActiveSpan("load", (span) => {
    try {
      if (fail === name) {
        console.error(`cannot load ${name}`);
        process.exit(3);
      }
      return name.toUpperCase();
    } catch (error) {
      span.setAttribute("load.failed", true);
      throw error;
    } finally {
      span.end();
    }
  });
}

function parse(raw: string): unknown {
  return tracer.startActiveSpan("parse", (span) => {
    try {
      return JSON.parse(raw);
    } catch (error) {
      console.error("bad input:", String(error));
      process.exit(2);
    } finally {
      span.end();
    }
  });
}

async function check(value: number): Promise<number> {
  return tracer.startActiveSpan("check", async (span) => {
    if (value > 2) {
      console.error("too many");
      process.exit(6);
    }
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return value * 2;
    } finally {
      span.end();
    }
  });
}

function sync(): number {
  return tracer.startActiveSpan("sync", (span) => {
    if (fail === "sync-early") {
      console.error("nothing to sync");
      process.exit(7);
    }
    if (fail.startsWith("sync")) {
      try {
        if (fail === "sync") {
          console.error("sync failed");
          process.exit(8);
        }
        return 0;
      } finally {
        span.end();
      }
    }
    span.end();
    return 1;
  });
}

function close(): number {
  return tracer.startActiveSpan("close", (span) => {
    try {
      return 1;
    } finally {
      if (fail === "close") {
        console.error("cannot close");
        process.exit(9);
      }
      span.end();
    }
  });
}

async function main(): Promise<void> {
  await tracer.startActiveSpan("job", async (span) => {
    try {
      console.log("loaded", load("load"));
      console.log("synced", sync());
      const count = await tracer.startActiveSpan("step", async (step) => {
        try {
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (fail === "step") {
            console.error("step failed");
            process.exit(4);
          }
          return 1;
        } finally {
          step.end();
        }
      });
      console.log("parsed", parse(fail === "parse" ? "{" : "[1]"));
      console.log("checked", await check(fail === "check" ? count + 2 : count));
      console.log("closed", close());
    } finally {
      span.end();
    }
  });
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => provider.shutdown());
