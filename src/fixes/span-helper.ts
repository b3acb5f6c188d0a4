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
 * A `startActiveSpan` callback that ends its span in a `finally` gets a catch that records without ending
 * (the `finally` still ends the span, once):
 *   try { … } catch (error) { throw recordSpanError(error, span); } finally { span.end(); }
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type { TracedScope } from "../scopes/model";
import { resolveCallback, someReached } from "../scopes/model";
import type { FunctionNode } from "../scopes/ast";
import { isFunction, memberName, skipWrappers } from "../scopes/ast";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import { declaredTopLevelFunctions, ensureOtelHelpers, ensureTopLevelHelpers } from "./imports";
import type { FileFlavour } from "./imports";

export const HELPER_WRAP = "recordSpanErrors";
export const HELPER_END = "endSpanWithError";
export const HELPER_RECORD = "recordSpanError";

/** The helpers a fix calls: `end` (endSpanWithError), `wrap` (recordSpanErrors, which calls endSpanWithError), `record` (recordSpanError). */
export type SpanHelperUse = "end" | "wrap" | "record";

/** `() => { endSpanWithError(killError, span); … }`: a function that only ends spans with this file's helper. */
export function onlyEndsSpans(fn: TSESTree.Node | undefined): boolean {
  if (!isFunction(fn) || fn.body.type !== AST_NODE_TYPES.BlockStatement || fn.body.body.length === 0) return false;
  return fn.body.body.every(
    (statement) =>
      statement.type === AST_NODE_TYPES.ExpressionStatement &&
      statement.expression.type === AST_NODE_TYPES.CallExpression &&
      statement.expression.callee.type === AST_NODE_TYPES.Identifier &&
      statement.expression.callee.name === HELPER_END,
  );
}

/** The helpers named in `which` (`endSpanWithError`, `recordSpanErrors`, `recordSpanError`), as this file's flavour writes them. */
function helperSource(flavour: FileFlavour, trace: string, status: string, eol: string, which: ReadonlySet<string>): string {
  const ts = flavour.typescript;
  // Both helpers record the same way: the exception event, then ERROR with the error's message.
  const recordLines = [
    `    span.recordException(error instanceof Error ? error : String(error));`,
    `    span.setStatus({ code: ${status}.ERROR, message: error instanceof Error ? error.message : String(error) });`,
  ];
  const signature = (name: string) => `function ${name}(error${ts ? ": unknown" : ""}, span = ${trace}.getActiveSpan())${ts ? ": unknown" : ""} {`;
  const end = [
    `// Added by eslint-plugin-traced-exit: record an error on the active span, mark it ERROR and end it,`,
    `// because this SDK's wrapper ends the span only on success. A span that has ended is left alone.`,
    signature(HELPER_END),
    `  if (span?.isRecording()) {`,
    ...recordLines,
    `    span.end();`,
    `  }`,
    `  return error;`,
    `}`,
  ];
  const record = [
    `// Added by eslint-plugin-traced-exit: record an error on the span and mark it ERROR, without ending it:`,
    `// the code's own \`finally\` ends the span just after, which would otherwise export it with no error.`,
    signature(HELPER_RECORD),
    `  if (span?.isRecording()) {`,
    ...recordLines,
    `  }`,
    `  return error;`,
    `}`,
  ];
  const wrap = [
    `// The callback's result is returned as it is: a thenable other than a plain Promise (a Promise subclass,`,
    `// a lazy query) keeps its identity and methods, and its then() records a rejection before passing it on.`,
    ...(ts
      ? [
          `// F's arguments are \`any\` (JSON.parse's return type), so that a callback given to a tracer typed \`any\``,
          `// keeps untyped parameters instead of \`never\` ones; a typed tracer's callback type is still inferred.`,
          `function ${HELPER_WRAP}<F extends (...args: ReturnType<typeof JSON.parse>[]) => unknown>(fn: F): F {`,
        ]
      : [`function ${HELPER_WRAP}(fn) {`]),
    ts ? `  return function (this: unknown, ...args: Parameters<F>) {` : `  return function (...args) {`,
    `    const span = ${trace}.getActiveSpan();`,
    `    try {`,
    `      const result = fn.apply(this, args);`,
    `      if (result instanceof Promise && result.constructor === Promise) {`,
    ts ? `        return result.then(undefined, (error: unknown) => {` : `        return result.then(undefined, (error) => {`,
    `          throw ${HELPER_END}(error, span);`,
    `        });`,
    `      }`,
    ts ? `      const then = (result as PromiseLike<unknown> | null | undefined)?.then;` : `      const then = result?.then;`,
    `      if (typeof then === "function" && Object.isExtensible(result)) {`,
    `        Object.defineProperty(result, "then", {`,
    `          configurable: true,`,
    `          writable: true,`,
    ts
      ? `          value(this: unknown, onFulfilled?: (value: unknown) => unknown, onRejected?: (reason: unknown) => unknown) {`
      : `          value(onFulfilled, onRejected) {`,
    ts ? `            return then.call(this, onFulfilled, (error: unknown) => {` : `            return then.call(this, onFulfilled, (error) => {`,
    `              ${HELPER_END}(error, span);`,
    `              if (onRejected) return onRejected(error);`,
    `              throw error;`,
    `            });`,
    `          },`,
    `        });`,
    `      }`,
    `      return result;`,
    `    } catch (error) {`,
    `      throw ${HELPER_END}(error, span);`,
    `    }`,
    ts ? `  } as F;` : `  };`,
    `}`,
  ];
  const blocks = [
    { name: HELPER_END, lines: end },
    { name: HELPER_WRAP, lines: wrap },
    { name: HELPER_RECORD, lines: record },
  ];
  return blocks
    .filter((block) => which.has(block.name))
    .map((block) => block.lines.join(eol))
    .join(`${eol}${eol}`);
}

