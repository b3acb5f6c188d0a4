/** A problem with how the CLI was called (bad path, bad option): exit code 2, nothing touched. */
export class UsageError extends Error {
  override name = "UsageError";
}
