/**
 * `traced-exit fix --cpus <n>`: the rewrites on worker threads, as jscodeshift's `--cpus` runs its
 * transforms in child processes.
 *
 * The main thread keeps what is cheap and ordered: it reads every file and runs the text prefilter
 * (most files stop there, and a run where none passes starts no worker and loads no ESLint), then
 * hands each source that passes to the first idle worker. A worker builds its own engine with the
 * same options and does the costly half (transform, re-parse, patch or write: `rewriteSource`).
 * Outcomes come back in any order and are put back in file order, so the summary, the patches and
 * the exit code are those of an in-process run.
 */
import * as path from "node:path";
import { Worker } from "node:worker_threads";
import type { SourceFile } from "./discover";
import type { Engine, EngineOptions } from "./engine";
import { type Outcome, readSource } from "./fix";

export interface WorkerOptions {
  /** Worker threads at most; one is started per source waiting while all others are busy. */
  cpus: number;
  /** What the workers' engines are built from (`loadEngine(engineOptions)`), as the main thread's was. */
  engineOptions?: EngineOptions;
}

/** A source for a worker: `rewriteSource(file, source, engine, dryRun)`. */
export interface Job {
  id: number;
  file: SourceFile;
  source: string;
  dryRun: boolean;
}

/** A worker's answer: the outcome, or the error `rewriteSource` threw (a bug, as it would be in-process). */
export type Reply = { id: number; outcome: Outcome } | { id: number; error: { message: string; stack?: string } } | { ready: true };

/** Sources read ahead of the workers; bounds memory on a repository where every file is traced. */
const MAX_WAITING = 64;
/**
 * Sources a worker holds at once: the one it rewrites and the next, so it never idles while the
 * main thread, busy reading or descheduled on a loaded machine, has yet to answer its last message.
 */
const IN_FLIGHT = 2;
/** How many files the main thread reads between two looks at the workers' answers. */
const READS_PER_TURN = 32;

/** Outcomes in file order. Rejects (after stopping every worker) on the first error a worker reports. */
export async function processInWorkers(
  files: readonly SourceFile[],
  engine: Engine,
  dryRun: boolean,
  options: WorkerOptions,
  progress: (done: number, file: SourceFile) => void,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = new Array<Outcome>(files.length);
  const pool = new Pool(options);
  let done = 0;
  const finish = (index: number, outcome: Outcome) => {
    outcomes[index] = outcome;
    progress(++done, files[index] as SourceFile);
  };
  try {
    const pending: Array<Promise<void>> = [];
    for (const [index, file] of files.entries()) {
      const read = readSource(file, engine);
      if (typeof read === "string") {
        const settled = pool.run({ id: index, file, source: read, dryRun }).then((outcome) => finish(index, outcome));
        // Handled by Promise.all below; until then a failure must not count as an unhandled rejection.
        settled.catch(() => undefined);
        pending.push(settled);
        // Let answers in and idle workers start before reading on; wait when enough is read ahead.
        await pool.belowWaiting(MAX_WAITING);
      } else {
        finish(index, read);
      }
      if (index % READS_PER_TURN === READS_PER_TURN - 1) await new Promise((resolve) => setImmediate(resolve));
      pool.throwIfFailed();
    }
    await Promise.all(pending);
    return outcomes;
  } finally {
    await pool.close();
  }
}

interface Slot {
  worker: Worker;
  /** Sent and not answered yet, oldest (the one being rewritten) first. */
  jobs: Job[];
  /** Settles once the worker has loaded (its `ready`), failed to load (`error`) or exited. */
  booted: Promise<void>;
}

class Pool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private readonly callbacks = new Map<number, { resolve: (outcome: Outcome) => void; reject: (error: Error) => void }>();
  private failure: Error | undefined;
  private drained: (() => void) | undefined;
  private closed = false;

  constructor(private readonly options: WorkerOptions) {}

  run(job: Job): Promise<Outcome> {
    if (this.failure) return Promise.reject(this.failure);
    const promise = new Promise<Outcome>((resolve, reject) => this.callbacks.set(job.id, { resolve, reject }));
    this.waiting.push(job);
    this.dispatch();
    return promise;
  }

  /** Resolves once fewer than `limit` jobs wait for a worker (or the pool failed). */
  belowWaiting(limit: number): Promise<void> {
    if (this.waiting.length < limit || this.failure) return Promise.resolve();
    return new Promise((resolve) => {
      this.drained = resolve;
    });
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * Terminates the workers, each once it has finished loading: Node 20 can abort the whole process on a native
   * assertion (node_errors.cc AppendExceptionLine) when a worker is terminated while it is still evaluating its
   * entry, which happened when another worker's failure closed the pool early.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        await slot.booted;
        await slot.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    while (this.waiting.length > 0 && !this.failure) {
      // An idle worker, else a new one while there may be more, else the least busy with room.
      let slot = this.slots.find((candidate) => candidate.jobs.length === 0);
      if (!slot && this.slots.length < this.options.cpus) slot = this.start();
      slot ??= this.slots.filter((candidate) => candidate.jobs.length < IN_FLIGHT).sort((a, b) => a.jobs.length - b.jobs.length)[0];
      if (!slot) break;
      const job = this.waiting.shift() as Job;
      slot.jobs.push(job);
      slot.worker.postMessage(job);
    }
    if (this.drained && (this.waiting.length < MAX_WAITING || this.failure)) {
      const drained = this.drained;
      this.drained = undefined;
      drained();
    }
  }

  private start(): Slot {
    const worker = createWorker(this.options.engineOptions);
    let booted = () => {};
    const slot: Slot = { worker, jobs: [], booted: new Promise<void>((resolve) => (booted = resolve)) };
    this.slots.push(slot);
    worker.once("error", () => booted());
    worker.once("exit", () => booted());
    worker.on("message", (reply: Reply) => {
      if ("ready" in reply) {
        booted();
        return;
      }
      const callback = this.callbacks.get(reply.id);
      this.callbacks.delete(reply.id);
      slot.jobs = slot.jobs.filter((job) => job.id !== reply.id);
      if ("error" in reply) {
        const error = new Error(reply.error.message);
        if (reply.error.stack !== undefined) error.stack = reply.error.stack;
        this.fail(error);
        callback?.reject(error);
        return;
      }
      callback?.resolve(reply.outcome);
      this.dispatch();
    });
    worker.on("error", (error) => this.fail(error));
    worker.on("exit", (code) => {
      // Only close() ends a worker; any other exit (out of memory, a crash) lost what it was doing.
      const lost = slot.jobs[0];
      if (!this.closed) this.fail(new Error(`a worker thread exited with code ${code}${lost ? ` while rewriting ${lost.file.displayPath}` : ""}`));
    });
    return slot;
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const { reject } of this.callbacks.values()) reject(error);
    this.callbacks.clear();
    this.waiting.length = 0;
    this.dispatch();
  }
}

/**
 * dist/cli/fix-worker.js next to this file. Run from the TypeScript sources (the tests), the
 * worker first registers tsx's CommonJS hook, as tests/setup/require-ts.ts does for the main thread.
 */
function createWorker(engineOptions: EngineOptions | undefined): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `fix-worker${extension}`);
  const workerData = { engineOptions };
  if (extension !== ".ts") return new Worker(entry, { workerData });
  const boot = `require("tsx/cjs/api").register(); require(${JSON.stringify(entry)});`;
  return new Worker(boot, { eval: true, workerData });
}