/**
 * Fixes that add the helpers a fix uses, and their `@opentelemetry/api` import, when the file lacks them: `end`
 * for a fix that calls only `endSpanWithError` (a manual span's catch, a decorated method's body, a deferred exit),
 * `wrap` for one that wraps a callback in `recordSpanErrors` (which calls `endSpanWithError`), `record` for a catch
 * added before a `finally` that ends the span (`recordSpanError`). Only the missing
 * ones are added: a helper the file never calls would fail `tsc --noUnusedLocals` and typescript-eslint's
 * no-unused-vars (issue 14, new-user report 4).
 */
export function ensureSpanHelpers(
  fixer: TSESLint.RuleFixer,
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  uses: SpanHelperUse | readonly SpanHelperUse[],
): TSESLint.RuleFix[] {
  const names: Record<SpanHelperUse, string[]> = { end: [HELPER_END], wrap: [HELPER_END, HELPER_WRAP], record: [HELPER_RECORD] };
  const wanted = new Set((typeof uses === "string" ? [uses] : uses).flatMap((use) => names[use]));
  const declared = declaredTopLevelFunctions(sourceCode);
  const missing = [...wanted].filter((name) => !declared.has(name));
  if (missing.length === 0) return [];
  return ensureOtelHelpers(fixer, sourceCode, filename, missing, (flavour, { trace, status }) => helperSource(flavour, trace, status, flavour.eol, new Set(missing)));
}

export const HELPER_END_OWNED = "endObservationOnError";

/**
 * The helper that ends a caller-owned span (src/scopes/caller-owned.ts) when the callback throws or rejects,
 * after the SDK's own handler has recorded the error: Langfuse's rejection handler is registered on the
 * callback's promise after this one, and its catch runs as the throw unwinds, so the end waits one microtask.
 * The callback's result is returned as it is (no new promise: the SDK still sees the callback's own).
 */
function ownedHelperSource(flavour: FileFlavour): string {
  const ts = flavour.typescript;
  const lines = [
    `// Added by eslint-plugin-traced-exit: with { endOnExit: false } the caller ends the observation, but when the`,
    `// callback throws or rejects the caller never receives it and Langfuse only marks it ERROR, so it was never`,
    `// exported. End it then, one microtask after Langfuse has recorded the error.`,
    ts
      ? `function ${HELPER_END_OWNED}<F extends (observation: ReturnType<typeof JSON.parse>) => unknown>(fn: F): F {`
      : `function ${HELPER_END_OWNED}(fn) {`,
    ts ? `  return ((observation: { end(): unknown }) => {` : `  return (observation) => {`,
    ts ? `    let result: unknown;` : `    let result;`,
    `    try {`,
    `      result = fn(observation);`,
    `    } catch (error) {`,
    `      queueMicrotask(() => observation.end());`,
    `      throw error;`,
    `    }`,
    `    if (result instanceof Promise) result.then(undefined, () => queueMicrotask(() => observation.end()));`,
    `    return result;`,
    ts ? `  }) as F;` : `  };`,
    `}`,
  ];
  return lines.join(flavour.eol);
}

