/**
 * A rewrite must not leave a file that imports a package its project does not declare
 * (issue 12): `recordSpanErrors()` needs `@opentelemetry/api`, which a Traceloop app has installed
 * (Traceloop depends on it) but seldom declares, so `n/no-extraneous-import` reports the new import
 * and a strict installer (pnpm) may not resolve it.
 *
 * For each package that the output imports and the input did not:
 * - declared in the nearest package.json (any dependency field): nothing to do;
 * - installed (found in a node_modules folder above the file) but not declared: added to that
 *   package.json's `dependencies` with `^<installed version>`, and the summary says so;
 * - not installed at all: the rewrite is refused, with the package to install.
 * A file with no package.json above it belongs to no project: nothing is checked.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A package to add to a package.json's `dependencies`. */
export interface DependencyToDeclare {
  packageJson: string;
  name: string;
  range: string;
}

export type DependencyCheck = { kind: "ok"; declare: DependencyToDeclare[] } | { kind: "missing"; names: string[] };

const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

/** `import … from "x"`, `import "x"`, `export … from "x"`, `require("x")`, `import("x")`: the specifiers. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*|\brequire\s*\(\s*|\bimport\s*\(\s*)(["'])([^"'\n]+)\1/gu;

/** The package a bare specifier names: `@scope/pkg/sub` → `@scope/pkg`; undefined for relative, absolute and `node:` ones. */
export function packageOf(specifier: string): string | undefined {
  if (/^(?:\.|\/|[a-z]+:)/u.test(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? (parts.length >= 2 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
}

function importedPackages(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(SPECIFIER)) {
    const name = packageOf(match[2] as string);
    if (name) names.add(name);
  }
  return names;
}

/** Packages that `output` imports and `source` did not. */
export function newPackageImports(source: string, output: string): string[] {
  const before = importedPackages(source);
  return [...importedPackages(output)].filter((name) => !before.has(name)).sort();
}

function nearestPackageJson(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "package.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The version of `name` as Node would find it from `from` (the nearest node_modules/<name> above). */
function installedVersion(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "node_modules", name, "package.json"), "utf8")) as { version?: unknown };
      if (typeof manifest.version === "string") return manifest.version;
    } catch {
      // Not installed at this level: look further up.
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function declaredIn(packageJson: string): Set<string> {
  const manifest = JSON.parse(fs.readFileSync(packageJson, "utf8")) as Record<string, unknown>;
  const names = new Set<string>();
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field];
    if (deps && typeof deps === "object") for (const name of Object.keys(deps)) names.add(name);
  }
  // A package may import itself by name.
  if (typeof manifest.name === "string") names.add(manifest.name);
  return names;
}

/** What the project must declare for `file` to be written with `output`. */
export function checkDependencies(file: string, source: string, output: string): DependencyCheck {
  const needed = newPackageImports(source, output);
  if (needed.length === 0) return { kind: "ok", declare: [] };
  const dir = path.dirname(file);
  const packageJson = nearestPackageJson(dir);
  // No package.json above the file: no project to declare anything in, nor to judge against.
  if (!packageJson) return { kind: "ok", declare: [] };
  const declared = declaredIn(packageJson);
  const declare: DependencyToDeclare[] = [];
  const missing: string[] = [];
  for (const name of needed) {
    if (declared.has(name)) continue;
    const version = installedVersion(name, dir);
    if (version === undefined) missing.push(name);
    else declare.push({ packageJson, name, range: `^${version}` });
  }
  return missing.length > 0 ? { kind: "missing", names: missing } : { kind: "ok", declare };
}

/**
 * The package.json text with `additions` in `dependencies` (sorted, as npm keeps them), its layout kept: the
 * indentation of its first indented line (tabs or N spaces, as detect-indent reads it), its line ends, its
 * final newline or none, and a manifest written on one line stays on one line (`{"a":1}` compact, `{ "a": 1 }`
 * spaced, whichever the file uses).
 */
export function withDependencies(text: string, additions: ReadonlyMap<string, string>): string {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const dependencies = { ...(manifest.dependencies as Record<string, string> | undefined) };
  for (const [name, range] of additions) dependencies[name] ??= range;
  manifest.dependencies = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b, "en")));
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const ending = /\r?\n$/u.test(text) ? eol : "";
  const content = text.replace(/\r?\n$/u, "");
  if (!content.includes("\n")) {
    // One line: JSON strings hold no raw line break, so joining the lines of an indented dump is safe.
    const spaced = /^\s*\{\s*"[^"]*"\s*:\s/u.test(content) || /^\s*\{\s+"/u.test(content);
    const body = spaced ? JSON.stringify(manifest, null, 1).replace(/\n\s*/gu, " ") : JSON.stringify(manifest);
    return `${body}${ending}`;
  }
  const indent = /^[ \t]+(?=")/mu.exec(content)?.[0] ?? "  ";
  return `${JSON.stringify(manifest, null, indent).replace(/\n/gu, eol)}${ending}`;
}
