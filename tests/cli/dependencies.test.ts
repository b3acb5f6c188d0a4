/**
 * Rewritten files must not import a package their project does not declare (issue 12, item 4):
 * an installed-but-undeclared one is added to dependencies, a missing one refuses the rewrite.
 * Run through `main` with a stand-in engine that adds an `@opentelemetry/api` import, as
 * recordSpanErrors() does; the real engine's import is checked by tests/consumer.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkDependencies, newPackageImports, packageOf, withDependencies } from "../../src/cli/dependencies";
import { main } from "../../src/cli/index";
import { captureIo, fakeEngine, initRepo, makeTempDir, writeFiles } from "./helpers";

const IMPORTING = fakeEngine({
  transform: (source) => ({ output: `import { trace } from "@opentelemetry/api";\n${source.replace("process.exit(1)", "trace.getActiveSpan()")}`, manual: [] }),
});

function project(manifest: Record<string, unknown>, installed: Record<string, string> = {}): string {
  const root = makeTempDir();
  writeFiles(root, { "package.json": `${JSON.stringify(manifest, null, 4)}\n`, "src/a.js": "process.exit(1);\n" });
  for (const [name, version] of Object.entries(installed)) writeFiles(root, { [`node_modules/${name}/package.json`]: JSON.stringify({ name, version }) });
  writeFiles(root, { ".gitignore": "node_modules/\n" });
  initRepo(root);
  return root;
}

describe("packages a rewrite imports", () => {
  it("are the bare packages the output imports and the input did not", () => {
    expect(packageOf("@opentelemetry/api/build/x")).toBe("@opentelemetry/api");
    expect(packageOf("lodash/fp")).toBe("lodash");
    expect([packageOf("./x"), packageOf("node:fs"), packageOf("/abs")]).toEqual([undefined, undefined, undefined]);
    const source = 'import * as traceloop from "@traceloop/node-server-sdk";\nconst fs = require("node:fs");\n';
    const output = `import { trace } from "@opentelemetry/api";\nconst { x } = require('lodash');\n${source}`;
    expect(newPackageImports(source, output)).toEqual(["@opentelemetry/api", "lodash"]);
    expect(newPackageImports(output, output)).toEqual([]);
  });

  it("are not checked for a file with no package.json above it", () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "" });
    expect(checkDependencies(path.join(root, "a.js"), "", 'import "@opentelemetry/api";')).toEqual({ kind: "ok", declare: [] });
  });

  it("need nothing when the nearest package.json declares them in any dependency field", () => {
    const root = project({ name: "app", devDependencies: { "@opentelemetry/api": "^1.9.0" } });
    expect(checkDependencies(path.join(root, "src/a.js"), "", 'import "@opentelemetry/api";')).toEqual({ kind: "ok", declare: [] });
  });
});

describe("traced-exit fix and undeclared packages", () => {
  it("adds an installed but undeclared package to dependencies, keeping the file's indentation, and says so", async () => {
    const root = project({ name: "app", dependencies: { zod: "^3.0.0" } }, { "@opentelemetry/api": "1.9.1" });
    const io = captureIo(root);
    expect(await main(["fix", "-q", "src"], { io, createEngine: () => IMPORTING })).toBe(0);
    const text = fs.readFileSync(path.join(root, "package.json"), "utf8");
    expect(JSON.parse(text)).toEqual({ name: "app", dependencies: { "@opentelemetry/api": "^1.9.1", zod: "^3.0.0" } });
    expect(text).toMatch(/^ {4}"name"/mu);
    expect(io.out()).toContain("added to dependencies (installed, but not declared; the rewrites import them)\n    package.json  @opentelemetry/api ^1.9.1\n");
  });

  it("only says what it would add in a dry run", async () => {
    const root = project({ name: "app" }, { "@opentelemetry/api": "1.9.1" });
    const before = fs.readFileSync(path.join(root, "package.json"), "utf8");
    const io = captureIo(root);
    expect(await main(["fix", "--dry-run", "src"], { io, createEngine: () => IMPORTING })).toBe(0);
    expect(fs.readFileSync(path.join(root, "package.json"), "utf8")).toBe(before);
    expect(io.out()).toContain("would add to dependencies");
    // The change it announces is in the patch too, as a hunk of package.json (new-user report 11).
    expect(io.out()).toContain("+++ b/package.json");
    expect(io.out()).toMatch(/^\+\s+"@opentelemetry\/api": "\^1\.9\.1"/mu);
  });

  it("refuses a rewrite whose import is neither declared nor installed, and exits 1", async () => {
    const root = project({ name: "app" });
    const io = captureIo(root);
    expect(await main(["fix", "-q", "src"], { io, createEngine: () => IMPORTING })).toBe(1);
    expect(fs.readFileSync(path.join(root, "src/a.js"), "utf8")).toBe("process.exit(1);\n");
    expect(io.out()).toContain("the rewrite imports @opentelemetry/api, which this project neither declares nor has installed; not written (npm install @opentelemetry/api, then run again)");
  });

  it("keeps a one-line package.json on one line, compact or spaced, with its final newline or none", () => {
    const add = new Map([["b", "^1.0.0"]]);
    expect(withDependencies('{"name":"a","version":"1.0.0"}\n', add)).toBe('{"name":"a","version":"1.0.0","dependencies":{"b":"^1.0.0"}}\n');
    expect(withDependencies('{ "name": "a", "dependencies": { "c": "^2.0.0" } }', add)).toBe('{ "name": "a", "dependencies": { "b": "^1.0.0", "c": "^2.0.0" } }');
  });

  it("keeps the indentation package.json uses: tabs, four spaces", () => {
    const add = new Map([["b", "^1.0.0"]]);
    expect(withDependencies('{\n\t"name": "a"\n}\n', add)).toBe('{\n\t"name": "a",\n\t"dependencies": {\n\t\t"b": "^1.0.0"\n\t}\n}\n');
    expect(withDependencies('{\n    "name": "a"\n}\n', add)).toBe('{\n    "name": "a",\n    "dependencies": {\n        "b": "^1.0.0"\n    }\n}\n');
  });

  it("keeps CRLF line ends and a missing final newline of package.json", () => {
    expect(withDependencies('{\r\n  "name": "a"\r\n}', new Map([["b", "^1.0.0"]]))).toBe('{\r\n  "name": "a",\r\n  "dependencies": {\r\n    "b": "^1.0.0"\r\n  }\r\n}');
  });
});

describe("traced-exit fix --check", () => {
  it("exits 1 and prints the diff when a file would change, writing nothing; 0 when none would", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n", "b.js": "console.log(1);\n" });
    initRepo(root);
    const io = captureIo(root);
    expect(await main(["fix", "--check", "-q"], { io, createEngine: () => fakeEngine() })).toBe(1);
    expect(io.out()).toContain("+++ b/a.js");
    expect(fs.readFileSync(path.join(root, "a.js"), "utf8")).toBe("process.exit(1);\n");
    expect(await main(["fix", "--check", "-q", "b.js"], { io: captureIo(root), createEngine: () => fakeEngine() })).toBe(0);
  });
});

describe("--settings", () => {
  it("names the file when it is not valid JSON", async () => {
    const root = makeTempDir();
    writeFiles(root, { "settings.json": "{ wrappers: [] }", "a.js": "" });
    const io = captureIo(root);
    expect(await main(["fix", "-q", "--settings", "settings.json"], { io, createEngine: () => fakeEngine() })).toBe(2);
    expect(io.err()).toMatch(/^traced-exit: cannot read the --settings file settings\.json: /u);
  });
});
