/**
 * Which flush a file should run, written with the file's own bindings:
 * `traceloop.forceFlush()` after `import * as traceloop`, `sdk.shutdown()` after
 * `const sdk = new NodeSDK(…)`, `forceFlush()` (imported when missing) after
 * `import { initialize } from "@traceloop/node-server-sdk"`.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { ASTUtils, AST_NODE_TYPES } from "@typescript-eslint/utils";
import type { FlushSpec, InitializerSpec, SdkId } from "../../scopes/catalogue";
import type { ImportedSetup } from "../../scopes/imported-setup";
import type { DependencySetup } from "../../scopes/program-setup";
import type { FileModel } from "../../scopes/model";
import { skipWrappers, staticString } from "../../scopes/ast";
import { fileFlavour, insertImport } from "../../fixes/imports";
import { startsTracing } from "../../scopes/pipeline";

export interface FlushPlan {
  /** "Traceloop", "OpenTelemetry", "./tracing" */
  readonly sdk: string;
  /** The call as messages show it. */
  readonly label: string;
  /** The call text and the import fixes it needs; `undefined` when no call can be written from this file. */
  readonly call: { readonly text: string; readonly fixes: readonly TSESLint.RuleFix[] } | undefined;
}

const SDK_NAMES: Record<SdkId, string> = {
  traceloop: "Traceloop",
  opentelemetry: "OpenTelemetry",
  langfuse: "Langfuse",
  sentry: "Sentry",
  openinference: "OpenInference",
  langsmith: "LangSmith",
  "dd-trace": "dd-trace",
  "openai-agents": "OpenAI Agents",
  "vercel-ai": "Vercel AI SDK",
  mastra: "Mastra",
  custom: "tracing",
};

/** Classes whose instance flushes with `forceFlush()` (a span processor); the others shut down. */
const FORCE_FLUSH_CLASSES = new Set(["LangfuseSpanProcessor"]);

/** A fixer that only builds fix objects: plans are computed once, before any report. */
const plainFixer: TSESLint.RuleFixer = {
  insertTextAfter: (node, text) => ({ range: [node.range[1], node.range[1]], text }),
  insertTextAfterRange: (range, text) => ({ range: [range[1], range[1]], text }),
  insertTextBefore: (node, text) => ({ range: [node.range[0], node.range[0]], text }),
  insertTextBeforeRange: (range, text) => ({ range: [range[0], range[0]], text }),
  remove: (node) => ({ range: node.range, text: "" }),
  removeRange: (range) => ({ range, text: "" }),
  replaceText: (node, text) => ({ range: node.range, text }),
  replaceTextRange: (range, text) => ({ range, text }),
};

const plans = new WeakMap<object, FlushPlan>();

/** "the flush of the tracing that new TracingSDK() of @trigger.dev/core/v3/workers starts (through initializeTelemetry())" */
function dependencyFlushLabel(setup: DependencySetup): string {
  return `the flush of the tracing that new ${setup.className}() of ${setup.specifier} starts${setup.via ? ` (through ${setup.via})` : ""}`;
}

export function flushPlanFor(model: FileModel, filename: string): FlushPlan {
  let plan = plans.get(model);
  if (!plan) {
    plan = computePlan(model, filename);
    plans.set(model, plan);
  }
  return plan;
}

