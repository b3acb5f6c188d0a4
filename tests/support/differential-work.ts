// The scratch folder a differential test runs programs in: each case as written (`input/<file>`) and as
// `traced-exit fix` rewrites it (`output/<file>`, with the CLI's engine), a node_modules symlink so that the SDK
// imports resolve, and tsc's diagnostics of both sides, so that a test can say what the rewrite added.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../../examples/demo/pipeline";
import { createEngine } from "../../src/codemods/engine";
import type { EngineResult } from "../../src/cli/engine";
import { errorsByFile, typecheckFolder } from "./tsc";

export interface DifferentialWork {
  readonly dir: string;
  /** The engine's result per case file. */
  readonly fixed: ReadonlyMap<string, EngineResult>;
  /** `path.join(dir, side, file)`. */
  pathOf(side: "input" | "output", file: string): string;
  /** tsc's errors in `output/<file>` that `input/<file>` does not have. */
  newTscErrors(file: string): string[];
  remove(): Promise<void>;
}

export async function prepareDifferentialWork(prefix: string, cases: readonly { file: string; source: string }[]): Promise<DifferentialWork> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `traced-exit-${prefix}-`));
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  await mkdir(path.join(dir, "input"));
  await mkdir(path.join(dir, "output"));
  const engine = createEngine();
  const fixed = new Map<string, EngineResult>();
  for (const { file, source } of cases) {
    const result = engine.transform(source, file);
    fixed.set(file, result);
    await writeFile(path.join(dir, "input", file), source);
    await writeFile(path.join(dir, "output", file), result.output ?? source);
  }
  // The tsconfig.json is also what tsx (esbuild) reads `experimentalDecorators` from.
  const diagnostics = errorsByFile(await typecheckFolder(dir, { include: ["input", "output"] }));
  return {
    dir,
    fixed,
    pathOf: (side, file) => path.join(dir, side, file),
    newTscErrors(file) {
      const before = diagnostics.get(`input/${file}`) ?? [];
      return (diagnostics.get(`output/${file}`) ?? []).filter((line) => !before.includes(line));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
