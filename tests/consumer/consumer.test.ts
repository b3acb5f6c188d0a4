/**
 * The package as users install it (issue 12): `npm pack` of a clean checkout (tracked files only,
 * no dist/), then scratch projects that install the tarball plus only what a user installs, and
 * use it the ways the README says. Nothing here can see the repo's devDependencies: a runtime
 * import that only a devDependency satisfies fails every test below.
 *
 * Two projects, installed in parallel:
 * - `esm`: "type": "module", ESLint 10, TypeScript 6.0, Traceloop 0.27, jiti, oxlint;
 * - `cjs`: CommonJS, ESLint 9, TypeScript 5.9, OpenTelemetry's API and SDK, jiti.
 * Each lints the same kind of traced file through every config the README shows (taken from the
 * README itself, so the README is exactly what is tested), type-checks `eslint.config.ts` with
 * `skipLibCheck: false`, and runs `traced-exit fix` from the installed package.
 *
 * Run with `npm run test:consumer` (needs the npm registry; about 2–4 minutes on 2 cores).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "traced-exit-consumer-")));
const bin = (name: string) => path.join(root, "node_modules/.bin", name);
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; version: string };

/** The README's fenced block whose first line is `// <title>`, without that line. */
function readmeBlock(title: string): string {
  const blocks = [...readme.matchAll(/```(?:js|ts|json)\n([\s\S]*?)```/gu)].map((match) => match[1] as string);
  const block = blocks.find((text) => text.split("\n")[0] === `// ${title}`);
  if (!block) throw new Error(`README has no block titled "// ${title}"`);
  return block.split("\n").slice(1).join("\n");
}

/** The packages the README's install line names. */
function readmeInstall(): string[] {
  const line = /^npm install --save-dev (.+)$/mu.exec(readme);
  if (!line) throw new Error("README has no `npm install --save-dev` line");
  return (line[1] as string).split(/\s+/u);
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like `run`, asynchronously: the two projects install at the same time. */
function runAsync(cwd: string, command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

function expectOk(result: Run, what: string): Run {
  expect(result.status, `${what}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

/** A checkout with exactly the files git would clone: no dist/, no node_modules of its own. */
function cleanCheckout(): string {
  const clean = path.join(work, "clean");
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((file) => file && fs.existsSync(path.join(root, file)));
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(clean, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(clean, file));
  }
  // The build tools only: `npm pack` runs `prepack` (the build) as `npm publish` would.
  fs.symlinkSync(path.join(root, "node_modules"), path.join(clean, "node_modules"), "dir");
  return clean;
}

let clean = "";
let tarball = "";
const projects = { esm: path.join(work, "esm"), cjs: path.join(work, "cjs") };

// A traced app of each kind. The exit inside the scope, the un-flushed entry and (Traceloop) the
// scope that does not record errors are each one finding; `fix` must leave none, and type-check.
const TRACELOOP_APP = `import * as traceloop from "@traceloop/node-server-sdk";

traceloop.initialize({ appName: "consumer", disableBatch: false });

async function main(): Promise<void> {
  await traceloop.withWorkflow({ name: "rag_pipeline" }, async () => {
    if (!process.env.AWS_REGION) {
      console.error("AWS_REGION is not set");
      process.exit(1);
    }
  });
}

main();
`;
const OTEL_APP = `import { trace } from "@opentelemetry/api";
import { NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } from "@opentelemetry/sdk-trace-node";

const provider = new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())] });
provider.register();
const tracer = trace.getTracer("consumer");

