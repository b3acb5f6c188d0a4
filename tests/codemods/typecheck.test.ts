/**
 * The codemods' TypeScript output must compile: the emitted helper, its import and the
 * rewritten throws are type-checked with the project's TypeScript (`tsc --noEmit`, strict).
 * Fixtures importing SDKs that are not installed here (Sentry, Langfuse …) cannot be
 * resolved by tsc and are left out of this check; every other `.output.ts` is in.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, expect, it } from "vitest";
import { FIXTURES } from "./fixtures";
import { typecheckFolder } from "../support/tsc";

const root = path.resolve(__dirname, "../..");

function importsResolve(file: string): boolean {
  const specifiers = [...readFileSync(file, "utf8").matchAll(/from\s+"([^"]+)"|require\("([^"]+)"\)/gu)].map((m) => m[1] ?? m[2]);
  return specifiers.every((specifier) => {
    if (!specifier || specifier.startsWith(".")) return true;
    try {
      require.resolve(specifier, { paths: [root] });
      return true;
    } catch {
      return false;
    }
  });
}

const outputs = readdirSync(FIXTURES).flatMap((codemod) =>
  readdirSync(path.join(FIXTURES, codemod))
    .filter((file) => /\.output\.[cm]?ts$/u.test(file))
    .map((file) => path.join(FIXTURES, codemod, file)),
);
const checked = outputs.filter(importsResolve);
const work = mkdtempSync(path.join(tmpdir(), "traced-exit-tsc-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it("type-checks every transformed TypeScript fixture whose imports resolve", async () => {
  expect(checked.length).toBeGreaterThanOrEqual(5);
  symlinkSync(path.join(root, "node_modules"), path.join(work, "node_modules"), "dir");
  const names = checked.map((file) => {
    const name = `${path.basename(path.dirname(file))}__${path.basename(file)}`;
    copyFileSync(file, path.join(work, name));
    return name;
  });
  expect(await typecheckFolder(work, { files: names })).toBe("");
});

// The error standing for an exit carries the caught error as `cause` through `Object.assign`, not through
// `new Error(message, { cause })`, whose options argument needs `lib` es2022: a project on an older lib must
// type-check the output too (src/fixes/exit-error.ts).
it("type-checks the errors that carry a cause under lib ES2020", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "traced-exit-tsc-es2020-"));
  try {
    symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    const file = path.join(FIXTURES, "exit-to-throw", "caught-error.output.ts");
    expect(readFileSync(file, "utf8")).toContain("cause: err");
    copyFileSync(file, path.join(dir, "caught-error.ts"));
    expect(await typecheckFolder(dir, { files: ["caught-error.ts"] }, { target: "ES2020", lib: ["ES2020"] })).toBe("");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
