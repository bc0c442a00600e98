// vitest globalSetup for the integration project: one clean, migrated test database per run.
// `prisma migrate deploy` takes ~12 s (most of it a WASM timer at exit), so it runs here once,
// never per test file.
import { migrateDeploy } from '@berth/db';
import { testServices } from '../support/test-services.js';
import { resetDatabase } from './reset-database.js';

export default async function setup(): Promise<void> {
  const { databaseUrl } = testServices();
  const started = performance.now();
  await resetDatabase(databaseUrl);
  const { durationMs } = await migrateDeploy(databaseUrl);
  const total = Math.round(performance.now() - started);
  console.log(
    `[global-setup] test database reset + migrated in ${total} ms (migrate ${durationMs} ms)`,
  );
}
