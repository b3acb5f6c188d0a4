/**
 * Parity with typescript-eslint's own `no-floating-promises` suite, placed inside a traced scope.
 *
 * Every case of upstream's test file (vendored in fixtures/upstream-no-floating-promises/, see its
 * README) is wrapped in the callback of a Traceloop workflow and linted once with both rules:
 * upstream's, from the installed `typescript-eslint` package, with the case's own options, and ours,
 * type-aware. The figure is the share of the lines upstream reports that we report too.
 */
import * as path from "node:path";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { Linter } from "eslint";
import * as parser from "@typescript-eslint/parser";
import { parse } from "@typescript-eslint/typescript-estree";
import type { TSESTree } from "@typescript-eslint/utils";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import tseslint from "typescript-eslint";
import rule from "../../src/rules/no-floating-promises";
import upstream from "./fixtures/upstream-no-floating-promises/cases.json";

const FIXTURES = path.join(__dirname, "fixtures/upstream-no-floating-promises");
/** Parity floor, the goal of issue 16. */
const FLOOR = 0.95;

interface Case {
  readonly code: string;
  readonly options?: unknown[];
  readonly skip?: boolean;
  readonly errors?: readonly { line: number; messageId: string }[];
}

/**
 * A case's code inside `traceloop.withWorkflow({ name: "upstream" }, async () => { … })`, and for each
 * line of the result the line of the case it comes from. Declarations a function body cannot hold
 * (`declare …`, modules, imports), the types they may name and the classes they name stay at the top
 * level. The workflow comes from `require` so the file stays a script, as upstream's cases are.
 */
function wrap(code: string): { text: string; origin: (number | undefined)[] } {
  const program = parse(code, { range: true, loc: true });
  const lines: string[] = [];
  const origin: (number | undefined)[] = [];
  const add = (text: string, from?: number) => {
    text.split("\n").forEach((line, index) => {
      lines.push(line);
      origin.push(from === undefined ? undefined : from + index);
    });
  };
  // From the start of its line, so columns are kept.
  const textOf = (statement: TSESTree.Node) => code.slice(code.lastIndexOf("\n", statement.range[0] - 1) + 1, statement.range[1]);
  const top = new Set(program.body.filter(staysAtTopLevel));
  // `class MyPromise extends Promise<T> {}` named by `declare const create: () => MyPromise<number>`.
  for (let grew = true; grew; ) {
    grew = false;
    for (const statement of program.body) {
      if (top.has(statement) || statement.type !== AST_NODE_TYPES.ClassDeclaration || !statement.id) continue;
      const name = new RegExp(`\\b${statement.id.name}\\b`, "u");
      if ([...top].some((other) => name.test(textOf(other)))) {
        top.add(statement);
        grew = true;
      }
    }
  }
  add(`const traceloop = require("@traceloop/node-server-sdk");`);
  for (const statement of program.body) if (top.has(statement)) add(textOf(statement), statement.loc.start.line);
  add(`traceloop.withWorkflow({ name: "upstream" }, async () => {`);
  for (const statement of program.body) if (!top.has(statement)) add(textOf(statement), statement.loc.start.line);
  add("});");
  return { text: lines.join("\n"), origin };
}

function staysAtTopLevel(statement: TSESTree.ProgramStatement): boolean {
  switch (statement.type) {
    case AST_NODE_TYPES.ImportDeclaration:
    case AST_NODE_TYPES.ExportAllDeclaration:
    case AST_NODE_TYPES.ExportDefaultDeclaration:
    case AST_NODE_TYPES.ExportNamedDeclaration:
    case AST_NODE_TYPES.TSExportAssignment:
    case AST_NODE_TYPES.TSImportEqualsDeclaration:
    case AST_NODE_TYPES.TSModuleDeclaration:
    case AST_NODE_TYPES.TSInterfaceDeclaration:
    case AST_NODE_TYPES.TSTypeAliasDeclaration:
      return true;
    default:
      return "declare" in statement && statement.declare === true;
  }
}

interface Finding {
  readonly line: number;
  readonly messageId: string;
}

const linter = new Linter({ configType: "flat" });
const upstreamRule = (tseslint.plugin as unknown as { rules: Record<string, unknown> }).rules["no-floating-promises"];

