// Reach answered once per function (src/scopes/model.ts: a graph of callers, distances solved in one pass,
// paths shared) must answer exactly what a breadth-first search from each function answered: the same
// scope, the same enclosing scopes, the same functions on the way (the first shortest chain in call-site
// order), the same `direct`. The search is kept below as the reference, written as it was before; both run
// over generated files of same-file functions, methods, nested helpers and scopes calling each other, with
// cycles, and every node's reach is compared.
import fc from "fast-check";
import { Linter } from "eslint";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { describe, expect, it } from "vitest";
import { languageOptionsFor } from "../../src/codemods/lint-engine";
import { describeReach, getFileModel, walk } from "../../src/scopes/model";
import type { Reach, TracedScope } from "../../src/scopes/model";
import type { FunctionNode } from "../../src/scopes/ast";
import { functionName, isFunction } from "../../src/scopes/ast";
import { callsOf, createThisCalls, functionBinding, memberCallSites } from "../../src/scopes/members";

const RUNS = 150;

/** The breadth-first search over callers, per function, as src/scopes/model.ts did it before reach was memoised. */
function referenceReach(sourceCode: Readonly<TSESLint.SourceCode>, scopeOf: (fn: TSESTree.Node) => TracedScope | undefined) {
  const byFunction = new Map<TSESTree.Node, ReferenceAnswer | null>();
  const outerByScope = new Map<TracedScope, readonly TracedScope[]>();
  const thisCalls = createThisCalls(sourceCode.visitorKeys);
  const callSitesOf = (fn: FunctionNode): readonly TSESTree.Node[] => {
    const binding = functionBinding(sourceCode, fn);
    return binding ? callsOf(binding.variables) : (memberCallSites(sourceCode, fn, thisCalls) ?? []);
  };
  const outerOf = (scope: TracedScope): readonly TracedScope[] => {
    if (!outerByScope.has(scope)) {
      outerByScope.set(scope, []); // a scope reaching itself
      const around = reachOfNode(scope.anchor);
      outerByScope.set(scope, around ? [around.scope, ...around.outer] : []);
    }
    return outerByScope.get(scope) as readonly TracedScope[];
  };
  const reachOfFunction = (fn: FunctionNode): ReferenceAnswer | null => {
    const cached = byFunction.get(fn);
    if (cached !== undefined) return cached;
    const visited = new Set<TSESTree.Node>([fn]);
    const queue: { fn: FunctionNode; via: readonly string[] }[] = [{ fn, via: [] }];
    for (let head = 0; head < queue.length; head++) {
      const { fn: callee, via } = queue[head] as { fn: FunctionNode; via: readonly string[] };
      for (const site of callSitesOf(callee)) {
        const crossed: string[] = [];
        for (let current = site.parent; current; current = current.parent) {
          if (!isFunction(current)) continue;
          const scope = scopeOf(current);
          if (scope) {
            const result = { scope, outer: outerOf(scope), via: [...crossed.slice().reverse(), ...via], direct: false };
            byFunction.set(fn, result);
            return result;
          }
          const name = functionName(current);
          if (name === undefined) continue;
          if (!visited.has(current)) {
            visited.add(current);
            queue.push({ fn: current, via: [name, ...crossed.slice().reverse(), ...via] });
          }
          crossed.push(name);
        }
      }
    }
    for (const unreachable of visited) byFunction.set(unreachable, null);
    return null;
  };
  function reachOfNode(node: TSESTree.Node): ReferenceAnswer | undefined {
    let crossed = false;
    for (const fn of enclosingFunctions(node)) {
      const scope = scopeOf(fn);
      if (scope) return { scope, outer: outerOf(scope), via: [], direct: !crossed };
      const name = functionName(fn);
      const viaCalls = name === undefined ? null : reachOfFunction(fn);
      if (viaCalls) return { ...viaCalls, via: [...viaCalls.via, name as string], direct: false };
      crossed = true;
    }
    return undefined;
  }
  return reachOfNode;
}

function* enclosingFunctions(node: TSESTree.Node): Generator<FunctionNode> {
  for (let current = node.parent; current; current = current.parent) if (isFunction(current)) yield current;
}

interface ReferenceAnswer {
  readonly scope: TracedScope;
  readonly outer: readonly TracedScope[];
  readonly via: readonly string[];
  readonly direct: boolean;
}

/** What a node's reach says, comparable across the two. */
function summary(reach: Reach | ReferenceAnswer | undefined): unknown {
  if (!reach) return null;
  const via = Array.isArray(reach.via) ? reach.via : (reach as Reach).via.names();
  return { scope: reach.scope.anchor.range, outer: reach.outer.map((scope) => scope.anchor.range), via, direct: reach.direct };
}

// ------------------------------------------------------------------------------------------
// Generated files: functions f0…f{n-1} (declarations and const arrows), methods of `helpers` called
// through `helpers.mX()` and `this.mX()`, helpers nested in functions, and scopes opened at the top,
// inside functions and inside other scopes. Calls go anywhere, so there are cycles and ties.

