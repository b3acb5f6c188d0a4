import * as traceloop from "@traceloop/node-server-sdk";
import { SpanStatusCode, trace } from "@opentelemetry/api";

// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,
// because this SDK's wrapper ends the span only on success. A span that has ended is left alone.
function endSpanWithError(error: unknown, span = trace.getActiveSpan()): unknown {
  if (span?.isRecording()) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
  }
  return error;
}

// The callback's result is returned as it is: a thenable other than a plain Promise (a Promise subclass,
// a lazy query) keeps its identity and methods, and its then() records a rejection before passing it on.
// F's arguments are `any` (JSON.parse's return type), so that a callback given to a tracer typed `any`
// keeps untyped parameters instead of `never` ones; a typed tracer's callback type is still inferred.
function recordSpanErrors<F extends (...args: ReturnType<typeof JSON.parse>[]) => unknown>(fn: F): F {
  return function (this: unknown, ...args: Parameters<F>) {
    const span = trace.getActiveSpan();
    try {
      const result = fn.apply(this, args);
      if (result instanceof Promise && result.constructor === Promise) {
        return result.then(undefined, (error: unknown) => {
          throw endSpanWithError(error, span);
        });
      }
      const then = (result as PromiseLike<unknown> | null | undefined)?.then;
      if (typeof then === "function" && Object.isExtensible(result)) {
        Object.defineProperty(result, "then", {
          configurable: true,
          writable: true,
          value(this: unknown, onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) {
            return then.call(this, onFulfilled, (error: unknown) => {
              endSpanWithError(error, span);
              if (onRejected) return onRejected(error);
              throw error;
            });
          },
        });
      }
      return result;
    } catch (error) {
      throw endSpanWithError(error, span);
    }
  } as F;
}

declare function callModel(prompt: string): Promise<string>;
declare function readConfig(name: string): Promise<string>;

// The exit stands for the error the catch caught: the throw carries it as `cause`, and its message after
// the logged text (the span's exception event says what failed).
export async function complete(prompt: string): Promise<string> {
  return traceloop.withTask({ name: "complete" }, recordSpanErrors(async () => {
    try {
      return await callModel(prompt);
    } catch (err) {
      console.error("LLM failed:", err);
      throw Object.assign(new Error("LLM failed: " + (err instanceof Error ? err.message : String(err))), { exitCode: 1, cause: err });
    }
  }));
}

// The error logged alone: its message, not its String() ("Error: …").
export async function summarize(text: string): Promise<string> {
  return traceloop.withTask({ name: "summarize" }, recordSpanErrors(async () => {
    try {
      return await callModel(text);
    } catch (error) {
      console.error(error);
      throw Object.assign(new Error(error instanceof Error ? error.message : String(error)), { exitCode: 2, cause: error });
    }
  }));
}

// The error not logged: the logged text, then the error's message.
export async function configure(name: string): Promise<string> {
  return traceloop.withTask({ name: "configure" }, recordSpanErrors(async () => {
    try {
      return await readConfig(name);
    } catch (e) {
      console.error(`config ${name} unreadable`);
      throw Object.assign(new Error(`config ${name} unreadable: ` + (e instanceof Error ? e.message : String(e))), { exitCode: 3, cause: e });
    }
  }));
}

// A promise's rejection handler, nothing logged; and a catch with no binding: nothing to carry.
export async function warmUp(): Promise<void> {
  await traceloop.withTask({ name: "warm_up" }, recordSpanErrors(async () => {
    await callModel("ping").catch((reason) => { throw Object.assign(new Error("process.exit() in task 'warm_up': " + (reason instanceof Error ? reason.message : String(reason))), { exitCode: 4, cause: reason }); });
    try {
      await readConfig("defaults");
    } catch {
      throw Object.assign(new Error("process.exit() in task 'warm_up'"), { exitCode: 5 });
    }
  }));
}
