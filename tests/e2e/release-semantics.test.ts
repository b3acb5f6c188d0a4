/**
 * The catalogue's claim for the OpenInference release installed here (2.7.1, `>=2.0.7`), checked by running
 * the real SDK: a synchronous throw in a `traceChain` callback is recorded and the span ended, so the
 * record-span-errors codemod rightly adds no wrapper there (tests/codemods/versions.test.ts). The release
 * before it (2.0.6, which leaves the span open on a synchronous throw) is run in runtime-releases.test.ts.
 */
import { SpanStatusCode } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { installedVersion } from "../../src/scopes/installed";

describe("OpenInference withSpan, as installed", () => {
  it("records and ends the span on a synchronous throw and on a rejection", async () => {
    const { traceChain } = await import("@arizeai/openinference-core");
    // The release the rules see for this file, read the way they read it.
    const installed = installedVersion("@arizeai/openinference-core", __dirname);
    const { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
    const memory = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer("release-semantics");

    const parse = traceChain((text: string): unknown => JSON.parse(text), { name: "parse", tracer });
    const thrown = (() => {
      try {
        parse("{ not json");
        return undefined;
      } catch (error) {
        return (error as Error).name;
      }
    })();
    const download = traceChain(async (): Promise<never> => Promise.reject(new Error("down")), { name: "download", tracer });
    const rejected = await download().then(
      () => undefined,
      (error: unknown) => (error as Error).message,
    );

    const finished = memory.getFinishedSpans();
    expect({ installed, thrown, rejected }).toEqual({ installed: "2.7.1", thrown: "SyntaxError", rejected: "down" });
    expect(finished.map((span) => [span.name, span.status.code, span.events.filter((event) => event.name === "exception").length])).toEqual([
      ["parse", SpanStatusCode.ERROR, 1],
      ["download", SpanStatusCode.ERROR, 1],
    ]);
  });
});
