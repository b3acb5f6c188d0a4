// Read at run time from the package root so `meta.version` never drifts from package.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON import that works in the CommonJS build and under vitest
const pkg = require("../package.json") as { name: string; version: string; repository?: { url?: string } };

export const PACKAGE_NAME = pkg.name;
export const PACKAGE_VERSION = pkg.version;
export const REPO_URL = "https://github.com/traced-exit/eslint-plugin-traced-exit";

/** A page of docs/ as of the installed release (tag `v<version>`): what the user runs, not what main says today. */
export function docsUrl(page: string): string {
  return `${REPO_URL}/blob/v${PACKAGE_VERSION}/docs/${page}`;
}

export function ruleDocsUrl(ruleName: string): string {
  return docsUrl(`rules/${ruleName}.md`);
}
