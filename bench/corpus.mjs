// The benchmark corpus: real code nobody here wrote, copied out of installed npm packages.
//
//   node bench/corpus.mjs            build bench/.corpus/ from bench/corpus-manifest.json
//   node bench/corpus.mjs --refresh  choose the files again and rewrite the manifest
//
// The manifest (committed) names each package with its version and each file with a
// hash, so two runs on two machines measure the same bytes. bench/.corpus/ is gitignored.
//
// Layout:
//   bench/.corpus/mixed/<package>/<path>     the files as published
//   bench/.corpus/injected/<package>/<path>  a subset, each given a traced scope with an exit
//   bench/.corpus/x4, x16                    the mixed corpus 4 and 16 times (hard links)
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "./inject.mjs";

const BENCH = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.dirname(BENCH);
export const CORPUS = path.join(BENCH, ".corpus");
export const MANIFEST = path.join(BENCH, "corpus-manifest.json");
const NODE_MODULES = path.join(ROOT, "node_modules");

/** How many files of the mixed corpus get a traced scope injected. */
export const INJECTED_COUNT = 400;

const SOURCE = /\.(?:[cm]?[jt]s|tsx)$/u;
const DECLARATION = /\.d\.[cm]?ts$/u;

/**
 * Which files of which package. Built JavaScript for most (CommonJS and ESM), the
 * TypeScript sources where a package ships them (openai). OpenTelemetry packages
 * publish the same code three times (build/src, build/esm, build/esnext): one build
 * per package, alternating CommonJS and ESM, so no file is measured three times.
 */
function selections() {
  const otel = fs
    .readdirSync(path.join(NODE_MODULES, "@opentelemetry"))
    .sort()
    .map((name, index) => ({ pkg: `@opentelemetry/${name}`, dirs: [index % 2 === 0 ? "build/src" : "build/esm"] }));
  const traceloop = fs
    .readdirSync(path.join(NODE_MODULES, "@traceloop"))
    .sort()
    .map((name) => ({ pkg: `@traceloop/${name}`, dirs: ["dist"], only: /^dist\/index\.m?js$/u }));
  const tsEslint = ["eslint-plugin", "parser", "rule-tester", "scope-manager", "type-utils", "typescript-estree", "utils", "visitor-keys", "types", "project-service", "tsconfig-utils"].map(
    (name) => ({ pkg: `@typescript-eslint/${name}`, dirs: ["dist"] }),
  );
  return [
    { pkg: "openai", dirs: ["src"], only: /\.ts$/u },
    { pkg: "openai", dirs: ["."], only: /\.mjs$/u, skipDirs: ["src"] },
    { pkg: "@langchain/core", dirs: ["dist"], only: /\.js$/u },
    ...otel,
    ...traceloop,
    ...tsEslint,
    { pkg: "eslint", dirs: ["lib"] },
    { pkg: "eslint-plugin-unicorn", dirs: ["rules", "configs", "index.js"] },
    { pkg: "eslint-plugin-n", dirs: ["lib"] },
    { pkg: "jscodeshift", dirs: ["src"] },
    { pkg: "commander", dirs: ["lib", "index.js", "esm.mjs"] },
    { pkg: "diff", dirs: ["libcjs", "libesm"] },
  ];
}

function walk(dir, skipDirs, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "node_modules" || skipDirs.includes(entry.name)) continue;
      walk(full, [], out);
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
}

function packageVersion(pkg) {
  return JSON.parse(fs.readFileSync(path.join(NODE_MODULES, pkg, "package.json"), "utf8")).version;
}

function hash(buffer) {
  return createHash("sha256").update(buffer).digest("hex").slice(0, 16);
}

/** Chooses the files from what is installed now. */
export function choose() {
  const packages = {};
  const files = [];
  const seen = new Set();
  for (const { pkg, dirs, only, skipDirs = [] } of selections()) {
    const base = path.join(NODE_MODULES, pkg);
    if (!fs.existsSync(base)) continue;
    packages[pkg] = packageVersion(pkg);
    for (const dir of dirs) {
      const start = path.join(base, dir);
      if (!fs.existsSync(start)) continue;
      const found = [];
      if (fs.statSync(start).isDirectory()) walk(start, skipDirs, found);
      else found.push(start);
      for (const file of found) {
        const rel = path.relative(base, file).split(path.sep).join("/");
        if (!SOURCE.test(rel) || DECLARATION.test(rel) || (only && !only.test(rel))) continue;
        const key = `${pkg}/${rel}`;
        if (seen.has(key)) continue;
        seen.add(key);
        files.push({ path: key, sha: hash(fs.readFileSync(file)) });
      }
    }
  }
  return { packages, files };
}

