// No SDK starts here: exits are not this codemod's business.
process.on("SIGTERM", () => process.exit(0));
if (process.argv.length < 3) process.exit(64);
