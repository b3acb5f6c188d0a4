/**
 * How the codemod parses a file, shared by the engine (src/codemods/lint-engine.ts) and the
 * CLI's re-parse guard (src/cli/reparse.ts). Light on purpose: no parser is loaded here.
 *
 * TypeScript files with typescript-eslint's parser; JavaScript files with espree, ESLint's
 * default parser and what most projects lint `.js` with (about twice as fast, and it does not
 * load TypeScript): as a module and, for `.js/.jsx`, which Node may load either way, as
 * CommonJS; then with typescript-eslint's parser, which takes what espree does not (decorators).
 */
export type ParserKind = "espree" | "typescript";

/** A way to parse a file: the parser, and whether the file is CommonJS (a script Node wraps in a function). */
export interface ParseMode {
  readonly parser: ParserKind;
  readonly commonjs: boolean;
}

/** The ways a file is parsed, tried in turn until one succeeds. */
export function parseModesFor(filePath: string): readonly ParseMode[] {
  const commonjs = /\.c[jt]s$/u.test(filePath);
  if (/\.[cm]?tsx?$/u.test(filePath)) return [{ parser: "typescript", commonjs }];
  const either = /\.jsx?$/u.test(filePath);
  return [
    { parser: "espree", commonjs },
    ...(either ? [{ parser: "espree" as const, commonjs: true }] : []),
    { parser: "typescript", commonjs },
  ];
}

/**
 * JSX is on for every JavaScript extension (React code often lives in .js)
 * and for .tsx; off for .ts/.mts/.cts, where `<T>value` is a type assertion.
 */
export function jsxFor(filePath: string): boolean {
  return !/\.[cm]?ts$/u.test(filePath);
}