export function job(region: string | undefined): number {
  return tracer.startActiveSpan("job", (span) => {
    if (!region) {
      console.error("no region");
      process.exit(2);
    }
    span.end();
    return 1;
  });
}
`;

beforeAll(async () => {
  clean = cleanCheckout();
  expectOk(run(clean, "npm", ["pack", "--pack-destination", work, "--silent"]), "npm pack in the clean checkout");
  tarball = path.join(work, `${pkg.name}-${pkg.version}.tgz`);
  expect(fs.existsSync(tarball)).toBe(true);

  // The README's install line, with the tarball for the plugin and this project's pins.
  const install = (pins: Record<string, string>, extra: string[]) =>
    [...readmeInstall().map((name) => (name === pkg.name ? tarball : `${name}@${pins[name] ?? "latest"}`)), ...extra];
  const common = ["--save-dev", "--no-audit", "--no-fund", "--loglevel=error"];
  write(projects.esm, {
    "package.json": JSON.stringify({ name: "consumer-esm", private: true, type: "module" }),
    "src/app.ts": TRACELOOP_APP,
  });
  write(projects.cjs, {
    "package.json": JSON.stringify({ name: "consumer-cjs", private: true }),
    "src/app.ts": OTEL_APP,
  });
  const installs = await Promise.all([
    runAsync(projects.esm, "npm", ["install", ...common, ...install({ eslint: "^10" }, ["typescript@~6.0.3", "jiti", "@types/node@^20", "@traceloop/node-server-sdk@0.27.0", "oxlint@^1.96.0"])]),
    runAsync(projects.cjs, "npm", [
      "install",
      ...common,
      ...install({ eslint: "^9.39.0" }, ["typescript@~5.9.3", "jiti", "@types/node@^20", "@opentelemetry/api@^1.9.0", "@opentelemetry/sdk-trace-node@^2.0.0"]),
    ]),
  ]);
  installs.forEach((result, index) => expectOk(result, `npm install in the ${index === 0 ? "esm" : "cjs"} project`));

  for (const dir of Object.values(projects)) {
    write(dir, {
      "eslint.config.mjs": readmeBlock("eslint.config.mjs"),
      "eslint.config.cjs": readmeBlock("eslint.config.cjs"),
      "eslint.config.ts": readmeBlock("eslint.config.ts"),
      "typechecked.config.mjs": readmeBlock("eslint.config.mjs (type-checked)"),
      // The app as a user's tsconfig has it; Traceloop's own .d.ts name optional SDKs nobody installs.
      "tsconfig.json": JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, noEmit: true, types: ["node"] },
        include: ["src", "eslint.config.ts", "settings-check.ts"],
      }),
      // The config file alone, with every library's types checked.
      "tsconfig.config.json": JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: false, noEmit: true, types: [] },
        include: ["eslint.config.ts", "settings-check.ts"],
      }),
      // The exported settings type must reject what src/scopes/settings.ts rejects.
      "settings-check.ts": `import type { TracedExitSettings } from "eslint-plugin-traced-exit";
