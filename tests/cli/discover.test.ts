import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { discoverFiles, isSourceFile } from "../../src/cli/discover";
import { initRepo, makeTempDir, writeFiles } from "./helpers";

function displayPaths(root: string, inputs: string[] = ["."]): string[] {
  return discoverFiles(inputs, root).files.map((file) => file.displayPath);
}

describe("isSourceFile", () => {
  it("takes the eight JavaScript and TypeScript extensions", () => {
    for (const ext of [".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts"]) {
      expect(isSourceFile(`a${ext}`)).toBe(true);
    }
  });

  it("leaves out declaration files and other extensions", () => {
    for (const name of ["a.d.ts", "a.d.mts", "a.d.cts", "styles.d.css.ts", "a.json", "a.md", "a.vue", "a.js.map"]) {
      expect(isSourceFile(name)).toBe(false);
    }
  });
});

describe("discoverFiles", () => {
  it("finds every source extension in sorted order and skips node_modules, .git and .d.ts", () => {
    const root = makeTempDir();
    writeFiles(root, {
      "z.js": "",
      "a.ts": "",
      "b.tsx": "",
      "c.mts": "",
      "d.cts": "",
      "e.mjs": "",
      "f.cjs": "",
      "g.jsx": "",
      "types.d.ts": "",
      "README.md": "",
      "data.json": "{}",
      "node_modules/pkg/index.js": "",
      "src/node_modules/nested/index.js": "",
      ".git/hooks/pre-commit.js": "",
      "src/b/x.ts": "",
      "src/a.ts": "",
    });
    expect(displayPaths(root)).toEqual([
      "a.ts",
      "b.tsx",
      "c.mts",
      "d.cts",
      "e.mjs",
      "f.cjs",
      "g.jsx",
      "src/a.ts",
      "src/b/x.ts",
      "z.js",
    ]);
  });

  it("honours root and nested .gitignore files, negations and .git/info/exclude", () => {
    const root = makeTempDir();
    writeFiles(root, {
      ".gitignore": "dist/\n*.gen.ts\n!keep.gen.ts\n",
      "src/.gitignore": "fixtures/\nlocal.ts\n",
      "src/deep/.gitignore": "!local.ts\n",
      "dist/out.js": "",
      "a.gen.ts": "",
      "keep.gen.ts": "",
      "src/index.ts": "",
      "src/local.ts": "",
      "src/fixtures/case.ts": "",
      "src/deep/local.ts": "",
      "scratch/tmp.js": "",
      "other/tmp.js": "",
    });
    initRepo(root);
    fs.appendFileSync(path.join(root, ".git", "info", "exclude"), "scratch/\n");
    expect(displayPaths(root)).toEqual(["keep.gen.ts", "other/tmp.js", "src/deep/local.ts", "src/index.ts"]);
  });

  it("applies the .gitignore files above a named subdirectory", () => {
    const root = makeTempDir();
    writeFiles(root, { ".gitignore": "*.gen.ts\n", "src/a.ts": "", "src/a.gen.ts": "" });
    initRepo(root);
    expect(displayPaths(root, ["src"])).toEqual(["src/a.ts"]);
  });

  it("honours .gitignore outside a git repository too", () => {
    const root = makeTempDir();
    writeFiles(root, { ".gitignore": "build/\n", "build/x.js": "", "src/x.js": "" });
    expect(displayPaths(root)).toEqual(["src/x.js"]);
  });

  it("takes a file named directly even when it is ignored, but not an unsupported one", () => {
    const root = makeTempDir();
    writeFiles(root, { ".gitignore": "gen/\n", "gen/out.js": "", "notes.md": "" });
    const result = discoverFiles(["gen/out.js", "notes.md"], root);
    expect(result.files.map((file) => file.displayPath)).toEqual(["gen/out.js"]);
    expect(result.skipped).toEqual([{ file: "notes.md", reason: "not a JavaScript or TypeScript source file" }]);
  });

  it("notes a named directory that is ignored instead of walking it", () => {
    const root = makeTempDir();
    writeFiles(root, { ".gitignore": "gen/\n", "gen/out.js": "" });
    const result = discoverFiles(["gen"], root);
    expect(result.files).toEqual([]);
    expect(result.notes).toEqual(["gen is ignored by .gitignore; name its files to process them"]);
  });

  it("counts a file reached by two paths once", () => {
    const root = makeTempDir();
    writeFiles(root, { "src/a.ts": "" });
    expect(displayPaths(root, [".", "src", "src/a.ts"])).toEqual(["src/a.ts"]);
  });

  it("does not follow symlinked directories", () => {
    const root = makeTempDir();
    const outside = makeTempDir();
    writeFiles(outside, { "lib/x.js": "" });
    writeFiles(root, { "src/a.js": "" });
    fs.symlinkSync(path.join(outside, "lib"), path.join(root, "src", "linked"), "dir");
    fs.symlinkSync(path.join(root, "src"), path.join(root, "loop"), "dir");
    expect(displayPaths(root)).toEqual(["src/a.js"]);
  });

  it("skips a symlinked file pointing outside the paths and keeps one pointing inside once", () => {
    const root = makeTempDir();
    const outside = makeTempDir();
    writeFiles(outside, { "target.js": "" });
    writeFiles(root, { "src/real.js": "", "other/inside-target.js": "" });
    fs.symlinkSync(path.join(outside, "target.js"), path.join(root, "src", "out-link.js"));
    fs.symlinkSync(path.join(root, "src", "real.js"), path.join(root, "src", "dup-link.js"));
    // Points inside the repository but outside the named path `src`.
    fs.symlinkSync(path.join(root, "other", "inside-target.js"), path.join(root, "src", "sibling-link.js"));

    const result = discoverFiles(["src"], root);
    expect(result.files.map((file) => file.displayPath)).toEqual(["src/real.js"]);
    expect(result.skipped.map((item) => item.file)).toEqual(["src/out-link.js", "src/sibling-link.js"]);
    expect(result.skipped[0].reason).toContain("outside the given paths");
  });

  it("refuses a symlink named directly when its target is outside the paths", () => {
    const root = makeTempDir();
    const outside = makeTempDir();
    writeFiles(outside, { "target.js": "" });
    fs.symlinkSync(path.join(outside, "target.js"), path.join(root, "link.js"));
    const result = discoverFiles(["link.js"], root);
    expect(result.files).toEqual([]);
    expect(result.skipped.map((item) => item.file)).toEqual(["link.js"]);
  });

  it("rejects a path that does not exist", () => {
    const root = makeTempDir();
    expect(() => discoverFiles(["missing"], root)).toThrow("path not found: missing");
  });
});
