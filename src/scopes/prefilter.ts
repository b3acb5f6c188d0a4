/**
 * Cheap text tests that say a file *cannot* contain what the model looks for, so it is
 * never analysed (by the rules) or never parsed (by the codemod).
 *
 * Every scope, flush and initializer is found from a catalogue entry through an import or
 * a `require`, and both spell the module *and* the name used from it:
 *
 *   import { withTask } from "@traceloop/node-server-sdk";   // module + "withTask"
 *   const api = require("@opentelemetry/api");               // module + "context" + "setSpan"
 *   api.context.with(api.trace.setSpan(ctx, span), fn);
 *
 * so a file must contain every word of at least one group. The module alone is not enough
 * to be useful: every file of the OpenTelemetry packages names `@opentelemetry/api`.
 * Not seen, and not resolved by the model either: a name built at run time
 * (`sdk["with" + "Task"]`).
 */
import type { Catalogue } from "./settings";
import * as path from "node:path";
import { relativeModuleKey, resolveRelative } from "./files-on-disk";
import { preloadsOf } from "./preloads";
import { catalogueModules, dependsOnCatalogue } from "./installed";

/**
 * Groups by their first word (a module name, or a method name), and first words by their npm
 * scope: `@opentelemetry/` is searched for once for four modules, `@traceloop/node-server-sdk`
 * once for ten groups, and the other words only when those are there. The gates of openers,
 * flushes and initializers are searched for together, once: most files contain none, so the
 * test is about ten `includes` scans of the text.
 */
type Groups = ReadonlyMap<string, ReadonlyMap<string, readonly (readonly string[])[]>>;

interface Words {
  readonly openers: Groups;
  /** Flushes, initializers and initializer modules: with the openers, everything that traces. */
  readonly others: Groups;
  /** The initializers alone: what a module must spell to start tracing when imported (src/scopes/imported-setup.ts). */
  readonly initializers: Groups;
  /** Every gate of both, once: a text with none of them matches nothing (most files). */
  readonly gates: readonly string[];
}

const cache = new WeakMap<Catalogue, Words>();

function wordsOf(catalogue: Catalogue): Words {
  const cached = cache.get(catalogue);
  if (cached) return cached;
  const openers = new Map<string, Map<string, string[][]>>();
  const others = new Map<string, Map<string, string[][]>>();
  const initializers = new Map<string, Map<string, string[][]>>();
  const add = (into: Map<string, Map<string, string[][]>>, group: [string, ...string[]]) => {
    const [first, ...rest] = group.map(searchable) as [string, ...string[]];
    const gate = first.startsWith("@") && first.includes("/") ? first.slice(0, first.indexOf("/") + 1) : first;
    const byFirst = into.get(gate) ?? new Map<string, string[][]>();
    const rests = byFirst.get(first) ?? [];
    if (!rests.some((known) => known.join("\0") === rest.join("\0"))) rests.push(rest);
    byFirst.set(first, rests);
    into.set(gate, byFirst);
  };
  for (const opener of catalogue.openers) {
    const groups: [string, ...string[]][] = [];
    if (opener.form === "method") {
      // `startActiveSpan` on any object; dd-trace's `tracer.trace()` only on its module's tracer.
      if (opener.modules) for (const module of opener.modules) groups.push([module, ...(opener.receiver ?? []), opener.method]);
      else groups.push([opener.method]);
    } else {
      const firstArg = opener.form === "call" && opener.firstArgCallOf ? [opener.firstArgCallOf.at(-1) as string] : [];
      for (const module of opener.modules) groups.push([module, opener.path[0] as string, ...firstArg]);
    }
    for (const group of groups) add(openers, group);
  }
  // A span started by hand is a scope too: `import { trace } from "@opentelemetry/api"` + `startSpan`.
  for (const spec of catalogue.manualSpans) {
    const modules = [...spec.modules, ...(spec.providers ?? []).flatMap((provider) => provider.modules)];
    for (const module of modules) add(openers, [module, spec.path[0] as string]);
  }
  // A default export (`import Langfuse from "langfuse"`) is not spelled `default`: the module alone gates it.
  for (const init of catalogue.initializers) {
    for (const module of init.modules) {
      const group: [string, ...string[]] = init.path[0] === "default" ? [module] : [module, init.path[0] as string];
      add(others, group);
      add(initializers, group);
    }
  }
  for (const flush of catalogue.flushes) {
    if (flush.form === "call") for (const module of flush.modules) add(others, [module, flush.path[0] as string]);
    // A flush method on instances of an initializer (`sdk.shutdown()`) needs that initializer in the file: covered above.
    else if (!flush.onInstancesOf) add(others, [flush.method]);
  }
  for (const module of catalogue.initializerModules) add(others, [module]);
  const words = { openers, others, initializers, gates: [...new Set([...openers.keys(), ...others.keys()])] };
  cache.set(catalogue, words);
  return words;
}

