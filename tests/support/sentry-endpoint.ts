// A loopback Sentry endpoint: Sentry posts envelopes to its DSN (`http://key@127.0.0.1:<port>/1`), newline-
// separated JSON: the envelope header, then per item its header and its payload.
import * as http from "node:http";
import { gunzipSync } from "node:zlib";

export interface SentryItem {
  /** "transaction", "event", "session", … */
  type: string;
  payload: Record<string, unknown>;
}

export interface SentryEndpoint {
  /** The DSN to give the program as SENTRY_DSN. */
  dsn: string;
  /** The items received so far, in order. */
  items(): SentryItem[];
  close(): Promise<void>;
}

export async function startSentryEndpoint(): Promise<SentryEndpoint> {
  const bodies: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      bodies.push((request.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body).toString("utf8"));
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    dsn: `http://key@127.0.0.1:${port}/1`,
    items: () => bodies.flatMap(itemsOf),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function itemsOf(body: string): SentryItem[] {
  const lines = body.split("\n").filter((line) => line.trim() !== "");
  const items: SentryItem[] = [];
  // lines[0] is the envelope header; then header/payload pairs.
  for (let index = 1; index + 1 < lines.length; index += 2) {
    const header = JSON.parse(lines[index] as string) as { type?: string };
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(lines[index + 1] as string) as Record<string, unknown>;
    } catch {
      // An attachment's payload need not be JSON.
    }
    items.push({ type: header.type ?? "", payload });
  }
  return items;
}
