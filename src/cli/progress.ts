export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
  /** Terminal width, when known. */
  columns?: number;
}

export interface Progress {
  update(done: number, currentFile: string): void;
  done(): void;
}

/** Lines on a non-TTY stderr (CI logs): one per this many files, so long runs show life without flooding. */
export const NON_TTY_EVERY = 500;
const TTY_MIN_INTERVAL_MS = 50;

/**
 * On a TTY: one line rewritten in place (throttled), erased at the end so the
 * summary starts clean. Elsewhere: a plain line every NON_TTY_EVERY files.
 */
export function createProgress(sink: ProgressSink, total: number, enabled: boolean): Progress {
  if (!enabled || total === 0) return { update() {}, done() {} };
  if (!sink.isTTY) {
    return {
      update(done) {
        if (done % NON_TTY_EVERY === 0 && done < total) sink.write(`traced-exit: ${done}/${total} files\n`);
      },
      done() {},
    };
  }
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, currentFile) {
      const now = Date.now();
      if (now - lastDraw < TTY_MIN_INTERVAL_MS && done < total) return;
      lastDraw = now;
      const width = Math.max(20, (sink.columns ?? 80) - 1);
      let line = `traced-exit: ${done}/${total} ${currentFile}`;
      if (line.length > width) line = `${line.slice(0, width - 1)}…`;
      // \r back to column 0, then erase to end of line: no leftovers from a longer previous line.
      sink.write(`\r${line}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) sink.write("\r\x1b[K");
    },
  };
}
