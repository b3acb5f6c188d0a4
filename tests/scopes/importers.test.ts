/**
 * The reverse import index (src/scopes/importers.ts) over real files on disk: each way a file names another,
 * the resolutions files-on-disk.ts makes, what is not indexed, the package root, and the refresh.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_FILES, clearImporters, importersOf, importersTruncated, packageRootOf } from "../../src/scopes/importers";

const temp = mkdtempSync(path.join(os.tmpdir(), "traced-exit-importers-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
beforeEach(() => clearImporters());

let count = 0;
/** A fresh package with these files (paths relative to its root); returns the root. */
function project(files: Record<string, string>, withPackageJson = true): string {
  const root = path.join(temp, `p${count++}`);
  mkdirSync(root, { recursive: true });
  if (withPackageJson) writeFileSync(path.join(root, "package.json"), "{}");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

const importers = (root: string, file: string) => importersOf(path.join(root, file)).map((found) => path.relative(root, found).split(path.sep).join("/"));

describe("importersOf", () => {
  it("finds every way a module names another", () => {
    const root = project({
      "cli/help.js": "export default function showHelp() { process.exit(0); }\n",
      "esm.js": 'import showHelp from "./cli/help.js";\n',
      "side-effect.mjs": "import './cli/help.js';\n",
      "reexport.ts": 'export { default } from "./cli/help";\n',
      "star.ts": 'export * from "./cli/help.js";\n',
      "dynamic.js": 'const help = await import("./cli/help.js");\n',
      "cjs.cjs": 'const help = require("./cli/help.js");\n',
      "cli/sibling.js": 'import showHelp from "./help";\n',
      "deep/a/b.js": 'import showHelp from "../../cli/help.js";\n',
      "unrelated.js": 'import x from "./esm.js";\nimport y from "some-package/cli/help.js";\n',
    });
    expect(importers(root, "cli/help.js").sort()).toEqual(["cjs.cjs", "cli/sibling.js", "deep/a/b.js", "dynamic.js", "esm.js", "reexport.ts", "side-effect.mjs", "star.ts"]);
    expect(importers(root, "esm.js")).toEqual(["unrelated.js"]);
    expect(importers(root, "unrelated.js")).toEqual([]);
  });

  it("resolves as files-on-disk.ts does: ./x.js names x.ts, ./x names x/index", () => {
    const root = project({
      "src/telemetry.ts": "export function traceStep() {}\n",
      "src/steps/index.ts": "export const steps = [];\n",
      "src/main.ts": 'import { traceStep } from "./telemetry.js";\nimport { steps } from "./steps";\n',
      "src/other.mts": 'import { steps } from "./steps/index.js";\n',
    });
    expect(importers(root, "src/telemetry.ts")).toEqual(["src/main.ts"]);
    expect(importers(root, "src/steps/index.ts").sort()).toEqual(["src/main.ts", "src/other.mts"]);
  });

  it("resolves ./x.js to x.tsx when there is no x.ts, as TypeScript does", () => {
    const root = project({
      "ui/Dialog.tsx": "export function Dialog() { return null; }\n",
      "ui/App.ts": 'import { Dialog } from "./Dialog.js";\n',
    });
    expect(importers(root, "ui/Dialog.tsx")).toEqual(["ui/App.ts"]);
  });

  it("lists an importer once, however often it names the file, and never the file itself", () => {
    const root = project({
      "a.js": 'import { x } from "./b.js";\nimport { y } from "./b.js";\nconst z = require("./b.js");\n',
      "b.js": 'export const x = 1, y = 2;\nimport("./b.js");\n',
    });
    expect(importers(root, "b.js")).toEqual(["a.js"]);
  });

  it("does not index node_modules, dot-directories, declaration files, other extensions, or symbolic links", () => {
    const root = project({
      "lib.js": "export const x = 1;\n",
      "node_modules/dep/index.js": 'import { x } from "../../lib.js";\n',
      ".cache/copy.js": 'import { x } from "../lib.js";\n',
      "types.d.ts": 'import { x } from "./lib.js";\n',
      "notes.md": 'import { x } from "./lib.js";\n',
      "real/user.js": 'import { x } from "../lib.js";\n',
    });
    symlinkSync(path.join(root, "real"), path.join(root, "linked"));
    expect(importers(root, "lib.js")).toEqual(["real/user.js"]);
  });

  it("covers the nearest package: a file of another package (a nested package.json) is not its importer", () => {
    const root = project({
      "lib.js": "export const x = 1;\n",
      "app.js": 'import { x } from "./lib.js";\n',
      "packages/inner/package.json": "{}",
      "packages/inner/use.js": 'import { x } from "../../lib.js";\n',
      "packages/inner/own.js": "export const y = 2;\n",
      "packages/inner/main.js": 'import { y } from "./own.js";\n',
    });
    expect(packageRootOf(path.join(root, "packages/inner"))).toBe(path.join(root, "packages/inner"));
    expect(packageRootOf(path.join(root, "packages"))).toBe(root);
    // The outer package's walk does enter packages/inner (it is not node_modules), so its files are seen from the outer root.
    expect(importers(root, "lib.js").sort()).toEqual(["app.js", "packages/inner/use.js"]);
    // The inner package's index holds only its own files.
    expect(importers(root, "packages/inner/own.js")).toEqual(["packages/inner/main.js"]);
  });

  it("without a package.json, indexes the file's own directory", () => {
    const root = project({ "lib.js": "export const x = 1;\n", "app.js": 'import { x } from "./lib.js";\n' }, false);
    expect(importers(root, "lib.js")).toEqual(["app.js"]);
  });

  it("answers nothing for a relative path", () => {
    expect(importersOf("lib.js")).toEqual([]);
    expect(importersTruncated("lib.js")).toBe(false);
  });

  it("stops at MAX_FILES source files and says so", () => {
    const files: Record<string, string> = { "a/lib.js": "export const x = 1;\n" };
    // Directory order: "a/" before "b/", so the importer in "z/" is past the bound.
    for (let index = 0; index < MAX_FILES; index++) files[`b/f${index}.js`] = "";
    files["z/user.js"] = 'import { x } from "../a/lib.js";\n';
    const root = project(files);
    expect(importersTruncated(path.join(root, "a/lib.js"))).toBe(true);
    expect(importers(root, "a/lib.js")).toEqual([]);
  }, 120_000);

  it("sees a new import once the index is cleared", () => {
    const root = project({ "lib.js": "export const x = 1;\n", "app.js": "" });
    expect(importers(root, "lib.js")).toEqual([]);
    writeFileSync(path.join(root, "app.js"), 'import { x } from "./lib.js";\n');
    clearImporters();
    expect(importers(root, "lib.js")).toEqual(["app.js"]);
  });
});