function packageOf(corpusPath) {
  const parts = corpusPath.split("/");
  return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Copies the manifest's files out of node_modules; fails on a version or content mismatch. */
function materialise(manifest) {
  const mismatched = Object.entries(manifest.packages).filter(([pkg, version]) => {
    try {
      return packageVersion(pkg) !== version;
    } catch {
      return true;
    }
  });
  if (mismatched.length > 0) {
    const list = mismatched.map(([pkg, version]) => `${pkg}@${version}`).join(", ");
    throw new Error(`bench corpus: installed packages differ from the manifest (${list}). Run \`npm ci\`, or \`node bench/corpus.mjs --refresh\` to choose again.`);
  }
  const mixed = path.join(CORPUS, "mixed");
  fs.rmSync(CORPUS, { recursive: true, force: true });
  for (const file of manifest.files) {
    const pkg = packageOf(file.path);
    const source = path.join(NODE_MODULES, pkg, file.path.slice(pkg.length + 1));
    const content = fs.readFileSync(source);
    if (hash(content) !== file.sha) throw new Error(`bench corpus: ${file.path} differs from the manifest`);
    const target = path.join(mixed, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  isolate(mixed);
  buildInjected(manifest);
  for (const factor of [4, 16]) buildScaled(manifest, factor);
  fs.writeFileSync(path.join(CORPUS, "stamp.json"), JSON.stringify(stampOf(manifest)));
}

/**
 * An empty `.git` makes each corpus its own repository root for `traced-exit fix`, so the
 * project's .gitignore (which ignores bench/.corpus/) does not hide the files from it.
 */
function isolate(dir) {
  fs.mkdirSync(path.join(dir, ".git", "info"), { recursive: true });
}

/** Every INJECTED_COUNT-th share of the mixed corpus where a function body can be wrapped. */
function buildInjected(manifest) {
  const dir = path.join(CORPUS, "injected");
  const step = Math.max(1, Math.floor(manifest.files.length / INJECTED_COUNT));
  let count = 0;
  const skipped = [];
  for (let start = 0; start < step && count < INJECTED_COUNT; start++) {
    for (let i = start; i < manifest.files.length && count < INJECTED_COUNT; i += step) {
      const file = manifest.files[i];
      const target = path.join(dir, file.path);
      if (fs.existsSync(target)) continue;
      const source = fs.readFileSync(path.join(CORPUS, "mixed", file.path), "utf8");
      const result = inject(source, file.path, count);
      if (!result) {
        skipped.push(file.path);
        continue;
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, result);
      count++;
    }
  }
  isolate(dir);
}

function buildScaled(manifest, factor) {
  const dir = path.join(CORPUS, `x${factor}`);
  for (let copy = 0; copy < factor; copy++) {
    for (const file of manifest.files) {
      const target = path.join(dir, `copy${copy}`, file.path);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // Hard links: each path is a distinct file to the tools, at no disk cost.
      fs.linkSync(path.join(CORPUS, "mixed", file.path), target);
    }
  }
  isolate(dir);
}

function stampOf(manifest) {
  return { files: manifest.files.length, hash: hash(Buffer.from(JSON.stringify(manifest))), injected: INJECTED_COUNT, inject: hash(fs.readFileSync(path.join(BENCH, "inject.mjs"))) };
}

/** Makes sure bench/.corpus/ matches the manifest (rebuilding it when not); returns the manifest. */
export function ensureCorpus({ refresh = false, log = () => {} } = {}) {
  let manifest;
  if (refresh || !fs.existsSync(MANIFEST)) {
    manifest = choose();
    fs.writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 1)}\n`);
    log(`bench corpus: chose ${manifest.files.length} files from ${Object.keys(manifest.packages).length} packages; wrote ${path.relative(ROOT, MANIFEST)}`);
  } else {
    manifest = JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
  }
  const stampFile = path.join(CORPUS, "stamp.json");
  const current = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8") : "";
  if (current !== JSON.stringify(stampOf(manifest))) {
    log(`bench corpus: copying ${manifest.files.length} files into ${path.relative(ROOT, CORPUS)}/ …`);
    materialise(manifest);
  }
  return manifest;
}

/** The files of one corpus directory, relative paths, sorted. */
export function listCorpus(name) {
  const dir = path.join(CORPUS, name);
  const out = [];
  walk(dir, [".git"], out);
  return out.filter((file) => SOURCE.test(file));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = ensureCorpus({ refresh: process.argv.includes("--refresh"), log: (line) => console.log(line) });
  const bytes = manifest.files.reduce((sum, file) => sum + fs.statSync(path.join(CORPUS, "mixed", file.path)).size, 0);
  console.log(`bench corpus: ${manifest.files.length} files, ${(bytes / 1e6).toFixed(1)} MB; injected: ${listCorpus("injected").length} files`);
}
