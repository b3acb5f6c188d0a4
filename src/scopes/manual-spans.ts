/**
 * Spans started by one call and ended by hand, found by binding:
 *
 *   const tracer = trace.getTracer("app");          // @opentelemetry/api
 *   const span = tracer.startSpan("fetch");          // a manual span, kept in `span`
 *   …                                                // an exit or an uncaught throw here loses it
 *   span.end();
 *
 * What happens to the span between its start and its end (who ends it, on which paths) is judged by
 * `judgeManualSpan` (src/fixes/span-helper.ts, next to the ownership of scope callbacks).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { ManualSpanSpec } from "./catalogue";
import { SPAN_RUNNERS } from "./catalogue";
import type { Catalogue } from "./settings";
import type { FunctionNode } from "./ast";
import { isFunction, memberKey, memberName, skipWrappers, staticProperty, staticString, walk } from "./ast";
import type { TraceMap, Tracker } from "./globals";
import { addToTraceMap, trackModules } from "./globals";
import { consumersOfReturnedSpan, endedThroughHelper } from "./returned-spans";
import { createTracerBindings } from "./tracer-bindings";

type Variable = TSESLint.Scope.Variable;

export interface ManualSpan {
  readonly spec: ManualSpanSpec;
  /** `tracer.startSpan("fetch")`. */
  readonly call: TSESTree.CallExpression;
  /** The local the span is kept in: `const span = …` or `span = …`. */
  readonly variable: Variable;
  /** The statement that starts it and stores it. */
  readonly statement: TSESTree.Statement;
  /** The function it starts in, or the program for top-level code. */
  readonly owner: FunctionNode | TSESTree.Program;
  readonly name: string | undefined;
  /**
   * Recognised by its shape only (`anyObjectWhenEnded`): the tracer is not bound to a known export, so the
   * span counts only because this function ends it with the SDK's end method.
   */
  readonly byShape: boolean;
  /**
   * Started in this same-file function and returned to `owner` in an object (`return { span, ctx }`), which
   * `owner` destructures (`const { span } = this.startSpanFor(…)`): `variable` and `statement` are the consumer's.
   */
  readonly returnedBy?: FunctionNode;
  /** Calls that run a callback at once with the span active (catalogue SPAN_RUNNERS: dd-trace's `tracer.scope().activate(span, fn)`), with that callback. */
  readonly runners?: ReadonlyMap<TSESTree.CallExpression, FunctionNode>;
}

const CALL = ASTUtils.ReferenceTracker.CALL;
const CONSTRUCT = ASTUtils.ReferenceTracker.CONSTRUCT;

interface SpecKeys {
  readonly map: TraceMap;
}

const maps = new WeakMap<Catalogue, SpecKeys>();

/** `s<i>`: a call that starts a span of spec i; `t<i>`: a call that returns a tracer of spec i; `p<i>`: a tracer provider. */
function traceMapOf(catalogue: Catalogue): SpecKeys {
  const cached = maps.get(catalogue);
  if (cached) return cached;
  const map: TraceMap = {};
  catalogue.manualSpans.forEach((spec, index) => {
    if (spec.form === "call" || spec.moduleIsTracer) addToTraceMap(map, spec.modules, spec.path, CALL, `s${index}`);
    for (const path of spec.tracerPaths ?? []) addToTraceMap(map, spec.modules, path, CALL, `t${index}`);
    if (spec.moduleIsTracer) addToTraceMap(map, spec.modules, ["init"], CALL, `t${index}`);
    for (const provider of spec.providers ?? []) addToTraceMap(map, provider.modules, provider.path, provider.construct ? CONSTRUCT : CALL, `p${index}`);
  });
  const built = { map };
  maps.set(catalogue, built);
  return built;
}

/** The `const x = <node>` variables the nodes are kept in. */
function holders(sourceCode: Readonly<TSESLint.SourceCode>, nodes: ReadonlyMap<TSESTree.Node, ManualSpanSpec>): Map<Variable, ManualSpanSpec> {
  const variables = new Map<Variable, ManualSpanSpec>();
  for (const [node, spec] of nodes) {
    const parent = node.parent;
    if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node) {
      for (const variable of sourceCode.getDeclaredVariables(parent)) variables.set(variable, spec);
    }
  }
  return variables;
}

