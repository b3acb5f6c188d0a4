/**
 * Settings name modules as text (`initializers: [{ module: "./tracing" }]`), and files import them as they must
 * be written for their module system (`import "./tracing.js"` under NodeNext, `require("./tracing")`,
 * `import "./tracing/index.js"`). A relative module of the settings matches every relative specifier of the file
 * that names the same module up to its extension and a trailing `/index` (src/scopes/files-on-disk.ts
 * `relativeModuleKey`): the file's catalogue lists those specifiers next to the settings' own, so that every
 * match by binding (ReferenceTracker maps, import lookups) sees them.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import type { Catalogue } from "./settings";
import { relativeModuleKey } from "./files-on-disk";
import { RELATIVE_SPECIFIER } from "./prefilter";

/** The modules a spec names (a method form names none). */
const modulesOf = (spec: object): readonly string[] | undefined => ("modules" in spec ? (spec.modules as readonly string[] | undefined) : undefined);

/** Every relative module the catalogue names, by key. */
const relativeModules = new WeakMap<Catalogue, ReadonlyMap<string, readonly string[]>>();

function keysOf(catalogue: Catalogue): ReadonlyMap<string, readonly string[]> {
  let keys = relativeModules.get(catalogue);
  if (!keys) {
    const found = new Map<string, string[]>();
    const specs: object[] = [...catalogue.openers, ...catalogue.flushes, ...catalogue.initializers, ...catalogue.manualSpans, ...catalogue.runners];
    for (const module of [...specs.flatMap((spec) => modulesOf(spec) ?? []), ...catalogue.initializerModules]) {
      const key = relativeModuleKey(module);
      if (key === module && !module.startsWith(".")) continue;
      const list = found.get(key) ?? [];
      if (!list.includes(module)) list.push(module);
      found.set(key, list);
    }
    keys = found;
    relativeModules.set(catalogue, keys);
  }
  return keys;
}

const derived = new WeakMap<Catalogue, Map<string, Catalogue>>();

/** The catalogue for this file: the settings' relative modules also under the file's own spelling of them. */
export function catalogueForFile(catalogue: Catalogue, sourceCode: Pick<Readonly<TSESLint.SourceCode>, "text">): Catalogue {
  const keys = keysOf(catalogue);
  if (keys.size === 0) return catalogue;
  /** Settings module → the file's other spellings of it. */
  const aliases = new Map<string, string[]>();
  for (const match of sourceCode.text.matchAll(new RegExp(RELATIVE_SPECIFIER.source, "gu"))) {
    const specifier = match[1] as string;
    for (const module of keys.get(relativeModuleKey(specifier)) ?? []) {
      const list = aliases.get(module) ?? [];
      if (module !== specifier && !list.includes(specifier)) list.push(specifier);
      aliases.set(module, list);
    }
  }
  const extra = [...aliases].filter(([, list]) => list.length > 0);
  if (extra.length === 0) return catalogue;
  const id = JSON.stringify(extra);
  let byId = derived.get(catalogue);
  if (!byId) {
    byId = new Map();
    derived.set(catalogue, byId);
  }
  let result = byId.get(id);
  if (!result) {
    const spelled = new Map(extra);
    const widen = (modules: readonly string[]) => [...modules, ...modules.flatMap((module) => spelled.get(module) ?? [])];
    const withAliases = <T extends object>(spec: T): T => {
      const modules = modulesOf(spec);
      return modules?.some((module) => spelled.has(module)) ? { ...spec, modules: widen(modules) } : spec;
    };
    result = {
      ...catalogue,
      openers: catalogue.openers.map(withAliases),
      flushes: catalogue.flushes.map(withAliases),
      initializers: catalogue.initializers.map(withAliases),
      manualSpans: catalogue.manualSpans.map(withAliases),
      runners: catalogue.runners.map(withAliases),
      initializerModules: widen(catalogue.initializerModules),
    };
    byId.set(id, result);
  }
  return result;
}
