import { describe, expect, expectTypeOf, it } from "vitest";
import type { Transform as JscodeshiftTransform } from "jscodeshift";
import exitToThrow from "../../src/codemods/exit-to-throw";
import recordSpanErrors from "../../src/codemods/record-span-errors";

describe("the transforms' published types", () => {
  // The package ships its own minimal jscodeshift types (src/codemods/transform.ts); they must stay
  // usable wherever jscodeshift's `Transform` is expected. `npm run typecheck` fails if they drift.
  it("are assignable to jscodeshift's Transform", () => {
    expectTypeOf(exitToThrow).toExtend<JscodeshiftTransform>();
    expectTypeOf(recordSpanErrors).toExtend<JscodeshiftTransform>();
    // jscodeshift reads `parser` from the module; it is there at run time, not in the published type.
    expect((exitToThrow as unknown as { parser: string }).parser).toBe("tsx");
  });
});