/** The statement list a node's statement sits in, walking up through `as`, `!` and parentheses. */
function storedIn(sourceCode: Readonly<TSESLint.SourceCode>, call: TSESTree.CallExpression): { variable: Variable; statement: TSESTree.Statement } | undefined {
  let node: TSESTree.Node = call;
  while (
    node.parent &&
    (node.parent.type === AST_NODE_TYPES.TSAsExpression || node.parent.type === AST_NODE_TYPES.TSNonNullExpression || node.parent.type === AST_NODE_TYPES.TSSatisfiesExpression)
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  // const span = tracer.startSpan("x");
  if (parent?.type === AST_NODE_TYPES.VariableDeclarator && parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier) {
    const declaration = parent.parent;
    const variable = sourceCode.getDeclaredVariables(parent).find((candidate) => candidate.name === (parent.id as TSESTree.Identifier).name);
    if (declaration?.type === AST_NODE_TYPES.VariableDeclaration && declaration.declarations.length === 1 && variable) return { variable, statement: declaration };
    return undefined;
  }
  // span = tracer.startSpan("x");   (a local declared earlier)
  if (
    parent?.type === AST_NODE_TYPES.AssignmentExpression &&
    parent.operator === "=" &&
    parent.right === node &&
    parent.left.type === AST_NODE_TYPES.Identifier &&
    parent.parent?.type === AST_NODE_TYPES.ExpressionStatement
  ) {
    const variable = ASTUtils.findVariable(sourceCode.getScope(parent.left), parent.left);
    if (variable && variable.defs.length > 0 && variable.scope.type !== "global" && variable.scope.type !== "module") return { variable, statement: parent.parent };
  }
  return undefined;
}

/** Climbs `as`, `!`, `satisfies` and `?.` around an expression. */
export function outermost(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  while (
    current.parent &&
    (current.parent.type === AST_NODE_TYPES.TSAsExpression ||
      current.parent.type === AST_NODE_TYPES.TSNonNullExpression ||
      current.parent.type === AST_NODE_TYPES.TSSatisfiesExpression ||
      current.parent.type === AST_NODE_TYPES.ChainExpression)
  ) {
    current = current.parent;
  }
  return current;
}

export const STORED_IN = new Set<string>([
  AST_NODE_TYPES.ReturnStatement,
  AST_NODE_TYPES.YieldExpression,
  AST_NODE_TYPES.Property,
  AST_NODE_TYPES.ArrayExpression,
  AST_NODE_TYPES.AssignmentExpression,
  AST_NODE_TYPES.VariableDeclarator,
  AST_NODE_TYPES.SpreadElement,
  AST_NODE_TYPES.NewExpression,
  AST_NODE_TYPES.ArrowFunctionExpression,
  AST_NODE_TYPES.PropertyDefinition,
]);

/** `trace.setSpan(ctx, span)`: puts the span in a context, which ends nothing. */
export function isContextCall(call: TSESTree.CallExpression): boolean {
  return memberName(skipWrappers(call.callee)) === "setSpan";
}

/**
 * How a function uses a span it holds (`variable`): the calls of its own that end it (`end` is the catalogue's
 * method, `end` or `finish`), and whether it lets the span go, so that someone else may end it: returned, yielded,
 * stored on an object or in another local, ended by a closure that runs later (`res.on("finish", () => span.end())`),
 * or handed to another function (`handed`: the calls) while this one never ends it. `stored`: returned, yielded
 * or stored, the closures and calls aside. Putting it in a context
 * (`trace.setSpan`) lets nothing go. Shared by spans started by hand (src/fixes/manual-span.ts) and the span
 * parameter of a scope callback (require-span-error-recording).
 */
export function spanUses(
  variable: Variable,
  owner: FunctionNode | TSESTree.Program,
  end: string,
): { ends: TSESTree.CallExpression[]; handed: TSESTree.CallExpression[]; stored: boolean; elsewhere: boolean } {
  const ends: TSESTree.CallExpression[] = [];
  const handed: TSESTree.CallExpression[] = [];
  let stored = false;
  let closureEnds = false;
  for (const reference of variable.references) {
    if (!reference.isRead()) continue;
    const id = reference.identifier;
    const method = methodCallOn(id);
    if (ownerOf(id) !== owner) {
      // A closure that ends the span owns it; one that uses it does not.
      if (method?.method === end) closureEnds = true;
      continue;
    }
    if (method) {
      if (method.method === end) ends.push(method.call);
      continue;
    }
    const usage = outermost(id);
    const parent = usage.parent;
    if (!parent) continue;
    if (parent.type === AST_NODE_TYPES.CallExpression && parent.arguments.includes(usage as TSESTree.CallExpressionArgument)) {
      if (!isContextCall(parent)) handed.push(parent);
    } else if (STORED_IN.has(parent.type) && !(parent.type === AST_NODE_TYPES.AssignmentExpression && parent.left === usage)) {
      stored = true;
    }
  }
  // Handed to a function while this one never ends it: that function may end it later.
  return { ends, handed, stored, elsewhere: stored || closureEnds || (handed.length > 0 && ends.length === 0) };
}

/** The function a node runs in (not counting the node itself), or the program for top-level code. */
export function ownerOf(node: TSESTree.Node): FunctionNode | TSESTree.Program {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunction(current)) return current;
    if (current.type === AST_NODE_TYPES.Program) return current;
  }
  throw new Error("node outside a program");
}

