// The typed corpus of the type-aware benchmark: the TypeScript sources the `openai`
// package publishes (src/, ~300 files, async API-client code full of promises), copied
// with a tsconfig so typescript-eslint's project service builds one real program.
//
//   bench/.corpus/type-aware/plain/    the sources as published: most files open no traced
//                                      scope, as in a real application
//   bench/.corpus/type-aware/quarter/  one function or method in four (in source order) runs its
//                                      body inside `benchTracer.startActiveSpan(name, …)`; what
//                                      they call in the same file is in scope too
//   bench/.corpus/type-aware/traced/   every function and method body inside a span: every
//                                      statement of the program is in traced scope, the worst
//                                      case for a rule that only looks inside scopes
//
// startActiveSpan returns what its callback returns, so the wrapper keeps the types of the
// program (a Traceloop `withTask` would turn every return type into Promise<any>).
// bench/.corpus/ is gitignored; the package version is checked so two runs compare the same bytes.
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, "../..");
export const CORPUS = path.join(ROOT, "bench/.corpus/type-aware");
const require = createRequire(path.join(ROOT, "package.json"));
const SOURCE_PACKAGE = "openai";
// Installed where the lockfile puts it; `openai` exports no ./package.json, so not through require.resolve.
const PACKAGE_DIR = path.join(ROOT, "node_modules", SOURCE_PACKAGE);
const SOURCE_DIR = path.join(PACKAGE_DIR, "src");

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    module: "esnext",
    moduleResolution: "bundler",
    types: ["node"],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    esModuleInterop: true,
  },
  include: ["src/**/*.ts"],
};

const HEADER = 'import { trace as benchTrace } from "@opentelemetry/api";\nconst benchTracer = benchTrace.getTracer("bench");\n';

function listSources(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSources(full));
    else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(full);
  }
  return files.sort();
}

/** Walks an ESTree node, calling `enter(node, parent)`; returning false skips the node's children. */
function walk(node, parent, enter) {
  if (enter(node, parent) === false) return;
  for (const key of Object.keys(node)) {
    if (key === "parent") continue;
    const value = node[key];
    if (Array.isArray(value)) for (const child of value) if (child && typeof child.type === "string") walk(child, node, enter);
    if (value && typeof value.type === "string") walk(value, node, enter);
  }
}

/** The body of each outermost function and method (or one in `every`), wrapped in a span named after it. */
export function traceFunctions(code, every = 1) {
  const { parse } = require("@typescript-eslint/typescript-estree");
  const ast = parse(code, { range: true, jsx: false, comment: false });
  const edits = [];
  let seen = 0;
  walk(ast, null, (node, parent) => {
    let fn;
    let name;
    if (node.type === "FunctionDeclaration") {
      fn = node;
      name = node.id?.name ?? "default";
    } else if (node.type === "MethodDefinition" && node.kind !== "constructor" && node.kind !== "set") {
      fn = node.value;
      name = node.key.type === "Identifier" ? node.key.name : "method";
    } else if (node.type === "ArrowFunctionExpression" && parent?.type === "VariableDeclarator" && node.body.type === "BlockStatement") {
      fn = node;
      name = parent.id.type === "Identifier" ? parent.id.name : "arrow";
    }
    if (!fn?.body || fn.body.type !== "BlockStatement" || fn.body.body.length === 0 || fn.generator) return undefined;
    if (seen++ % every !== 0) return undefined;
    const [start, end] = fn.body.range;
    edits.push({ at: start + 1, text: ` return benchTracer.startActiveSpan(${JSON.stringify(name)}, ${fn.async ? "async " : ""}(benchSpan) => {` });
    edits.push({ at: end - 1, text: "}); " });
    return false; // nested functions run inside this span already
  });
  let result = code;
  for (const edit of edits.sort((a, b) => b.at - a.at)) result = result.slice(0, edit.at) + edit.text + result.slice(edit.at);
  return HEADER + result;
}

/** Builds (or reuses) both variants; returns their directories and file counts. */
export function buildCorpus() {
  const version = JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")).version;
  const stamp = path.join(CORPUS, "source.json");
  const sources = listSources(SOURCE_DIR);
  const current = fs.existsSync(stamp) ? JSON.parse(fs.readFileSync(stamp, "utf8")) : undefined;
  const variants = { plain: path.join(CORPUS, "plain"), quarter: path.join(CORPUS, "quarter"), traced: path.join(CORPUS, "traced") };
  const every = { quarter: 4, traced: 1 };
  if (current?.version !== version || current?.files !== sources.length || current?.variants !== Object.keys(variants).join()) {
    fs.rmSync(CORPUS, { recursive: true, force: true });
    for (const [variant, dir] of Object.entries(variants)) {
      for (const file of sources) {
        const target = path.join(dir, "src", path.relative(SOURCE_DIR, file));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const code = fs.readFileSync(file, "utf8");
        fs.writeFileSync(target, variant in every ? traceFunctions(code, every[variant]) : code);
      }
      fs.writeFileSync(path.join(dir, "tsconfig.json"), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
    }
    fs.writeFileSync(stamp, `${JSON.stringify({ package: SOURCE_PACKAGE, version, files: sources.length, variants: Object.keys(variants).join() }, null, 2)}\n`);
  }
  return { package: `${SOURCE_PACKAGE}@${version}`, files: sources.length, lines: sources.reduce((sum, file) => sum + fs.readFileSync(file, "utf8").split("\n").length, 0), variants };
}
