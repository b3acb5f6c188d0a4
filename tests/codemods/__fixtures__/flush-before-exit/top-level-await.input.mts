import * as Sentry from "@sentry/node";

Sentry.init({ dsn: process.env.SENTRY_DSN });

async function main(): Promise<void> {}

await main();
