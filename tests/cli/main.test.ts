import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EngineUnavailableError, type EngineOptions, loadEngine, registerEngineFactory } from "../../src/cli/engine";
import { main } from "../../src/cli/index";
import { captureIo, fakeEngine, initRepo, MARKER, makeTempDir, writeFiles } from "./helpers";

const BIN = path.resolve(__dirname, "../../bin/traced-exit.js");

describe("main", () => {
  it("runs fix with the parsed flags and paths", async () => {
    const root = makeTempDir();
    writeFiles(root, { "src/a.js": "process.exit(1);\n", "other/b.js": "process.exit(1);\n" });
    const io = captureIo(root);
    const code = await main(["fix", "--quiet", "--force", "src"], { io, createEngine: () => fakeEngine() });
    expect(code).toBe(0);
    expect(fs.readFileSync(path.join(root, "src/a.js"), "utf8")).toContain(MARKER);
    expect(fs.readFileSync(path.join(root, "other/b.js"), "utf8")).toBe("process.exit(1);\n");
    expect(io.out()).toContain("traced-exit fix: scanned 1 file\n");
  });

  it("defaults to the current directory and passes --dry-run and --json through", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    const io = captureIo(root);
    const code = await main(["fix", "--dry-run", "--json"], { io, createEngine: () => fakeEngine() });
    expect(code).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ dryRun: true, changed: ["a.js"] });
    expect(fs.readFileSync(path.join(root, "a.js"), "utf8")).toBe("process.exit(1);\n");
  });

  it("collects --transform ids from repeats and commas", async () => {
    const root = makeTempDir();
    const seen: Array<EngineOptions | undefined> = [];
    const createEngine = (options?: EngineOptions) => {
      seen.push(options);
      return fakeEngine();
    };
    await main(["fix", "-q", "--transform", "a, b", "-t", "c"], { io: captureIo(root), createEngine });
    await main(["fix", "-q"], { io: captureIo(root), createEngine });
    expect(seen).toEqual([{ transforms: ["a", "b", "c"] }, undefined]);
  });

  it("returns 2 when the tree is dirty and 0 with --force", async () => {
    const root = makeTempDir();
    initRepo(root);
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    const refused = captureIo(root);
    expect(await main(["fix"], { io: refused, createEngine: () => fakeEngine() })).toBe(2);
    expect(refused.err()).toContain("refusing to write: uncommitted changes under the given paths:\n  a.js\n");
    expect(await main(["fix", "--force", "-q"], { io: captureIo(root), createEngine: () => fakeEngine() })).toBe(0);
  });

  it("returns 1 when a file failed", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1); // ENGINE_THROW\n" });
    expect(await main(["fix", "-q", "--force"], { io: captureIo(root), createEngine: () => fakeEngine() })).toBe(1);
  });

  it("rejects an unknown option with a clear message and exit 2", async () => {
    const io = captureIo(makeTempDir());
    const code = await main(["fix", "--dryrun"], { io, createEngine: () => fakeEngine() });
    expect(code).toBe(2);
    expect(io.err()).toContain("error: unknown option '--dryrun'");
    expect(io.err()).toContain("(Did you mean --dry-run?)");
  });

  it("returns 2 without a command and for an unknown command", async () => {
    expect(await main([], { io: captureIo(makeTempDir()), createEngine: () => fakeEngine() })).toBe(2);
    const io = captureIo(makeTempDir());
    expect(await main(["fixx"], { io, createEngine: () => fakeEngine() })).toBe(2);
    expect(io.err()).toContain("unknown command 'fixx'");
  });

  it("prints help with examples and exit codes, exit 0", async () => {
    const io = captureIo(makeTempDir());
    expect(await main(["fix", "--help"], { io, createEngine: () => fakeEngine() })).toBe(0);
    expect(io.out()).toContain("Usage: traced-exit fix [options] [paths...]");
    expect(io.out()).toContain("--dry-run");
    expect(io.out()).toContain("Examples:\n  $ traced-exit fix --dry-run");
    expect(io.out()).toContain("Exit codes: 0 done");
  });

  it("prints the package version", async () => {
    const io = captureIo(makeTempDir());
    expect(await main(["--version"], { io })).toBe(0);
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../package.json"), "utf8"));
    expect(io.out()).toBe(`${pkg.version}\n`);
  });

  it("reports a missing path before creating the engine", async () => {
    const io = captureIo(makeTempDir());
    let created = 0;
    const createEngine = () => {
      created++;
      return fakeEngine();
    };
    expect(await main(["fix", "src"], { io, createEngine })).toBe(2);
    expect(io.err()).toBe("traced-exit: path not found: src\n");
    expect(created).toBe(0);
  });

  it("returns 2 with the reason when the engine cannot be created", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    const io = captureIo(root);
    const createEngine = () => {
      throw new EngineUnavailableError("the codemod engine (dist/codemods/engine.js) is missing");
    };
    expect(await main(["fix"], { io, createEngine })).toBe(2);
    expect(io.err()).toBe("traced-exit: the codemod engine (dist/codemods/engine.js) is missing\n");
    expect(fs.readFileSync(path.join(root, "a.js"), "utf8")).toBe("process.exit(1);\n");
  });
});

