/**
 * The contract between `traced-exit fix` and the codemod engine.
 *
 * The CLI owns files (discovery, git safety, encoding, writing, re-parse
 * check, reporting); the engine owns content. The engine never touches the
 * file system and the CLI never edits source text.
 */

/** A spot the engine found but could not rewrite safely. */
export interface ManualReview {
  /** 1-based line in the output (the file as written), as editors and ESLint show it. */
  line: number;
  /** 1-based column (ESTree `loc.column` + 1), so `file:line:col` is clickable. */
  column: number;
  /**
   * The same spot in the input, when the output differs: what `file:line:col` means while the
   * file on disk is still the input (a dry run, or a file that was not written). Code the engine
   * inserted maps to where it was inserted.
   */
  input?: { line: number; column: number };
  /** One line that says what to do, e.g. "process.exit() inside workflow 'rag' is reached through a dynamic call". */
  reason: string;
}

export interface EngineResult {
  /** The new file text, or `undefined` when nothing changes. */
  output: string | undefined;
  manual: ManualReview[];
  /** How many lint-and-rewrite passes it took (engines that do not count leave it out). */
  passes?: number;
}

export interface Engine {
  /**
   * Cheap text test: false means the file cannot need a change and is never parsed. With `filePath`, the modules
   * it imports by a relative path are read too (a tracing set-up there: src/scopes/imported-setup.ts).
   */
  mightChange(source: string, filePath?: string): boolean;
  /**
   * Throws (with a useful message incl. line/column when it's a parse error)
   * when the file cannot be processed.
   *
   * `source` is the file decoded as UTF-8 with nothing normalised: a BOM
   * arrives as a leading "\uFEFF" and CRLF line endings stay CRLF. Whatever
   * string is returned is written byte for byte, so keep both.
   */
  transform(source: string, filePath: string): EngineResult;
}

export interface EngineOptions {
  /** Codemod ids to run; all of them when absent. */
  transforms?: string[];
  /** The same object as ESLint's `settings["traced-exit"]`: user wrappers, flushes, initializers. */
  settings?: Record<string, unknown>;
}

export type EngineFactory = (options?: EngineOptions) => Engine;

let registeredFactory: EngineFactory | undefined;

/**
 * Replaces the engine the CLI uses (programmatic callers, e2e harnesses).
 * Pass `undefined` to go back to the built-in one.
 */
export function registerEngineFactory(factory: EngineFactory | undefined): void {
  registeredFactory = factory;
}

/** A registered factory lives in this thread only: worker threads could not build the same engine. */
export function hasRegisteredEngineFactory(): boolean {
  return registeredFactory !== undefined;
}

/** Thrown when no engine can be created; the CLI reports it and exits 2. */
export class EngineUnavailableError extends Error {
  override name = "EngineUnavailableError";
}

const ENGINE_MODULE = "../codemods/engine";

/**
 * Creates the engine: the registered factory if any, else `createEngine`
 * from `src/codemods/engine.ts`. That module is required lazily so the CLI
 * (and `--help`) works before, and independently of, the engine build.
 */
export function loadEngine(options?: EngineOptions): Engine {
  if (registeredFactory) return registeredFactory(options);
  let mod: { createEngine?: EngineFactory };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy so --help and usage errors never load ESLint; sync because dist/ is CommonJS
    mod = require(ENGINE_MODULE) as { createEngine?: EngineFactory };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "MODULE_NOT_FOUND" && String((error as Error).message).includes("codemods/engine")) {
      throw new EngineUnavailableError(
        "the codemod engine (dist/codemods/engine.js) is missing; rebuild the package with `npm run build`",
      );
    }
    throw error;
  }
  if (typeof mod.createEngine !== "function") {
    throw new EngineUnavailableError("dist/codemods/engine.js does not export createEngine()");
  }
  return mod.createEngine(options);
}
