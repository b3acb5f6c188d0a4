// How `npm run accuracy` turns findings and labels into precision and recall. The run itself
// needs the network (npm pack) and minutes; these are the rules of its arithmetic, which decide
// whether CI passes: an unlabelled finding is listed, never counted; a labelled true that is no
// longer reported is a miss; test code is counted apart from production code.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script of bench/, without type declarations
import { isTestPath, keyOf, lineText, readLabels, score } from "../../bench/accuracy/run.mjs";

interface Finding {
  corpus: string;
  file: string;
  rule: string;
  line: number;
  text: string;
}
type Verdict = true | false | "miss";
type Counts = { tp: number; fp: number; fn: number; unlabelled: number };

const corpora = [{ package: "app", version: "1.0.0", sdk: "OpenTelemetry" }];
const at = (file: string, line: number, rule = "no-process-exit"): Finding => ({ corpus: "app@1.0.0", file, rule, line, text: "process.exit(1);" });
const label = (finding: Finding, verdict: Verdict) => ({ ...finding, label: verdict, reason: "read" });

function counts(findings: Finding[], labels: ReturnType<typeof label>[], group: string): Counts | undefined {
  const { groups } = score(findings, labels, corpora) as { groups: Map<string, Counts> };
  return groups.get(group.split("|").join("\u0000"));
}

describe("accuracy score", () => {
  it("counts true and false findings, and a reported miss as true", () => {
    const a = at("src/a.js", 1);
    const b = at("src/b.js", 2);
    const c = at("src/c.js", 3);
    const result = score([a, b, c], [label(a, true), label(b, false), label(c, "miss")], corpora);
    expect(result.groups.get("rule\u0000no-process-exit\u0000production")).toEqual({ tp: 2, fp: 1, fn: 0, unlabelled: 0 });
    expect(result.nowFound).toEqual([c]);
    expect(result.unlabelled).toEqual([]);
  });

  it("lists a finding without a label and keeps it out of precision", () => {
    const a = at("src/a.js", 1);
    const result = score([a], [], corpora);
    expect(result.unlabelled).toEqual([a]);
    expect(result.groups.get("all\u0000all\u0000production")).toEqual({ tp: 0, fp: 0, fn: 0, unlabelled: 1 });
  });

  it("counts an unreported miss, and a true finding that is no longer reported, as missed", () => {
    const gone = at("src/a.js", 1);
    const missed = at("src/b.js", 2);
    const fixedFalse = at("src/c.js", 3);
    const result = score([], [label(gone, true), label(missed, "miss"), label(fixedFalse, false)], corpora);
    expect(result.groups.get("corpus\u0000app@1.0.0\u0000production")).toEqual({ tp: 0, fp: 0, fn: 2, unlabelled: 0 });
    expect(result.gone.map((entry: Finding) => entry.file)).toEqual(["src/a.js", "src/c.js"]);
  });

  it("keys a finding by its line text too, so a moved or edited line is a new finding", () => {
    const a = at("src/a.js", 1);
    expect(counts([{ ...a, text: "process.exit(2);" }], [label(a, true)], "rule|no-process-exit|production")).toEqual({ tp: 0, fp: 0, fn: 1, unlabelled: 1 });
    expect(keyOf(a)).not.toBe(keyOf({ ...a, line: 2 }));
  });

  it("measures test code apart from production code, per rule, corpus and SDK", () => {
    const prod = at("dist/src/main.js", 1);
    const test = at("dist/src/main.test.js", 1);
    const findings = [prod, test];
    const labels = [label(prod, true), label(test, false)];
    expect(counts(findings, labels, "sdk|OpenTelemetry|production")).toEqual({ tp: 1, fp: 0, fn: 0, unlabelled: 0 });
    expect(counts(findings, labels, "sdk|OpenTelemetry|test")).toEqual({ tp: 0, fp: 1, fn: 0, unlabelled: 0 });
  });

  it.each([
    ["dist/src/telemetry/sdk.test.js", true],
    ["packages/dd-trace/test/plugins/agent.js", true],
    ["src/__tests__/a.ts", true],
    ["integration-tests/spec/b.js", true],
    ["src/e2e/run.ts", true],
    ["src/tests/fixtures/app.js", true],
    ["src/util/a.spec.mts", true],
    ["dist/src/testing/helpers.js", false],
    ["lib/attest.mjs", false],
  ])("isTestPath(%s) is %s", (file, expected) => {
    expect(isTestPath(file)).toBe(expected);
  });

  it("cuts a long line and keeps it distinct with a hash of the whole line", () => {
    const long = `  ${"x".repeat(200)}  `;
    const cut = lineText(long);
    expect(cut.startsWith("x".repeat(160))).toBe(true);
    expect(cut).not.toBe(lineText(`${"x".repeat(199)}y`));
    expect(lineText("  process.exit(1);  ")).toBe("process.exit(1);");
  });

  it("rejects a label without a verdict or a reason", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accuracy-labels-"));
    const file = path.join(dir, "labels.jsonl");
    fs.writeFileSync(file, `${JSON.stringify({ ...at("a.js", 1), label: true, reason: "ends the span" })}\n${JSON.stringify({ ...at("b.js", 1), label: "yes", reason: "" })}\n`);
    expect(() => readLabels(file)).toThrow(/labels\.jsonl:2: a label is true, false or "miss", with a reason/u);
    fs.rmSync(dir, { recursive: true });
  });
});
