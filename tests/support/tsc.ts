// How the tests type-check a folder of programs: the project's TypeScript, strict, with the SDKs' legacy
// decorators on, run as `tsc -p <dir>` over a tsconfig.json written there.
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { findRepoRoot } from "../../examples/support/run-example";

const TSC = path.join(findRepoRoot(), "node_modules/typescript/bin/tsc");

export const PROGRAM_COMPILER_OPTIONS = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  experimentalDecorators: true,
  types: ["node"],
  lib: ["ES2023"],
} as const;

/** Writes `<dir>/tsconfig.json` for `files` (or `include`), runs tsc, and returns its output ("" when clean). `extra`: more compiler options. */
export async function typecheckFolder(dir: string, scope: { files: string[] } | { include: string[] }, extra: Record<string, unknown> = {}): Promise<string> {
  await writeFile(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...PROGRAM_COMPILER_OPTIONS, ...extra }, ...scope }));
  try {
    await promisify(execFile)(process.execPath, [TSC, "-p", dir], { cwd: dir, encoding: "utf8" });
    return "";
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

/** tsc's error lines per file (as tsc names it, relative to the folder), without the position: a rewrite moves lines. */
export function errorsByFile(output: string): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const line of output.split("\n")) {
    const match = /^(.+?)\(\d+,\d+\): (error .*)$/u.exec(line);
    if (!match) continue;
    const [, file, message] = match as unknown as [string, string, string];
    byFile.set(file, [...(byFile.get(file) ?? []), message]);
  }
  return byFile;
}
