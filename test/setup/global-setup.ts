// vitest globalSetup for the integration project: a private, migrated database per run
// (cloned from a template that is migrated only when migrations change; see test-database.ts).
import { fileURLToPath } from 'node:url';
import { testServices } from '../support/test-services.js';
import { createRunDatabase } from './test-database.js';

export default async function setup(): Promise<() => Promise<void>> {
  const started = performance.now();
  const migrations = fileURLToPath(new URL('../../prisma/migrations', import.meta.url));
  const run = await createRunDatabase(testServices().databaseUrl, migrations);
  // Test workers start after this and inherit the environment.
  process.env['TEST_DATABASE_URL'] = run.url;
  const total = Math.round(performance.now() - started);
  const how = run.migratedMs ? `template migrated in ${run.migratedMs} ms` : 'template up to date';
  console.log(`[global-setup] run database ready in ${total} ms (${how})`);
  return run.drop;
}
