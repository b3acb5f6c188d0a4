/**
 * An exit rewritten into a throw carrying `exitCode` travels to the program's entry. Two entry shapes
 * would end the program with another code, and nothing else rewrites them:
 *
 * - a top-level `try { await main(); } catch (error) { console.error(error); }` whose catch only logs:
 *   the program that exited 1 now ends with 0 (require-flush-before-exit adds the flush to this entry,
 *   not the code). The original ended at the exit, without running the catch, so an error carrying an
 *   exit code sets it and skips the handler; any other error is handled as before:
 *
 *     } catch (error) {
 *       if ((error as { exitCode?: number })?.exitCode !== undefined) {
 *         process.exitCode = (error as { exitCode?: number })?.exitCode;
 *       } else {
 *         console.error(error);
 *       }
 *     }
 *
 * - a bare `main();` in a program whose SDK captures unhandled rejections itself (Sentry's default mode,
 *   which also keeps the process from crashing): the rejection reaches Sentry, but the program ends with
 *   0. A `.catch` that only handled the error would take it away from Sentry's capture; this one sets the
 *   code and rethrows, so Sentry still captures the same error as an unhandled rejection:
 *
 *     main().catch((error) => {
 *       process.exitCode = error?.exitCode ?? 1;
 *       throw error;
 *     });
 *
 * - a bare `main();` (or one chained with `.then(onFulfilled)` / `.finally(…)` only, which let a rejection
 *   through) in a program whose SDK sends its queue from its own end-of-run hook and has no flush to call
 *   (dd-trace, pipeline `drains-at-end`; require-flush-before-exit has nothing to ask for there): the rejection
 *   would crash the process with code 1, before dd-trace's `beforeExit` drain, so the spans the throw was for
 *   are lost again. The `.catch` sets the code and prints what is not an exit's error, as Node would; the
 *   process then ends naturally and the SDK sends its queue:
 *
 *     main().catch((error) => {
 *       process.exitCode = error?.exitCode ?? 1;
 *       if (error?.exitCode === undefined) console.error(error);
 *     });
 *
 * - a bare `main();` whose promise has flushed on both paths (`try { … } finally { await provider.shutdown(); }`
 *   inside main), in a program whose SDK does nothing with an unhandled rejection (a batch or simple processor):
 *   require-flush-before-exit has nothing to rewrite there, so without this the rejection crashes the process
 *   with code 1 where the exit ended it with its own code. Only an exit's error is handled; any other error is
 *   rethrown, and crashes the process as it did before:
 *
 *     main().catch((error) => {
 *       if (error?.exitCode === undefined) throw error;
 *       process.exitCode = error?.exitCode;
 *     });
 */
import type { TSESLint } from "@typescript-eslint/utils";
import type { Entry } from "../scopes/process-level";
import type { Edit } from "./edits";
import { indentAt, indentUnit } from "./edits";
import { exitCodeFrom } from "./flush-fix";
import { endsTheError } from "../scopes/process-level";
import { fileFlavour } from "./imports";

/**
 * The edits that make each entry of the file keep an error's exit code. `rejections`: what the SDK does with an
 * unhandled rejection (src/scopes/pipeline.ts `rejectionHandling`): Sentry captures it (the `.catch` sets the code
 * and rethrows, so Sentry still captures it); the OpenAI Agents SDK flushes and exits 1, and dd-trace is cut off
 * by the crash before its end-of-run drain (`crash-skips-drain`), so the `.catch` handles it instead, printing
 * what is not an exit's error as Node would, and the SDK sends its queue on `beforeExit`.
 */
export function entryExitCodeEdits(
  sourceCode: Readonly<TSESLint.SourceCode>,
  filename: string,
  entries: readonly Entry[],
  rejections: "captured" | "exits-1" | "crash-skips-drain" | undefined,
  flushedOnBothPaths: (entry: Entry) => boolean = () => false,
): Edit[] {
  const edits: Edit[] = [];
  const { eol, typescript } = fileFlavour(sourceCode, filename);
  const unit = indentUnit(sourceCode.text);
  for (const entry of entries) {
    const handler = entry.tryStatement?.handler;
    if (handler) {
      const param = handler.param;
      if (param && param.type !== "Identifier") continue;
      if (endsTheError(handler.body, sourceCode)) continue;
      const statements = handler.body.body.map((statement) => sourceCode.getText(statement));
      if (statements.some((text) => text.includes("\n"))) continue;
      const name = param?.name ?? "error";
      const code = exitCodeFrom(name, typescript);
      const indent = indentAt(sourceCode.text, handler.range[0]);
      const inner = indent + unit;
      const lines = [`if (${code} !== undefined) {`, `${unit}process.exitCode = ${code};`, ...(statements.length > 0 ? ["} else {", ...statements.map((text) => `${unit}${text}`)] : []), "}"];
      const body = `{${eol}${lines.map((line) => `${inner}${line}`).join(eol)}${eol}${indent}}`;
      // `catch {`: the error gets a name.
      if (!param) edits.push({ range: [handler.range[0], handler.body.range[1]], text: `catch (error) ${body}` });
      else edits.push({ range: handler.body.range, text: body });
    } else if (!entry.awaited && !entry.tryStatement && (rejections ? passesRejections(entry, rejections) : entry.links.length === 0 && flushedOnBothPaths(entry))) {
      const indent = indentAt(sourceCode.text, entry.statement.range[0]);
      const code = exitCodeFrom("error", false);
      const last = rejections === "captured" ? [`${unit}throw error;`] : [`${unit}if (${code} === undefined) console.error(error);`];
      const lines = rejections
        ? [".catch((error) => {", `${unit}process.exitCode = ${code} ?? 1;`, ...last, "})"]
        : [".catch((error) => {", `${unit}if (${code} === undefined) throw error;`, `${unit}process.exitCode = ${code};`, "})"];
      // Inserted after the chain, never replacing it: the exit being rewritten may be inside it (a scope opened at top level).
      const end = (entry.links.at(-1)?.call ?? entry.call).range[1];
      edits.push({ range: [end, end], text: lines.join(`${eol}${indent}`) });
    }
  }
  return edits;
}

/**
 * The entry's chain lets a rejection through to the process: no link (`main();`), or, for dd-trace's drain, only
 * `.then(onFulfilled)` and `.finally(…)` links (`answer().then((reply) => console.log(reply));`), after which the
 * added `.catch` sees the same rejection.
 */
function passesRejections(entry: Entry, rejections: "captured" | "exits-1" | "crash-skips-drain"): boolean {
  if (rejections !== "crash-skips-drain") return entry.links.length === 0;
  return entry.links.every((link) => link.method === "finally" || (link.method === "then" && link.call.arguments.length < 2));
}
