/**
 * Calls of the catalogue's runners (src/scopes/catalogue.ts RUNNERS), by binding: functions that run their
 * callback at once, in a context of their own, and return what it returns, opening no span
 * (`context.with(ctx, fn)`, `Sentry.withIsolationScope(fn)`). Found through `import`, `require` and the
 * compilers' interop helpers (`__importStar(require("@sentry/node"))`), once per file and runner list.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { RunnerSpec } from "./catalogue";
import type { TraceMap } from "./globals";
import { addToTraceMap, createTracker, trackModules } from "./globals";

/** Each runner call → the argument it runs (undefined when the call has none there). */
export type RunnerCalls = ReadonlyMap<TSESTree.Node, TSESTree.Node | undefined>;

const memo = new WeakMap<object, WeakMap<readonly RunnerSpec[], RunnerCalls>>();

export function runnerCalls(sourceCode: Readonly<TSESLint.SourceCode>, runners: readonly RunnerSpec[]): RunnerCalls {
  let byRunners = memo.get(sourceCode);
  if (!byRunners) {
    byRunners = new WeakMap();
    memo.set(sourceCode, byRunners);
  }
  let found = byRunners.get(runners);
  if (!found) {
    found = findRunnerCalls(sourceCode, runners);
    byRunners.set(runners, found);
  }
  return found;
}

function findRunnerCalls(sourceCode: Readonly<TSESLint.SourceCode>, runners: readonly RunnerSpec[]): RunnerCalls {
  const found = new Map<TSESTree.Node, TSESTree.Node | undefined>();
  const tracker = createTracker(sourceCode);
  if (!tracker || runners.length === 0) return found;
  const map: TraceMap = {};
  runners.forEach((spec, index) => addToTraceMap(map, spec.modules, spec.path, ASTUtils.ReferenceTracker.CALL, String(index)));
  for (const ref of trackModules(tracker, map)) {
    if (ref.node.type !== AST_NODE_TYPES.CallExpression) continue;
    const { callback } = runners[Number(ref.info)] as RunnerSpec;
    found.set(ref.node, callback === "last" ? ref.node.arguments.at(-1) : ref.node.arguments[callback]);
  }
  return found;
}
