// Runs one program against a fresh loopback OTLP receiver and returns how it ended with the spans that arrived.
import { startOtlpReceiver } from "../../examples/support/otlp-receiver";
import type { ReceivedSpan } from "../../examples/support/otlp-receiver";
import { runExample } from "../../examples/support/run-example";
import type { RunExampleResult } from "../../examples/support/run-example";

/**
 * Throws when the program timed out or the receiver refused a request: a measurement from such a run would
 * count spans that were never really sent. Traceloop's import alone takes seconds on a loaded 2-core machine,
 * hence the long timeout.
 */
export async function runWithReceiver(file: string, env: Record<string, string>): Promise<{ run: RunExampleResult; spans: ReceivedSpan[] }> {
  const receiver = await startOtlpReceiver();
  try {
    const run = await runExample(file, { receiverUrl: receiver.url, env, timeoutMs: 90_000 });
    if (run.timedOut) throw new Error(`${file} timed out:\n${run.stderr}`);
    if (receiver.rejectedRequests() !== 0) throw new Error(`the receiver rejected ${receiver.rejectedRequests()} request(s) from ${file}`);
    return { run, spans: receiver.spans() };
  } finally {
    await receiver.close();
  }
}
