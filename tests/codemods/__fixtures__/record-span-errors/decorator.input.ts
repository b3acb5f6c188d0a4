import { task } from "@traceloop/node-server-sdk";

export class Ingest {
  @task({ name: "parse" })
  parse(raw: string): unknown {
    return JSON.parse(raw);
  }
}
