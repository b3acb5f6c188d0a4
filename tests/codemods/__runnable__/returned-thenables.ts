// Issue 14, case 6: a startActiveSpan callback returns what its caller uses, and the span-error wrapper must
// hand back that very object: an API client's Promise subclass keeps withResponse(), a lazy query does not
// start before it is awaited. The request span is ended on success only, so a failed request loses it.
import { trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
provider.register();
const tracer = trace.getTracer("runnable");

class ApiPromise<T> extends Promise<T> {
  withResponse(): Promise<{ data: T; status: number }> {
    return this.then((data) => ({ data, status: 200 }));
  }
}

class LazyQuery implements PromiseLike<string[]> {
  started = false;
  then<A = string[], B = never>(onFulfilled?: ((value: string[]) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): PromiseLike<A | B> {
    this.started = true;
    return Promise.resolve(["ada", "grace"]).then(onFulfilled, onRejected);
  }
}

function fetchStatus(fail: boolean): ApiPromise<string> {
  return tracer.startActiveSpan("fetch_status", (span) => {
    const request = new ApiPromise<string>((resolve, reject) => setTimeout(() => (fail ? reject(new Error("HTTP 503")) : resolve("up")), 5));
    request.then(() => span.end(), () => undefined);
    return request;
  });
}

function findUsers(): LazyQuery {
  return tracer.startActiveSpan("find_users", (span) => {
    const query = new LazyQuery();
    span.end();
    return query;
  });
}

async function main(): Promise<void> {
  const query = findUsers();
  console.log("query started before await:", query.started);
  console.log("users:", (await query).join(", "));
  try {
    const { data, status } = await fetchStatus(process.env.RUNNABLE_FAIL === "1").withResponse();
    console.log("status:", data, status);
  } catch (error) {
    console.log("request failed:", (error as Error).message);
    process.exitCode = 2;
  }
  await provider.shutdown();
}

main();
