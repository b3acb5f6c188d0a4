// Preloaded into a Sentry program (NODE_OPTIONS=--import=<this file>) to note every span it handles after the
// span ended: Sentry's counterpart of the OpenTelemetry diag messages that examples/demo/started-spans.mjs counts.
//
// @sentry/node 10 does not use OpenTelemetry's span class: its default SentryTracerProvider (and Sentry.startSpan)
// create @sentry/core's SentrySpan, whose `end()` on an ended span returns at once and says nothing, and whose
// `setStatus`/`setAttribute`/`addEvent` on an ended span (frozen, node_modules/@sentry/core
// build/cjs/tracing/sentrySpan.js) are dropped without a word; the transaction is sent once, at the first end.
// So neither the envelopes nor Sentry's debug log show a second end. This file wraps those methods of the real
// SentrySpan class, before the program loads it, and writes the calls made on an ended span to
// $TRACED_EXIT_REENDED_SPANS_FILE (JSON, at exit, as started-spans.mjs does). The SDK itself is not changed:
// each wrapped method still runs.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const reendedFile = process.env.TRACED_EXIT_REENDED_SPANS_FILE;
if (reendedFile) {
  const reended = [];
  // The copy the program will load, found from its working directory; both builds, since a CommonJS program
  // loads build/cjs and an ES module build/esm, each with its own SentrySpan class.
  const require = createRequire(path.join(process.cwd(), "noop.js"));
  const builds = [require("@sentry/core"), await import(pathToFileURL(require.resolve("@sentry/core").replace(`${path.sep}cjs${path.sep}`, `${path.sep}esm${path.sep}`)).href)];
  // Spans whose first end() has returned. Not "has an end time": end() sets it and then runs the SDK's own
  // `spanEnd` hooks, which still write the span's status and attributes before it is frozen.
  const ended = new WeakSet();
  for (const { SentrySpan, spanToJSON } of builds) {
    for (const method of ["end", "setStatus", "setAttribute", "setAttributes", "addEvent", "recordException", "updateName"]) {
      const original = SentrySpan.prototype[method];
      if (typeof original !== "function") continue;
      SentrySpan.prototype[method] = function (...args) {
        if (ended.has(this)) {
          const { description, span_id } = spanToJSON(this);
          reended.push(`${method}() on ended span "${description}" (${span_id})`);
        }
        const result = original.apply(this, args);
        if (method === "end") ended.add(this);
        return result;
      };
    }
  }
  process.on("exit", () => writeFileSync(reendedFile, JSON.stringify(reended)));
}