export const good: TracedExitSettings = { wrappers: [{ method: "runInSpan", recordsErrors: true }], initializers: [{ module: "./tracing" }], entry: true };
// @ts-expect-error -- a wrapper takes "method" or "module" + "export", not both
export const both: TracedExitSettings = { wrappers: [{ method: "runInSpan", module: "./tracing", export: "traced" }] };
// @ts-expect-error -- "flush" is not a key
export const typo: TracedExitSettings = { flush: [] };
`,
    });
  }
}, 900_000);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

interface EslintMessage {
  ruleId: string | null;
  line: number;
  column: number;
  fatal?: boolean;
  message: string;
}

/** `eslint -f json` in a project: `file:line:column rule` of every message, fatal ones included. */
function eslint(dir: string, config: string, targets: string[] = ["src"]): string[] {
  const result = run(dir, path.join(dir, "node_modules/.bin/eslint"), ["--config", config, "-f", "json", ...targets]);
  expect([0, 1], `${config}: ${result.stderr}`).toContain(result.status);
  const files = JSON.parse(result.stdout) as Array<{ filePath: string; messages: EslintMessage[] }>;
  return files.flatMap((file) =>
    file.messages.map((m) => `${path.relative(dir, file.filePath)}:${m.line}:${m.column} ${m.fatal ? `FATAL ${m.message}` : m.ruleId}`),
  );
}

const TRACELOOP_FINDINGS = ["src/app.ts:14:1 traced-exit/require-flush-before-exit", "src/app.ts:6:9 traced-exit/require-span-error-recording", "src/app.ts:9:7 traced-exit/no-process-exit"];
// The span is ended on success only (no finally): a throw there would leave it open.
const OTEL_FINDINGS = ["src/app.ts:12:7 traced-exit/no-process-exit", "src/app.ts:9:10 traced-exit/require-span-error-recording"];
const traced = (findings: string[]) => findings.filter((line) => line.includes("traced-exit/") || line.includes("FATAL")).sort();

describe("a clean checkout's npm pack", () => {
  it("ships the build, the licence and the docs, and nothing internal in its exports", () => {
    const listing = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
    for (const file of ["package/dist/index.js", "package/dist/index.mjs", "package/dist/index.d.ts", "package/dist/index.d.mts", "package/dist/cli/index.js", "package/bin/traced-exit.js", "package/LICENSE", "package/README.md", "package/docs/settings.md"]) {
      expect(listing).toContain(file);
    }
    expect(listing.filter((file) => file.startsWith("package/tests/") || file.startsWith("package/src/"))).toEqual([]);
    const shipped = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" })) as { exports: Record<string, unknown> };
    expect(Object.keys(shipped.exports).sort()).toEqual(
      [".", "./codemods/await-floating-promises", "./codemods/exit-to-throw", "./codemods/flush-before-exit", "./codemods/record-span-errors", "./package.json"].sort(),
    );
  });

  it("passes publint", () => {
    const result = expectOk(run(clean, bin("publint"), ["run", "--strict", "--pack", "npm"]), "publint");
    expect(result.stdout).toMatch(/All good/u);
  });

  it("passes @arethetypeswrong/cli for Node's CommonJS and ESM resolution", () => {
    // node16 profile: ESLint 9 needs Node 18.18+, so node10 resolution (no `exports`) has no users.
    expectOk(run(work, bin("attw"), [tarball, "--profile", "node16", "--format", "ascii"]), "attw");
  });
});

describe.each([
  { name: "esm", eslintVersion: /^10\./u, findings: TRACELOOP_FINDINGS },
  { name: "cjs", eslintVersion: /^9\./u, findings: OTEL_FINDINGS },
] as const)("installed in the $name project", ({ name, eslintVersion, findings }) => {
  const dir = () => projects[name];

  it("is linted with the README's ESM, CommonJS and TypeScript configs", () => {
    const version = run(dir(), path.join(dir(), "node_modules/.bin/eslint"), ["--version"]).stdout.trim();
    expect(version.replace(/^v/u, "")).toMatch(eslintVersion);
    for (const config of ["eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts"]) {
      expect(traced(eslint(dir(), config)), config).toEqual(findings);
    }
    // The JavaScript config files lint clean under themselves: a user's `npx eslint .` reaches them.
    for (const config of ["eslint.config.mjs", "eslint.config.cjs"]) {
      expect(eslint(dir(), config, [config]), config).toEqual([]);
    }
  });

  it("type-checks the README's eslint.config.ts and the settings type with skipLibCheck: false", () => {
    expectOk(run(dir(), path.join(dir(), "node_modules/.bin/tsc"), ["-p", "tsconfig.config.json"]), "tsc on eslint.config.ts");
  });

  it("lints with recommended-type-checked and projectService as the README shows, eslint.config.mjs included", () => {
    // The whole project: the config files are linted too, and must not be a parsing error.
    expect(traced(eslint(dir(), "typechecked.config.mjs", ["."]))).toEqual(findings);
  });

  it("resolves every require of dist/ from its dependencies alone, and loads its entry points", () => {
    // Every bare specifier a dist file requires must resolve from that file in the user's install (where
    // devDependencies never are). Modules are resolved, not run: dist/cli/fix-worker.js runs only as a worker.
    const script = `
      const fs = require("node:fs"), path = require("node:path"), { builtinModules } = require("node:module");
      const dist = path.dirname(require.resolve("eslint-plugin-traced-exit"));
      const files = fs.readdirSync(dist, { recursive: true }).filter((f) => f.endsWith(".js"));
      const specifiers = new Set();
      for (const file of files) {
        for (const line of fs.readFileSync(path.join(dist, file), "utf8").split("\\n")) {
          // Comments, and code in template strings (the worker's boot line for the TypeScript sources), are not requires.
          if (/^\\s*(\\/\\*|\\*|\\/\\/)/.test(line) || line.includes("\`")) continue;
          for (const match of line.matchAll(/\\brequire\\("([^"$]+)"\\)/g)) {
            const spec = match[1];
            if (spec.startsWith(".") || spec.startsWith("node:") || builtinModules.includes(spec)) continue;
            require.resolve(spec, { paths: [path.join(dist, path.dirname(file))] });
            specifiers.add(spec);
          }
        }
      }
      for (const entry of ["index.js", "cli/index.js", "codemods/exit-to-throw.js", "codemods/lint-engine.js"]) require(path.join(dist, entry));
      console.log(JSON.stringify({ files: files.length, specifiers: [...specifiers].sort() }));`;
    const result = expectOk(run(dir(), process.execPath, ["-e", script]), "resolve every require of dist");
    const { files, specifiers } = JSON.parse(result.stdout) as { files: number; specifiers: string[] };
    expect(files).toBeGreaterThan(30);
    // Only what the package declares for run time: its dependencies and peer dependencies (ESLint).
    const shipped = JSON.parse(fs.readFileSync(path.join(dir(), "node_modules/eslint-plugin-traced-exit/package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    const declared = [...Object.keys(shipped.dependencies), ...Object.keys(shipped.peerDependencies)];
    expect(specifiers.filter((spec) => !declared.some((name) => spec === name || spec.startsWith(`${name}/`)))).toEqual([]);
    expect(specifiers).toContain("eslint");
  });
});

describe("ESM named exports (esm project)", () => {
  it("import { configs, rules, meta } works beside the default import, on the same plugin object", () => {
    const script = `
      import tracedExit, { configs, rules, meta } from "eslint-plugin-traced-exit";
      console.log(JSON.stringify({ meta, configs: Object.keys(configs), rules: Object.keys(rules).length, same: configs === tracedExit.configs }));`;
    const result = expectOk(run(projects.esm, process.execPath, ["--input-type=module", "-e", script]), "named imports");
    expect(JSON.parse(result.stdout)).toEqual({ meta: { name: pkg.name, version: pkg.version }, configs: ["recommended", "recommended-type-checked"], rules: 4, same: true });
  });
});

describe("oxlint with the plugin as a JS plugin (esm project)", () => {
  it("reports what ESLint reports, with no globals configured", () => {
    write(projects.esm, { ".oxlintrc.json": readmeBlock(".oxlintrc.json") });
    const result = run(projects.esm, path.join(projects.esm, "node_modules/.bin/oxlint"), ["-f", "json", "src"]);
    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { diagnostics: Array<{ code: string; filename: string; labels: Array<{ span: { line: number; column: number } }> }> };
    const found = report.diagnostics.map((d) => `${d.filename}:${d.labels[0]?.span.line}:${d.labels[0]?.span.column} ${d.code.replace(/^traced-exit\((.*)\)$/u, "traced-exit/$1")}`);
    expect(found.sort()).toEqual(TRACELOOP_FINDINGS);
  });
});

describe("traced-exit fix from the installed package", () => {
  it.each(["esm", "cjs"] as const)("in the %s project: --check fails, --dry-run shows it, fix writes it, and the result type-checks", (name) => {
    const dir = projects[name];
    const cli = path.join(dir, "node_modules/.bin/traced-exit");
    expectOk(run(dir, "git", ["init", "-q"]), "git init");
    fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules/\n");
    expectOk(run(dir, "git", ["add", "."]), "git add");
    expectOk(run(dir, "git", ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "app"]), "git commit");
    const before = fs.readFileSync(path.join(dir, "src/app.ts"), "utf8");
    expectOk(run(dir, "node_modules/.bin/tsc", ["-p", "tsconfig.json"]), "tsc before the fix");

    const check = run(dir, cli, ["fix", "--check", "src"]);
    expect(check.status, check.stderr).toBe(1);
    expect(check.stdout).toContain("+++ b/src/app.ts");
    const dry = expectOk(run(dir, cli, ["fix", "--dry-run", "src"]), "fix --dry-run");
    expect(dry.stdout).toContain("+++ b/src/app.ts");
    expect(fs.readFileSync(path.join(dir, "src/app.ts"), "utf8")).toBe(before);

    const fix = expectOk(run(dir, cli, ["fix", "--quiet", "src"]), "fix");
    expect(fix.stdout).toMatch(/changed\s+1/u);
    expect(fs.readFileSync(path.join(dir, "src/app.ts"), "utf8")).not.toBe(before);
    // Every package the rewritten file imports is declared by the project (added when it was only installed).
    const declared = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    for (const spec of fs.readFileSync(path.join(dir, "src/app.ts"), "utf8").matchAll(/from "(@?[^"./][^"]*)"/gu)) {
      const name = (spec[1] as string).split("/").slice(0, (spec[1] as string).startsWith("@") ? 2 : 1).join("/");
      expect({ ...declared.dependencies, ...declared.devDependencies }, `${name} is declared`).toHaveProperty([name]);
    }
    expectOk(run(dir, "node_modules/.bin/tsc", ["-p", "tsconfig.json"]), "tsc after the fix");
    expect(traced(eslint(dir, "eslint.config.mjs"))).toEqual([]);
    expectOk(run(dir, cli, ["fix", "--check", "src"]), "fix --check after the fix");
  });
});
