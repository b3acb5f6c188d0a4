import * as Sentry from "@sentry/node";

// Sentry's startSpan records the error and ends the span itself: the throw alone is enough.
export function sync(): void {
  Sentry.startSpan({ name: "sync" }, () => {
    if (!process.env.TOKEN) throw Object.assign(new Error("process.exit() in span 'sync'"), { exitCode: 1 });
  });
}