function computePlan(model: FileModel, filename: string): FlushPlan {
  const sourceCode = model.sourceCode;
  const flushes = model.catalogue.flushes;
  const callFlushOf = (sdk: SdkId) => flushes.find((spec): spec is Extract<FlushSpec, { form: "call" }> => spec.form === "call" && spec.sdk === sdk);
  const customFlushOf = (module: string) =>
    flushes.find((spec): spec is Extract<FlushSpec, { form: "call" }> => spec.form === "call" && spec.sdk === "custom" && spec.modules.includes(module));

  // 1. A flush the file already runs, when it can be written anywhere in the file.
  for (const flush of model.flushes()) {
    // A flush method of a package's class (`tracingSDK.flush()`) counts, but no rewrite that writes it has been run: named only.
    if (flush.dependency) continue;
    const text = sourceCode.getText(flush.node);
    if (!text.includes("\n") && flush.node.arguments.every((arg) => arg.type === AST_NODE_TYPES.Literal) && rootIsModuleLevel(sourceCode, flush.node.callee)) {
      const sdk = flush.spec.sdk === "custom" && flush.spec.form === "call" ? (flush.spec.modules[0] ?? "tracing") : SDK_NAMES[flush.spec.sdk];
      return { sdk, label: text, call: { text, fixes: [] } };
    }
  }

  // 2. From what starts tracing here.
  let fallback: FlushPlan | undefined;
  /** SDKs started with tracing off here: another object (a NodeSDK, a provider) owns their spans. */
  const off = new Set<SdkId>();
  for (const init of model.initializers()) {
    const spec = init.spec;
    // `new Mastra({ agents })` without observability owns no spans either.
    if (!startsTracing(sourceCode, init)) continue;
    if (spec?.offWhenFalse !== undefined && optionIsFalse(sourceCode, init.node, spec.offWhenFalse)) {
      off.add(spec.sdk);
      continue;
    }
    // `new TracingSDK(…)`, whose constructor starts tracing in the package: the flush is the package's own (named, not written).
    if (init.dependency && spec) {
      fallback ??= { sdk: SDK_NAMES[spec.sdk], label: dependencyFlushLabel(init.dependency), call: undefined };
      continue;
    }
    // `await loadCliConfig()` of ./config/config.js, which returns `new Config()` of @google/gemini-cli-core: the
    // tracing is the package's, and so is its flush (named, not written).
    if (init.imported?.dependency !== undefined && spec) {
      fallback ??= { sdk: SDK_NAMES[spec.sdk], label: `the flush of the tracing that ${init.imported.dependency} starts (through ${init.imported.specifier})`, call: undefined };
      continue;
    }
    const module = spec ? spec.modules.find((m) => importsModule(sourceCode, m)) ?? spec.modules[0] : moduleOf(init.node);
    if (!spec || spec.sdk === "custom") {
      if (module === undefined) continue;
      const custom = customFlushOf(module);
      if (custom) return moduleCall(sourceCode, filename, custom, module, module);
      fallback ??= { sdk: module, label: `the flush that ${module} exports (settings "flushes")`, call: undefined };
      continue;
    }
    if (spec.handleless) {
      // registerOTel() returns no provider: the flush is the global provider's, which no typed call reaches.
      fallback ??= { sdk: SDK_NAMES[spec.sdk], label: `forceFlush() of the tracer provider that ${spec.path.join(".")}() registered`, call: undefined };
      continue;
    }
    if (spec.construct) {
      const { className, method } = flushMethodOf(spec);
      const sdk = SDK_NAMES[spec.sdk];
      if (init.imported) {
        const plan = importedHolderCall(sourceCode, filename, init.imported, method);
        if (plan) return { sdk, ...plan };
        fallback ??= { sdk, label: `${method}() of the ${className} that ${init.imported.specifier} starts`, call: undefined };
        continue;
      }
      const binding = moduleLevelBinding(init.node);
      if (binding) return { sdk, label: `${binding}.${method}()`, call: { text: `${binding}.${method}()`, fixes: [] } };
      fallback ??= { sdk, label: `${method}() of the ${className}`, call: undefined };
      continue;
    }
    const flush = callFlushOf(spec.sdk);
    if (flush && module !== undefined) return moduleCall(sourceCode, filename, flush, module, SDK_NAMES[spec.sdk]);
    // A flush that is a method of an object this file does not hold (LangSmith's shared client): named, not written.
    const method = flushes.find((candidate) => candidate.form === "method" && candidate.sdk === spec.sdk);
    if (method) fallback ??= { sdk: SDK_NAMES[spec.sdk], label: method.example, call: undefined };
  }

  // 3. From the scopes the file opens (`traceloop.withWorkflow` with tracing started in another file).
  for (const scope of model.scopes()) {
    const spec = scope.spec;
    if (!("modules" in spec) || !spec.modules || off.has(spec.sdk)) continue;
    const flush = callFlushOf(spec.sdk);
    const module = spec.modules.find((m) => importsModule(sourceCode, m));
    if (flush && module) return moduleCall(sourceCode, filename, flush, module, SDK_NAMES[spec.sdk]);
  }

  if (fallback) return fallback;
  // 4. A flush the user declared (`flushes: [{ module: "./otel", export: "flushTraces" }]`), e.g. in an `entry: true` file.
  const declared = flushes.find((spec): spec is Extract<FlushSpec, { form: "call" }> => spec.form === "call" && spec.sdk === "custom");
  if (declared?.modules[0]) return moduleCall(sourceCode, filename, declared, declared.modules[0], declared.modules[0]);
  const known = model.flushes()[0];
  if (known) return { sdk: SDK_NAMES[known.spec.sdk], label: known.spec.example, call: undefined };
  return { sdk: "tracing", label: "your tracing SDK's flush (settings \"flushes\")", call: undefined };
}

