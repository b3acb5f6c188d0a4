// Turns a real file into one the codemod must change: the body of its first plain
// function is wrapped in a traced scope that can end the process.
//
//   function load(a) { BODY }
// becomes
//   function load(a) {
//     return traceloop.withTask({ name: "bench_3" }, async () => {
//       if (!process.env.BENCH_READY) { console.error("bench: not ready"); process.exit(1); }
//       BODY
//     });
//   }
//
// plus the SDK import (ESM or require, as the file is written). Four shapes, by index:
// a Traceloop task with exit(1), a workflow that stops early with exit(0), a
// startActiveSpan span with exit(2), and an exit in a helper the task calls.
import { parse } from "@typescript-eslint/typescript-estree";

const CONDITION = "!process.env.BENCH_READY";

function parseFile(text, filePath) {
  return parse(text, { range: true, jsx: !/\.[cm]?ts$/u.test(filePath), loggerFn: false, comment: false, tokens: false });
}

function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (key === "parent" || key === "range" || key === "loc") continue;
    const value = node[key];
    // Braces: without them this `else` belonged to the inner `if`, and single-node children (an export's
    // declaration, a class body, a method's function) were never walked.
    if (Array.isArray(value)) {
      for (const item of value) if (item && typeof item.type === "string") out.push(item);
    } else if (value && typeof value.type === "string") {
      out.push(value);
    }
  }
  return out;
}

/** The first function (source order) whose block body can move into an async arrow. */
function findFunction(ast) {
  const stack = [{ node: ast, parent: undefined }];
  let best;
  while (stack.length > 0) {
    const { node, parent } = stack.pop();
    const isFunction = node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression";
    const accessorOrConstructor = parent?.type === "MethodDefinition" && parent.kind !== "method";
    if (isFunction && !node.generator && node.body?.type === "BlockStatement" && node.body.body.length > 0 && !accessorOrConstructor) {
      if (!best || node.range[0] < best.range[0]) best = node;
    }
    for (const child of children(node).reverse()) stack.push({ node: child, parent: node });
  }
  return best;
}

/** Where a top-level statement may go: after a shebang and the directive prologue. */
function headerEnd(ast, text) {
  let position = text.startsWith("#!") ? text.indexOf("\n") + 1 : 0;
  for (const statement of ast.body) {
    if (statement.type !== "ExpressionStatement" || typeof statement.directive !== "string") break;
    position = statement.range[1];
  }
  return position;
}

function isModule(ast, filePath) {
  if (/\.(?:mjs|mts|ts|tsx)$/u.test(filePath)) return true;
  if (/\.c[jt]s$/u.test(filePath)) return false;
  return ast.body.some((statement) => /^(?:Import|Export)/u.test(statement.type));
}

function unusedName(text, wanted) {
  let name = wanted;
  for (let i = 2; new RegExp(`\\b${name}\\b`, "u").test(text); i++) name = `${wanted}${i}`;
  return name;
}

/** The injected file, or undefined when the file has no suitable function or the result would not parse. */
export function inject(text, filePath, index) {
  let ast;
  try {
    ast = parseFile(text, filePath);
  } catch {
    return undefined;
  }
  const fn = findFunction(ast);
  if (!fn) return undefined;
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const esm = isModule(ast, filePath);
  const shape = index % 4;
  const sdk = unusedName(text, "traceloop");
  const api = unusedName(text, "otelApi");
  const helper = unusedName(text, "ensureBenchReady");
  const guard = (code) => `if (${CONDITION}) {${eol}      console.error("bench: not ready");${eol}      process.exit(${code});${eol}    }`;
  const imports = [];
  const importOf = (name, module) => (esm ? `import * as ${name} from "${module}";` : `const ${name} = require("${module}");`);
  let open;
  if (shape === 2) {
    imports.push(importOf(api, "@opentelemetry/api"));
    open = `return ${api}.trace.getTracer("bench").startActiveSpan("bench_${index}", async (span) => {${eol}    ${guard(2)}${eol}    span.end();`;
  } else if (shape === 1) {
    imports.push(importOf(sdk, "@traceloop/node-server-sdk"));
    open = `return ${sdk}.withWorkflow({ name: "bench_${index}" }, async () => {${eol}    if (${CONDITION}) process.exit(0);`;
  } else if (shape === 3) {
    imports.push(importOf(sdk, "@traceloop/node-server-sdk"));
    imports.push(`function ${helper}() {${eol}  if (${CONDITION}) {${eol}    console.error("bench: not ready");${eol}    process.exit(1);${eol}  }${eol}}`);
    open = `return ${sdk}.withTask({ name: "bench_${index}" }, async () => {${eol}    ${helper}();`;
  } else {
    imports.push(importOf(sdk, "@traceloop/node-server-sdk"));
    open = `return ${sdk}.withTask({ name: "bench_${index}" }, async () => {${eol}    ${guard(1)}`;
  }
  const [bodyStart, bodyEnd] = fn.body.range;
  const header = headerEnd(ast, text);
  const inner = text.slice(bodyStart + 1, bodyEnd - 1);
  const result =
    text.slice(0, header) +
    (header > 0 ? eol : "") +
    imports.join(eol) +
    eol +
    text.slice(header, bodyStart + 1) +
    eol +
    `    ${open}` +
    inner +
    `${eol}  });${eol}` +
    text.slice(bodyEnd - 1);
  try {
    parseFile(result, filePath);
  } catch {
    return undefined;
  }
  return result;
}