/**
 * The part of a word that a file surely spells as is: of a relative module, its stem. A backslash in a module name is written
 * escaped in the file's string literal (`"./a\\b"` for `./a\b`), so only the longest run
 * without one is searched for.
 */
function searchable(word: string): string {
  // `"./tracing.js"` in settings, `import … from "./tracing"` in the file (and the other way round): the stem is
  // spelled in both (src/scopes/specifiers.ts matches them).
  if (relativeModuleKey(word) !== word) return searchable(relativeModuleKey(word));
  if (!word.includes("\\")) return word;
  return word.split("\\").reduce((longest, part) => (part.length > longest.length ? part : longest), "");
}

function matches(text: string, groups: Groups, present: ReadonlySet<string>): boolean {
  for (const [gate, byFirst] of groups) {
    if (!present.has(gate)) continue;
    for (const [first, rests] of byFirst) {
      if (first !== gate && !text.includes(first)) continue;
      if (rests.some((rest) => rest.every((word) => text.includes(word)))) return true;
    }
  }
  return false;
}

interface Verdict {
  readonly openers: boolean;
  readonly tracing: boolean;
}

/**
 * The verdict for the last text: every rule asks about the same file in turn (the same string),
 * so the text is scanned once per file, not once per rule.
 */
let last: { text: string; catalogue: Catalogue; verdict: Verdict } | undefined;

function verdictOf(text: string, catalogue: Catalogue): Verdict {
  if (last !== undefined && last.catalogue === catalogue && last.text === text) return last.verdict;
  const words = wordsOf(catalogue);
  const present = new Set(words.gates.filter((gate) => text.includes(gate)));
  const openers = present.size > 0 && matches(text, words.openers, present);
  const verdict = { openers, tracing: openers || (present.size > 0 && matches(text, words.others, present)) };
  last = { text, catalogue, verdict };
  return verdict;
}

/** False when no scope opener of the catalogue can resolve in this text. */
export function mightOpenScope(text: string, catalogue: Catalogue): boolean {
  return verdictOf(text, catalogue).openers;
}

/** False when no opener, flush or initializer can resolve in this text. */
export function mightTrace(text: string, catalogue: Catalogue): boolean {
  return verdictOf(text, catalogue).tracing;
}

/**
 * The codemod's test: false means no rule can report anything on this text. An entry
 * file (settings `entry: true`) may need a flush at any exit, so it always passes; so does
 * a file (at the absolute `filePath`) that imports a module whose text could start tracing, or whose package.json
 * script preloads one (src/scopes/imported-setup.ts, src/scopes/preloads.ts).
 */
export function mightNeedChange(text: string, catalogue: Catalogue, filePath?: string): boolean {
  if (catalogue.entry === true || mightTrace(text, catalogue) || mightImportSetupFrom(text, filePath, catalogue) || mightConstructDependency(text)) return true;
  return filePath !== undefined && path.isAbsolute(filePath) && mightStartSpanThroughImport(text, path.dirname(filePath), catalogue);
}

const PACKAGE_IMPORT = /\bfrom\s*["'](?![./]|node:)[^"'\n]+["']/u;
const NEW_CALL = /\bnew\s+[A-Za-z_$]/u;

/**
 * The text could construct a class imported from a package: worth parsing for a dependency's set-up
 * (src/scopes/program-setup.ts). The codemod's test too, so that `traced-exit fix` sees what the flush rule reports.
 */
export function mightConstructDependency(text: string): boolean {
  return constructedImports(text).length > 0;
}

/**
 * `import { Config, debugLogger as log } from "@google/gemini-cli-core"` … `new Config(`: the classes imported by name
 * from a package that the text constructs (only those are read: src/scopes/program-setup.ts), as the package's
 * specifier and the imported name. Text only.
 */
export function constructedImports(text: string): { specifier: string; name: string }[] {
  if (!NEW_CALL.test(text) || !PACKAGE_IMPORT.test(text)) return [];
  const found: { specifier: string; name: string }[] = [];
  for (const match of text.matchAll(NAMED_PACKAGE_IMPORT)) {
    for (const part of (match[1] as string).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//gu, "").split(",")) {
      const [name, local = name] = part.trim().split(/\s+as\s+/u).map((word) => word.trim());
      if (name && local && /^[A-Za-z_$][\w$]*$/u.test(local) && new RegExp(`\\bnew\\s+${local.replaceAll("$", "\\$")}\\b`, "u").test(text)) found.push({ specifier: match[2] as string, name });
    }
  }
  return found;
}