/** Both rules over one wrapped case: the lines (of the case) each reports. */
function lintBoth(test: Case): { upstream: Finding[]; ours: Finding[] } {
  const { text, origin } = wrap(test.code);
  const messages = linter.verify(
    text,
    [
      {
        files: ["**/*.ts"],
        languageOptions: { parser, parserOptions: { projectService: true, tsconfigRootDir: FIXTURES } },
        plugins: {
          upstream: { rules: { "no-floating-promises": upstreamRule as never } },
          "traced-exit": { rules: { "no-floating-promises": rule as never } },
        },
        rules: {
          "upstream/no-floating-promises": ["error", ...(test.options ?? [])] as Linter.RuleEntry,
          "traced-exit/no-floating-promises": "error",
        },
      },
    ],
    { filename: path.join(FIXTURES, "file.ts") },
  );
  const fatal = messages.find((message) => message.fatal);
  if (fatal) throw new Error(`${fatal.message}\n${text}`);
  const of = (ruleId: string) =>
    messages
      .filter((message) => message.ruleId === ruleId)
      .map((message) => ({ line: origin[message.line - 1] ?? -message.line, messageId: message.messageId ?? "" }));
  return { upstream: of("upstream/no-floating-promises"), ours: of("traced-exit/no-floating-promises") };
}

const distinctLines = (findings: readonly Finding[]) => [...new Set(findings.map((finding) => finding.line))].sort((a, b) => a - b);
const caseLine = (test: Case, line: number) => test.code.split("\n")[line - 1]?.trim();
const option = (test: Case, name: string) => (test.options?.[0] as Record<string, unknown> | undefined)?.[name];

/**
 * Where our rule differs from upstream's by design, as docs/rules/no-floating-promises.md says (each
 * `doc` text must be in that page), and what must hold of the case or the finding for a difference to
 * explain it.
 */
const DIFFERENCES = {
  void: {
    doc: "`void` stays reported",
    holds: (_test: Case, finding: Finding) => finding.messageId === "voided",
  },
  ignoreIIFE: {
    doc: "no `ignoreIIFE`",
    holds: (test: Case) => option(test, "ignoreIIFE") === true,
  },
  allowLists: {
    doc: "no `allowForKnownSafePromises` or `allowForKnownSafeCalls`",
    holds: (test: Case) => option(test, "allowForKnownSafePromises") !== undefined || option(test, "allowForKnownSafeCalls") !== undefined,
  },
  thenables: {
    doc: "always `checkThenables: true`",
    holds: (test: Case) => option(test, "checkThenables") !== true,
  },
  anyByShape: {
    doc: "`any` is judged by its shape",
    holds: () => true,
  },
} satisfies Record<string, { doc: string; holds: (test: Case, finding: Finding) => boolean }>;
type Difference = keyof typeof DIFFERENCES;

/** Every line we report and upstream does not, over all cases, and the difference that explains it. Exactly these. */
const EXPECTED_ONLY_OURS: Record<string, Difference> = {
  "valid[1] line 3": "void",
  // `promiseValue` is declared nowhere in upstream's case: an `any` with `.finally()` called on it.
  "valid[11] line 15": "anyByShape",
  "valid[21] line 21": "void",
  "valid[22] line 2": "ignoreIIFE",
  "valid[23] line 2": "ignoreIIFE",
  "valid[24] line 1": "ignoreIIFE",
  "valid[25] line 3": "ignoreIIFE",
  "valid[26] line 4": "ignoreIIFE",
  "valid[27] line 2": "ignoreIIFE",
  "valid[28] line 5": "void",
  "valid[38] line 3": "void",
  "valid[41] line 11": "allowLists",
  "valid[42] line 11": "allowLists",
  "valid[43] line 4": "allowLists",
  "valid[44] line 4": "allowLists",
  "valid[45] line 4": "allowLists",
  "valid[46] line 4": "allowLists",
  "valid[47] line 11": "allowLists",
  "valid[48] line 11": "allowLists",
  "valid[49] line 4": "allowLists",
  "valid[50] line 4": "allowLists",
  "valid[51] line 4": "allowLists",
  "valid[52] line 4": "allowLists",
  "valid[53] line 3": "allowLists",
  "valid[54] line 4": "allowLists",
  "valid[55] line 4": "allowLists",
  "valid[56] line 4": "allowLists",
  "valid[57] line 4": "allowLists",
  "valid[65] line 11": "allowLists",
  "valid[69] line 7": "allowLists",
  "valid[70] line 3": "thenables",
  "valid[71] line 8": "thenables",
  "valid[72] line 6": "allowLists",
  "valid[73] line 6": "allowLists",
  "valid[74] line 1": "void",
  "valid[75] line 3": "void",
  "invalid[31] line 2": "ignoreIIFE",
  "invalid[32] line 3": "ignoreIIFE",
};

