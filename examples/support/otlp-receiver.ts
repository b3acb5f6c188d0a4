// A real OTLP/HTTP trace receiver for the examples and the runtime tests.
//
// It listens on 127.0.0.1 (random port) and accepts what real exporters send:
//   POST /v1/traces  Content-Type: application/x-protobuf  (OTLPTraceExporter from exporter-trace-otlp-proto,
//                                                           which is also what Traceloop uses)
//   POST /v1/traces  Content-Type: application/json        (OTLP/JSON, e.g. exporter-trace-otlp-http)
// Bodies may be gzip- or deflate-encoded. /v1/metrics and /v1/logs are answered 200 and ignored, so an SDK
// that also exports those does not log connection errors into the example's stderr.
//
// Protobuf bodies are decoded with the generated protobufjs root shipped in @opentelemetry/otlp-transformer
// (the same schema the exporter encodes with), not with a hand-written decoder.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, inflateSync } from "node:zlib";
import * as generated from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import type { IConversionOptions } from "protobufjs";

export type SpanStatus = "UNSET" | "OK" | "ERROR";

export interface ReceivedSpan {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** undefined for a root span. */
  parentSpanId: string | undefined;
  name: string;
  status: SpanStatus;
  statusMessage?: string;
  events: { name: string; attributes: Record<string, unknown> }[];
  attributes: Record<string, unknown>;
  /** Name of the instrumentation scope (tracer) that produced the span. */
  scope: string | undefined;
  /** The run that sent it: `<run>` when the exporter posted to `/<run>/v1/traces` (see OtlpReceiver.urlFor), else "". */
  run: string;
}

export interface OtlpReceiver {
  /** Base URL, e.g. http://127.0.0.1:41234 (exporters append /v1/traces themselves when given a base URL). */
  url: string;
  /** Full traces endpoint: `${url}/v1/traces`. */
  tracesUrl: string;
  /** Every span received since start or the last reset(), in arrival order. */
  spans(): ReceivedSpan[];
  /**
   * A base URL of its own for one run of a program, so programs run at the same time can share the receiver:
   * an exporter given `urlFor("a")` posts to `/a/v1/traces`, and those spans come back from spansOf("a").
   */
  urlFor(run: string): string;
  spansOf(run: string): ReceivedSpan[];
  reset(): void;
  /** Number of export requests that could not be decoded (kept so a test can assert there were none). */
  rejectedRequests(): number;
  close(): Promise<void>;
}

export interface SpanSummary {
  total: number;
  errors: number;
  /** Spans whose parentSpanId is set but not among the received spans: the parent was never exported. */
  orphans: number;
  /** Names of the received spans, handy in assertion messages. */
  names: string[];
  errorNames: string[];
  orphanNames: string[];
}

