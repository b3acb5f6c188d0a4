import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { temporaryNameFor } from "../../src/cli/atomic-write";
import { runFix } from "../../src/cli/fix";
import { captureIo, fakeEngine, git, initRepo, MARKER, makeTempDir, writeFiles } from "./helpers";

const OLD = new Date("2001-02-03T04:05:06Z");

/** Sets an old mtime so "was it rewritten?" shows even when the bytes are the same. */
function ageFiles(root: string, rels: string[]): void {
  for (const rel of rels) fs.utimesSync(path.join(root, rel), OLD, OLD);
}

function snapshot(root: string, rel: string): { bytes: Buffer; mtimeMs: number; mode: number } {
  const file = path.join(root, rel);
  const stat = fs.statSync(file);
  return { bytes: fs.readFileSync(file), mtimeMs: stat.mtimeMs, mode: stat.mode };
}

function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, rel), "utf8");
}

describe("runFix: writing", () => {
  it("rewrites files that change and leaves every other file byte-identical with its mtime", async () => {
    const root = makeTempDir();
    writeFiles(root, {
      "src/exit.js": "process.exit(1);\n",
      "src/plain.ts": "export const a = 1;\n",
      // Passes the prefilter; the engine hands back the same text.
      "src/mentions.ts": "// SAME_OUTPUT process.exit\n",
    });
    initRepo(root);
    ageFiles(root, ["src/plain.ts", "src/mentions.ts"]);
    const before = ["src/plain.ts", "src/mentions.ts"].map((rel) => snapshot(root, rel));
    const io = captureIo(root);

    const report = await runFix({ force: true }, fakeEngine(), io);

    expect(report.exitCode).toBe(0);
    expect(read(root, "src/exit.js")).toBe(`${MARKER}(1);\n`);
    expect(["src/plain.ts", "src/mentions.ts"].map((rel) => snapshot(root, rel))).toEqual(before);
    expect(report.summary).toMatchObject({ scanned: 3, changed: ["src/exit.js"], unchanged: 2, failed: [] });
  });

  it("never calls transform for files the prefilter rejects", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.ts": "export {};\n", "b.js": "process.exit(0);\n", "c.mjs": "console.log(1);\n" });
    const engine = fakeEngine();
    const report = await runFix({ quiet: true, force: true }, engine, captureIo(root));
    expect(engine.transformed).toEqual([path.join(root, "b.js")]);
    expect(report.summary?.unchanged).toBe(2);
  });

  it("keeps the file mode of a rewritten file", async () => {
    const root = makeTempDir();
    writeFiles(root, { "bin/run.js": "#!/usr/bin/env node\nprocess.exit(2);\n" });
    fs.chmodSync(path.join(root, "bin/run.js"), 0o751);
    await runFix({ force: true }, fakeEngine(), captureIo(root));
    expect(read(root, "bin/run.js")).toContain(MARKER);
    expect(fs.statSync(path.join(root, "bin/run.js")).mode & 0o777).toBe(0o751);
  });

  // Only root can give a file to another user; the owner must survive the temporary file and rename.
  it.runIf(process.getuid?.() === 0)("keeps the owner, group and setgid bit of a rewritten file (as root)", async () => {
    const root = makeTempDir();
    writeFiles(root, { "owned.js": "process.exit(1);\n" });
    const file = path.join(root, "owned.js");
    fs.chownSync(file, 4321, 8765);
    fs.chmodSync(file, 0o2640);
    const inode = fs.statSync(file).ino;
    await runFix({ force: true }, fakeEngine(), captureIo(root));
    const stat = fs.statSync(file);
    expect(read(root, "owned.js")).toContain(MARKER);
    expect(stat.ino).not.toBe(inode);
    expect({ uid: stat.uid, gid: stat.gid, mode: stat.mode & 0o7777 }).toEqual({ uid: 4321, gid: 8765, mode: 0o2640 });
  });

  it("rewrites the target of a symlink inside the paths and keeps the link a link", async () => {
    const root = makeTempDir();
    writeFiles(root, { "real.js": "process.exit(1);\n" });
    fs.symlinkSync("real.js", path.join(root, "link.js"));
    const report = await runFix({ force: true, paths: ["link.js", "real.js"] }, fakeEngine(), captureIo(root));
    expect(report.summary?.changed).toEqual(["real.js"]);
    expect(fs.lstatSync(path.join(root, "link.js")).isSymbolicLink()).toBe(true);
    expect(read(root, "link.js")).toBe(`${MARKER}(1);\n`);
  });

  it("never opens a leftover temporary file of a killed run whose name comes up again", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    const file = path.join(root, "a.js");
    // The names are `.a.js.traced-exit-<pid>-<n>.tmp`; make the next one exist, as a killed run with this pid would have left it.
    const current = /-(\d+)\.tmp$/u.exec(temporaryNameFor(file))?.[1];
    const next = path.join(root, `.a.js.traced-exit-${process.pid}-${Number(current) + 1}.tmp`);
    fs.writeFileSync(next, "left by a killed run");
    const report = await runFix({ force: true }, fakeEngine(), captureIo(root));
    expect(report.summary?.changed).toEqual(["a.js"]);
    expect(read(root, "a.js")).toBe(`${MARKER}(1);\n`);
    expect(fs.readFileSync(next, "utf8")).toBe("left by a killed run");
    expect(fs.readdirSync(root).sort()).toEqual([path.basename(next), "a.js"].sort());
  });

  it("skips a hard-linked file, in a real run and a dry run, leaving every name of it untouched", async () => {
    const root = makeTempDir();
    const outside = makeTempDir();
    writeFiles(root, { "src/linked.js": "process.exit(1);\n", "src/own.js": "process.exit(1);\n" });
    // The other name is outside the given paths: rewriting through it would reach a file nobody named.
    fs.linkSync(path.join(root, "src/linked.js"), path.join(outside, "elsewhere.js"));
    const reason = "hard-linked (2 links): not rewritten, as replacing it would split the link; copy it to a file of its own to rewrite it";

    const dry = await runFix({ dryRun: true, paths: ["src"] }, fakeEngine(), captureIo(root));
    expect(dry.summary?.skipped).toEqual([{ file: "src/linked.js", reason }]);
    expect(dry.summary?.changed).toEqual(["src/own.js"]);

    const io = captureIo(root);
    const report = await runFix({ force: true, paths: ["src"] }, fakeEngine(), io);
    expect(report.exitCode).toBe(0);
    expect(report.summary?.skipped).toEqual([{ file: "src/linked.js", reason }]);
    expect(report.summary?.changed).toEqual(["src/own.js"]);
    expect(io.out()).toContain(`  skipped              1\n    src/linked.js  ${reason}\n`);
    expect(read(root, "src/linked.js")).toBe("process.exit(1);\n");
    expect(read(outside, "elsewhere.js")).toBe("process.exit(1);\n");
    expect(fs.statSync(path.join(root, "src/linked.js")).nlink).toBe(2);
  });

  it("passes a BOM and CRLF line endings through byte for byte", async () => {
    const root = makeTempDir();
    const changed = Buffer.from("\uFEFFconst a = 1;\r\nprocess.exit(1);\r\n", "utf8");
    const untouched = Buffer.from("\uFEFFexport const b = 2;\r\n", "utf8");
    writeFiles(root, { "crlf.ts": changed, "same.ts": untouched });
    const engine = fakeEngine();

    await runFix({ force: true }, engine, captureIo(root));

    expect(engine.sources).toEqual(["\uFEFFconst a = 1;\r\nprocess.exit(1);\r\n"]);
    expect(fs.readFileSync(path.join(root, "crlf.ts"))).toEqual(
      Buffer.from(`\uFEFFconst a = 1;\r\n${MARKER}(1);\r\n`, "utf8"),
    );
    expect(fs.readFileSync(path.join(root, "same.ts"))).toEqual(untouched);
  });

  it("is idempotent: a second run changes nothing", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    await runFix({ quiet: true, force: true }, fakeEngine(), captureIo(root));
    const second = await runFix({ quiet: true, force: true }, fakeEngine(), captureIo(root));
    expect(second.summary).toMatchObject({ changed: [], unchanged: 1 });
  });
});

