// docs/benchmarks.md is written by `npm run bench` (bench/run.mjs); the benchmarks that run on their
// own (bench/cores.mjs, bench/overhead.mjs) replace just their section, and bench/run.mjs renders the
// same sections from their saved results on a full run.
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./corpus.mjs";

/** Puts `section` (which starts with `## <title>`) in place of the old one, else before the heading `before` (else at the end). */
export function writeSection(title, section, before) {
  const file = path.join(ROOT, "docs/benchmarks.md");
  const doc = fs.readFileSync(file, "utf8");
  const start = doc.indexOf(`## ${title}\n`);
  let updated;
  if (start !== -1) {
    const at = doc.indexOf("\n## ", start + 1);
    updated = doc.slice(0, start) + section + (at === -1 ? "" : doc.slice(at + 1));
  } else {
    const at = doc.indexOf(before);
    const cut = at === -1 ? doc.length : at;
    updated = `${doc.slice(0, cut)}${section}${doc.slice(cut)}`;
  }
  fs.writeFileSync(file, updated);
}
