// CPU time of require-flush-before-exit alone over JavaScript files, as espree parses them, with a given build of the
// plugin: `node bench/rule-cost.mjs <dist dir> <dir>...` (compare this branch's `dist` with a build of another commit).
// Prints { dist, files, findings, cpuMs } as one JSON line. Used for docs/benchmarks.md, "A set-up run by an
// installed package's class".
import { Linter } from "eslint";
import fs from "node:fs";
import path from "node:path";

const [dist, ...dirs] = process.argv.slice(2);
const plugin = (await import(path.resolve(dist, "index.js"))).default;
const files = [];
const visit = (file) => {
  if (fs.statSync(file).isDirectory()) {
    for (const name of fs.readdirSync(file)) if (name !== "node_modules") visit(path.join(file, name));
  } else if (/\.m?js$/u.test(file)) {
    files.push(file);
  }
};
for (const dir of dirs) visit(path.resolve(dir));
const linter = new Linter({ configType: "flat" });
const config = [
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: { ecmaVersion: "latest", sourceType: "module" },
    plugins: { "traced-exit": plugin },
    rules: { "traced-exit/require-flush-before-exit": "error" },
  },
];
const texts = files.map((file) => [file, fs.readFileSync(file, "utf8")]);
const start = process.cpuUsage();
let findings = 0;
for (const [file, text] of texts) findings += linter.verify(text, config, { filename: file }).filter((message) => message.ruleId).length;
const used = process.cpuUsage(start);
console.log(JSON.stringify({ dist, files: files.length, findings, cpuMs: Math.round((used.user + used.system) / 1000) }));