describe("runFix: failures", () => {
  it("reports an engine error as failed, exits 1 and leaves the file alone", async () => {
    const root = makeTempDir();
    writeFiles(root, { "bad.ts": "process.exit(1); // ENGINE_THROW\n", "good.ts": "process.exit(1);\n" });
    ageFiles(root, ["bad.ts"]);
    const before = snapshot(root, "bad.ts");
    const io = captureIo(root);

    const report = await runFix({ force: true }, fakeEngine(), io);

    expect(report.exitCode).toBe(1);
    expect(snapshot(root, "bad.ts")).toEqual(before);
    expect(read(root, "good.ts")).toContain(MARKER);
    // lineNumber 3 / 0-based column 4 from the parser error become 3:5; the message is one line.
    expect(report.summary?.failed).toEqual([{ file: "bad.ts", reason: "3:5 Unexpected token (details)" }]);
    expect(io.out()).toContain("    bad.ts  3:5 Unexpected token (details)\n");
  });

  it("refuses to write engine output that does not parse", async () => {
    const root = makeTempDir();
    writeFiles(root, { "broken.js": "process.exit(1); // BREAK_OUTPUT\n" });
    const before = snapshot(root, "broken.js");

    const report = await runFix({ force: true }, fakeEngine(), captureIo(root));

    expect(report.exitCode).toBe(1);
    expect(snapshot(root, "broken.js")).toEqual(before);
    expect(report.summary?.changed).toEqual([]);
    expect(report.summary?.failed[0].file).toBe("broken.js");
    expect(report.summary?.failed[0].reason).toMatch(/^rewritten code does not parse \(\d+:\d+ .+\); not written$/);
  });

  it("re-parses with the file's own extension: JSX passes in .js and .tsx, fails in .ts", async () => {
    const root = makeTempDir();
    const source = "process.exit(1);\n";
    writeFiles(root, { "a.js": source, "b.tsx": source, "c.ts": source, "d.cjs": source });
    const engine = fakeEngine({ transform: () => ({ output: "const el = <div />;\n", manual: [] }) });

    const report = await runFix({ force: true }, engine, captureIo(root));

    expect(report.summary?.changed).toEqual(["a.js", "b.tsx", "d.cjs"]);
    expect(report.summary?.failed.map((item) => item.file)).toEqual(["c.ts"]);
    expect(read(root, "c.ts")).toBe(source);
  });

  it("does not write a read-only file and reports it", async () => {
    const root = makeTempDir();
    writeFiles(root, { "locked.js": "process.exit(1);\n" });
    fs.chmodSync(path.join(root, "locked.js"), 0o444);
    const before = snapshot(root, "locked.js");

    const report = await runFix({ force: true }, fakeEngine(), captureIo(root));

    expect(report.exitCode).toBe(1);
    expect(report.summary?.failed).toEqual([{ file: "locked.js", reason: "read-only" }]);
    expect(snapshot(root, "locked.js")).toEqual(before);
  });

  it("does not clobber a file that changed on disk while the engine worked", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    const base = fakeEngine();
    const engine = fakeEngine({
      transform(source, filePath) {
        fs.writeFileSync(filePath, "// saved by an editor meanwhile\n");
        return base.transform(source, filePath);
      },
    });

    const report = await runFix({ force: true }, engine, captureIo(root));

    expect(report.summary?.failed).toEqual([{ file: "a.js", reason: "changed on disk during the run; not written" }]);
    expect(read(root, "a.js")).toBe("// saved by an editor meanwhile\n");
  });

  it("says a file that was deleted during the run disappeared (not that it is read-only)", async () => {
    const root = makeTempDir();
    writeFiles(root, { "gone.js": "process.exit(1);\n" });
    const base = fakeEngine();
    const engine = fakeEngine({
      transform(source, filePath) {
        fs.unlinkSync(filePath);
        return base.transform(source, filePath);
      },
    });
    const report = await runFix({ force: true }, engine, captureIo(root));
    expect(report.exitCode).toBe(1);
    expect(report.summary?.failed).toEqual([{ file: "gone.js", reason: "disappeared during the run; not written" }]);
    expect(fs.existsSync(path.join(root, "gone.js"))).toBe(false);
  });

  it("says a file deleted before it was read disappeared", async () => {
    const root = makeTempDir();
    writeFiles(root, { "gone.js": "process.exit(1);\n" });
    // The progress line for a file is drawn just before the file is read: delete it then.
    const io = captureIo(root, {
      stderrIsTTY: true,
      stderr: (text) => {
        if (text.includes("gone.js")) fs.rmSync(path.join(root, "gone.js"), { force: true });
      },
    });
    const report = await runFix({ force: true }, fakeEngine(), io);
    expect(report.summary?.failed).toEqual([{ file: "gone.js", reason: "disappeared during the run; not processed" }]);
  });

  it("does not process a file that is not valid UTF-8", async () => {
    const root = makeTempDir();
    const latin1 = Buffer.concat([Buffer.from("// caf"), Buffer.from([0xe9]), Buffer.from("\nprocess.exit(1);\n")]);
    writeFiles(root, { "legacy.js": latin1 });
    const engine = fakeEngine();

    const report = await runFix({ force: true }, engine, captureIo(root));

    expect(engine.transformed).toEqual([]);
    expect(report.summary?.failed).toEqual([{ file: "legacy.js", reason: "not valid UTF-8; not processed" }]);
    expect(fs.readFileSync(path.join(root, "legacy.js"))).toEqual(latin1);
  });

  it("never writes through a symlink to a file outside the paths", async () => {
    const root = makeTempDir();
    const outside = makeTempDir();
    writeFiles(outside, { "shared.js": "process.exit(1);\n" });
    writeFiles(root, { "src/own.js": "process.exit(1);\n" });
    fs.symlinkSync(path.join(outside, "shared.js"), path.join(root, "src", "shared.js"));

    const io = captureIo(root);
    const report = await runFix({ force: true, paths: ["src"] }, fakeEngine(), io);

    expect(report.exitCode).toBe(0);
    expect(read(outside, "shared.js")).toBe("process.exit(1);\n");
    expect(read(root, "src/own.js")).toContain(MARKER);
    expect(report.summary?.skipped).toEqual([
      { file: "src/shared.js", reason: `symlink to ${path.join(outside, "shared.js")}, outside the given paths` },
    ]);
    expect(io.out()).toContain("  skipped              1\n    src/shared.js  symlink to ");
  });

  it("exits 2 for a path that does not exist and touches nothing", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    const io = captureIo(root);
    const report = await runFix({ paths: ["a.js", "nope"] }, fakeEngine(), io);
    expect(report.exitCode).toBe(2);
    expect(io.err()).toBe("traced-exit: path not found: nope\n");
    expect(read(root, "a.js")).toBe("process.exit(1);\n");
  });
});