/** The class a constructed initializer makes, and its flush method: `shutdown`, or `forceFlush` for a span processor. */
function flushMethodOf(spec: InitializerSpec): { className: string; method: string } {
  const className = spec.className ?? (spec.path.at(-1) as string);
  return { className, method: spec.flushMethod ?? (FORCE_FLUSH_CLASSES.has(className) ? "forceFlush" : "shutdown") };
}

/**
 * `provider.shutdown()` of the provider an imported module exports: through the file's own binding of it, or an
 * import of it the fix adds (`import { provider } from "./tracing.js"`). Undefined when the module does not export it.
 */
function importedHolderCall(sourceCode: Readonly<TSESLint.SourceCode>, filename: string, setup: ImportedSetup, method: string): Omit<FlushPlan, "sdk"> | undefined {
  if (setup.local) {
    const text = `${setup.local.name}.${method}()`;
    return { label: text, call: { text, fixes: [] } };
  }
  // A module the program imports with `import()` where it chose, or that its command preloads: a static import
  // the fix added would load it at another time (or, for a `--require`d module, as another instance).
  const placed = setup.runs === "dynamic" || setup.runs === "preload";
  if (placed && !setup.shutdown?.local) return undefined;
  // The module's own flush function (`shutdownTracing()`): for a set-up in a function, whose holder is empty until
  // it runs, or when the holder is not exported.
  if (setup.shutdown && (setup.runs === "call" || setup.exported === undefined)) return importedCall(sourceCode, filename, setup.specifier, setup.shutdown.exported, setup.shutdown.local?.name, "()");
  if (setup.exported === undefined || placed) return undefined;
  return importedCall(sourceCode, filename, setup.specifier, setup.exported, undefined, `.${method}()`);
}

/** `name` + `tail` through the file's binding of the module's export `name`, or an import of it the fix adds. */
function importedCall(sourceCode: Readonly<TSESLint.SourceCode>, filename: string, specifier: string, name: string, local: string | undefined, tail: string): Omit<FlushPlan, "sdk"> {
  if (local !== undefined) return { label: `${local}${tail}`, call: { text: `${local}${tail}`, fixes: [] } };
  const imported = insertImport(plainFixer, sourceCode, fileFlavour(sourceCode, filename), specifier, [name]);
  const text = `${imported.names[name]}${tail}`;
  return { label: text, call: { text, fixes: imported.fixes } };
}

/** The call's first argument is an object literal whose `option` is statically `false`. */
function optionIsFalse(sourceCode: Readonly<TSESLint.SourceCode>, node: TSESTree.Node, option: string): boolean {
  if (node.type !== AST_NODE_TYPES.CallExpression) return false;
  const options = node.arguments[0] && skipWrappers(node.arguments[0]);
  if (options?.type !== AST_NODE_TYPES.ObjectExpression) return false;
  return options.properties.some(
    (property) =>
      property.type === AST_NODE_TYPES.Property &&
      !property.computed &&
      ((property.key.type === AST_NODE_TYPES.Identifier && property.key.name === option) || staticString(property.key) === option) &&
      ASTUtils.getStaticValue(property.value, sourceCode.getScope(property.value))?.value === false,
  );
}

/** `traceloop.forceFlush()` from the file's namespace, default or named import (or require), adding a named import when missing. */
function moduleCall(sourceCode: Readonly<TSESLint.SourceCode>, filename: string, spec: Extract<FlushSpec, { form: "call" }>, module: string, sdk: string): FlushPlan {
  const [head, ...rest] = spec.path;
  // getGlobalTraceProvider().forceFlush(): the flush is a method of the call's result.
  const result = spec.resultMethods?.[0] === undefined ? "" : `().${spec.resultMethods[0]}`;
  const tail = rest.map((segment) => `.${segment}`).join("") + result;
  const existing = existingBinding(sourceCode, module, head as string);
  if (existing) {
    const text = `${existing.whole ? `${existing.local}.${spec.path.join(".")}` : `${existing.local}${tail}`}()`;
    return { sdk, label: text, call: { text, fixes: [] } };
  }
  const imported = insertImport(plainFixer, sourceCode, fileFlavour(sourceCode, filename), module, [head as string]);
  const text = `${imported.names[head as string]}${tail}()`;
  return { sdk, label: text, call: { text, fixes: imported.fixes } };
}

