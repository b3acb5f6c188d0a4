/**
 * The pieces of version-aware semantics below the rules: the semver subset the catalogue's ranges use,
 * the lookup of an installed package (real directories, symlinks as pnpm lays them out, files that are
 * not what they should be), and the settings that pin versions.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VERSIONED_OPENERS } from "../../src/scopes/catalogue";
import { clearInstalledVersions, installedVersion } from "../../src/scopes/installed";
import { VERSIONED_PACKAGES } from "../../src/scopes/releases";
import { SettingsError, catalogueFor } from "../../src/scopes/settings";
import type { Version } from "../../src/scopes/version";
import { compareVersions, inRange, parseVersion } from "../../src/scopes/version";

const v = (text: string) => parseVersion(text) as Version;

describe("parseVersion / compareVersions / inRange", () => {
  it("reads exact versions only", () => {
    expect(parseVersion("0.27.0")).toEqual({ major: 0, minor: 27, patch: 0, prerelease: [] });
    expect(parseVersion("v2.0.7-beta.1+build.5")).toEqual({ major: 2, minor: 0, patch: 7, prerelease: ["beta", "1"] });
    for (const text of ["^1.2.3", "1.2", "01.2.3", "1.2.3-", "workspace:*", "latest", "", "1.2.3 || 2.0.0"]) expect(parseVersion(text), text).toBeUndefined();
  });

  it("orders as semver 2.0.0 §11 does", () => {
    // Each is lower than the next (the example list of the semver specification, then numeric parts).
    const ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0"];
    for (let index = 1; index < ordered.length; index++) {
      const lower = v(ordered[index - 1] as string);
      const higher = v(ordered[index] as string);
      expect(compareVersions(lower, higher), `${ordered[index - 1]} < ${ordered[index]}`).toBeLessThan(0);
      expect(compareVersions(higher, lower)).toBeGreaterThan(0);
    }
    expect(compareVersions(v("1.2.3+a"), v("1.2.3+b"))).toBe(0);
  });

  it("tests half-open ranges [from, below)", () => {
    expect(inRange(v("2.0.6"), { below: "2.0.7" })).toBe(true);
    expect(inRange(v("2.0.7"), { below: "2.0.7" })).toBe(false);
    // A pre-release of 2.0.7 precedes 2.0.7: still the old behaviour.
    expect(inRange(v("2.0.7-rc.1"), { below: "2.0.7" })).toBe(true);
    expect(inRange(v("7.69.0"), { from: "7.69.0" })).toBe(true);
    expect(inRange(v("7.68.9"), { from: "7.69.0" })).toBe(false);
    expect(inRange(v("0.0.1"), {})).toBe(true);
  });

  it("the catalogue's ranges are valid, ordered, cover every version, and assume one of them", () => {
    for (const entry of VERSIONED_OPENERS) {
      const bounds = entry.releases.flatMap((release) => [release.from, release.below]).filter((bound): bound is string => bound !== undefined);
      for (const bound of [...bounds, entry.verifiedThrough]) expect(parseVersion(bound), `${entry.name} ${bound}`).toBeDefined();
      expect(entry.releases[0]?.from).toBeUndefined();
      expect(entry.releases.at(-1)?.below).toBeUndefined();
      for (let index = 1; index < entry.releases.length; index++) expect(entry.releases[index]?.from).toBe(entry.releases[index - 1]?.below);
      expect(entry.releases[entry.assume]).toBeDefined();
    }
  });
});

describe("installedVersion", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "traced-exit-versions-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const PKG = "@traceloop/node-server-sdk";

  it("finds the nearest node_modules walking up, and the nearer one wins", () => {
    write(`app/node_modules/${PKG}/package.json`, '{ "version": "0.20.2" }');
    write(`app/packages/api/node_modules/${PKG}/package.json`, '{ "version": "0.27.0" }');
    mkdirSync(path.join(root, "app/packages/api/src/deep"), { recursive: true });
    mkdirSync(path.join(root, "app/packages/web/src"), { recursive: true });
    expect(installedVersion(PKG, path.join(root, "app/packages/api/src/deep"))).toBe("0.27.0");
    expect(installedVersion(PKG, path.join(root, "app/packages/web/src"))).toBe("0.20.2");
  });

  it("follows a pnpm symlink into .pnpm", () => {
    write(`pnpm/node_modules/.pnpm/@sentry+node@7.68.0/node_modules/@sentry/node/package.json`, '{ "name": "@sentry/node", "version": "7.68.0" }');
    mkdirSync(path.join(root, "pnpm/node_modules/@sentry"), { recursive: true });
    symlinkSync(path.join(root, "pnpm/node_modules/.pnpm/@sentry+node@7.68.0/node_modules/@sentry/node"), path.join(root, "pnpm/node_modules/@sentry/node"), "dir");
    expect(installedVersion("@sentry/node", path.join(root, "pnpm"))).toBe("7.68.0");
  });

  it("says not found, without throwing, for a package.json that is not JSON, has no exact version, or is missing", () => {
    write(`broken/node_modules/${PKG}/package.json`, "{ not json");
    write(`ranged/node_modules/${PKG}/package.json`, '{ "version": "^0.27.0" }');
    // The nearest package decides even when it is unreadable: Node would load that one, not one further up.
    write(`ranged/inner/node_modules/${PKG}/package.json`, "{}");
    expect(installedVersion(PKG, path.join(root, "broken"))).toBeUndefined();
    expect(installedVersion(PKG, path.join(root, "ranged"))).toBeUndefined();
    expect(installedVersion(PKG, path.join(root, "ranged/inner"))).toBeUndefined();
    expect(installedVersion(PKG, path.join(root, "no/such/directory"))).toBeUndefined();
  });

  it("reads a directory once, and again once the entry has aged", () => {
    write(`cached/node_modules/${PKG}/package.json`, '{ "version": "0.19.1" }');
    const dir = path.join(root, "cached");
    expect(installedVersion(PKG, dir, 1_000)).toBe("0.19.1");
    write(`cached/node_modules/${PKG}/package.json`, '{ "version": "0.27.0" }');
    // Within the same run (a moment later), the first read stands; an editor seconds later sees the upgrade.
    expect(installedVersion(PKG, dir, 1_001)).toBe("0.19.1");
    expect(installedVersion(PKG, dir, 60_000)).toBe("0.27.0");
    clearInstalledVersions();
  });
});

describe("settings versions", () => {
  const settings = (versions: unknown) => ({ "traced-exit": { versions } });

  it("accepts exact versions of the packages the catalogue keys by version", () => {
    expect(catalogueFor(settings({ "@traceloop/node-server-sdk": "0.27.0", "@sentry/node": "7.68.0" })).versions).toEqual({ "@traceloop/node-server-sdk": "0.27.0", "@sentry/node": "7.68.0" });
    expect(VERSIONED_PACKAGES).toEqual(expect.arrayContaining(["@traceloop/node-server-sdk", "@sentry/node", "@arizeai/openinference-core"]));
  });

  it.each([
    [[], "versions must be an object of package name to version", "versions"],
    [{ "@traceloop/node-sdk": "0.27.0" }, 'versions has unknown package "@traceloop/node-sdk" (allowed: ', 'versions["@traceloop/node-sdk"]'],
    [{ "@sentry/node": "^7.0.0" }, 'versions["@sentry/node"] must be an exact version such as "1.2.3" (got "^7.0.0")', 'versions["@sentry/node"]'],
    [{ "@sentry/node": 7 }, 'versions["@sentry/node"] must be an exact version such as "1.2.3" (got 7)', 'versions["@sentry/node"]'],
  ])("refuses %j", (versions, message, where) => {
    let error: unknown;
    try {
      catalogueFor(settings(versions));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).message).toContain(`Invalid settings["traced-exit"]: ${message}`);
    expect((error as SettingsError).path).toBe(`settings["traced-exit"].${where}`);
  });
});
