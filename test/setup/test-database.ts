import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeConnection, migrateDeploy, parseDatabaseUrl } from '@berth/db';
import pg from 'pg';

/**
 * Each test run gets its own database, cloned from a migrated template
 * (`CREATE DATABASE … TEMPLATE`, well under a second). The template is rebuilt only when the
 * migrations change, so the ~12 s `prisma migrate deploy` runs once per schema change instead
 * of once per run, and concurrent runs (two engineers, or CI and a session) never wipe each
 * other's data.
 */
export async function createRunDatabase(baseUrl: string, migrationsDir: string) {
  const base = parseDatabaseUrl(baseUrl, 'TEST_DATABASE_URL');
  const { schema: _schema, ...connection } = base;
  const template = `${base.database}_tpl`;
  const runDb = `${base.database}_run_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({
    ...connection,
    database: 'postgres',
    connectionTimeoutMillis: 5_000,
  });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `test Postgres ${describeConnection(base)} is unreachable (${(error as Error).message}); ` +
        'start it (source scripts/bootstrap/all.sh) or set TEST_DATABASE_URL',
      { cause: error },
    );
  }
  let migratedMs = 0;
  try {
    await admin.query("SELECT pg_advisory_lock(hashtext('berth:test-template'))");
    await dropAbandonedRunDatabases(admin, base.database);
    const hash = await migrationsHash(migrationsDir);
    const marker = `berth-migrations:${hash}`;
    const current = await admin.query<{ comment: string | null }>(
      'SELECT shobj_description(oid, $1) AS comment FROM pg_database WHERE datname = $2',
      ['pg_database', template],
    );
    if (current.rows[0]?.comment !== marker) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(template)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(template)}`);
      const url = withDatabase(baseUrl, template);
      migratedMs = (await migrateDeploy(url)).durationMs;
      await admin.query(
        `COMMENT ON DATABASE ${pg.escapeIdentifier(template)} IS ${pg.escapeLiteral(marker)}`,
      );
    }
    await admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(runDb)} TEMPLATE ${pg.escapeIdentifier(template)}`,
    );
  } finally {
    await admin.query("SELECT pg_advisory_unlock(hashtext('berth:test-template'))").catch(() => {});
    await admin.end();
  }
  return {
    url: withDatabase(baseUrl, runDb),
    migratedMs,
    drop: async () => {
      const client = new pg.Client({ ...connection, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(runDb)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function migrationsHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const entries = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const name of entries) {
    hash.update(name);
    hash.update(await readFile(join(dir, name, 'migration.sql')));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Run databases whose process is gone (a killed run never reached teardown). */
async function dropAbandonedRunDatabases(admin: pg.Client, baseName: string) {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_run\\_%'",
    [baseName],
  );
  for (const { datname } of rows) {
    const pid = Number(datname.slice(baseName.length + 5).split('_')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