function nameOf(spec: ManualSpanSpec, call: TSESTree.CallExpression): string | undefined {
  for (const source of spec.names) {
    if (!("arg" in source)) continue;
    const arg = call.arguments[source.arg];
    const value = source.property ? staticProperty(arg, source.property) : staticString(arg);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** The file imports or requires one of these modules (any binding, types included: `import type { Tracer }`). */
function namesModule(sourceCode: Readonly<TSESLint.SourceCode>, modules: readonly string[]): boolean {
  const text = sourceCode.text;
  if (!modules.some((module) => text.includes(module))) return false;
  let found = false;
  walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
    if (found) return false;
    if (node.type === AST_NODE_TYPES.ImportDeclaration) found = modules.includes(node.source.value);
    else if (node.type === AST_NODE_TYPES.CallExpression && node.callee.type === AST_NODE_TYPES.Identifier && node.callee.name === "require") {
      const module = staticString(node.arguments[0]);
      found = module !== undefined && modules.includes(module);
    } else if (node.type === AST_NODE_TYPES.TSImportType) {
      const argument = node.argument;
      found = argument.type === AST_NODE_TYPES.TSLiteralType && argument.literal.type === AST_NODE_TYPES.Literal && modules.includes(String(argument.literal.value));
    }
    return !found;
  });
  return found;
}

/** `span.<end>()` (or `span?.<end>()`, `span!.<end>()`): the call, when `id` is the object of one. */
export function methodCallOn(id: TSESTree.Node): { call: TSESTree.CallExpression; method: string | undefined } | undefined {
  let node: TSESTree.Node = id;
  while (node.parent?.type === AST_NODE_TYPES.TSNonNullExpression) node = node.parent;
  const member = node.parent;
  if (member?.type !== AST_NODE_TYPES.MemberExpression || member.object !== node) return undefined;
  const call = member.parent;
  if (call?.type !== AST_NODE_TYPES.CallExpression || call.callee !== member) return undefined;
  return { call, method: memberKey(member) };
}

/**
 * The end call made on the span that `id` refers to: `span.end()`, or through methods that return the span
 * itself (`observation.update({ … }).end()`, catalogue `chainMethods`).
 */
export function endCallOn(id: TSESTree.Node, spec: ManualSpanSpec): TSESTree.CallExpression | undefined {
  let method = methodCallOn(id);
  while (method && method.method !== spec.end && method.method !== undefined && spec.chainMethods?.includes(method.method)) method = methodCallOn(method.call);
  return method?.method === spec.end ? method.call : undefined;
}

/** The span is ended with its SDK's end method in the function it starts in. */
function endedInOwner(variable: Variable, spec: ManualSpanSpec, owner: FunctionNode | TSESTree.Program): boolean {
  return variable.references.some((reference) => methodCallOn(reference.identifier)?.method === spec.end && ownerOf(reference.identifier) === owner);
}

/**
 * Every manual span of the file kept in a local, in source order. `dir`: the file's directory, where a module that
 * keeps the SDK's tracer in a binding of its own is read (src/scopes/tracer-bindings.ts).
 */
