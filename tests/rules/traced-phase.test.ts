/**
 * require-flush-before-exit, type-aware: an exit of a file that starts no tracing, run after another file of the
 * program starts it (src/scopes/traced-phase.ts). The program is tests/rules/fixtures/traced-phase/, on disk; each
 * case lints one of its files with the text it has there. main.ts parses its arguments, starts a NodeSDK, then either
 * renders a UI (startUI → App → Layout → Dialog, components handed on by `_jsx(C, props)` and JSX, and a hook) or
 * validates and runs a batch, and calls a cleanup after `await sdk.shutdown()`.
 */
import * as path from "node:path";
import rule from "../../src/rules/require-flush-before-exit";
import type { MessageId } from "../../src/rules/require-flush-before-exit";
import { programTesters } from "./rule-tester";

const { typed, untyped, onDisk } = programTesters(path.join(__dirname, "fixtures/traced-phase"), true);
const testedRule = rule as unknown as Parameters<typeof typed.run<MessageId, []>>[1];

/** The report at an exit run after main.ts:15's `new NodeSDK({})`, whose plan names its shutdown (`sdk` is local to main()). */
const afterSetup = (line: number, exit: string, file: string, via: string) => ({
  messageId: "exitAfterSetupInOtherFile" as const,
  data: { exit, where: "", sdk: "OpenTelemetry", file, line: 15, via, flush: "shutdown() of the NodeSDK" },
  line,
});

/** The report at an exit run after sandbox.ts:9's `new NodeSDK({})`, in the branch of start() that returns after it. */
const afterSetupInSandbox = (line: number, exit: string, via: string) => ({
  messageId: "exitAfterSetupInOtherFile" as const,
  data: { exit, where: "", sdk: "OpenTelemetry", file: "sandbox.ts", line: 9, via, flush: "shutdown() of the NodeSDK" },
  line,
});

typed.run("require-flush-before-exit (type-aware, exits after another file's set-up)", testedRule, {
  valid: [
    // Called by main() before the set-up: nothing is queued yet.
    onDisk("args.ts"),
    // Called by main() only after `await sdk.shutdown()`.
    onDisk("cleanup.ts"),
    // Imported only by a file that starts no tracing.
    onDisk("lonely.ts"),
    // A module's top level runs when it is imported, before main() starts tracing.
    onDisk("ui/on-load.ts"),
    // Called by preflight(), which main() declares after the set-up but calls before it (declarations are hoisted).
    onDisk("env.ts"),
    // Run in a span of spanned.ts, after its set-up: no-process-exit's finding (the span is left open), not this rule's.
    onDisk("step.ts"),
    // Called by sandbox.ts's start() only when its set-up branch did not run: that branch ends with `return`.
    onDisk("prepare.ts"),
  ],
  invalid: [
    {
      // main() awaits it after `sdk.start()`.
      ...onDisk("auth.ts"),
      errors: [afterSetup(5, "process.exit(41)", "main.ts", "validateAuth()")],
    },
    {
      // The stdout 'error' listener runBatch registers, and the exit after `await shutdownQueue.shutdown()`: a queue's
      // shutdown() named like a flush, which flushes no tracing.
      ...onDisk("batch.ts"),
      errors: [afterSetup(6, "process.exit(0)", "main.ts", "runBatch()"), afterSetup(12, "process.exit(0)", "main.ts", "runBatch()")],
    },
    {
      // After the loop that loop.ts's set-up breaks out of; inLoop(), called in the loop only before the set-up, stays quiet.
      ...onDisk("after-loop.ts"),
      errors: [{ messageId: "exitAfterSetupInOtherFile" as const, data: { exit: "process.exit(6)", where: "", sdk: "OpenTelemetry", file: "loop.ts", line: 8, via: "afterLoop()", flush: "shutdown() of the NodeSDK" }, line: 7 }],
    },
    {
      // After a logger's flush(): by binding, not a flush of the span queue.
      ...onDisk("fail.ts"),
      errors: [afterSetupInSandbox(7, "process.exit(1)", "fail()")],
    },
    {
      // Reached through finishLogged(), after a logger's flush; quitAfterShutdown() runs only after the NodeSDK's shutdown.
      ...onDisk("quit.ts"),
      errors: [afterSetupInSandbox(3, "process.exit(3)", "finishLogged() → quitAfterLog()")],
    },
    {
      // startUI → _jsx(App) → _jsx(Layout) → <Dialog />: the key handler's exit, three files below main.ts.
      ...onDisk("ui/Dialog.ts"),
      errors: [afterSetup(7, "process.exit(0)", "../main.ts", "startUI() → App() → Layout() → Dialog()")],
    },
    {
      // A hook App calls: its timer callback exits.
      ...onDisk("ui/hooks/useTrust.ts"),
      errors: [afterSetup(5, "process.exit(42)", "../../main.ts", "startUI() → App() → useTrust()")],
    },
    {
      // A set-up by import: daemon.ts's whole module runs after it.
      ...onDisk("job.ts"),
      errors: [{ messageId: "exitAfterSetupInOtherFile" as const, data: { exit: "process.exit(5)", where: "", sdk: "OpenTelemetry", file: "daemon.ts", line: 2, via: "runJob()", flush: "sdk.shutdown()" }, line: 3 }],
    },
    {
      // Attributed to the first of twice.ts's two set-ups: only that one runs before it.
      ...onDisk("relaunch.ts"),
      errors: [{ messageId: "exitAfterSetupInOtherFile" as const, data: { exit: "process.exit(42)", where: "", sdk: "OpenTelemetry", file: "twice.ts", line: 8, via: "relaunch()", flush: "shutdown() of the NodeSDK" }, line: 3 }],
    },
    {
      // Attributed to the latest set-up before it (line 12), in the 'SIGINT' listener it registers.
      ...onDisk("serve.ts"),
      errors: [{ messageId: "exitAfterSetupInOtherFile" as const, data: { exit: "process.exit(130)", where: " in the 'SIGINT' handler", sdk: "OpenTelemetry", file: "twice.ts", line: 12, via: "serve()", flush: "shutdown() of the NodeSDK" }, line: 3 }],
    },
    {
      // `await run()` flushes (its finally), but what it awaits in its try runs before that flush.
      ...onDisk("report.ts"),
      errors: [{ messageId: "exitAfterSetupInOtherFile" as const, data: { exit: "process.exit(4)", where: "", sdk: "OpenTelemetry", file: "flushing.ts", line: 5, via: "run() → report()", flush: "sdk.shutdown()" }, line: 3 }],
    },
    {
      // In main()'s phase too (main calls stop() after its set-up), but judged by its own set-up: reported once.
      ...onDisk("worker.ts"),
      errors: [{ messageId: "exitWithoutFlush" as const, line: 5 }],
    },
  ],
});

untyped.run("require-flush-before-exit (without a program, no other file is followed)", testedRule, {
  valid: [onDisk("auth.ts"), onDisk("ui/Dialog.ts"), onDisk("ui/hooks/useTrust.ts")],
  invalid: [],
});