describe("runFix: git safety", () => {
  it("refuses with exit 2 and names modified and untracked files under the paths", async () => {
    const root = makeTempDir();
    writeFiles(root, { "src/a.js": "process.exit(1);\n", "src/b.js": "export {};\n" });
    initRepo(root);
    writeFiles(root, { "src/b.js": "export const changed = 1;\n", "src/new.ts": "process.exit(3);\n" });
    const io = captureIo(root);

    const report = await runFix({ paths: ["src"] }, fakeEngine(), io);

    expect(report.exitCode).toBe(2);
    expect(report.summary).toBeUndefined();
    expect(io.err()).toContain("uncommitted changes under the given paths:\n  src/b.js\n  src/new.ts\n");
    expect(io.err()).toContain("--force");
    expect(read(root, "src/a.js")).toBe("process.exit(1);\n");
    expect(read(root, "src/new.ts")).toBe("process.exit(3);\n");
  });

  it("names at most ten dirty files", async () => {
    const root = makeTempDir();
    initRepo(root);
    writeFiles(root, Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`f${String(i).padStart(2, "0")}.js`, ""])));
    const io = captureIo(root);
    expect((await runFix({}, fakeEngine(), io)).exitCode).toBe(2);
    expect(io.err()).toContain("  f09.js\n  …and 3 more\n");
    expect(io.err()).not.toContain("f10.js");
  });

  it("ignores uncommitted changes outside the given paths", async () => {
    const root = makeTempDir();
    writeFiles(root, { "src/a.js": "process.exit(1);\n", "docs/x.js": "" });
    initRepo(root);
    writeFiles(root, { "docs/x.js": "dirty", "untracked.js": "" });
    const report = await runFix({ paths: ["src"] }, fakeEngine(), captureIo(root));
    expect(report.exitCode).toBe(0);
    expect(read(root, "src/a.js")).toContain(MARKER);
  });

  it("does not count ignored files as uncommitted", async () => {
    const root = makeTempDir();
    writeFiles(root, { ".gitignore": "build/\n", "a.js": "process.exit(1);\n" });
    initRepo(root);
    writeFiles(root, { "build/out.js": "process.exit(1);\n" });
    const report = await runFix({}, fakeEngine(), captureIo(root));
    expect(report.exitCode).toBe(0);
    expect(report.summary?.changed).toEqual(["a.js"]);
  });

  it("writes anyway with --force", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    initRepo(root);
    writeFiles(root, { "b.js": "process.exit(2);\n" });
    const report = await runFix({ force: true }, fakeEngine(), captureIo(root));
    expect(report.exitCode).toBe(0);
    expect(report.summary?.changed).toEqual(["a.js", "b.js"]);
  });

  it("refuses outside a git repository like a dirty tree, and with --force writes without promising git diff", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n", "b.js": "x" });
    const refused = captureIo(root);
    const report = await runFix({}, fakeEngine(), refused);
    expect(report.exitCode).toBe(2);
    expect(refused.err()).toBe(
      "traced-exit: refusing to write: . is not inside a git repository,\n" +
        "so the rewrite could not be reviewed with `git diff` nor undone with git.\n" +
        "Commit the files to a repository first, preview with --dry-run, or pass --force to write anyway.\n",
    );
    expect(read(root, "a.js")).toBe("process.exit(1);\n");

    const io = captureIo(root);
    expect((await runFix({ force: true }, fakeEngine(), io)).exitCode).toBe(0);
    expect(read(root, "a.js")).toContain(MARKER);
    expect(io.out()).not.toContain("git diff");
    expect(io.out()).toContain("Written with --force where git cannot show or undo the changes.\n");
  });

  it("refuses when git is not installed, and writes with --force", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n" });
    const io = captureIo(root, { env: { PATH: path.join(root, "no-bin-here") } });
    expect((await runFix({}, fakeEngine(), io)).exitCode).toBe(2);
    expect(io.err()).toContain("refusing to write: git is not installed (or not on PATH),");
    expect(read(root, "a.js")).toBe("process.exit(1);\n");
    const forced = await runFix({ force: true }, fakeEngine(), captureIo(root, { env: { PATH: path.join(root, "no-bin-here") } }));
    expect(forced.exitCode).toBe(0);
    expect(read(root, "a.js")).toContain(MARKER);
  });

  it("refuses a named file that git ignores (git could not undo it), but not ignored files a walk leaves out", async () => {
    const root = makeTempDir();
    writeFiles(root, { ".gitignore": "generated/\n", "src/a.js": "process.exit(1);\n" });
    initRepo(root);
    writeFiles(root, { "generated/out.js": "process.exit(1);\n" });

    // Walking "." never reaches the ignored file: nothing to refuse.
    const walked = await runFix({ dryRun: true }, fakeEngine(), captureIo(root));
    expect(walked.summary?.changed).toEqual(["src/a.js"]);

    const io = captureIo(root);
    const report = await runFix({ paths: ["src", "generated/out.js"] }, fakeEngine(), io);
    expect(report.exitCode).toBe(2);
    expect(io.err()).toContain("refusing to write: files that git ignores, so git could not undo their rewrite:\n  generated/out.js\n");
    // Ignored files cannot be stashed: the advice is to leave them out or add them.
    expect(io.err()).toContain("Leave those files out, or add them to git (`git add -f`) first");
    expect(read(root, "generated/out.js")).toBe("process.exit(1);\n");
    expect(read(root, "src/a.js")).toBe("process.exit(1);\n");

    const forced = captureIo(root);
    expect((await runFix({ force: true, paths: ["src", "generated/out.js"] }, fakeEngine(), forced)).exitCode).toBe(0);
    expect(read(root, "generated/out.js")).toContain(MARKER);
    expect(forced.out()).not.toContain("git diff");
  });

  it("removes the temporary files of a run that is over before asking git, and keeps those of a live process", async () => {
    const root = makeTempDir();
    // A process id that was used and is free again: a run killed with SIGKILL looks like this.
    const over = spawnSync(process.execPath, ["-e", ""]).pid;
    const dead = `.a.js.traced-exit-${over}-1.tmp`;
    const live = `.a.js.traced-exit-${process.ppid}-1.tmp`;
    const nested = `.b.js.traced-exit-${over}-1.tmp`;
    writeFiles(root, { "a.js": "process.exit(1);\n", "sub/b.js": "process.exit(1);\n" });
    initRepo(root);
    writeFiles(root, { [dead]: "process.exit(2", [live]: "process.exit(2", [`sub/${nested}`]: "process.exit(2" });

    const dry = captureIo(root);
    expect((await runFix({ dryRun: true }, fakeEngine(), dry)).exitCode).toBe(0);
    expect(dry.err()).toContain("temporary files of an interrupted run (a run that writes removes them):\n");
    for (const name of [dead, live, `sub/${nested}`]) expect(dry.err()).toContain(`\n  ${name}\n`);
    expect(fs.existsSync(path.join(root, dead))).toBe(true);

    // A named file brings its own temporaries only; a live process's one stays (git is asked about a.js alone).
    const io = captureIo(root);
    expect((await runFix({ paths: ["a.js"] }, fakeEngine(), io)).exitCode).toBe(0);
    expect(io.err()).toContain(`removed the temporary files of an interrupted run:\n  ${dead}\n`);
    expect(fs.existsSync(path.join(root, dead))).toBe(false);
    expect(fs.existsSync(path.join(root, live))).toBe(true);
    expect(fs.existsSync(path.join(root, "sub", nested))).toBe(true);
    expect(read(root, "a.js")).toContain(MARKER);

    // A walk finds the nested one; without it the tree is clean again (the live one is still there: forced).
    fs.rmSync(path.join(root, live));
    git(root, "checkout", "a.js");
    const walked = captureIo(root);
    expect((await runFix({}, fakeEngine(), walked)).exitCode).toBe(0);
    expect(walked.err()).toContain(`removed the temporary files of an interrupted run:\n  sub/${nested}\n`);
    expect(fs.existsSync(path.join(root, "sub", nested))).toBe(false);
  });

  it("never runs the repository's core.fsmonitor hook", async () => {
    const root = makeTempDir();
    const marker = path.join(root, "..", `${path.basename(root)}-fsmonitor-ran`);
    writeFiles(root, { "a.js": "process.exit(1);\n", "hook.sh": `#!/bin/sh\ntouch '${marker}'\nexit 1\n` });
    fs.chmodSync(path.join(root, "hook.sh"), 0o755);
    initRepo(root);
    git(root, "config", "core.fsmonitor", path.join(root, "hook.sh"));

    const report = await runFix({ quiet: true }, fakeEngine(), captureIo(root));
    expect(report.exitCode).toBe(0);
    expect(read(root, "a.js")).toContain(MARKER);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it("handles paths in a subdirectory of the repository and a clean tree", async () => {
    const root = makeTempDir();
    writeFiles(root, { "pkg/src/a.js": "process.exit(1);\n" });
    initRepo(root);
    const report = await runFix({ paths: ["src"] }, fakeEngine(), captureIo(path.join(root, "pkg")));
    expect(report.exitCode).toBe(0);
    expect(report.summary?.changed).toEqual(["src/a.js"]);
    expect(git(root, "status", "--porcelain")).toBe(" M pkg/src/a.js\n");
  });
});