type Item =
  | { kind: "call"; target: number }
  | { kind: "method"; target: number }
  | { kind: "scope"; body: Item[] }
  | { kind: "nested"; body: Item[]; called: boolean };

const FUNCTIONS = 7;
const METHODS = 3;

const item: fc.Memo<Item> = fc.memo((depth) => {
  const leaves: fc.Arbitrary<Item>[] = [
    fc.record({ kind: fc.constant("call" as const), target: fc.nat(FUNCTIONS - 1) }),
    fc.record({ kind: fc.constant("method" as const), target: fc.nat(METHODS - 1) }),
  ];
  if (depth <= 1) return fc.oneof(...leaves);
  const body = fc.array(item(depth - 1), { maxLength: 3 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.oneof(...leaves) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("scope" as const), body }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("nested" as const), body, called: fc.boolean() }) },
  );
});

const program: fc.Arbitrary<Program> = fc.record({
  functions: fc.array(fc.record({ arrow: fc.boolean(), body: fc.array(item(3), { maxLength: 4 }) }), { minLength: FUNCTIONS, maxLength: FUNCTIONS }),
  methods: fc.array(fc.array(item(2), { maxLength: 3 }), { minLength: METHODS, maxLength: METHODS }),
  top: fc.array(fc.array(item(3), { maxLength: 3 }), { minLength: 1, maxLength: 3 }),
});

interface Program {
  readonly functions: readonly { readonly arrow: boolean; readonly body: Item[] }[];
  readonly methods: readonly Item[][];
  readonly top: readonly Item[][];
}

function print(p: Program): string {
  let scopes = 0;
  let nested = 0;
  const items = (list: Item[], indent: string, self: "this" | "helpers"): string =>
    list
      .map((it) => {
        switch (it.kind) {
          case "call":
            return `${indent}f${it.target}();`;
          case "method":
            return `${indent}${self}.m${it.target}();`;
          case "scope":
            return `${indent}withTask({ name: "s${scopes++}" }, () => {\n${items(it.body, `${indent}  `, self)}\n${indent}});`;
          case "nested": {
            const name = `g${nested++}`;
            return `${indent}function ${name}() {\n${items(it.body, `${indent}  `, "helpers")}\n${indent}}${it.called ? `\n${indent}${name}();` : ""}`;
          }
        }
      })
      .join("\n");
  const lines = [`import { withTask, withWorkflow } from "@traceloop/node-server-sdk";`, ``];
  p.functions.forEach((fn, index) => {
    const body = items(fn.body, "  ", "helpers");
    lines.push(fn.arrow ? `const f${index} = () => {\n${body}\n};` : `function f${index}() {\n${body}\n}`, ``);
  });
  lines.push(`const helpers = {`, ...p.methods.map((body, index) => `  m${index}() {\n${items(body, "    ", "this")}\n  },`), `};`, ``);
  p.top.forEach((body, index) => lines.push(`withWorkflow({ name: "w${index}" }, () => {\n${items(body, "  ", "helpers")}\n});`, ``));
  return lines.join("\n");
}

describe("reach, answered once per function, is the breadth-first search's answer", () => {
  it("for every node of generated files with cycles, ties, nested helpers, methods and nested scopes", () => {
    let compared = 0;
    let deep = 0;
    const linter = new Linter({ configType: "flat" });
    fc.assert(
      fc.property(program, (p) => {
        const mismatches: string[] = [];
        const rule: TSESLint.RuleModule<string, []> = {
          defaultOptions: [],
          meta: { type: "problem", schema: [], messages: {} },
          create(context) {
            return {
              "Program:exit"() {
                const model = getFileModel(context);
                const reference = referenceReach(context.sourceCode, (fn) => model.scopeOfCallback(fn));
                walk(context.sourceCode.ast, context.sourceCode.visitorKeys, (node) => {
                  if (node.type !== "CallExpression" && !isFunction(node)) return;
                  const ours = model.reachOf(node);
                  const expected = reference(node);
                  compared++;
                  if (ours && ours.via.length >= 2) deep++;
                  if (JSON.stringify(summary(ours)) !== JSON.stringify(summary(expected))) {
                    mismatches.push(`line ${node.loc.start.line}: ${ours ? describeReach(ours) : "unreached"} ≠ ${JSON.stringify(summary(expected))}`);
                  }
                });
              },
            };
          },
        };
        const code = print(p);
        const messages = linter.verify(code, [{ files: ["**/*.ts"], plugins: { test: { rules: { reach: rule as never } } }, languageOptions: languageOptionsFor("file.ts") as never, rules: { "test/reach": "error" } }], {
          filename: "file.ts",
        });
        expect(messages.filter((message) => message.fatal)).toEqual([]);
        expect(mismatches, code).toEqual([]);
      }),
      { numRuns: RUNS },
    );
    // The generator reaches functions through chains of calls, not only directly.
    expect(compared).toBeGreaterThan(RUNS * 10);
    expect(deep).toBeGreaterThan(RUNS);
  });
});
