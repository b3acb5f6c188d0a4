/**
 * The jscodeshift face of the engine: `jscodeshift -t dist/codemods/<id>.js src/`.
 * jscodeshift's own parser is not used: the engine parses with typescript-eslint,
 * choosing JSX per extension, so what the rules see is what gets rewritten.
 */
import type { CodemodId } from "./engine";
import { createEngine } from "./engine";

/*
 * The parts of jscodeshift's `Transform` signature the engine uses, written out so that the
 * published types need no `jscodeshift` (a user of the ESLint rules should not download babel).
 * tests/codemods/transform-types.test.ts checks they stay assignable to jscodeshift's own.
 */
export interface FileInfo {
  readonly path: string;
  readonly source: string;
}
export interface API {
  report(message: string): void;
}
export interface Options {
  readonly [option: string]: unknown;
}

export type Transform = ((file: FileInfo, api: API, options: Options) => string | undefined) & { parser: string };

/**
 * What a codemod module exports (`module.exports = transform`), as its published type: the call
 * only. The `parser` property jscodeshift reads is there at run time, but a declared property of
 * an `export =` value is a named export to TypeScript that Node's ESM loader cannot see
 * (@arethetypeswrong's "Named exports"), so it is left out of the type.
 */
export type CodemodTransform = (file: FileInfo, api: API, options: Options) => string | undefined;

export function transformFor(id: CodemodId): Transform {
  let engine: ReturnType<typeof createEngine> | undefined;
  const transform = (file: FileInfo, api: API, options: Options): string | undefined => {
    engine ??= createEngine({ transforms: [id], settings: parseSettings(options.settings) });
    if (!engine.mightChange(file.source, file.path)) return undefined;
    const result = engine.transform(file.source, file.path);
    for (const item of result.manual) {
      // Where the finding is in the file on disk: the input in a dry run (--dry), the written output otherwise.
      const at = options.dry ? (item.input ?? item) : item;
      api.report(`${file.path}:${at.line}:${at.column} ${item.reason}`);
    }
    return result.output;
  };
  // Declared for jscodeshift's sake; the engine picks its own parser per file extension.
  return Object.assign(transform, { parser: "tsx" });
}

/** `--settings='{"wrappers":[…]}'` on the jscodeshift command line. */
function parseSettings(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === "string") return JSON.parse(raw) as Record<string, unknown>;
  return raw as Record<string, unknown>;
}
