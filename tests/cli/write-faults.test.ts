/**
 * Real faults during `traced-exit fix` writes, injected into the built CLI run as a child process:
 * a file-size limit (`ulimit -f`, EFBIG), a full disk (a tiny tmpfs in a private mount namespace,
 * ENOSPC) and `kill -9` in the middle of a run. Whatever happens, every file must be its old
 * bytes or its complete new bytes: never cut, never empty.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { TEMPORARY_FILE } from "../../src/cli/atomic-write";
import { gitEnv, makeTempDir, writeFiles } from "./helpers";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin/traced-exit.js");

// The real engine rewrites this into a file about 1.2 kB longer (helper, import, throw).
const TASK = `import * as traceloop from "@traceloop/node-server-sdk";

export function load(): Promise<void> {
  return traceloop.withTask({ name: "load" }, async () => {
    if (!process.env.KEY) {
      process.exit(1);
    }
  });
}
`;

/** TASK padded with a comment to `size` bytes. */
function paddedTask(size: number): string {
  const line = `// ${"x".repeat(76)}\n`;
  return TASK + line.repeat(Math.ceil((size - TASK.length) / line.length));
}

function bash(script: string, args: string[]) {
  return spawnSync("bash", ["-c", script, "bash", ...args], { env: gitEnv(), encoding: "utf8" });
}

/** Leftovers of the CLI's temporary files in `dir`. */
function temporaries(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => TEMPORARY_FILE.test(name));
}

