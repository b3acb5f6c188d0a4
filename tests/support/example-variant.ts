// Writes a variant of an example (one or two textual edits) to a temporary folder, so a test can measure a
// "what if" (e.g. the fixed example without its `await`) without a second copy of the example in the repo.
//
// The folder gets a node_modules symlink to the repository's, so the SDK imports resolve, and the example's
// relative imports of ../support/* and ./support/* are rewritten to absolute paths.
import { mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findRepoRoot } from "../../examples/support/run-example";

export interface ExampleVariant {
  file: string;
  dispose(): Promise<void>;
}

const repoRoot = findRepoRoot();

export async function writeExampleVariant(
  exampleFile: string,
  edits: readonly (readonly [from: string, to: string])[],
): Promise<ExampleVariant> {
  const source = path.resolve(repoRoot, exampleFile);
  let text = await readFile(source, "utf8");
  for (const [from, to] of edits) {
    // An edit that no longer matches would silently measure the unedited example.
    if (!text.includes(from)) throw new Error(`variant of ${exampleFile}: text not found: ${from}`);
    text = text.split(from).join(to);
  }
  for (const relative of ["../support/", "./support/"]) {
    const supportDir = path.join(path.dirname(source), relative);
    text = text.replaceAll(`from "${relative}`, `from "${supportDir.split(path.sep).join("/")}`);
  }

  const dir = await mkdtemp(path.join(os.tmpdir(), "traced-exit-variant-"));
  await symlink(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  const file = path.join(dir, path.basename(source));
  await writeFile(file, text);
  return { file, dispose: () => rm(dir, { recursive: true, force: true }) };
}
