import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as vitest from "vitest";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { Linter } from "eslint";
import * as espree from "espree";
import globals from "globals";
import { languageOptionsFor } from "../../src/codemods/lint-engine";

RuleTester.afterAll = vitest.afterAll;
RuleTester.it = vitest.it;
RuleTester.itOnly = vitest.it.only;
RuleTester.describe = vitest.describe;

type RunArgs = Parameters<RuleTester["run"]>;
type AnyCase = string | { code: string; filename?: string; options?: unknown[]; settings?: Record<string, unknown>; only?: boolean; skip?: boolean };

/**
 * For the files of a fixture program on disk (its tsconfig.json in `root`): a RuleTester with its type-checked
 * program, one without a program, and a case for a file with the text it has there (every case lints a file with its
 * text on disk: the project service keeps a case's text for the next ones).
 */
export function programTesters(root: string, jsx = false) {
  return {
    typed: new RuleTester({ languageOptions: { globals: { ...globals.node }, parserOptions: { projectService: true, tsconfigRootDir: root, ecmaFeatures: { jsx } } } }),
    untyped: new RuleTester({ languageOptions: { globals: { ...globals.node } } }),
    onDisk: (file: string) => ({ filename: path.join(root, file), code: readFileSync(path.join(root, file), "utf8") }),
  };
}

/**
 * A RuleTester for TypeScript sources with no globals declared, as `configs.recommended` leaves
 * them: the rules must find Node's `process` whether or not the user's config declares it
 * (oxlint's JS plugins, a `.ts` config without `globals.node`).
 *
 * Each `run()` also checks every case that is plain JavaScript under ESLint's default parser:
 * users lint their `.js` files with espree (and eslint-scope) unless they configure
 * typescript-eslint for them, and the codemod engine parses JavaScript with espree too. The
 * findings (position, message, suggestions and their output) must be the same under both, and
 * the same again when the config declares Node's globals (`globals.node`, as most configs do).
 */
export function createRuleTester(): RuleTester {
  return new EspreeParityRuleTester({
    languageOptions: {
      parserOptions: { ecmaFeatures: { jsx: false } },
    },
  });
}

class EspreeParityRuleTester extends RuleTester {
  override run(...args: RunArgs): void {
    super.run(...args);
    const [name, rule, tests] = args;
    const cases = [...tests.valid, ...tests.invalid] as unknown as AnyCase[];
    vitest.describe(`${name}: the same findings under espree`, () => {
      vitest.it("for every case that is plain JavaScript", () => {
        let compared = 0;
        for (const item of cases) {
          const test = typeof item === "string" ? { code: item } : item;
          if (test.skip) continue;
          const filename = (test.filename ?? "file.ts").split("/").pop() as string;
          // A case placed in a fixture project (its own node_modules) is linted there, where its SDK versions are.
          const dir = test.filename !== undefined && path.isAbsolute(test.filename) ? path.dirname(test.filename) : undefined;
          // As a module (.js), and as CommonJS (.cjs), where eslint-scope wraps the file in a function scope.
          for (const jsFilename of new Set([filename.replace(/\.([cm]?)tsx?$/u, ".$1js"), filename.replace(/\.[cm]?[jt]sx?$/u, ".cjs")])) {
            if (!parsesAsJavaScript(test.code, jsFilename)) continue;
            const findings = (parser: "espree" | "typescript", nodeGlobals = false) =>
              lintWith(parser, rule as never, test.code, jsFilename, test.options ?? [], test.settings ?? {}, nodeGlobals, dir);
            const expected = findings("typescript");
            vitest.expect(findings("espree"), `${jsFilename}:\n${test.code}`).toEqual(expected);
            vitest.expect(findings("espree", true), `${jsFilename} with globals.node:\n${test.code}`).toEqual(expected);
            compared++;
          }
        }
        // Many cases are plain JavaScript written in .ts files (12 to 90 per suite): a check that compares nothing must fail.
        vitest.expect(compared).toBeGreaterThanOrEqual(10);
      });
    });
  }
}

function parsesAsJavaScript(code: string, filename: string): boolean {
  try {
    espree.parse(code, { ecmaVersion: "latest", sourceType: /\.cjs$/u.test(filename) ? "commonjs" : "module", ecmaFeatures: { jsx: true } });
    return true;
  } catch {
    return false;
  }
}

const linter = new Linter({ configType: "flat" });

function lintWith(
  parser: "espree" | "typescript",
  rule: never,
  code: string,
  filename: string,
  options: unknown[],
  settings: Record<string, unknown>,
  nodeGlobals: boolean,
  dir: string | undefined,
) {
  const languageOptions = languageOptionsFor(filename, { parser, commonjs: /\.cjs$/u.test(filename) }) as Linter.Config["languageOptions"];
  const messages = linter.verify(
    code,
    [
      {
        files: ["**/*.{js,mjs,cjs}"],
        plugins: { test: { rules: { rule } } },
        // As the codemod engine parses the file, with either parser.
        languageOptions: nodeGlobals ? { ...languageOptions, globals: { ...globals.node } } : languageOptions,
        settings,
        rules: { "test/rule": ["error", ...options] as Linter.RuleEntry },
      },
    ],
    // `physicalFilename`, an option ESLint passes for code blocks but leaves out of its types: the file's place on disk.
    (dir === undefined ? { filename } : { filename, physicalFilename: path.join(dir, filename) }) as Linter.LintOptions,
  );
  return messages.map(({ ruleId, message, line, column, endLine, endColumn, fatal, suggestions }) => ({
    ruleId,
    message,
    line,
    column,
    endLine,
    endColumn,
    fatal,
    suggestions: (suggestions ?? []).map((suggestion) => ({
      desc: suggestion.desc,
      output: `${code.slice(0, suggestion.fix.range[0])}${suggestion.fix.text}${code.slice(suggestion.fix.range[1])}`,
    })),
  }));
}
