import * as path from "node:path";
import { parse } from "@typescript-eslint/parser";

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
 */
export function findSyntaxError(code: string, filePath: string): string | undefined {
  try {
    parse(code, {
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