// root.d.ts only says `export = $root: protobuf.Root`, so the static message classes need their own type.
interface GeneratedMessageClass {
  decode(reader: Uint8Array): object;
  encode(message: object): { finish(): Uint8Array };
  create(properties: object): object;
  toObject(message: object, options: IConversionOptions): Record<string, unknown>;
}
interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: GeneratedMessageClass; ExportTraceServiceResponse: GeneratedMessageClass } };
      };
    };
  };
}
// `generated` is the CommonJS module object; under ESM interop it may sit on `.default`.
const root = ((generated as unknown as { default?: unknown }).default ?? generated) as unknown as GeneratedRoot;
const { ExportTraceServiceRequest, ExportTraceServiceResponse } = root.opentelemetry.proto.collector.trace.v1;

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  let received: ReceivedSpan[] = [];
  let rejected = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      rejected += 1;
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // `/v1/traces`, or `/<run>/v1/traces` from an exporter given urlFor(run); Langfuse's span processor posts
    // to `<base URL>/api/public/otel/v1/traces`.
    const match = /^(?:\/([\w.-]+))?(?:\/api\/public\/otel)?(\/v1\/.*)$/u.exec((req.url ?? "").split("?")[0] ?? "");
    if (req.method !== "POST" || !match) {
      res.writeHead(404).end();
      return;
    }
    const run = match[1] ?? "";
    const path = match[2];
    const body = decompress(await readBody(req), req.headers["content-encoding"]);
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    const isJson = contentType === "application/json";

    if (path === "/v1/traces") {
      const request = isJson ? (JSON.parse(body.toString("utf8")) as unknown) : decodeProtobuf(body);
      received.push(...spansFromRequest(request, run));
    }

    if (isJson) {
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    } else {
      const reply = ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish();
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end(Buffer.from(reply));
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    spans: () => [...received],
    urlFor: (run) => {
      if (!/^[\w.-]+$/u.test(run)) throw new Error(`run names are letters, digits, '.', '_' and '-': ${run}`);
      return `${url}/${run}`;
    },
    spansOf: (run) => received.filter((span) => span.run === run),
    reset: () => {
      received = [];
      rejected = 0;
    },
    rejectedRequests: () => rejected,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Exporters keep sockets alive; close them, or server.close() waits for their idle timeout.
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function summarizeSpans(spans: readonly ReceivedSpan[]): SpanSummary {
  const ids = new Set(spans.map((span) => span.spanId));
  const errors = spans.filter((span) => span.status === "ERROR");
  const orphans = spans.filter((span) => span.parentSpanId !== undefined && !ids.has(span.parentSpanId));
  return {
    total: spans.length,
    errors: errors.length,
    orphans: orphans.length,
    names: spans.map((span) => span.name),
    errorNames: errors.map((span) => span.name),
    orphanNames: orphans.map((span) => span.name),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === "gzip") return gunzipSync(body);
  if (encoding === "deflate") return inflateSync(body);
  return body;
}

function decodeProtobuf(body: Buffer): unknown {
  const message = ExportTraceServiceRequest.decode(body);
  // defaults: false keeps only the fields that were set, so a oneof AnyValue has exactly one key, as in JSON.
  // Bytes stay Uint8Array (converted to hex below); 64-bit ints become strings, as in OTLP/JSON.
  return ExportTraceServiceRequest.toObject(message, { longs: String, enums: Number, defaults: false });
}

// From here on the request is the OTLP/JSON shape, whether it came as JSON or as decoded protobuf:
// { resourceSpans: [{ scopeSpans: [{ scope: { name }, spans: [...] }] }] }
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: Uint8Array | string;
}
interface OtlpSpan {
  traceId?: Uint8Array | string;
  spanId?: Uint8Array | string;
  parentSpanId?: Uint8Array | string;
  name?: string;
  attributes?: OtlpKeyValue[];
  events?: { name?: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number | string; message?: string };
}
interface OtlpRequest {
  resourceSpans?: { scopeSpans?: { scope?: { name?: string }; spans?: OtlpSpan[] }[] }[];
}

function spansFromRequest(request: unknown, run: string): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of (request as OtlpRequest).resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        const parentSpanId = idToHex(span.parentSpanId);
        const received: ReceivedSpan = {
          traceId: idToHex(span.traceId) ?? "",
          spanId: idToHex(span.spanId) ?? "",
          parentSpanId,
          name: span.name ?? "",
          status: statusName(span.status?.code),
          events: (span.events ?? []).map((event) => ({
            name: event.name ?? "",
            attributes: attributesToRecord(event.attributes),
          })),
          attributes: attributesToRecord(span.attributes),
          scope: scopeSpans.scope?.name,
          run,
        };
        if (span.status?.message) received.statusMessage = span.status.message;
        spans.push(received);
      }
    }
  }
  return spans;
}

// Protobuf gives bytes; OTLP/JSON gives hex (the spec) or, from some old encoders, base64.
// An empty id (root span's parentSpanId) means "no parent".
function idToHex(id: Uint8Array | string | undefined): string | undefined {
  if (id === undefined || id === null) return undefined;
  if (typeof id !== "string") return id.length === 0 ? undefined : Buffer.from(id).toString("hex");
  if (id === "") return undefined;
  if (/^[0-9a-f]+$/i.test(id) && (id.length === 16 || id.length === 32)) return id.toLowerCase();
  return Buffer.from(id, "base64").toString("hex");
}

function statusName(code: number | string | undefined): SpanStatus {
  // STATUS_CODE_UNSET = 0, STATUS_CODE_OK = 1, STATUS_CODE_ERROR = 2; JSON may carry the enum name.
  if (code === 2 || code === "STATUS_CODE_ERROR") return "ERROR";
  if (code === 1 || code === "STATUS_CODE_OK") return "OK";
  return "UNSET";
}

function attributesToRecord(attributes: OtlpKeyValue[] | undefined): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const { key, value } of attributes ?? []) record[key] = anyValue(value);
  return record;
}

function anyValue(value: OtlpAnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : String(value.intValue);
  }
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) return attributesToRecord(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return undefined;
}
