/**
 * no-process-exit, type-aware: an exit of a file that opens no span, reached from a span in another file of the
 * program (src/scopes/reached-from-importers.ts). The program is tests/rules/fixtures/reverse-exits/, on disk; each
 * case lints one of its files with the text it has there. run.ts opens span 'cli' and awaits cli.ts's main(),
 * which parses its arguments and runs a command from a table (help, and serve, tail and stop through `COMMANDS.map`).
 */
import * as path from "node:path";
import rule from "../../src/rules/no-process-exit";
import type { MessageId } from "../../src/rules/no-process-exit";
import { programTesters } from "./rule-tester";

const { typed, untyped, onDisk } = programTesters(path.join(__dirname, "fixtures/reverse-exits"));
const testedRule = rule as unknown as Parameters<typeof typed.run<MessageId, []>>[1];

/** The report at an exit of the linted file, reached from run.ts:8's `main()` in span 'cli'. */
const fromRun = (line: number, location: string, via: string, exit = "process.exit()") => ({
  messageId: "exitReachedFromOtherFile" as const,
  data: { exit, callee: "main", location, via, where: "span 'cli'", lost: "that span" },
  line,
  suggestions: [],
});

typed.run("no-process-exit (type-aware, exits reached from a span in another file)", testedRule, {
  valid: [
    // Called by run.ts at top level, before the span opens.
    onDisk("preflight.ts"),
    // The exit is in a timer callback: run later, if ever, as the forward search judges it too.
    onDisk("commands/tail.ts"),
    // In a table built from an array its file changes (`PLUGINS.push`): not known to be run.
    onDisk("commands/plugin.ts"),
    // Its only caller sets Traceloop up to record nothing: that file's own lint reports nothing either.
    onDisk("commands/quit.ts"),
  ],
  invalid: [
    {
      // The span's own file reports the call, at the first exit it reaches (the forward search, src/scopes/cross-file.ts).
      // (Every case lints a file with its text on disk: the project service keeps a case's text for the next ones.)
      ...onDisk("run.ts"),
      errors: [
        {
          messageId: "exitInOtherFile" as const,
          data: { callee: "main", exit: "process.exit()", location: "cli.ts:22", via: " (via parseArgs())", where: "span 'cli'", lost: "that span" },
          line: 8,
          suggestions: [],
        },
      ],
    },
    {
      // Both exits of help, reached through main()'s table fallback (`?? showHelp`) and its "help" entry.
      ...onDisk("commands/help.ts"),
      errors: [fromRun(4, "../run.ts:8", " (via showHelp())"), fromRun(7, "../run.ts:8", " (via showHelp())")],
    },
    {
      // serve is an entry of the table twice: built by `COMMANDS.map((cmd) => [cmd.meta.name, cmd.handler])`, and as `serve.handler`.
      ...onDisk("commands/serve.ts"),
      errors: [fromRun(6, "../run.ts:8", " (via handler())")],
    },
    {
      // In the table only through `COMMANDS.map(…)`, as this module's `export default { meta, handler }`.
      ...onDisk("commands/stop.ts"),
      errors: [fromRun(6, "../run.ts:8", " (via handler())")],
    },
    {
      // The same call, with tracing on.
      ...onDisk("commands/quit-too.ts"),
      errors: [{ messageId: "exitReachedFromOtherFile" as const, data: { exit: "process.exit()", callee: "quitToo", location: "../traced-on.ts:6", via: "", where: "workflow 'on'", lost: "that span" }, line: 2, suggestions: [] }],
    },
    {
      // The caller spells no opener: the span is opened by a wrapper in a third file (src/scopes/foreign-openers.ts).
      ...onDisk("commands/wizard.ts"),
      errors: [{ messageId: "exitReachedFromOtherFile" as const, data: { exit: "process.exit()", callee: "startWizard", location: "../setup.ts:7", via: "", where: "span 'setup'", lost: "that span" }, line: 6, suggestions: [] }],
    },
    {
      // main()'s own first call: the exit is in the file that dispatches, still one file away from the span.
      ...onDisk("cli.ts"),
      errors: [fromRun(22, "run.ts:8", " (via parseArgs())")],
    },
  ],
});

untyped.run("no-process-exit (without a program, no file is followed)", testedRule, {
  valid: [onDisk("commands/help.ts"), onDisk("commands/serve.ts"), onDisk("cli.ts")],
  invalid: [],
});