/** A binding of `module` in this file: the whole module (`* as x`, default, `const x = require()`) or its export `name`. */
function existingBinding(sourceCode: Readonly<TSESLint.SourceCode>, module: string, name: string): { local: string; whole: boolean } | undefined {
  for (const statement of sourceCode.ast.body) {
    if (statement.type === AST_NODE_TYPES.ImportDeclaration && statement.source.value === module && statement.importKind !== "type") {
      for (const specifier of statement.specifiers) {
        if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier || specifier.type === AST_NODE_TYPES.ImportDefaultSpecifier) {
          return { local: specifier.local.name, whole: true };
        }
        const imported = specifier.imported.type === AST_NODE_TYPES.Identifier ? specifier.imported.name : specifier.imported.value;
        if (imported === name && specifier.importKind !== "type") return { local: specifier.local.name, whole: false };
      }
    }
    if (statement.type !== AST_NODE_TYPES.VariableDeclaration) continue;
    for (const declarator of statement.declarations) {
      if (!declarator.init || requiredModule(declarator.init) !== module) continue;
      if (declarator.id.type === AST_NODE_TYPES.Identifier) return { local: declarator.id.name, whole: true };
      if (declarator.id.type === AST_NODE_TYPES.ObjectPattern) {
        for (const property of declarator.id.properties) {
          if (
            property.type === AST_NODE_TYPES.Property &&
            !property.computed &&
            property.key.type === AST_NODE_TYPES.Identifier &&
            property.key.name === name &&
            property.value.type === AST_NODE_TYPES.Identifier
          ) {
            return { local: property.value.name, whole: false };
          }
        }
      }
    }
  }
  return undefined;
}

function requiredModule(node: TSESTree.Node): string | undefined {
  const inner = skipWrappers(node);
  if (inner.type !== AST_NODE_TYPES.CallExpression || inner.callee.type !== AST_NODE_TYPES.Identifier || inner.callee.name !== "require") return undefined;
  return staticString(inner.arguments[0]);
}

function importsModule(sourceCode: Readonly<TSESLint.SourceCode>, module: string): boolean {
  return sourceCode.ast.body.some(
    (statement) =>
      (statement.type === AST_NODE_TYPES.ImportDeclaration && statement.source.value === module) ||
      (statement.type === AST_NODE_TYPES.VariableDeclaration && statement.declarations.some((declarator) => declarator.init && requiredModule(declarator.init) === module)),
  );
}

/** The module of `import "./tracing"` or `require("./tracing")`. */
function moduleOf(node: TSESTree.Node): string | undefined {
  if (node.type === AST_NODE_TYPES.ImportDeclaration) return node.source.value;
  return requiredModule(node);
}

/** `const sdk = new NodeSDK(…)` at the top of the module (exported or not): `sdk`. */
function moduleLevelBinding(node: TSESTree.Node): string | undefined {
  const declarator = node.parent;
  if (declarator?.type !== AST_NODE_TYPES.VariableDeclarator || declarator.id.type !== AST_NODE_TYPES.Identifier) return undefined;
  const declaration = declarator.parent;
  const holder = declaration?.parent;
  const topLevel = holder?.type === AST_NODE_TYPES.Program || (holder?.type === AST_NODE_TYPES.ExportNamedDeclaration && holder.parent?.type === AST_NODE_TYPES.Program);
  return topLevel ? declarator.id.name : undefined;
}

/** `traceloop.forceFlush`, `provider.forceFlush`: the root identifier is bound at module level (or is a global). */
function rootIsModuleLevel(sourceCode: Readonly<TSESLint.SourceCode>, callee: TSESTree.Node): boolean {
  let root = skipWrappers(callee);
  while (root.type === AST_NODE_TYPES.MemberExpression) root = skipWrappers(root.object);
  if (root.type !== AST_NODE_TYPES.Identifier) return false;
  const variable = ASTUtils.findVariable(sourceCode.getScope(root), root);
  if (!variable) return false;
  return variable.defs.length === 0 || variable.scope.block.type === AST_NODE_TYPES.Program;
}
