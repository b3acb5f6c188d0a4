// Langfuse 5 with endOnExit: false: the caller ends the observation, but on a throw the caller never receives
// it and Langfuse only marks it ERROR. The callback that uses its span only as `span.x(…);` and `return span;`
// is wrapped so that the span ends once Langfuse has recorded the error.
import { startActiveObservation } from "@langfuse/tracing";

// Added by eslint-plugin-traced-exit: with { endOnExit: false } the caller ends the observation, but when the
// callback throws or rejects the caller never receives it and Langfuse only marks it ERROR, so it was never
// exported. End it then, one microtask after Langfuse has recorded the error.
function endObservationOnError<F extends (observation: ReturnType<typeof JSON.parse>) => unknown>(fn: F): F {
  return ((observation: { end(): unknown }) => {
    let result: unknown;
    try {
      result = fn(observation);
    } catch (error) {
      queueMicrotask(() => observation.end());
      throw error;
    }
    if (result instanceof Promise) result.then(undefined, () => queueMicrotask(() => observation.end()));
    return result;
  }) as F;
}

export async function handle(request: string) {
  const observation = await startActiveObservation(
    "handle",
    endObservationOnError(async (span) => {
      span.update({ input: request });
      if (!request) throw Object.assign(new Error("process.exit() in observation 'handle'"), { exitCode: 2 });
      return span;
    }),
    { endOnExit: false },
  );
  observation.update({ output: "answer" }).end();
}

// The span is handed on: whoever holds it may end it, so it is not ended here.
export async function stream(request: string, holder: { span?: unknown }) {
  await startActiveObservation(
    "stream",
    async (span) => {
      holder.span = span;
      if (!request) throw Object.assign(new Error("process.exit() in observation 'stream'"), { exitCode: 3 });
    },
    { endOnExit: false },
  );
}
