/**
 * typescript-eslint's parser for the other files the model reads from disk (src/scopes/exit-listeners.ts,
 * src/scopes/foreign-openers.ts), loaded on first use: it loads TypeScript, which a lint of JavaScript files
 * never needs otherwise (tests/e2e/cli-real-engine.test.ts checks what a run loads).
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import type * as Parser from "@typescript-eslint/parser";
import type * as TS from "typescript";
import { SourceCode } from "eslint";

let parser: typeof Parser | undefined;

export function parseForESLint(...args: Parameters<typeof Parser.parseForESLint>): ReturnType<typeof Parser.parseForESLint> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy and synchronous (dist/ is CommonJS)
  parser ??= require("@typescript-eslint/parser") as typeof Parser;
  return parser.parseForESLint(...args);
}

/**
 * A file of the program read from disk, as ESLint would see it: typescript-eslint's parser without a program, its
 * scope manager, `parent` links set. Undefined when it does not parse. With `program` (one that holds the file), its
 * parser services are those of a type-aware lint of the file: the program, and the maps to its nodes.
 */
export function parseSourceCode(filePath: string, text: string, sourceType: "module" | "script", program?: TS.Program): Readonly<TSESLint.SourceCode> | undefined {
  try {
    const jsx = /\.[jt]sx$/u.test(filePath);
    const { ast, scopeManager, visitorKeys, services } = parseForESLint(text, {
      ...(program ? { programs: [program] } : {}),
      filePath,
      sourceType,
      ecmaVersion: "latest",
      range: true,
      loc: true,
      tokens: true,
      comment: true,
      ecmaFeatures: { jsx },
    });
    // ESLint sets `parent` as it traverses a file; a file parsed here gets them the same way.
    setParents(ast as unknown as TSESTree.Node, visitorKeys as Readonly<Record<string, readonly string[] | undefined>>);
    return new SourceCode({ text, ast: ast as never, scopeManager: scopeManager as never, visitorKeys: visitorKeys as never, parserServices: services }) as unknown as TSESLint.SourceCode;
  } catch {
    return undefined;
  }
}

function setParents(root: TSESTree.Node, visitorKeys: Readonly<Record<string, readonly string[] | undefined>>): void {
  const stack: TSESTree.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as TSESTree.Node;
    for (const key of visitorKeys[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      for (const child of Array.isArray(value) ? value : [value]) {
        if (child && typeof (child as TSESTree.Node).type === "string") {
          (child as { parent?: TSESTree.Node }).parent = node;
          stack.push(child as TSESTree.Node);
        }
      }
    }
  }
}
