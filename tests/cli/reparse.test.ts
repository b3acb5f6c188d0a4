/**
 * The last guard before a write: the output must parse the way the file's extension says.
 */
import { describe, expect, it } from "vitest";
import { findSyntaxError } from "../../src/cli/reparse";

describe("findSyntaxError", () => {
  it("accepts JavaScript as a module, and .js as CommonJS too", () => {
    expect(findSyntaxError("export const a = 1;\n", "/p/a.mjs")).toBeUndefined();
    expect(findSyntaxError('const RED = "\\033[31m";\nreturn;\n', "/p/a.cjs")).toBeUndefined();
    expect(findSyntaxError('const RED = "\\033[31m";\n', "/p/a.js")).toBeUndefined();
  });

  it("gives line:column (1-based) and espree's reason for JavaScript", () => {
    expect(findSyntaxError("const a = 1;\nconst b = ;\n", "/p/a.js")).toBe("2:11 Unexpected token ;");
  });

  it("rejects a redeclaration in JavaScript, which typescript-eslint's parser lets through", () => {
    const clash = 'const { trace } = require("x");\nconst { trace } = require("y");\n';
    expect(findSyntaxError(clash, "/p/a.cjs", 'const { trace } = require("x");\n')).toMatch(/^2:9 Identifier 'trace' has already been declared/u);
    expect(findSyntaxError(clash, "/p/a.ts")).toBeUndefined();
  });

  it("holds JavaScript that espree never took (decorators) to typescript-eslint's parser", () => {
    const decorated = "class A {\n  @traced()\n  run() {}\n}\n";
    expect(findSyntaxError(decorated, "/p/a.js")).toMatch(/^2:3 /u);
    expect(findSyntaxError(decorated, "/p/a.js", decorated)).toBeUndefined();
    expect(findSyntaxError(`${decorated}const = 1;\n`, "/p/a.js", decorated)).toMatch(/^5:7 /u);
  });

  it("checks TypeScript with typescript-eslint's parser, JSX only in .tsx", () => {
    expect(findSyntaxError("const a = <T,>(x: T) => x;\n", "/p/a.ts")).toBeUndefined();
    expect(findSyntaxError("const a = <div />;\n", "/p/a.tsx")).toBeUndefined();
    expect(findSyntaxError("const a = <div />;\n", "/p/a.ts")).toMatch(/^1:/u);
  });
});