/** The fix that adds the caller-owned helper once per file. */
export function ensureOwnedHelper(fixer: TSESLint.RuleFixer, sourceCode: Readonly<TSESLint.SourceCode>, filename: string): TSESLint.RuleFix[] {
  return ensureTopLevelHelpers(fixer, sourceCode, filename, [HELPER_END_OWNED], (flavour) => ({ fixes: [], helper: ownedHelperSource(flavour) }));
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

/** How many same-file functions deep a span, or an error handler, is followed (guards cycles too). */
const MAX_HOPS = 3;

/**
 * `span.end()` or `span.recordException()` is called under this node, directly or in a
 * same-file function it calls by name: `catch (e) { throw errorHandler(e); }`, `this.#fail(e)`.
 * `finish`: the name of a function that ends the span here (Sentry's `(span, finish) =>`), not in what it calls.
 */
function endsOrRecords(root: TSESTree.Node | null | undefined, sourceCode: Readonly<TSESLint.SourceCode>, hops: number, finish?: string): boolean {
  if (!root) return false;
  return someReached(sourceCode, root, MAX_HOPS - hops, (node, depth) => {
    if (node.type !== AST_NODE_TYPES.CallExpression) return undefined;
    const callee = skipWrappers(node.callee);
    const name = memberName(callee);
    if (name === "end" || name === "recordException") return true;
    if (depth === 0 && finish !== undefined && callee.type === AST_NODE_TYPES.Identifier && callee.name === finish) return true;
    return undefined;
  });
}

/**
 * The function already deals with its span on error: a top-level `try` whose `catch` or
 * `finally` ends the span or records the exception.
 *
 *   tracer.startActiveSpan("x", async (span) => {
 *     try { … } catch (error) { span.recordException(error); throw error; } finally { span.end(); }
 *   });
 */
function handlesOwnErrors(body: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>, hops: number, finish?: string): boolean {
  if (body.type !== AST_NODE_TYPES.BlockStatement) return false;
  return body.body.some(
    (statement) =>
      statement.type === AST_NODE_TYPES.TryStatement &&
      (endsOrRecords(statement.handler?.body, sourceCode, hops, finish) || endsOrRecords(statement.finalizer, sourceCode, hops, finish)),
  );
}

/** The calls a function body makes at its top level: `f(…)`, `return f(…)`, `await f(…)`, `const x = f(…)`, or the arrow's expression. */
function topLevelCalls(body: FunctionNode["body"]): TSESTree.CallExpression[] {
  const expressions: (TSESTree.Node | null | undefined)[] = [];
  if (body.type !== AST_NODE_TYPES.BlockStatement) expressions.push(body);
  else {
    for (const statement of body.body) {
      if (statement.type === AST_NODE_TYPES.ExpressionStatement) expressions.push(statement.expression);
      else if (statement.type === AST_NODE_TYPES.ReturnStatement) expressions.push(statement.argument);
      else if (statement.type === AST_NODE_TYPES.VariableDeclaration) expressions.push(...statement.declarations.map((d) => d.init));
    }
  }
  const calls: TSESTree.CallExpression[] = [];
  for (const expression of expressions) {
    if (!expression) continue;
    let inner = skipWrappers(expression);
    if (inner.type === AST_NODE_TYPES.AwaitExpression) inner = skipWrappers(inner.argument);
    if (inner.type === AST_NODE_TYPES.CallExpression) calls.push(inner);
  }
  return calls;
}

/**
 * The function's span parameter (at `index`) is handled: by the function itself (a `try` that
 * ends or records), or by a same-file function it hands the span to at its top level, which
 * handles that parameter the same way. A span handed to an imported or unknown function is not.
 *
 *   tracer.startActiveSpan("x", (span) => handleFn(span, opts, fn));
 *   function handleFn(span, opts, fn) { try { … } catch (e) { span.end(); throw e; } }
 *
 * or a method: `(span) => this.#callActiveSpan(span, callback)` (src/scopes/members.ts).
 */
export function handlesSpan(fn: FunctionNode, index: number, sourceCode: Readonly<TSESLint.SourceCode>, hops: number, finish?: string): boolean {
  if (handlesOwnErrors(fn.body, sourceCode, hops, finish)) return true;
  // `(span) => context.with(ctx, () => { try { … } catch (e) { span.end(); throw e; } })`: the try is one
  // inline callback down, run synchronously by a context helper (Langfuse's startActiveObservation).
  if (topLevelCalls(fn.body).some((call) => call.arguments.some((arg) => isFunction(arg) && handlesOwnErrors(arg.body, sourceCode, hops, finish)))) return true;
  const param = fn.params[index];
  if (param?.type !== AST_NODE_TYPES.Identifier || hops >= MAX_HOPS) return false;
  const span = sourceCode.getDeclaredVariables(fn).find((variable) => variable.defs.some((def) => def.name === param));
  if (!span) return false;
  const isSpan = (arg: TSESTree.Node) => {
    const inner = skipWrappers(arg);
    return inner.type === AST_NODE_TYPES.Identifier && span.references.some((ref) => ref.identifier === inner);
  };
  return topLevelCalls(fn.body).some((call) => {
    const callee = skipWrappers(call.callee);
    if (callee.type !== AST_NODE_TYPES.Identifier && callee.type !== AST_NODE_TYPES.MemberExpression) return false;
    const at = call.arguments.findIndex(isSpan);
    // After a spread, the argument's position no longer says which parameter receives it.
    if (at < 0 || call.arguments.slice(0, at).some((arg) => arg.type === AST_NODE_TYPES.SpreadElement)) return false;
    const helper = resolveCallback(sourceCode, callee);
    return !!helper && handlesSpan(helper.fn, at, sourceCode, hops + 1);
  });
}

/**
 * The callback hands its span, with the work, to a function its caller passed in, and never ends the
 * span itself: the caller owns the span. A tracer wrapper (`class OITracer implements Tracer`) or a
 * library's `traceable(fn)`:
 *
 *   startActiveSpan(name, ...args) {
 *     const { opts, ctx, fn } = parseArgs(args);
 *     return this.tracer.startActiveSpan(name, opts, ctx, (span) => fn(wrap(span)));
 *   }
 *
 * A callback that ends the span on its success path owns it, and stays a finding.
 */
function delegatesToCaller(fn: FunctionNode, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (endsOrRecords(fn.body, sourceCode, MAX_HOPS)) return false;
  return topLevelCalls(fn.body).some((call) => {
    const callee = skipWrappers(call.callee);
    if (callee.type !== AST_NODE_TYPES.Identifier) return false;
    const variable = ASTUtils.findVariable(sourceCode.getScope(callee), callee);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    // A parameter of an enclosing function, or a local taken from its arguments (`const { fn } = parse(args)`),
    // that is no function of this file (those are followed by handlesSpan).
    if (!variable || !def || def.node === fn || resolveCallback(sourceCode, callee)) return false;
    const declaredIn = variable.scope.block;
    return (def.type === "Parameter" || def.type === "Variable") && isFunction(declaredIn) && declaredIn !== fn;
  });
}

/**
 * Our helper would record an error thrown in this scope's callback: the SDK does not, and the scope's span is the
 * active OpenTelemetry span the helper ends (not so for Traceloop's `withLLMCall` nor dd-trace: catalogue `activeOtelSpan`).
 */
export function helperWouldRecord(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  return scope.spec.activeOtelSpan !== false && !scopeRecordsErrors(scope, sourceCode);
}

/** An error thrown in this scope's callback reaches the span: the SDK, our wrapper or the callback's own try records it. */
export function scopeRecordsErrors(scope: TracedScope, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (scope.spec.errors === "recorded" || scope.wrapped) return true;
  const body = scope.callback.body;
  if (!scope.callbackArg && body.type === AST_NODE_TYPES.BlockStatement && isBodyWrapped(body)) return true;
  // Only a callback that owns its span (`startActiveSpan`) receives it, as its first parameter, and may hand it on.
  if (scope.spec.errors === "user-owned") {
    // Sentry's `startSpanManual(opts, (span, finish) => …)`: calling `finish()` ends the span.
    const finishParam = scope.spec.finishParam === undefined ? undefined : scope.callback.params[scope.spec.finishParam];
    return (
      handlesSpan(scope.callback, scope.spec.spanParam ?? 0, sourceCode, 0, finishParam?.type === AST_NODE_TYPES.Identifier ? finishParam.name : undefined) ||
      delegatesToCaller(scope.callback, sourceCode)
    );
  }
  return handlesOwnErrors(body, sourceCode, 0);
}
