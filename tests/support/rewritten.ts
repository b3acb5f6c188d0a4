// A program as `traced-exit fix` rewrites it, written to a scratch folder that sees the repository's
// node_modules, so that the e2e tests can run the rewritten program under the real SDK.
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findRepoRoot } from "../../examples/support/run-example";
import { createEngine } from "../../src/codemods/engine";
import type { EngineResult } from "../../src/cli/engine";

export interface Rewritten {
  readonly result: EngineResult;
  /** The scratch folder; the rewritten program is `path.join(dir, name)`. */
  readonly dir: string;
  readonly name: string;
  remove(): Promise<void>;
}

export async function rewriteToScratch(file: string): Promise<Rewritten> {
  const root = findRepoRoot();
  const name = path.basename(file);
  const result = createEngine().transform(await readFile(path.join(root, file), "utf8"), name);
  const dir = await mkdtemp(path.join(os.tmpdir(), "traced-exit-rewritten-"));
  await symlink(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  await writeFile(path.join(dir, name), result.output ?? "");
  return { result, dir, name, remove: () => rm(dir, { recursive: true, force: true }) };
}
