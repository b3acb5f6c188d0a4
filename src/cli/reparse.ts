import * as path from "node:path";
import type { parse as ParseTypeScript } from "@typescript-eslint/parser";
import type { parse as ParseJavaScript } from "espree";

// Both parsers load on the first output to check: a run that changes nothing loads neither.
let parseTypeScript: typeof ParseTypeScript | undefined;
let parseJavaScript: typeof ParseJavaScript | undefined;

/**
 * JSX is on for every JavaScript extension (React code often lives in .js)
 * and for .tsx; off for .ts/.mts/.cts, where `<T>value` is a type assertion.
 */
export function jsxForExtension(filePath: string): boolean {
  return !/\.[cm]?ts$/.test(path.extname(filePath));
}

/**
 * Parses `code` the way the file's extension says it must parse. Returns
 * `undefined` when it parses, else a one-line reason with line:column.
 * This is the last guard before a write: the engine's word is not enough.
 *
 * TypeScript is checked with typescript-eslint's parser. JavaScript with espree, ESLint's
 * own parser: a file that was standard JavaScript stays standard JavaScript.
 * When the `original` text was not (decorators, sloppy-mode code), the output is held to
 * what typescript-eslint's parser accepts, as the engine was (src/codemods/lint-engine.ts).
 */
export function findSyntaxError(code: string, filePath: string, original?: string): string | undefined {
  if (/\.[cm]?js$|\.jsx$/.test(path.extname(filePath))) {
    const error = javaScriptError(code, filePath);
    if (error === undefined) return undefined;
    if (original === undefined || javaScriptError(original, filePath) === undefined) return error;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy and synchronous (dist/ is CommonJS)
  parseTypeScript ??= (require("@typescript-eslint/parser") as typeof import("@typescript-eslint/parser")).parse;
  try {
    parseTypeScript(code, {
      filePath,
      ecmaFeatures: { jsx: jsxForExtension(filePath) },
      sourceType: "module",
      range: false,
      loc: false,
      comment: false,
      tokens: false,
      // The "unsupported TypeScript version" banner is noise in a CLI run.
      loggerFn: false,
    });
    return undefined;
  } catch (error) {
    return describeParseError(error);
  }
}

/** As the engine parses JavaScript (src/codemods/lint-engine.ts): a module, or CommonJS for `.cjs` and, failing that, `.js/.jsx`. */
function javaScriptError(code: string, filePath: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy and synchronous (dist/ is CommonJS)
  parseJavaScript ??= (require("espree") as typeof import("espree")).parse;
  const sourceTypes = /\.cjs$/.test(filePath) ? (["commonjs"] as const) : /\.jsx?$/.test(filePath) ? (["module", "commonjs"] as const) : (["module"] as const);
  let first: string | undefined;
  for (const sourceType of sourceTypes) {
    try {
      // The BOM is not JavaScript: ESLint strips it before parsing, and so does this check.
      parseJavaScript(code.replace(/^\uFEFF/u, ""), { ecmaVersion: "latest", sourceType, ecmaFeatures: { jsx: true } });
      return undefined;
    } catch (error) {
      // espree's `column` is already 1-based.
      const { message, lineNumber, column } = error as { message?: unknown; lineNumber?: unknown; column?: unknown };
      first ??= typeof message === "string" && typeof lineNumber === "number" && typeof column === "number" ? `${lineNumber}:${column} ${oneLine(message)}` : describeParseError(error);
    }
  }
  return first;
}

/** typescript-estree errors carry a 1-based `lineNumber` and a 0-based `column`. */
export function describeParseError(error: unknown): string {
  const { message, lineNumber, column } = error as { message?: unknown; lineNumber?: unknown; column?: unknown };
  const text = oneLine(typeof message === "string" ? message : String(error));
  if (typeof lineNumber === "number" && typeof column === "number") return `${lineNumber}:${column + 1} ${text}`;
  return text;
}

export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, " ").trim();
}
