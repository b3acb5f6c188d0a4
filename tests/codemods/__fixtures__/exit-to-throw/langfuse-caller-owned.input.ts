// Langfuse 5 with endOnExit: false: the caller ends the observation, but on a throw the caller never receives
// it and Langfuse only marks it ERROR. The callback that uses its span only as `span.x(…);` and `return span;`
// is wrapped so that the span ends once Langfuse has recorded the error.
import { startActiveObservation } from "@langfuse/tracing";

export async function handle(request: string) {
  const observation = await startActiveObservation(
    "handle",
    async (span) => {
      span.update({ input: request });
      if (!request) process.exit(2);
      return span;
    },
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
      if (!request) process.exit(3);
    },
    { endOnExit: false },
  );
}