interface Result {
  readonly id: string;
  readonly test: Case;
  readonly valid: boolean;
  readonly upstream: Finding[];
  readonly ours: Finding[];
}

describe("no-floating-promises: parity with typescript-eslint's own suite", () => {
  let results: Result[] = [];
  beforeAll(() => {
    const all = [...(upstream.valid as Case[]).map((test) => ({ test, valid: true })), ...(upstream.invalid as Case[]).map((test) => ({ test, valid: false }))];
    const counters = { valid: 0, invalid: 0 };
    results = all.flatMap(({ test, valid }) => {
      const id = valid ? `valid[${counters.valid++}]` : `invalid[${counters.invalid++}]`;
      // Skipped upstream too (typescript-eslint#11504).
      return test.skip ? [] : [{ id, test, valid, ...lintBoth(test) }];
    });
  }, 600_000);

  it("wrapping keeps upstream's own verdicts: the lines its suite expects, no more", () => {
    expect(results.length).toBe(upstream.valid.length + upstream.invalid.length - 1);
    for (const { id, test, valid, upstream: theirs } of results) {
      if (valid) expect(theirs, id).toEqual([]);
      else if (test.errors?.every((error) => error.line !== undefined)) expect(distinctLines(theirs), id).toEqual(distinctLines(test.errors));
      else expect(theirs.length, id).toBe(test.errors?.length);
    }
  });

  it("reports at least 95 % of the lines upstream reports, inside a workflow", () => {
    let upstreamLines = 0;
    let shared = 0;
    const missed: string[] = [];
    for (const { id, test, upstream: theirs, ours } of results) {
      const ourLines = new Set(distinctLines(ours));
      for (const line of distinctLines(theirs)) {
        upstreamLines++;
        if (ourLines.has(line)) shared++;
        else missed.push(`${id} line ${line}: ${caseLine(test, line)}`);
      }
    }
    const share = shared / upstreamLines;
    console.log(
      `no-floating-promises parity: upstream reports ${upstreamLines} lines, we report ${shared} of them (${(share * 100).toFixed(1)} %); ` +
        `missed: ${missed.length === 0 ? "none" : `\n  ${missed.join("\n  ")}`}`,
    );
    expect(upstreamLines).toBeGreaterThan(100);
    expect(share).toBeGreaterThanOrEqual(FLOOR);
  });

  it("reports nothing upstream does not, but where the documented design differs", () => {
    const onlyOurs: Record<string, Difference | "undocumented"> = {};
    for (const { id, test, upstream: theirs, ours } of results) {
      const theirLines = new Set(distinctLines(theirs));
      for (const finding of ours) {
        if (theirLines.has(finding.line)) continue;
        const key = `${id} line ${finding.line}`;
        const difference = EXPECTED_ONLY_OURS[key];
        onlyOurs[key] = difference && DIFFERENCES[difference].holds(test, finding) ? difference : "undocumented";
        if (onlyOurs[key] === "undocumented") console.log(`reported by us only: ${key} (${finding.messageId}): ${caseLine(test, finding.line)}`);
      }
    }
    expect(onlyOurs).toEqual(EXPECTED_ONLY_OURS);
  });

  it("documents every difference it allows", () => {
    const doc = readFileSync(path.join(__dirname, "../../docs/rules/no-floating-promises.md"), "utf8");
    for (const { doc: text } of Object.values(DIFFERENCES)) expect(doc).toContain(text);
    expect(new Set(Object.values(EXPECTED_ONLY_OURS))).toEqual(new Set(Object.keys(DIFFERENCES)));
  });
});