describe("traced-exit fix under write faults", () => {
  it("leaves a file byte-identical when the file-size limit (EFBIG) stops the write", () => {
    const dir = makeTempDir("traced-exit-efbig-");
    // ulimit -f counts 1024-byte blocks in bash: 4 kB. The input fits, the rewrite does not.
    const source = paddedTask(3600);
    writeFiles(dir, { "task.ts": source, "small.ts": TASK });
    const result = bash('cd "$1" && ulimit -f 4 && exec node "$2" fix --force --quiet task.ts small.ts', [dir, BIN]);

    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/task\.ts {2}cannot write: EFBIG/u);
    expect(fs.readFileSync(path.join(dir, "task.ts"), "utf8")).toBe(source);
    // The same run still rewrote the file that fits under the limit.
    expect(fs.readFileSync(path.join(dir, "small.ts"), "utf8")).toContain("throw Object.assign(");
    expect(temporaries(dir)).toEqual([]);
  });

  it("leaves a file byte-identical when the disk is full (ENOSPC)", () => {
    const dir = makeTempDir("traced-exit-enospc-");
    const out = makeTempDir("traced-exit-enospc-out-");
    const source = paddedTask(20_000);
    writeFiles(out, { "task.ts": source });
    // A 256 kB tmpfs mounted in a private mount namespace (gone when the shell ends), filled up
    // after the input is copied in. Writing in place would free the input's blocks and then run
    // out of room part-way through the longer output.
    const script = `
      set -u
      mount -t tmpfs -o size=256k tmpfs "$1" || exit 90
      cp "$2/task.ts" "$1/task.ts"
      dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
      cd "$1"
      node "$3" fix --force --quiet task.ts > "$2/stdout"
      code=$?
      cp "$1/task.ts" "$2/task.after.ts"
      ls -a "$1" > "$2/listing"
      exit $code`;
    const result = spawnSync("unshare", ["--mount", "--map-root-user", "bash", "-c", script, "bash", dir, out, BIN], {
      env: gitEnv(),
      encoding: "utf8",
    });

    expect(result.status, result.stderr).toBe(1);
    expect(fs.readFileSync(path.join(out, "stdout"), "utf8")).toMatch(/task\.ts {2}cannot write: ENOSPC/u);
    expect(fs.readFileSync(path.join(out, "task.after.ts"), "utf8")).toBe(source);
    expect(fs.readFileSync(path.join(out, "listing"), "utf8").split("\n").filter((name) => TEMPORARY_FILE.test(name))).toEqual([]);
  });

  it("leaves every file whole (old or fully rewritten) when the process is killed with SIGKILL", async () => {
    // The real CLI with an engine that costs almost nothing, so that most of each file's time is
    // reading and writing it: the kill lands in a write often, as it rarely would behind the real
    // engine's parse. Files of 4 MB make each write long;
    // in memory (/dev/shm, where there is one) so the fsyncs cost no disk time on a shared machine.
    const script = `
      const cli = require(${JSON.stringify(path.join(ROOT, "dist/cli/index.js"))});
      cli.registerEngineFactory(() => ({
        mightChange: (source) => source.includes("process.exit"),
        transform: (source) => ({ output: source.split("process.exit(1)").join("process.exit(2) /* rewritten */"), manual: [] }),
      }));
      cli.main(process.argv.slice(1)).then((code) => { process.exitCode = code; });`;
    const FILES = 12;
    const input = `process.exit(1);\n/*\n${`${"y".repeat(1023)}\n`.repeat(4096)}*/\n`;
    const expected = input.split("process.exit(1)").join("process.exit(2) /* rewritten */");
    const names = Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(2, "0")}.js`);
    const runIn = (dir: string) => spawn(process.execPath, ["-e", script, "fix", "--force", "--quiet", "."], { cwd: dir, env: gitEnv(), stdio: "ignore" });
    const fresh = () => {
      const dir = fs.existsSync("/dev/shm") ? fs.mkdtempSync("/dev/shm/traced-exit-kill-") : makeTempDir("traced-exit-kill-");
      writeFiles(dir, Object.fromEntries(names.map((name) => [name, input])));
      return dir;
    };

    const TRIES = 6;
    let killedMidRun = 0;
    let leftBehind = 0;
    for (let attempt = 0; attempt < TRIES; attempt++) {
      const dir = fresh();
      const signature = (name: string) => {
        try {
          const stat = fs.statSync(path.join(dir, name));
          return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
        } catch {
          return "missing";
        }
      };
      const initial = names.map(signature);
      const child = runIn(dir);
      const exited = new Promise((resolve) => child.on("exit", resolve));
      // Watch the directory without yielding, and kill the moment the (attempt + 1)th file is seen
      // changing (or, first, any new directory entry): at that moment a write has just begun or
      // just ended. Kills land at a different file on each attempt.
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        const changed = names.filter((name, index) => signature(name) !== initial[index]).length;
        if (changed > attempt || changed === FILES || (attempt === 0 && fs.readdirSync(dir).length !== FILES)) break;
      }
      child.kill("SIGKILL");
      await exited;

      const contents = names.map((name) => fs.readFileSync(path.join(dir, name), "utf8"));
      const entries = fs.readdirSync(dir);
      if (entries.some((name) => TEMPORARY_FILE.test(name))) leftBehind++;
      // The next run removes what the killed one left, and finishes the job.
      const rerun = spawnSync(process.execPath, ["-e", script, "fix", "--force", "--quiet", "."], { cwd: dir, env: gitEnv(), encoding: "utf8" });
      expect(rerun.status, rerun.stderr).toBe(0);
      expect(fs.readdirSync(dir).sort()).toEqual(names);
      expect(names.map((name) => fs.readFileSync(path.join(dir, name), "utf8") === expected)).toEqual(names.map(() => true));
      fs.rmSync(dir, { recursive: true, force: true });
      const states = contents.map((bytes) => {
        return bytes === input ? "old" : bytes === expected ? "new" : `cut at ${bytes.length} of ${expected.length} bytes`;
      });
      expect(states.filter((state) => state !== "old" && state !== "new"), `attempt ${attempt}`).toEqual([]);
      if (states.includes("old") && states.includes("new")) killedMidRun++;
      // A kill can leave the temporary file it was writing, under its own hidden name; nothing else.
      expect(entries.filter((name) => !names.includes(name) && !TEMPORARY_FILE.test(name))).toEqual([]);
    }
    // The test means something only when some kills landed between the first and the last write.
    expect(killedMidRun).toBeGreaterThan(0);
    console.log(`SIGKILL: ${killedMidRun} of ${TRIES} kills mid-run, ${leftBehind} left a temporary file, all removed by the next run`);
  }, 120_000);
});
