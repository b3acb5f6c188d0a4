/**
 * The helper our fixes add once per file so that an error thrown inside a traced
 * scope is recorded on the span and the span is ended, for SDKs whose wrapper does
 * neither (Traceloop 0.27 `with*` and decorators; `startActiveSpan`, whose callback
 * owns the span).
 *
 * A scope callback is wrapped where it is passed:
 *   withTask({ name: "x" }, recordSpanErrors(async () => { … }))
 * and a decorated method's body is put in
 *   try { … } catch (error) { throw endSpanWithError(error); }
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { TracedScope } from "../scopes/model";
import { memberName, skipWrappers, walk } from "../scopes/ast";
import { AST_NODE_TYPES } from "@typescript-eslint/utils";
import { fileFlavour, insertImport, topInsertionPoint } from "./imports";
import type { FileFlavour } from "./imports";

export const HELPER_WRAP = "recordSpanErrors";
export const HELPER_END = "endSpanWithError";

function helperSource(flavour: FileFlavour, trace: string, status: string, eol: string): string {
  const ts = flavour.typescript;
  const lines = [
    `// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,`,
    `// because this SDK's wrapper ends the span only on success.`,
    `function ${HELPER_END}(error${ts ? ": unknown" : ""})${ts ? ": unknown" : ""} {`,
    `  const span = ${trace}.getActiveSpan();`,
    `  if (span) {`,
    `    span.recordException(error instanceof Error ? error : String(error));`,
    `    span.setStatus({ code: ${status}.ERROR, message: error instanceof Error ? error.message : String(error) });`,
    `    span.end();`,
    `  }`,
    `  return error;`,
    `}`,
    ``,
    ts
      ? `function ${HELPER_WRAP}<F extends (...args: never[]) => unknown>(fn: F): F {`
      : `function ${HELPER_WRAP}(fn) {`,
    ts ? `  return function (this: unknown, ...args: Parameters<F>) {` : `  return function (...args) {`,
    `    try {`,
    `      const result = fn.apply(this, args);`,
    ts
      ? `      if (result && typeof (result as PromiseLike<unknown>).then === "function") {`
      : `      if (result && typeof result.then === "function") {`,
    ts
      ? `        return (result as PromiseLike<unknown>).then(undefined, (error: unknown) => {`
      : `        return result.then(undefined, (error) => {`,
    `          throw ${HELPER_END}(error);`,
    `        });`,
    `      }`,
    `      return result;`,
    `    } catch (error) {`,
    `      throw ${HELPER_END}(error);`,
    `    }`,
    ts ? `  } as F;` : `  };`,
    `}`,
  ];
  return lines.join(eol);
}

/** A top-level `function recordSpanErrors` / `function endSpanWithError` already in the file. */
function hasTopLevelFunction(ast: TSESTree.Program, name: string): boolean {
  return ast.body.some(
    (statement) =>
      (statement.type === AST_NODE_TYPES.FunctionDeclaration && statement.id?.name === name) ||
      (statement.type === AST_NODE_TYPES.ExportNamedDeclaration &&
        statement.declaration?.type === AST_NODE_TYPES.FunctionDeclaration &&
        statement.declaration.id?.name === name),
  );
}

/** Fixes that add the helpers and their `@opentelemetry/api` import when the file lacks them. */
export function ensureSpanHelpers(fixer: TSESLint.RuleFixer, sourceCode: Readonly<TSESLint.SourceCode>, filename: string): TSESLint.RuleFix[] {
  const ast = sourceCode.ast;
  if (hasTopLevelFunction(ast, HELPER_WRAP) && hasTopLevelFunction(ast, HELPER_END)) return [];
  const flavour = fileFlavour(sourceCode, filename);
  const fixes: TSESLint.RuleFix[] = [];
  const imported = insertImport(fixer, sourceCode, flavour, "@opentelemetry/api", ["SpanStatusCode", "trace"]);
  fixes.push(...imported.fixes);
  const point = topInsertionPoint(sourceCode);
  const helper = helperSource(flavour, imported.names.trace as string, imported.names.SpanStatusCode as string, flavour.eol);
  const eol = flavour.eol;
  // One blank line on each side: count the line breaks already after the insertion point.
  const after = sourceCode.text.slice(point);
  const trailing = after.startsWith(`${eol}${eol}`) ? "" : after.startsWith(eol) ? eol : `${eol}${eol}`;
  const helperText = point === 0 ? `${helper}${eol}${eol}` : `${eol}${eol}${helper}${trailing}`;
  // Merge with the import insertion when both land at the same offset, so ESLint never sees two fixes at one place.
  const sameSpot = fixes.findIndex((fix) => fix.range[0] === point && fix.range[1] === point);
  if (sameSpot >= 0) {
    const existing = fixes[sameSpot] as TSESLint.RuleFix;
    const text = point === 0 ? `${existing.text}${eol}${helperText}` : `${existing.text}${helperText}`;
    fixes[sameSpot] = { range: existing.range, text };
  } else {
    fixes.push(fixer.insertTextAfterRange([point, point], helperText));
  }
  return fixes;
}

/** `try { … } catch (error) { throw endSpanWithError(error); }` already around a method body. */
export function isBodyWrapped(body: TSESTree.BlockStatement): boolean {
  if (body.body.length !== 1) return false;
  const only = body.body[0];
  if (only?.type !== AST_NODE_TYPES.TryStatement || !only.handler) return false;
  const first = only.handler.body.body[0];
  return (
    first?.type === AST_NODE_TYPES.ThrowStatement &&
    first.argument?.type === AST_NODE_TYPES.CallExpression &&
    first.argument.callee.type === AST_NODE_TYPES.Identifier &&
    first.argument.callee.name === HELPER_END
  );
}

/**
 * The callback already deals with its span on error: a top-level `try` whose `catch` or
 * `finally` ends the span or records the exception.
 *
 *   tracer.startActiveSpan("x", async (span) => {
 *     try { … } catch (error) { span.recordException(error); throw error; } finally { span.end(); }
 *   });
 */
function handlesOwnErrors(body: TSESTree.Node, visitorKeys: TSESLint.SourceCode.VisitorKeys): boolean {
  if (body.type !== AST_NODE_TYPES.BlockStatement) return false;
  const endsOrRecords = (block: TSESTree.BlockStatement | null | undefined): boolean => {
    let found = false;
    if (block) {
      walk(block, visitorKeys, (node) => {
        if (node.type === AST_NODE_TYPES.CallExpression) {
          const name = memberName(skipWrappers(node.callee));
          if (name === "end" || name === "recordException") found = true;
        }
        return !found;
      });
    }
    return found;
  };
  return body.body.some(
    (statement) => statement.type === AST_NODE_TYPES.TryStatement && (endsOrRecords(statement.handler?.body) || endsOrRecords(statement.finalizer)),
  );
}

/** An error thrown in this scope's callback reaches the span: the SDK, our wrapper or the callback's own try records it. */
export function scopeRecordsErrors(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (scope.spec.errors === "recorded" || scope.wrapped) return true;
  const body = scope.callback.body;
  if (!scope.callbackArg && body.type === AST_NODE_TYPES.BlockStatement && isBodyWrapped(body)) return true;
  return handlesOwnErrors(body, sourceCode.visitorKeys);
}
