// Preloaded into an example (NODE_OPTIONS=--import=<this file>) to count the spans it *starts*, so the demo
// and the runtime tests can say "3 of 5 spans exported" from a measurement, not from a table.
//
// OpenTelemetry's API keeps its globals on globalThis[Symbol.for("opentelemetry.js.api.1")]. This file
// creates that object first, with an accessor for `trace`: when the app (NodeTracerProvider.register(),
// Traceloop's NodeSDK) registers its tracer provider, the accessor wraps that provider's getTracer() so each
// startSpan()/startActiveSpan() is noted. The SDKs and the exporters are untouched. The names are written,
// as JSON, to $TRACED_EXIT_STARTED_SPANS_FILE when the process exits: the 'exit' event also fires on
// process.exit() and on a crash from an unhandled rejection, which is what is being measured.
//
// With $TRACED_EXIT_REENDED_SPANS_FILE set, it also notes every span handled after it ended: the SDK reports
// `end()` on an ended span ("You can only call end() on a span once") and `recordException`/`setStatus` on
// one ("Cannot execute the operation on ended Span") through the API's diag logger, which this file installs
// in the same globals (and chains to any logger the app sets). Written as JSON at exit, like the started spans.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const outFile = process.env.TRACED_EXIT_STARTED_SPANS_FILE;
if (outFile) {
  // The API copy the example will load: the one in the working directory's node_modules.
  // Its package.json is not in its "exports", so it is found from the entry point.
  const entry = createRequire(path.join(process.cwd(), "noop.js")).resolve("@opentelemetry/api");
  const { version } = JSON.parse(readFileSync(path.join(entry.slice(0, entry.lastIndexOf("node_modules")), "node_modules/@opentelemetry/api/package.json"), "utf8"));
  const key = Symbol.for(`opentelemetry.js.api.${version.split(".")[0]}`);
  const started = [];
  let provider;

  const countStarts = (tracer) =>
    new Proxy(tracer, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if ((property !== "startSpan" && property !== "startActiveSpan") || typeof value !== "function") return value;
        return function (name, ...rest) {
          started.push(String(name));
          // `this` is the real tracer, so startActiveSpan's own call to startSpan is not counted twice.
          return value.call(target, name, ...rest);
        };
      },
    });

  const api = { version };
  Object.defineProperty(api, "trace", {
    configurable: true,
    enumerable: true,
    get: () => provider,
    set(value) {
      // The API registers its ProxyTracerProvider; every tracer, before or after the delegate is set,
      // comes from its getTracer().
      if (value && typeof value.getTracer === "function" && !value.__tracedExitCounting) {
        const getTracer = value.getTracer.bind(value);
        value.getTracer = (...args) => countStarts(getTracer(...args));
        value.__tracedExitCounting = true;
      }
      provider = value;
    },
  });
  const reendedFile = process.env.TRACED_EXIT_REENDED_SPANS_FILE;
  const reended = [];
  if (reendedFile) {
    let appLogger;
    const note = (message) => {
      if (typeof message === "string" && /only call end\(\) on a span once|operation on ended Span/u.test(message)) reended.push(message);
    };
    const logger = Object.fromEntries(
      ["error", "warn", "info", "debug", "verbose"].map((level) => [level, (...args) => (note(args[0]), appLogger?.[level]?.(...args))]),
    );
    Object.defineProperty(api, "diag", {
      configurable: true,
      enumerable: true,
      get: () => logger,
      set(value) {
        appLogger = value === logger ? appLogger : value;
      },
    });
    process.on("exit", () => writeFileSync(reendedFile, JSON.stringify(reended)));
  }
  globalThis[key] ??= api;

  process.on("exit", () => writeFileSync(outFile, JSON.stringify(started)));
}
