/**
 * Strings from settings["traced-exit"] reach the code the codemods write (the import of a
 * flush). They are validated when the settings are read and written through an escaper, so
 * they read back as the same value: no code injected, and no import the rules fail to see
 * (which made every pass add one more).
 */
import { describe, expect, it } from "vitest";
import { createEngine } from "../../src/codemods/engine";
import { catalogueFor, SettingsError } from "../../src/scopes/settings";

const HANDLER = `process.on("SIGTERM", () => {\n  process.exit(0);\n});\n`;

/** An entry file whose only flush is the user's: the fix imports it from `module`. */
function fixWithFlush(module: string, exportName = "flushTraces") {
  const engine = createEngine({ transforms: ["flush-before-exit"], settings: { entry: true, flushes: [{ module, export: exportName }] } });
  const first = engine.transform(HANDLER, "/p/main.ts");
  const again = first.output === undefined ? undefined : engine.transform(first.output, "/p/main.ts");
  return { output: first.output, manual: first.manual, again };
}

describe("settings strings in generated code", () => {
  it("writes a module name with a backslash as an escaped literal, imported once and then recognised", () => {
    const { output, manual, again } = fixWithFlush("./a\\b");
    expect(output).toBe(`import { flushTraces } from "./a\\\\b";\nprocess.on("SIGTERM", async () => {\n  await flushTraces();\n  process.exit(0);\n});\n`);
    expect(manual).toEqual([]);
    // The rules see the flush it wrote: a second run changes nothing.
    expect(again).toMatchObject({ output: undefined, manual: [] });
  });

  it("imports an export named by a reserved word under a local name", () => {
    const { output, again } = fixWithFlush("./otel", "default");
    expect(output).toContain(`import { default as otelDefault } from "./otel";`);
    expect(output).toContain("await otelDefault();");
    expect(again?.output).toBeUndefined();
  });

  it.each([
    ['./x"; import "evil', "flushes[0].module"],
    ["./x'", "flushes[0].module"],
    ["./x\nimport 'evil'", "flushes[0].module"],
    [" ./x", "flushes[0].module"],
  ])("refuses the module %j with a SettingsError naming %s", (module, where) => {
    expect(() => createEngine({ settings: { flushes: [{ module, export: "flush" }] } })).toThrow(
      `${where} must be a module specifier without quotes, control characters, line breaks or surrounding spaces (got ${JSON.stringify(module)})`,
    );
    const error = (() => {
      try {
        catalogueFor({ "traced-exit": { flushes: [{ module, export: "flush" }] } });
        return undefined;
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).path).toBe(`settings["traced-exit"].${where}`);
  });

  it.each([
    [{ flushes: [{ module: "./x", export: "flush(); evil" }] }, 'flushes[0].export must be an identifier name or a dotted path of them ("flush", "spans.run") (got "flush(); evil")'],
    [{ wrappers: [{ module: "./x", export: "spans..run" }] }, "wrappers[0].export must be an identifier name or a dotted path of them"],
    [{ wrappers: [{ method: "run.inSpan" }] }, 'wrappers[0].method must be an identifier name (got "run.inSpan")'],
    [{ flushes: [{ method: "flush()" }] }, "flushes[0].method must be an identifier name"],
    [{ initializers: [{ module: "./x", export: "start-tracing" }] }, "initializers[0].export must be an identifier name or a dotted path of them"],
    [{ initializers: [{ module: "`x`" }] }, "initializers[0].module must be a module specifier"],
  ])("refuses %j", (settings, message) => {
    expect(() => catalogueFor({ "traced-exit": settings })).toThrow(message);
  });

  it("accepts non-ASCII and $ names and scoped or relative specifiers with backslashes", () => {
    expect(() =>
      catalogueFor({
        "traced-exit": {
          wrappers: [{ module: "@acme/obs", export: "spans.$run" }, { method: "läuft" }],
          flushes: [{ module: "..\\tracing", export: "flushΠ" }],
        },
      }),
    ).not.toThrow();
  });
});