describe("runFix: dry run", () => {
  it("prints a unified diff, writes nothing and never refuses a dirty tree", async () => {
    const root = makeTempDir();
    writeFiles(root, { "src/a.js": "const x = 1;\nprocess.exit(1);\n", "src/b.ts": "export {};\n" });
    initRepo(root);
    writeFiles(root, { "src/untracked.js": "process.exit(4);\n" });
    ageFiles(root, ["src/a.js", "src/untracked.js"]);
    const before = ["src/a.js", "src/untracked.js"].map((rel) => snapshot(root, rel));
    const io = captureIo(root);

    const report = await runFix({ dryRun: true }, fakeEngine(), io);

    expect(report.exitCode).toBe(0);
    expect(["src/a.js", "src/untracked.js"].map((rel) => snapshot(root, rel))).toEqual(before);
    expect(io.out()).toContain(
      ["--- a/src/a.js", "+++ b/src/a.js", "@@ -1,2 +1,2 @@", " const x = 1;", "-process.exit(1);", `+${MARKER}(1);`].join(
        "\n",
      ),
    );
    expect(io.out()).toContain("--- a/src/untracked.js\n+++ b/src/untracked.js\n");
    expect(io.out()).toContain("Dry run: nothing was written");
    expect(report.summary?.changed).toEqual(["src/a.js", "src/untracked.js"]);
  });

  it("produces a patch that git applies to give the same result as a real run", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "let a;\r\nprocess.exit(1);\r\n", "dir/b.ts": "process.exit(2)" });
    initRepo(root);
    const io = captureIo(root);
    await runFix({ dryRun: true }, fakeEngine(), io);
    const patch = io.out().slice(0, io.out().indexOf("traced-exit fix:"));
    fs.writeFileSync(path.join(root, "..", `${path.basename(root)}.patch`), patch);
    git(root, "apply", "--whitespace=nowarn", path.join(root, "..", `${path.basename(root)}.patch`));
    expect(read(root, "a.js")).toBe(`let a;\r\n${MARKER}(1);\r\n`);
    expect(read(root, "dir/b.ts")).toBe(`${MARKER}(2)`);
  });

  it("reports the same failures a real run would", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1); // BREAK_OUTPUT\n", "ro.js": "process.exit(1);\n" });
    fs.chmodSync(path.join(root, "ro.js"), 0o444);
    const report = await runFix({ dryRun: true }, fakeEngine(), captureIo(root));
    expect(report.exitCode).toBe(1);
    expect(report.summary?.failed.map((item) => item.file)).toEqual(["a.js", "ro.js"]);
    expect(report.summary?.patches).toEqual([]);
  });
});