describe("loadEngine", () => {
  it("uses a registered factory, with the options, until it is unregistered", () => {
    const engine = fakeEngine();
    const seen: Array<EngineOptions | undefined> = [];
    registerEngineFactory((options) => {
      seen.push(options);
      return engine;
    });
    try {
      expect(loadEngine({ transforms: ["exit-to-throw"] })).toBe(engine);
      expect(seen).toEqual([{ transforms: ["exit-to-throw"] }]);
    } finally {
      registerEngineFactory(undefined);
    }
  });
});

describe("bin/traced-exit.js", () => {
  /** A copy of the bin next to a fake package layout, so the test does not depend on the real dist/. */
  function installBin(withDist: string | undefined): string {
    const pkg = makeTempDir();
    writeFiles(pkg, { "bin/traced-exit.js": fs.readFileSync(BIN) });
    if (withDist !== undefined) writeFiles(pkg, { "dist/cli/index.js": withDist });
    return path.join(pkg, "bin", "traced-exit.js");
  }

  it("is an executable node script", () => {
    expect(fs.readFileSync(BIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(fs.statSync(BIN).mode & 0o111).not.toBe(0);
  });

  it("says how to build when dist is missing", () => {
    const result = spawnSync(process.execPath, [installBin(undefined), "fix"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("traced-exit: dist/cli/index.js is missing. Build the package first: npm run build\n");
  });

  it("forwards the arguments to main and exits with its code", () => {
    const stub = `exports.main = async (argv) => { process.stdout.write(JSON.stringify(argv)); return 3; };\n`;
    const result = spawnSync(process.execPath, [installBin(stub), "fix", "--dry-run", "src"], { encoding: "utf8" });
    expect(result.stdout).toBe('["fix","--dry-run","src"]');
    expect(result.status).toBe(3);
  });
});

describe("main: arguments that would run nothing or the wrong thing", () => {
  it("rejects an empty --transform list with exit 2, before creating the engine", async () => {
    for (const value of ["", ","]) {
      const root = makeTempDir();
      writeFiles(root, { "a.js": "process.exit(1);\n" });
      const io = captureIo(root);
      let created = 0;
      const code = await main(["fix", "-t", value, "--force"], { io, createEngine: () => (created++, fakeEngine()) });
      expect(code).toBe(2);
      expect(io.err()).toBe("traced-exit: --transform needs at least one codemod id (exit-to-throw, flush-before-exit, await-floating-promises, record-span-errors)\n");
      expect(created).toBe(0);
      expect(fs.readFileSync(path.join(root, "a.js"), "utf8")).toBe("process.exit(1);\n");
    }
  });

  it.each([
    ["null", "not null"],
    ["[]", "not an array"],
    ['"wrappers"', "not string"],
  ])("rejects a settings file holding %s with exit 2", async (json, got) => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n", "settings.json": json });
    const io = captureIo(root);
    const code = await main(["fix", "--force", "--settings", "settings.json", "a.js"], { io, createEngine: () => fakeEngine() });
    expect(code).toBe(2);
    expect(io.err()).toBe(`traced-exit: the --settings file settings.json must hold a JSON object (what ESLint's settings["traced-exit"] holds), ${got}\n`);
    expect(fs.readFileSync(path.join(root, "a.js"), "utf8")).toBe("process.exit(1);\n");
  });

  it("rejects a settings file that is not JSON with exit 2 and the parser's reason", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n", "settings.json": "{ wrappers: [] }" });
    const io = captureIo(root);
    expect(await main(["fix", "--force", "--settings", "settings.json"], { io, createEngine: () => fakeEngine() })).toBe(2);
    expect(io.err()).toMatch(/^traced-exit: cannot read the --settings file settings\.json: .*JSON/u);
  });
});
