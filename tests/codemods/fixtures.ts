/** Finds codemod fixture pairs by listing the folder: `<case>.input.<ext>` [+ `<case>.output.<ext>`] [+ `<case>.expect.json`]. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { CodemodId } from "../../src/codemods/engine";

export const FIXTURES = path.join(__dirname, "__fixtures__");

export interface Fixture {
  codemod: CodemodId;
  name: string;
  inputPath: string;
  input: string;
  /** `undefined`: the codemod must leave the file byte-identical. */
  output: string | undefined;
  /** How many findings must be left for manual review. */
  manual: number;
}

export function loadFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const codemod of readdirSync(FIXTURES).sort()) {
    const dir = path.join(FIXTURES, codemod);
    for (const file of readdirSync(dir).sort()) {
      const match = /^(.*)\.input(\.[a-z]+)$/u.exec(file);
      if (!match) continue;
      const [, name, ext] = match as unknown as [string, string, string];
      const outputPath = path.join(dir, `${name}.output${ext}`);
      const expectPath = path.join(dir, `${name}.expect.json`);
      const expected = existsSync(expectPath) ? (JSON.parse(readFileSync(expectPath, "utf8")) as { manual?: number }) : {};
      fixtures.push({
        codemod: codemod as CodemodId,
        name: `${name}${ext}`,
        inputPath: path.join(dir, file),
        input: readFileSync(path.join(dir, file), "utf8"),
        output: existsSync(outputPath) ? readFileSync(outputPath, "utf8") : undefined,
        manual: expected.manual ?? 0,
      });
    }
  }
  return fixtures;
}
