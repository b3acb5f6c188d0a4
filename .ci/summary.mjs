// The closing line of `.ci/run`: the tests vitest ran (its JSON reports, written under
// TRACED_EXIT_CI_RESULTS by .ci/reporters.mjs) plus the two whole-corpus checks that ran after them
// (the reliability sweep and the accuracy run: `.ci/run` reaches this line only if both passed).
// Fails if a report is missing or counts no test, so a run that tested nothing cannot pass.
import * as fs from "node:fs";
import * as path from "node:path";

const dir = process.env.TRACED_EXIT_CI_RESULTS;
const checks = Number(process.argv[2] ?? 0);
let passed = 0;
let failed = 0;
for (const name of ["unit", "consumer"]) {
  const file = path.join(dir, `${name}.json`);
  if (!fs.existsSync(file)) {
    console.error(`ci: no ${name} test report at ${file}`);
    process.exit(1);
  }
  const report = JSON.parse(fs.readFileSync(file, "utf8"));
  if (!report.numTotalTests) {
    console.error(`ci: the ${name} tests ran no test`);
    process.exit(1);
  }
  console.log(`ci: ${name}: ${report.numPassedTests} of ${report.numTotalTests} tests passed`);
  passed += report.numPassedTests;
  failed += report.numFailedTests;
}
passed += checks;
console.log(`ci: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
