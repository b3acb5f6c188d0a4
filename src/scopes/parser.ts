/**
 * typescript-eslint's parser for the other files the model reads from disk (src/scopes/exit-listeners.ts,
 * src/scopes/foreign-openers.ts), loaded on first use: it loads TypeScript, which a lint of JavaScript files
 * never needs otherwise (tests/e2e/cli-real-engine.test.ts checks what a run loads).
 */
import type * as Parser from "@typescript-eslint/parser";

let parser: typeof Parser | undefined;

export function parseForESLint(...args: Parameters<typeof Parser.parseForESLint>): ReturnType<typeof Parser.parseForESLint> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy and synchronous (dist/ is CommonJS)
  parser ??= require("@typescript-eslint/parser") as typeof Parser;
  return parser.parseForESLint(...args);
}
