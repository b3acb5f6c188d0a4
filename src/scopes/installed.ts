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
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parseVersion } from "./version";
import type { Catalogue } from "./settings";

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

const modulesOf = new WeakMap<Catalogue, ReadonlySet<string>>();

/** `new NodeSDK(…)` at the same file's `import { NodeSDK } from "@opentelemetry/sdk-node"`: the SDKs the catalogue knows are not read. */
export function catalogueModules(catalogue: Catalogue): ReadonlySet<string> {
  const cached = modulesOf.get(catalogue);
  if (cached) return cached;
  const modules = new Set<string>(catalogue.initializerModules);
  for (const spec of catalogue.initializers) for (const module of spec.modules) modules.add(module);
  for (const spec of catalogue.flushes) if (spec.form === "call") for (const module of spec.modules) modules.add(module);
  for (const spec of catalogue.openers) if ("modules" in spec && spec.modules) for (const module of spec.modules) modules.add(module);
  modulesOf.set(catalogue, modules);
  return modules;
}

const declaredDependencies = new Map<string, { stamp: number; modules: ReadonlySet<string> }>();

/**
 * The installed package of `specifier` declares one of the catalogue's modules among its dependencies (`dependencies`,
 * `peerDependencies`, `optionalDependencies`): only then can its code import an initializer by binding. This keeps
 * the packages that cannot start tracing (most of them) from being parsed; the answer is kept per package.json
 * until it changes.
 */
export function dependsOnCatalogue(specifier: string, dir: string, known: ReadonlySet<string>): boolean {
  const name = packageName(specifier);
  for (const root of packageRootsFrom(name, dir)) {
    const file = path.join(root, "package.json");
    let stamp: number;
    try {
      stamp = statSync(file).mtimeMs;
    } catch {
      continue;
    }
    let cached = declaredDependencies.get(file);
    if (cached?.stamp !== stamp) {
      let modules = new Set<string>();
      try {
        const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
        for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
          const value = json[field];
          if (typeof value === "object" && value !== null) for (const module of Object.keys(value)) modules.add(module);
        }
      } catch {
        modules = new Set();
      }
      cached = { stamp, modules };
      declaredDependencies.set(file, cached);
    }
    return [...known].some((module) => cached.modules.has(packageName(module)));
  }
  return false;
}

/** `@scope/pkg/sub` → `@scope/pkg`. */
export function packageName(specifier: string): string {
  return specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
}
