/**
 * Which release of an SDK a scope runs under, and so what its wrapper does on error: the version
 * pinned in `settings["traced-exit"].versions`, else the one installed for the linted file
 * (src/scopes/installed.ts), else the catalogue's conservative assumption. See VERSIONED_OPENERS.
 */
import type { ErrorSemantics, OpenerSpec, ReleaseBehaviour, VersionedOpeners } from "./catalogue";
import { VERSIONED_OPENERS } from "./catalogue";
import { installedVersion } from "./installed";
import type { Version } from "./version";
import { compareVersions, inRange, parseVersion } from "./version";

/** What the message says about the version it judged by. */
export interface ReleaseNote {
  readonly sdk: string;
  /** `undefined` when no version was found. */
  readonly version: string | undefined;
  readonly source: "installed" | "settings" | "not-found";
  /** The range whose behaviour applies: `<=0.27.0`. */
  readonly range: string;
  /** Set when the version is newer than any whose source was read: the newest one that was. */
  readonly beyond: string | undefined;
  /** The wrapper records a rejection but not a synchronous throw, and this callback is not async. */
  readonly syncThrowOnly: boolean;
}

export interface Release {
  /** The semantics for this scope; `undefined`: in this release the opener runs no callback (no scope). */
  readonly errors: ErrorSemantics | undefined;
  readonly note: ReleaseNote;
}

/** Package → exact version: what the rules use instead of reading node_modules. */
export type VersionPins = Readonly<Record<string, string>>;

/** Every package whose version the catalogue can use: the keys `settings.versions` accepts. */
export const VERSIONED_PACKAGES: readonly string[] = [...new Set(VERSIONED_OPENERS.flatMap((entry) => entry.packages))];

function entryFor(spec: OpenerSpec): VersionedOpeners | undefined {
  if (spec.sdk === "custom") return undefined;
  const name = spec.form === "method" ? spec.method : spec.path.at(-1);
  return VERSIONED_OPENERS.find((entry) => entry.sdk === spec.sdk && name !== undefined && entry.openers.includes(name));
}

/** The version of the first of `packages` that is pinned, or else installed. */
function findVersion(packages: readonly string[], pins: VersionPins, dir: string): { version: Version; text: string; source: "installed" | "settings" } | undefined {
  for (const name of packages) {
    const pinned = pins[name];
    const version = pinned === undefined ? undefined : parseVersion(pinned);
    if (pinned !== undefined && version) return { version, text: pinned, source: "settings" };
  }
  for (const name of packages) {
    const text = installedVersion(name, dir);
    const version = text === undefined ? undefined : parseVersion(text);
    if (text !== undefined && version) return { version, text, source: "installed" };
  }
  return undefined;
}

/**
 * The release behaviour of this opener for code in `dir`, or `undefined` when the opener's semantics do not
 * depend on the version (its `errors` stand). `lookup` caches per file: a file asks once per entry.
 */
export function createReleaseLookup(pins: VersionPins, dir: string): (spec: OpenerSpec, callbackIsAsync: boolean) => Release | undefined {
  const perEntry = new Map<VersionedOpeners, { behaviour: ReleaseBehaviour; note: Omit<ReleaseNote, "syncThrowOnly"> }>();
  const resolve = (entry: VersionedOpeners) => {
    const known = perEntry.get(entry);
    if (known) return known;
    const found = findVersion(entry.packages, pins, dir);
    const assumed = entry.releases[entry.assume] as ReleaseBehaviour;
    const behaviour = (found && entry.releases.find((release) => inRange(found.version, release))) ?? assumed;
    const beyond = found && compareVersions(found.version, parseVersion(entry.verifiedThrough) as Version) > 0 ? entry.verifiedThrough : undefined;
    const result = {
      behaviour,
      note: { sdk: entry.name, version: found?.text, source: found?.source ?? ("not-found" as const), range: behaviour.label, beyond },
    };
    perEntry.set(entry, result);
    return result;
  };
  return (spec, callbackIsAsync) => {
    const entry = entryFor(spec);
    if (!entry) return undefined;
    const { behaviour, note } = resolve(entry);
    if (behaviour.errors === "no-scope") return { errors: undefined, note: { ...note, syncThrowOnly: false } };
    if (behaviour.errors === "async-only") {
      // An async function's throw is a rejection, which the wrapper records; any other callback may throw before it returns.
      return { errors: callbackIsAsync ? "recorded" : "not-recorded", note: { ...note, syncThrowOnly: !callbackIsAsync } };
    }
    return { errors: behaviour.errors, note: { ...note, syncThrowOnly: false } };
  };
}

/** `Traceloop 0.27.0, installed` · `Sentry 7.68.0, from settings` · `Traceloop version not found; assuming the behaviour of <=0.27.0`. */
export function describeRelease(note: ReleaseNote): string {
  if (note.source === "not-found") return `${note.sdk} version not found; assuming the behaviour of ${note.range}`;
  const where = note.source === "installed" ? "installed" : "from settings";
  if (note.beyond !== undefined) return `${note.sdk} ${note.version}, ${where}; newer than ${note.beyond}, the latest checked: assuming the behaviour of ${note.range}`;
  return `${note.sdk} ${note.version}, ${where}`;
}