export function findManualSpans(sourceCode: Readonly<TSESLint.SourceCode>, catalogue: Catalogue, tracker: Tracker | undefined, dir?: string): ManualSpan[] {
  if (!tracker || catalogue.manualSpans.length === 0) return [];
  const { map } = traceMapOf(catalogue);
  const starts = new Map<TSESTree.CallExpression, { spec: ManualSpanSpec; byShape: boolean }>();
  /** Calls that return a tracer, by spec: `trace.getTracer("app")`, dd-trace's `init()`. */
  const tracerCalls = new Map<TSESTree.Node, ManualSpanSpec>();
  const providers = new Map<TSESTree.Node, ManualSpanSpec>();
  for (const ref of trackModules(tracker, map)) {
    const key = ref.info as string;
    const spec = catalogue.manualSpans[Number(key.slice(1))] as ManualSpanSpec;
    if (key.startsWith("p") && (ref.node.type === AST_NODE_TYPES.CallExpression || ref.node.type === AST_NODE_TYPES.NewExpression)) providers.set(ref.node, spec);
    if (ref.node.type !== AST_NODE_TYPES.CallExpression) continue;
    if (key.startsWith("s")) starts.set(ref.node, { spec, byShape: false });
    else if (key.startsWith("t")) tracerCalls.set(ref.node, spec);
  }
  // provider.getTracer("app"), with `const provider = new NodeTracerProvider(…)` or `trace.getTracerProvider()`.
  if (providers.size > 0) {
    const providerVariables = holders(sourceCode, providers);
    walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
      if (node.type !== AST_NODE_TYPES.CallExpression || node.callee.type !== AST_NODE_TYPES.MemberExpression || memberKey(node.callee) !== "getTracer") return;
      const object = skipWrappers(node.callee.object);
      const variable = object.type === AST_NODE_TYPES.Identifier ? ASTUtils.findVariable(sourceCode.getScope(object), object) : null;
      const spec = providers.get(object) ?? (variable ? providerVariables.get(variable) : undefined);
      if (spec) tracerCalls.set(node, spec);
    });
  }

  // Where those tracers are kept: `const tracer = trace.getTracer()`, `this.tracer = …`, `tracer = …` in a class body.
  const tracerVariables = holders(sourceCode, tracerCalls);
  const tracerProperties = new Map<string, ManualSpanSpec>();
  for (const [call, spec] of tracerCalls) {
    const parent = call.parent;
    if (parent?.type === AST_NODE_TYPES.AssignmentExpression && parent.right === call && parent.left.type === AST_NODE_TYPES.MemberExpression && parent.left.object.type === AST_NODE_TYPES.ThisExpression) {
      const key = memberKey(parent.left);
      if (key !== undefined) tracerProperties.set(key, spec);
    } else if (parent?.type === AST_NODE_TYPES.PropertyDefinition && parent.value === call && !parent.computed) {
      const key = parent.key.type === AST_NODE_TYPES.PrivateIdentifier ? `#${parent.key.name}` : parent.key.type === AST_NODE_TYPES.Identifier ? parent.key.name : undefined;
      if (key !== undefined) tracerProperties.set(key, spec);
    }
  }

  const methodSpecs = catalogue.manualSpans.filter((spec) => spec.form === "tracer-method");
  const byShapeSpecs = methodSpecs.filter((spec) => spec.anyObjectWhenEnded && namesModule(sourceCode, spec.modules));
  // `tracer.startSpan()` on a module-level binding assigned the SDK's module tracer at run time, here or in a module it imports.
  const boundAtRunTime = createTracerBindings(sourceCode, methodSpecs.filter((spec) => spec.moduleIsTracer), dir);
  const tracerOf = (receiver: TSESTree.Node): ManualSpanSpec | undefined => {
    const object = skipWrappers(receiver);
    const direct = tracerCalls.get(object);
    if (direct) return direct;
    if (object.type === AST_NODE_TYPES.Identifier) {
      const variable = ASTUtils.findVariable(sourceCode.getScope(object), object);
      return variable ? tracerVariables.get(variable) : undefined;
    }
    if (object.type === AST_NODE_TYPES.MemberExpression && object.object.type === AST_NODE_TYPES.ThisExpression) {
      const key = memberKey(object);
      return key === undefined ? undefined : tracerProperties.get(key);
    }
    return undefined;
  };
  if (methodSpecs.length > 0) {
    const methods = new Set(methodSpecs.map((spec) => spec.path.at(-1)));
    walk(sourceCode.ast, sourceCode.visitorKeys, (node) => {
      if (node.type !== AST_NODE_TYPES.CallExpression || starts.has(node)) return;
      const callee = skipWrappers(node.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return;
      const method = memberKey(callee);
      if (method === undefined || !methods.has(method)) return;
      const bound = tracerOf(callee.object) ?? boundAtRunTime(callee.object);
      if (bound && bound.path.at(-1) === method) starts.set(node, { spec: bound, byShape: false });
      else {
        const loose = byShapeSpecs.find((spec) => spec.path.at(-1) === method);
        if (loose) starts.set(node, { spec: loose, byShape: true });
      }
    });
  }

  /** `<tracer>.scope().activate(span, () => { … })` on a tracer of the span's SDK: the call and its callback. */
  const runnersOf = (variable: Variable, spec: ManualSpanSpec): Map<TSESTree.CallExpression, FunctionNode> | undefined => {
    let runners: Map<TSESTree.CallExpression, FunctionNode> | undefined;
    for (const reference of variable.references) {
      const usage = outermost(reference.identifier);
      const call = usage.parent;
      if (call?.type !== AST_NODE_TYPES.CallExpression) continue;
      const callee = skipWrappers(call.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) continue;
      for (const runner of SPAN_RUNNERS) {
        const callback = call.arguments[runner.callback];
        if (runner.sdk !== spec.sdk || call.arguments[runner.span] !== usage || memberKey(callee) !== runner.method || !callback || !isFunction(callback)) continue;
        // Down the chain `tracer.scope()` to the tracer, which must be the SDK's.
        let holder: TSESTree.Node = skipWrappers(callee.object);
        for (const step of [...runner.chain].reverse()) {
          const inner = holder.type === AST_NODE_TYPES.CallExpression ? skipWrappers(holder.callee) : undefined;
          holder = inner?.type === AST_NODE_TYPES.MemberExpression && memberKey(inner) === step ? skipWrappers(inner.object) : call;
        }
        const tracer = holder === call ? undefined : (tracerOf(holder) ?? boundAtRunTime(holder));
        if (tracer?.sdk === spec.sdk) (runners ??= new Map()).set(call, callback);
      }
    }
    return runners;
  };

  const spans: ManualSpan[] = [];
  const add = (call: TSESTree.CallExpression, spec: ManualSpanSpec, byShape: boolean) => {
    const stored = storedIn(sourceCode, call);
    if (!stored) return;
    const owner = ownerOf(call);
    const name = nameOf(spec, call);
    // Returned in an object to same-file callers that destructure it: judged in each of them (src/scopes/returned-spans.ts).
    if (owner.type !== AST_NODE_TYPES.Program) {
      const consumers = consumersOfReturnedSpan(sourceCode, stored.variable, owner, spec);
      for (const consumer of consumers) {
        // By shape only, the span counts when the consumer ends it, itself or through a same-file function.
        if (byShape && !endedThroughHelper(sourceCode, consumer.variable, spec)) continue;
        spans.push({ spec, call, ...consumer, name, byShape, returnedBy: owner, runners: runnersOf(consumer.variable, spec) });
      }
      if (consumers.length > 0) return;
    }
    if (byShape && !endedInOwner(stored.variable, spec, owner)) return;
    const span = { spec, call, variable: stored.variable, statement: stored.statement, owner, name, byShape, runners: runnersOf(stored.variable, spec) };
    spans.push(span);
    // const child = observation.startObservation("retrieve"): a child span, started from this one.
    if (spec.childMethod === undefined) return;
    for (const reference of stored.variable.references) {
      const child = methodCallOn(reference.identifier);
      if (child?.method === spec.childMethod && !starts.has(child.call)) {
        starts.set(child.call, { spec, byShape: false });
        add(child.call, spec, false);
      }
    }
  };
  for (const [call, { spec, byShape }] of [...starts]) add(call, spec, byShape);
  return spans.sort((a, b) => a.call.range[0] - b.call.range[0]);
}

/** "span 'fetch' started by tracer.startSpan()" */
export function describeManualSpan(span: ManualSpan, sourceCode: Readonly<TSESLint.SourceCode>): string {
  const callee = skipWrappers(span.call.callee);
  const text = callee.type === AST_NODE_TYPES.MemberExpression ? `${sourceCode.getText(callee.object).split("\n")[0]}.${sourceCode.getText(callee.property)}` : sourceCode.getText(callee);
  const what = span.name === undefined ? `a ${span.spec.kind}` : `${span.spec.kind} '${span.name}'`;
  return `${what} started by ${text}()`;
}
