import * as Sentry from "@sentry/node";

Sentry.init({ dsn: process.env.SENTRY_DSN });

async function main(): Promise<void> {}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = (error as { exitCode?: number })?.exitCode ?? 1;
} finally {
  await Sentry.flush();
}
