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
    const sub = makeTempDir();
    writeFiles(sub, { "s.js": "" });
    initRepo(sub);
    const root = makeTempDir();
    writeFiles(root, { "m.js": "" });
    initRepo(root);
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "sub");
    git(root, "commit", "-qm", "add the submodule");
    const candidates = [path.join(root, "m.js"), path.join(root, "sub", "s.js")];
    expect(checkWorkingTree([root], gitEnv(), candidates)).toEqual({ kind: "clean" });
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
