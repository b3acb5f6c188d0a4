/**
 * One worker thread of `traced-exit fix --cpus <n>` (see ./parallel.ts): builds the engine from the
 * options the main thread's was built from, then rewrites each source it is sent, one at a time.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type EngineOptions, loadEngine } from "./engine";
import { rewriteSource } from "./fix";
import type { Job, Reply } from "./parallel";

const port = parentPort;
if (!port) throw new Error("fix-worker runs only as a worker thread");
const engine = loadEngine((workerData as { engineOptions?: EngineOptions }).engineOptions);
// Loaded: the pool may terminate this worker from now on (see Pool.close in ./parallel.ts).
port.postMessage({ ready: true } satisfies Reply);

port.on("message", (job: Job) => {
  let reply: Reply;
  try {
    reply = { id: job.id, outcome: rewriteSource(job.file, job.source, engine, job.dryRun) };
  } catch (error) {
    // In-process this error would end the run as an internal error; the main thread does the same.
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    reply = { id: job.id, error: { message, ...(stack === undefined ? {} : { stack }) } };
  }
  port.postMessage(reply);
});
