// Preloaded into a dd-trace program (NODE_OPTIONS=--import=<this file>): the spans it starts, and the spans it
// finishes twice or writes to after their finish, each written as JSON at exit like examples/demo/
// started-spans.mjs does for OpenTelemetry ($TRACED_EXIT_STARTED_SPANS_FILE, $TRACED_EXIT_REENDED_SPANS_FILE).
//
// dd-trace's spans are not OpenTelemetry spans. Each one publishes itself on the diagnostics channel
// `dd-trace:span:start` ({ span, fields }) when it starts (node_modules/dd-trace/packages/dd-trace/src/
// opentracing/span.js); a second `finish()` returns at once without a word (`if (this._duration !== undefined)
// return`), and a tag set after the finish is dropped from a trace already queued. So this file listens on that
// channel, notes the span's name, and wraps the span's own finish/setTag/addTags to note the calls made after it
// finished. Each wrapped method still runs.
import { subscribe } from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";

const startedFile = process.env.TRACED_EXIT_STARTED_SPANS_FILE;
const reendedFile = process.env.TRACED_EXIT_REENDED_SPANS_FILE;
if (startedFile && reendedFile) {
  const started = [];
  const reended = [];
  subscribe("dd-trace:span:start", ({ span, fields }) => {
    const name = String(fields?.operationName ?? span.context?.()._name);
    started.push(name);
    let finished = false;
    for (const method of ["finish", "setTag", "addTags"]) {
      const original = span[method];
      if (typeof original !== "function") continue;
      span[method] = function (...args) {
        if (finished) reended.push(`${method}() on finished span "${name}"`);
        const result = original.apply(this, args);
        if (method === "finish") finished = true;
        return result;
      };
    }
  });
  process.on("exit", () => {
    writeFileSync(startedFile, JSON.stringify(started));
    writeFileSync(reendedFile, JSON.stringify(reended));
  });
}
