import { createRequire } from "node:module";
import type { parse as ParseJavaScript } from "espree";
import { jsxFor, parseModesFor } from "../codemods/parse-modes";
import type { ParseMode } from "../codemods/parse-modes";

/** typescript-estree's `parse`: the syntax tree alone. */
type ParseTypeScript = (code: string, options: Record<string, unknown>) => unknown;

// Both parsers load on the first output to check: a run that changes nothing loads neither.
let parseTypeScript: ParseTypeScript | undefined;
let parseJavaScript: typeof ParseJavaScript | undefined;

/**
 * Parses `code` the way the file's extension says it must parse. Returns
 * `undefined` when it parses, else a one-line reason with line:column.
 * This is the last guard before a write: the engine's word is not enough.
 *
 * The ways are the engine's (src/codemods/parse-modes.ts). JavaScript is checked with espree,
 * ESLint's own parser: a file that was standard JavaScript stays standard JavaScript (this also
 * rejects a name declared twice, which typescript-eslint's parser lets through). When the
 * `original` text was not standard JavaScript (decorators), the output is held to what
 * typescript-eslint's parser accepts, as the engine was. TypeScript is checked with
 * typescript-eslint's parser.
 */
export function findSyntaxError(code: string, filePath: string, original?: string): string | undefined {
  const modes = parseModesFor(filePath);
  const espree = modes.filter((mode) => mode.parser === "espree");
  if (espree.length > 0) {
    const error = javaScriptError(code, filePath, espree);
    if (error === undefined) return undefined;
    if (original === undefined || javaScriptError(original, filePath, espree) === undefined) return error;
  }
  return typeScriptError(code, filePath, modes.find((mode) => mode.parser === "typescript"));
}

/** espree's error for the first way, or `undefined` when one of the ways parses. */
function javaScriptError(code: string, filePath: string, modes: readonly ParseMode[]): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy and synchronous (dist/ is CommonJS)
  parseJavaScript ??= (require("espree") as typeof import("espree")).parse;
  let first: string | undefined;
  for (const mode of modes) {
    try {
      // The BOM is not JavaScript: ESLint strips it before parsing, and so does this check.
      parseJavaScript(code.replace(/^\uFEFF/u, ""), { ecmaVersion: "latest", sourceType: mode.commonjs ? "commonjs" : "module", ecmaFeatures: { jsx: jsxFor(filePath) } });
      return undefined;
    } catch (error) {
      // espree's `column` is already 1-based.
      const { message, lineNumber, column } = error as { message?: unknown; lineNumber?: unknown; column?: unknown };
      first ??= typeof message === "string" && typeof lineNumber === "number" && typeof column === "number" ? `${lineNumber}:${column} ${oneLine(message)}` : describeParseError(error);
    }
  }
  return first;
}

/**
 * typescript-eslint's parser, minus what only ESLint needs. The parser's own `parse` always builds
 * tokens, comments, locations and a scope manager, whatever the options say; a syntax check needs
 * none of them, and skipping them cuts a check by about a third. typescript-estree is the parser's
 * dependency (resolved from the parser, so it is the very version the parser and the engine use):
 * it accepts and rejects exactly what the parser does.
 */
function loadTypeScriptParser(): ParseTypeScript {
  const fromParser = createRequire(require.resolve("@typescript-eslint/parser"));
  return (fromParser("@typescript-eslint/typescript-estree") as { parse: ParseTypeScript }).parse;
}

function typeScriptError(code: string, filePath: string, mode: ParseMode | undefined): string | undefined {
  parseTypeScript ??= loadTypeScriptParser();
  try {
    parseTypeScript(code, {
      filePath,
      jsx: jsxFor(filePath),
      // As @typescript-eslint/parser maps ESLint's source types.
      sourceType: mode?.commonjs ? "script" : "module",
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
