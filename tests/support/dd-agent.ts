// A loopback Datadog agent for dd-trace programs: dd-trace does not export OTLP, it sends finished traces to the
// agent at DD_TRACE_AGENT_URL as MessagePack, `PUT /v0.4/traces` by default (node_modules/dd-trace/packages/
// dd-trace/src/exporters/agent/writer.js, encode/0.4.js): an array of traces, each an array of span maps
// { trace_id, span_id, parent_id, name, resource, service, error, meta, metrics, start, duration, … }.
// Bound to 127.0.0.1, one request body at most MAX_BODY bytes (a larger one is answered 413 and counted as
// rejected). Every other path (the tracer's /info probe, telemetry, LLM Observability's /evp_proxy) is answered
// `{}` and only counted.
import * as http from "node:http";
import { decodeMsgpack, type Msgpack } from "./msgpack";

const MAX_BODY = 8 * 1024 * 1024;

export interface AgentSpan {
  traceId: string;
  spanId: string;
  /** "0" for a root span. */
  parentId: string;
  name: string;
  resource: string;
  /** dd-trace's error flag: 1 when an error was tagged on the span (`addError`, `error` tag). */
  error: number;
  meta: Record<string, string>;
}

export interface DdAgent {
  /** The agent URL to give the program as DD_TRACE_AGENT_URL. */
  url: string;
  /** The spans received so far, in order. */
  spans(): AgentSpan[];
  /** Requests to the traces endpoint that could not be decoded as v0.4 traces, or were too large. */
  rejectedRequests(): number;
  /** `METHOD /path` of every request, in order. */
  requests(): string[];
  close(): Promise<void>;
}

export async function startDdAgent(): Promise<DdAgent> {
  const spans: AgentSpan[] = [];
  const requests: string[] = [];
  let rejected = 0;
  const server = http.createServer((request, response) => {
    const route = `${request.method ?? ""} ${request.url ?? ""}`;
    requests.push(route);
    const traces = /^(PUT|POST) \/v0\.4\/traces$/u.test(route);
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    request.on("end", () => {
      if (traces && size > MAX_BODY) {
        rejected++;
        response.writeHead(413).end();
        return;
      }
      if (traces) {
        try {
          spans.push(...spansOf(decodeMsgpack(Buffer.concat(chunks))));
        } catch {
          rejected++;
          response.writeHead(400).end();
          return;
        }
      }
      response.writeHead(200, { "content-type": "application/json" });
      // The tracer reads its sampling rates from the answer to a traces request.
      response.end(traces ? JSON.stringify({ rate_by_service: {} }) : "{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    spans: () => [...spans],
    rejectedRequests: () => rejected,
    requests: () => [...requests],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function spansOf(payload: Msgpack): AgentSpan[] {
  if (!Array.isArray(payload)) throw new Error("v0.4 traces: not an array of traces");
  return payload.flatMap((trace) => {
    if (!Array.isArray(trace)) throw new Error("v0.4 traces: a trace is not an array of spans");
    return trace.map((span) => {
      if (span === null || typeof span !== "object" || Array.isArray(span) || span instanceof Uint8Array) throw new Error("v0.4 traces: a span is not a map");
      const meta = span.meta ?? {};
      return {
        traceId: String(span.trace_id),
        spanId: String(span.span_id),
        parentId: String(span.parent_id ?? 0),
        name: String(span.name),
        resource: String(span.resource),
        error: Number(span.error ?? 0),
        meta: Object.fromEntries(Object.entries(typeof meta === "object" && !Array.isArray(meta) ? meta : {}).map(([key, value]) => [key, String(value)])),
      };
    });
  });
}
