/**
 * The part of semver the catalogue's version ranges need, and nothing more: parse an exact
 * version (`0.27.0`, `7.69.0`, `2.0.7-beta.1`, `v1.2.3`, `1.2.3+build`) and test it against a
 * half-open range `[from, below)`. `semver` is only a transitive dependency of ours, so it is
 * not imported; ranges are data (`{ from: "7.69.0" }`), never range strings to parse.
 *
 * Precedence follows semver 2.0.0 §11: major, minor, patch numerically; a pre-release sorts
 * before its release (`2.0.7-beta.1` < `2.0.7`); pre-release identifiers compare numerically
 * when both are numeric, else as ASCII, and a numeric one sorts first; build metadata is ignored.
 */

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly string[];
}

const VERSION = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/u;

/** An exact version, or `undefined` for anything else (a range, a tag, `workspace:*`). */
export function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  const [, major, minor, patch, pre] = match as unknown as [string, string, string, string, string | undefined];
  const parts = [Number(major), Number(minor), Number(patch)];
  if (!parts.every(Number.isSafeInteger)) return undefined;
  return { major: parts[0] as number, minor: parts[1] as number, patch: parts[2] as number, prerelease: pre === undefined ? [] : pre.split(".") };
}

const NUMERIC = /^\d+$/u;

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = NUMERIC.test(a);
  const bNumeric = NUMERIC.test(b);
  if (aNumeric && bNumeric) return Math.sign(Number(a) - Number(b));
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareVersions(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  if (a.prerelease.length === 0 || b.prerelease.length === 0) return b.prerelease.length - a.prerelease.length === 0 ? 0 : a.prerelease.length === 0 ? 1 : -1;
  for (let index = 0; index < Math.max(a.prerelease.length, b.prerelease.length); index++) {
    const left = a.prerelease[index];
    const right = b.prerelease[index];
    if (left === undefined) return -1;
    if (right === undefined) return 1;
    const order = compareIdentifiers(left, right);
    if (order !== 0) return order;
  }
  return 0;
}

/** `from <= version < below`; a missing bound is unbounded. The bounds are the catalogue's own, always valid. */
export function inRange(version: Version, range: { readonly from?: string; readonly below?: string }): boolean {
  const bound = (text: string) => parseVersion(text) as Version;
  if (range.from !== undefined && compareVersions(version, bound(range.from)) < 0) return false;
  return range.below === undefined || compareVersions(version, bound(range.below)) < 0;
}
