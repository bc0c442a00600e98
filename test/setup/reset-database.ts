import { describeConnection, parseDatabaseUrl, type PgConnectionOptions } from '@berth/db';
import pg from 'pg';

/**
 * Gives the test database an empty `public` schema, creating the database first if it is
 * missing (the berth role has CREATEDB). Everything in it is destroyed: only ever point this
 * at a database that exists for tests.
 */
export async function resetDatabase(databaseUrl: string): Promise<void> {
  const { schema: _schema, ...options } = parseDatabaseUrl(databaseUrl, 'TEST_DATABASE_URL');
  await ensureDatabase(options);
  const client = new pg.Client({ ...options, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    // Two test runs starting together would otherwise interleave their DROP/CREATE and fail.
    // (Runs that overlap further still share one database: give each its own TEST_DATABASE_URL.)
    await client.query("select pg_advisory_lock(hashtext('berth:test-database-reset'))");
    await client.query('DROP SCHEMA IF EXISTS public CASCADE');
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

async function ensureDatabase(options: Omit<PgConnectionOptions, 'schema'>): Promise<void> {
  const probe = new pg.Client({ ...options, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
    return;
  } catch (error) {
    // 3D000 = invalid_catalog_name: the server is up, the database is not there yet.
    if ((error as { code?: string }).code !== '3D000') {
      throw new Error(
        `test database ${describeConnection(options)} is unreachable` +
          ` (${(error as Error).message}); start Postgres (scripts/bootstrap) or set TEST_DATABASE_URL`,
        { cause: error },
      );
    }
  } finally {
    await probe.end().catch(() => undefined);
  }
  const admin = new pg.Client({ ...options, database: 'postgres', connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(options.database)}`);
  } finally {
    await admin.end();
  }
}
