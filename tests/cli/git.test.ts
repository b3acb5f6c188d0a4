import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { checkWorkingTree, parsePorcelainZ } from "../../src/cli/git";
import { gitEnv, git, initRepo, makeTempDir, writeFiles } from "./helpers";

describe("parsePorcelainZ", () => {
  it("reads plain entries and skips the original path of renames and copies", () => {
    const output = " M src/a.js\0?? new file.ts\0R  to.js\0from.js\0C  copy.js\0orig.js\0";
    expect(parsePorcelainZ(output)).toEqual(["src/a.js", "new file.ts", "to.js", "copy.js"]);
  });

  it("reads an empty status as clean", () => {
    expect(parsePorcelainZ("")).toEqual([]);
  });
});

/** A repository with `m.js` and, at `sub/`, a submodule holding `files`. */
function withSubmodule(files: Record<string, string>): string {
  const sub = makeTempDir();
  writeFiles(sub, files);
  initRepo(sub);
  const root = makeTempDir();
  writeFiles(root, { "m.js": "" });
  initRepo(root);
  git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "sub");
  git(root, "commit", "-qm", "add the submodule");
  return root;
}

describe("checkWorkingTree", () => {
  it("says no-git outside any repository", () => {
    const root = makeTempDir();
    expect(checkWorkingTree([root], gitEnv())).toEqual({ kind: "no-git", path: root });
  });

  it("says no-git when one input of several is outside every repository", () => {
    const repo = makeTempDir();
    const outside = makeTempDir();
    initRepo(repo);
    expect(checkWorkingTree([repo, outside], gitEnv())).toEqual({ kind: "no-git", path: outside });
  });

  it("says no-git when git cannot be run", () => {
    const root = makeTempDir();
    expect(checkWorkingTree([root], { PATH: path.join(root, "empty") })).toEqual({ kind: "no-git" });
  });

  it("lists staged, renamed, modified and untracked files as absolute paths", () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "a", "b.js": "b", "c.js": "c" });
    initRepo(root);
    writeFiles(root, { "a.js": "changed", "d/new.js": "" });
    git(root, "mv", "b.js", "b2.js");
    git(root, "add", "a.js");
    expect(checkWorkingTree([root], gitEnv())).toEqual({
      kind: "dirty",
      files: ["a.js", "b2.js", "d/new.js"].map((rel) => path.join(root, rel)),
      untracked: [],
    });
  });

  it("lists candidates that git ignores as untracked, and tracked or merely new ones not", () => {
    const root = makeTempDir();
    writeFiles(root, { ".gitignore": "*.gen.js\n", "kept.js": "" });
    initRepo(root);
    writeFiles(root, { "out.gen.js": "", "new.js": "" });
    const candidates = ["kept.js", "out.gen.js", "new.js"].map((rel) => path.join(root, rel));
    expect(checkWorkingTree([root], gitEnv(), candidates)).toEqual({
      kind: "dirty",
      files: [path.join(root, "new.js")],
      untracked: [path.join(root, "out.gen.js")],
    });
  });

  it("treats a path with glob characters literally", () => {
    const root = makeTempDir();
    // As a pattern, "a*" would also match the dirty "ab/x.js".
    writeFiles(root, { "a*/x.js": "", "ab/x.js": "" });
    initRepo(root);
    writeFiles(root, { "ab/x.js": "dirty" });
    expect(checkWorkingTree([path.join(root, "a*")], gitEnv())).toEqual({ kind: "clean" });
  });

  it("counts the files of a submodule as tracked", () => {
    const root = withSubmodule({ "s.js": "" });
    const candidates = [path.join(root, "m.js"), path.join(root, "sub", "s.js")];
    expect(checkWorkingTree([root], gitEnv(), candidates)).toEqual({ kind: "clean" });
  });
});

describe("checkWorkingTree: programs of the repository", () => {
  /** A repository whose `*.js` files go through a clean filter that leaves a marker when it runs. */
  function filtered(root: string, marker: string): void {
    writeFiles(root, { ".gitattributes": "*.js filter=evil\n", "a.js": "process.exit(1);\n" });
    initRepo(root);
    git(root, "config", "filter.evil.clean", `touch '${marker}'; cat`);
    git(root, "config", "filter.evil.required", "true");
    // New stat data: git has to read the file again, through its clean filter.
    fs.utimesSync(path.join(root, "a.js"), new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
  }

  it("never runs a clean filter of the repository or of its submodules", () => {
    const plain = makeTempDir();
    const control = `${plain}-filter-ran`;
    filtered(plain, control);
    git(plain, "status", "--porcelain");
    // The premise: a plain `git status` runs the filter.
    expect(fs.existsSync(control)).toBe(true);

    const root = makeTempDir();
    const marker = `${root}-filter-ran`;
    filtered(root, marker);
    const state = checkWorkingTree([root], gitEnv(), [path.join(root, "a.js")]);
    expect(fs.existsSync(marker)).toBe(false);
    // Read without its filter, the file may differ from the index: refused like any change, never run.
    expect(state.kind === "clean" || state.kind === "dirty").toBe(true);

    // The same through a submodule, whose own config names the filter: `git status` recurses into it.
    const filteredSubmodule = (subMarker: string): string => {
      const outer = withSubmodule({ ".gitattributes": "*.js filter=evil\n", "s.js": "process.exit(1);\n" });
      git(path.join(outer, "sub"), "config", "filter.evil.clean", `touch '${subMarker}'; cat`);
      fs.utimesSync(path.join(outer, "sub", "s.js"), new Date("2001-02-03T04:05:06Z"), new Date("2001-02-03T04:05:06Z"));
      return outer;
    };
    const subControl = `${makeTempDir()}-filter-ran`;
    git(filteredSubmodule(subControl), "status", "--porcelain");
    expect(fs.existsSync(subControl)).toBe(true);
    const subMarker = `${makeTempDir()}-filter-ran`;
    const outer = filteredSubmodule(subMarker);
    checkWorkingTree([outer], gitEnv(), [path.join(outer, "sub", "s.js")]);
    expect(fs.existsSync(subMarker)).toBe(false);
  });
});

describe("checkWorkingTree: a repository nested in the work tree", () => {
  it("lists it once as uncommitted, not its files as ignored", () => {
    const root = makeTempDir();
    writeFiles(root, { "m.js": "" });
    initRepo(root);
    const nested = path.join(root, "nested");
    writeFiles(nested, { "n.js": "" });
    initRepo(nested);
    expect(checkWorkingTree([root], gitEnv(), [path.join(root, "m.js"), path.join(nested, "n.js")])).toEqual({
      kind: "dirty",
      files: [`${nested}/`],
      untracked: [],
    });
  });
});
