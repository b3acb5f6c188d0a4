/**
 * require-span-error-recording reads a function imported from an installed package in its installed code
 * (src/scopes/package-functions.ts) and judges it like a same-file function (src/scopes/cannot-throw.ts): issue 13's
 * last false finding, @inkeep/agents-run-api 0.37.2's `setSpanWithError(span, …)` of `@inkeep/agents-core`.
 * The packages are in tests/rules/fixtures/package-functions/node_modules (see its README); the linted file sits
 * beside them, as a user's does.
 */
import * as path from "node:path";
import dedent from "dedent";
import rule from "../../src/rules/require-span-error-recording";
import type { MessageId } from "../../src/rules/require-span-error-recording";
import { createRuleTester } from "./rule-tester";
import { unhandledSpan } from "./span-helpers";

const ruleTester = createRuleTester();
const testedRule = rule as unknown as Parameters<typeof ruleTester.run<MessageId, []>>[1];

/** A file of the project whose node_modules holds @acme/telemetry and @acme/checks. */
const filename = path.join(__dirname, "fixtures/package-functions/src/job.ts");
/** The same file name outside that project: nothing is installed for it. */
const elsewhere = path.join(__dirname, "fixtures/src/job.ts");

/** One statement before the span's own end, imported from `module`. */
const before = (statement: string) => `(span) => {\n  ${statement}\n  span.end();\n}`;
const inProject = (imports: string, statement: string) => ({ ...unhandledSpan(`tracer.startActiveSpan("s", ${before(statement)});`, 2, before(statement), imports), filename });

ruleTester.run("require-span-error-recording (installed packages)", testedRule, {
  valid: [
    // Inkeep's shape: the package's `exports` (types and import conditions only) → index.js re-exports from a chunk
    // → the chunk's function records the error, sets ERROR and logs only when given a logger. Nothing throws.
    {
      code: dedent`
        import { setSpanWithError } from "@acme/telemetry";
        tracer.startActiveSpan("ai.toolCall", (span) => {
          setSpanWithError(span, new Error("0 effective tools"));
          span.end();
        });
      `,
      filename,
    },
    // Renamed at the import, and a package without `exports` reached through `main` and `export *`.
    {
      code: dedent`
        import { setSpanWithError as markFailed } from "@acme/telemetry";
        import { note } from "@acme/checks";
        tracer.startActiveSpan("s", (span) => {
          markFailed(span, new Error("failed"));
          note(span, "a");
          span.end();
        });
      `,
      filename,
    },
    // An async function of the package, left un-awaited: it rejects rather than throws, after the span's end.
    {
      code: dedent`
        import { report } from "@acme/checks";
        tracer.startActiveSpan("s", (span) => {
          report(span);
          span.end();
        });
      `,
      filename,
    },
    // With a logger and a message, setSpanWithError's one other branch is a log call.
    {
      code: dedent`
        import { setSpanWithError } from "@acme/telemetry";
        tracer.startActiveSpan("s", (span) => {
          setSpanWithError(span, new Error("failed"), logger, "tool discovery failed");
          span.end();
        });
      `,
      filename,
    },
  ],
  invalid: [
    // The installed function can throw (JSON.parse of bad text): the span stays open.
    inProject('import { parseConfig } from "@acme/telemetry";', "parseConfig(text);"),
    // Through `main` and `export *`: `check` throws on a missing id.
    inProject('import { check } from "@acme/checks";', "check(id);"),
    // Re-exported from a package that is not installed: its code cannot be read, so it may throw.
    inProject('import { fromElsewhere } from "@acme/telemetry";', "fromElsewhere(span);"),
    // A package that is not installed for this file: nothing to read.
    { ...inProject('import { setSpanWithError } from "@acme/telemetry";', 'setSpanWithError(span, new Error("x"));'), filename: elsewhere },
    // The async function's promise kept, not left: judged by its body, whose awaited fetch may reject.
    inProject('import { report } from "@acme/checks";', "const sent = report(span);"),
    // A local function with the name of the package's export is not the package's.
    inProject('import { note as setSpanWithError } from "./local";', 'setSpanWithError(span, new Error("x"));'),
  ],
});