describe("runFix: summary and progress", () => {
  it("prints counts, manual-review locations and failures", async () => {
    const root = makeTempDir();
    writeFiles(root, {
      "src/a.js": "process.exit(1);\n",
      "src/review.ts": "// MANUAL_REVIEW\nconst handler = process.exit;\n",
      "src/throws.ts": "process.exit(1); // ENGINE_THROW\n",
      "src/plain.ts": "export {};\n",
    });
    const io = captureIo(root);

    const report = await runFix({ force: true }, fakeEngine(), io);

    // Manual-review items alone do not fail a run; the engine error does.
    expect(report.exitCode).toBe(1);
    expect(io.out()).toBe(
      [
        "traced-exit fix: scanned 4 files",
        "  changed              2",
        "  unchanged            1",
        "  needs manual review  1",
        "    src/review.ts:2:3  process.exit() reached through a dynamic call",
        "  failed               1",
        "    src/throws.ts  3:5 Unexpected token (details)",
        // Not a git repository: written only because of --force.
        "Written with --force where git cannot show or undo the changes.",
        "",
      ].join("\n"),
    );
  });

  it("exits 0 when the only findings are manual-review items", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.ts": "// MANUAL_REVIEW\nprocess.exit(1);\n" });
    const report = await runFix({ force: true }, fakeEngine(), captureIo(root));
    expect(report.exitCode).toBe(0);
    expect(report.summary?.manualReview).toEqual([
      { file: "a.ts", line: 2, column: 3, reason: "process.exit() reached through a dynamic call" },
    ]);
  });

  it("gives manual-review positions in the file as it is on disk after the run", async () => {
    // The engine's position in its output, and where that is in the input it was given.
    const engine = fakeEngine({
      transform: (source) => ({
        output: `// added\n${source}`,
        manual: [{ line: 3, column: 3, input: { line: 2, column: 3 }, reason: "fix by hand" }],
      }),
    });
    const source = "const a = 1;\nprocess.exit(1);\n";
    const dry = makeTempDir();
    writeFiles(dry, { "a.ts": source });
    const dryRun = await runFix({ dryRun: true }, engine, captureIo(dry));
    expect(dryRun.summary?.manualReview).toEqual([{ file: "a.ts", line: 2, column: 3, reason: "fix by hand" }]);

    const written = makeTempDir();
    writeFiles(written, { "a.ts": source });
    const real = await runFix({ force: true }, engine, captureIo(written));
    expect(fs.readFileSync(path.join(written, "a.ts"), "utf8")).toBe(`// added\n${source}`);
    expect(real.summary?.manualReview).toEqual([{ file: "a.ts", line: 3, column: 3, reason: "fix by hand" }]);

    const readOnly = makeTempDir();
    writeFiles(readOnly, { "a.ts": source });
    fs.chmodSync(path.join(readOnly, "a.ts"), 0o444);
    const notWritten = await runFix({ force: true }, engine, captureIo(readOnly));
    expect(notWritten.summary?.failed.map((item) => item.reason)).toEqual(["read-only"]);
    expect(notWritten.summary?.manualReview).toEqual([{ file: "a.ts", line: 2, column: 3, reason: "fix by hand" }]);
  });

  it("prints the summary as JSON with --json", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "process.exit(1);\n", "b.js": "" });
    const io = captureIo(root);
    await runFix({ json: true, dryRun: true }, fakeEngine(), io);
    const json = JSON.parse(io.out());
    expect(json).toMatchObject({
      dryRun: true,
      scanned: 2,
      changed: ["a.js"],
      unchanged: 1,
      manualReview: [],
      failed: [],
      skipped: [],
      exitCode: 0,
    });
    expect(json.patches[0].file).toBe("a.js");
    expect(json.patches[0].patch).toContain(`+${MARKER}(1);`);
  });

  it("prints a progress line every 500 files when stderr is not a TTY, and none with --quiet", async () => {
    const root = makeTempDir();
    writeFiles(root, Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}.js`, ""])));

    const io = captureIo(root);
    await runFix({ force: true }, fakeEngine(), io);
    expect(io.err()).toBe("traced-exit: 500/1001 files\ntraced-exit: 1000/1001 files\n");

    const quiet = captureIo(root);
    await runFix({ quiet: true, force: true }, fakeEngine(), quiet);
    expect(quiet.err()).toBe("");
  });

  it("keeps a single rewritten line on a TTY and erases it before the summary", async () => {
    const root = makeTempDir();
    writeFiles(root, { "a.js": "", "b.js": "" });
    const io = captureIo(root, { stderrIsTTY: true, stderrColumns: 80 });
    await runFix({ force: true }, fakeEngine(), io);
    expect(io.err()).toBe("\rtraced-exit: 1/2 a.js\x1b[K\rtraced-exit: 2/2 b.js\x1b[K\r\x1b[K");
  });
});
