import * as traceloop from "@traceloop/node-server-sdk";

export class Pipeline {
  @traceloop.workflow({ name: "ingest" })
  async ingest(path: string): Promise<number> {
    if (!path) {
      console.error("no path");
      process.exit(1);
    }
    const banner = `ingesting
${path}`;
    return banner.length;
  }
}
