import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Engine, EngineResult } from "../../src/cli/engine";
import type { FixIo } from "../../src/cli/fix";

/** A fresh directory under the OS temp dir, real path (macOS /var → /private/var). */
export function makeTempDir(prefix = "traced-exit-cli-"): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

/**
 * The environment without colour: vitest sets FORCE_COLOR when its own terminal has colour (CI
 * does), and children such as jscodeshift would then wrap their output in ANSI escapes.
 */
export function plainEnv(): NodeJS.ProcessEnv {
  return { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" };
}

/**
 * Git environment cut off from the developer's: no GIT_DIR/GIT_INDEX_FILE
 * leaking in from a hook, no global or system config, and no discovery of a
 * repository above the temp dirs, so "outside git" really is outside.
 */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_")) env[key] = value;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: os.devNull,
    GIT_CEILING_DIRECTORIES: path.dirname(fs.realpathSync(os.tmpdir())),
    GIT_AUTHOR_NAME: "test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
}

export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync("git", args, { cwd, env: gitEnv(), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** `git init` + commit everything currently in `root`. */
export function initRepo(root: string): void {
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "initial", "--allow-empty");
}

export interface CapturedIo extends FixIo {
  out: () => string;
  err: () => string;
}

export function captureIo(cwd: string, overrides: Partial<FixIo> = {}): CapturedIo {
  let out = "";
  let err = "";
  return {
    cwd,
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    stderrIsTTY: false,
    env: gitEnv(),
    ...overrides,
    out: () => out,
    err: () => err,
  };
}

export const MARKER = "PROCESS.EXIT";

export interface FakeEngine extends Engine {
  /** Paths `transform` was called with, in order. */
  transformed: string[];
  /** Sources `transform` received, in order. */
  sources: string[];
}

/**
 * Stands in for the codemod engine: uppercases `process.exit` (still valid
 * code), and reacts to markers in the source so tests can trigger each path:
 *   ENGINE_THROW   → throws a parse-like error with line/column
 *   BREAK_OUTPUT   → returns code that does not parse
 *   MANUAL_REVIEW  → reports a manual-review item at line 2, column 3
 *   SAME_OUTPUT    → returns the source itself (a "change" that changes nothing)
 */
export function fakeEngine(overrides: Partial<Engine> = {}): FakeEngine {
  const engine: FakeEngine = {
    transformed: [],
    sources: [],
    mightChange: (source) => source.includes("process.exit"),
    transform(source, filePath): EngineResult {
      engine.transformed.push(filePath);
      engine.sources.push(source);
      if (source.includes("ENGINE_THROW")) {
        throw Object.assign(new Error("Unexpected token\n  (details)"), { lineNumber: 3, column: 4 });
      }
      const manual = source.includes("MANUAL_REVIEW")
        ? [{ line: 2, column: 3, reason: "process.exit() reached through a dynamic call" }]
        : [];
      if (source.includes("SAME_OUTPUT")) return { output: source, manual };
      if (source.includes("BREAK_OUTPUT")) return { output: `${source}\nconst = ;\n`, manual };
      const output = source.split("process.exit").join(MARKER);
      return { output: output === source ? undefined : output, manual };
    },
    ...overrides,
  };
  return engine;
}