/** `import { a, b as c } from "pkg"`, `import X, { … } from "pkg"`: the braces (group 1) and the specifier (group 2) of a named package import. */
const NAMED_PACKAGE_IMPORT = /\bimport\s+(?:[\w$]+\s*,\s*)?\{([^}]*)\}\s*from\s*["']((?![./]|node:)[^"'\n]+)["']/gu;

/** The text imports from a package (not a relative path, not `node:`): a function of it may flush (src/scopes/program-setup.ts). */
export function mightImportPackage(text: string): boolean {
  return PACKAGE_IMPORT.test(text);
}

/** `from "./x"`, `import "./x"`, `import("./x")`, `require("./x")`: the relative specifier (group 1). */
export const RELATIVE_SPECIFIER = /(?:\bfrom|\bimport(?:\s*\()?|\brequire\s*\()\s*["'](\.\.?\/[^"'\n]*)["']/u;

/** How many relative imports away a set-up is followed: `index.ts` → `./app.js` → `./tracing.js` is two (src/scopes/imported-setup.ts). */
export const MAX_IMPORT_HOPS = 3;

/** False when no initializer of the catalogue can resolve in this text: imported, it starts no tracing. */
export function mightInitialize(text: string, catalogue: Catalogue): boolean {
  const words = wordsOf(catalogue);
  const present = new Set([...words.initializers.keys()].filter((gate) => text.includes(gate)));
  return present.size > 0 && matches(text, words.initializers, present);
}

/**
 * A relative specifier of the text, from the file at `filePath`, names a module on disk whose text could start
 * tracing with an initializer: the set-up may be there (src/scopes/imported-setup.ts). Nothing is parsed.
 */
function mightImportSetupFrom(text: string, filePath: string | undefined, catalogue: Catalogue): boolean {
  if (filePath === undefined || !path.isAbsolute(filePath)) return false;
  const seen = new Map<string, number>();
  // A module the package.json script that runs this file preloads (src/scopes/preloads.ts).
  const preloaded = preloadsOf(filePath).some(({ dir, specifier }) => mightReachSetup(dir, `import "${specifier}";`, catalogue, MAX_IMPORT_HOPS, seen));
  return preloaded || mightReachSetup(path.dirname(filePath), text, catalogue, MAX_IMPORT_HOPS, seen);
}

/**
 * A relative specifier of `text` (a file in `dir`) names a module that could start tracing, itself or through its
 * own relative specifiers, up to `hops` modules away (`seen`: the hops each file was searched with, which guards cycles).
 * A module counts when it names an initializer or `constructs` a package class that may start tracing (by default: of
 * a package that declares a catalogue module). The modules' text is not parsed.
 */
export function mightReachSetup(
  dir: string,
  text: string,
  catalogue: Catalogue,
  hops: number,
  seen: Map<string, number>,
  constructs: (text: string, dir: string) => boolean = (other, from) =>
    constructedImports(other).some(({ specifier }) => dependsOnCatalogue(specifier, from, catalogueModules(catalogue))),
): boolean {
  if (hops <= 0 || !RELATIVE_SPECIFIER.test(text)) return false;
  for (const match of text.matchAll(new RegExp(RELATIVE_SPECIFIER.source, "gu"))) {
    const source = resolveRelative(dir, match[1] as string);
    if (!source || (seen.get(source.file) ?? -1) >= hops) continue;
    seen.set(source.file, hops);
    // A module that constructs a class of an installed package may start tracing through it (src/scopes/program-setup.ts).
    const from = path.dirname(source.file);
    if (mightInitialize(source.text, catalogue) || constructs(source.text, from) || mightReachSetup(from, source.text, catalogue, hops - 1, seen, constructs)) return true;
  }
  return false;
}

/**
 * A file may start spans on a tracer that another module keeps in a binding of its own (src/scopes/tracer-bindings.ts)
 * without naming the SDK: it names the span method (`startSpan`) and a relative module, in `dir`, whose text names
 * the SDK's module. Nothing is parsed.
 */
export function mightStartSpanThroughImport(text: string, dir: string, catalogue: Catalogue): boolean {
  const specs = catalogue.manualSpans.filter((spec) => spec.moduleIsTracer && text.includes(spec.path.at(-1) as string));
  if (specs.length === 0 || !path.isAbsolute(dir) || !RELATIVE_SPECIFIER.test(text)) return false;
  for (const match of text.matchAll(new RegExp(RELATIVE_SPECIFIER.source, "gu"))) {
    const source = resolveRelative(dir, match[1] as string);
    if (source && specs.some((spec) => spec.modules.some((module) => source.text.includes(module)))) return true;
  }
  return false;
}
