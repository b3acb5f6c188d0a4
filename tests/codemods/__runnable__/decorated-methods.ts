// Issue 14, case 2: Traceloop's decorators. A task method exits 1 inside a workflow method; before the fix
// none of the three spans arrives, and a rewrite that wraps a body in try/catch must still rewrite the exit.
import * as traceloop from "@traceloop/node-server-sdk";

// Batched export (the default) to $TRACELOOP_BASE_URL, the test's receiver.
traceloop.initialize({ appName: "runnable", apiKey: "local", silenceInitializationMessage: true });

class Ingest {
  @traceloop.task({ name: "fetch" })
  async fetch(source: string): Promise<string[]> {
    return [`${source}/1`, `${source}/2`];
  }

  @traceloop.task({ name: "store" })
  async store(rows: string[]): Promise<number> {
    if (!process.env.RUNNABLE_DATABASE) {
      console.error("no database configured");
      process.exit(1);
    }
    return rows.length;
  }

  @traceloop.workflow({ name: "ingest" })
  async run(source: string): Promise<number> {
    const rows = await this.fetch(source);
    return this.store(rows);
  }
}

async function main(): Promise<void> {
  console.log("stored", await new Ingest().run("s3://bucket"));
  await traceloop.forceFlush();
}

main().catch(() => process.exit(1));
