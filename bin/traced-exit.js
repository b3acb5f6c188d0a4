#!/usr/bin/env node
"use strict";

let cli;
try {
  cli = require("../dist/cli/index.js");
} catch (error) {
  // Only a missing build gets the hint; any other load error is a real bug and keeps its stack.
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes("dist/cli/index.js")) {
    process.stderr.write(
      "traced-exit: dist/cli/index.js is missing. Build the package first: npm run build\n",
    );
    process.exitCode = 2;
    return;
  }
  throw error;
}

// `traced-exit fix --dry-run | head`: a closed pipe is the reader's choice, not an error.
process.stdout.on("error", (error) => {
  if (error.code !== "EPIPE") throw error;
});

cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
