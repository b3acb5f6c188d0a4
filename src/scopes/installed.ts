/**
 * The version of an SDK installed in the user's project, as Node would load it from the linted
 * file: the nearest `node_modules/<package>/package.json` walking up from the file's directory.
 *
 * - pnpm: `node_modules/<package>` is a symlink into `.pnpm/`; reading through it finds the real
 *   package.json, so nothing special is needed.
 * - Yarn Plug'n'Play (no `node_modules`): when the walk finds nothing, Node's own resolution is
 *   asked once (`createRequire(file).resolve(...)`), which PnP patches when ESLint runs under it
 *   (`yarn eslint`). Packages whose `exports` hide `package.json` are found from their entry point.
 *
 * Cheap and never throwing, because rules call it while linting (and an editor lints on every
 * keystroke): one lookup per (directory, package), cached; every failure (no such directory, a
 * permission error, a package.json that is not JSON or has no exact `version`) means "not found".
 * The cache forgets an entry after a few seconds so that a long-lived editor sees an upgrade; a
 * CLI run re-reads each directory at most that often.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parseVersion } from "./version";

/** How long a lookup is trusted: an `npm install` in the editor's project shows up after this. */
const TTL_MS = 5000;

interface Entry {
  readonly version: string | undefined;
  readonly at: number;
}

const cache = new Map<string, Entry>();

/** Forget every lookup (tests that write fake packages, and an editor command could call it). */
export function clearInstalledVersions(): void {
  cache.clear();
}

function readVersion(packageJson: string): { found: boolean; version: string | undefined } {
  let text: string;
  try {
    text = readFileSync(packageJson, "utf8");
  } catch (error) {
    // ENOENT / ENOTDIR: not here, keep walking. Anything else (EACCES, EISDIR): the package is here but unreadable.
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return { found: code !== "ENOENT" && code !== "ENOTDIR", version: undefined };
  }
  try {
    const version = (JSON.parse(text) as { version?: unknown } | null)?.version;
    return { found: true, version: typeof version === "string" && parseVersion(version) ? version : undefined };
  } catch {
    return { found: true, version: undefined };
  }
}

/**
 * `<dir>/node_modules/<package>` for `dir` and every directory above it, nearest first: where Node looks for a
 * package (also src/scopes/package-functions.ts, for its entry file).
 */
export function* packageRootsFrom(packageName: string, dir: string): Generator<string> {
  for (let current = dir; ; current = path.dirname(current)) {
    // A directory that is itself inside node_modules (`node_modules/node_modules`) is not a place Node looks.
    if (path.basename(current) !== "node_modules") yield path.join(current, "node_modules", packageName);
    if (path.dirname(current) === current) return;
  }
}

/** `node_modules/<package>/package.json` in `dir` or above; `found` stops the search even without a version. */
function walkUp(packageName: string, dir: string): { found: boolean; version: string | undefined } {
  for (const root of packageRootsFrom(packageName, dir)) {
    const result = readVersion(path.join(root, "package.json"));
    if (result.found) return result;
  }
  return { found: false, version: undefined };
}

/** Node's resolution from `dir` (Yarn PnP patches it): the package's package.json, or the one above its entry point. */
function resolveWithNode(packageName: string, dir: string): string | undefined {
  try {
    const require = createRequire(path.join(dir, "noop.js"));
    try {
      return readVersion(require.resolve(`${packageName}/package.json`)).version;
    } catch {
      // `exports` that do not list ./package.json: climb from the entry point to the package's own package.json.
      for (let current = path.dirname(require.resolve(packageName)); path.dirname(current) !== current; current = path.dirname(current)) {
        const file = path.join(current, "package.json");
        try {
          const json = JSON.parse(readFileSync(file, "utf8")) as { name?: unknown; version?: unknown } | null;
          if (json?.name === packageName) return typeof json.version === "string" && parseVersion(json.version) ? json.version : undefined;
        } catch {
          // No package.json at this level (or not JSON): keep climbing.
        }
      }
      return undefined;
    }
  } catch {
    return undefined;
  }
}

/**
 * The exact version of `packageName` that code in `dir` loads, or `undefined` when it cannot be found.
 * `now` is for tests of the cache.
 */
export function installedVersion(packageName: string, dir: string, now: number = Date.now()): string | undefined {
  const key = `${dir}\0${packageName}`;
  const cached = cache.get(key);
  if (cached && now - cached.at < TTL_MS) return cached.version;
  const walked = walkUp(packageName, dir);
  const version = walked.found ? walked.version : resolveWithNode(packageName, dir);
  cache.set(key, { version, at: now });
  return version;
}
