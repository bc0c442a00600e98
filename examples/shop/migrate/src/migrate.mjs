// One-shot: apply migrations/*.sql that schema_migrations does not list yet, in one
// transaction, then exit 0. Compose starts api and worker only after this exits successfully.
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { planMigrations } from './plan.mjs';

const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
// Any constant works: it only has to be the same for every copy of this job.
const ADVISORY_LOCK_KEY = 727_1001;

function log(msg, extra = {}) {
  console.log(JSON.stringify({ service: 'migrate', msg, ...extra }));
}

function readConfig(env) {
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    throw new Error('DATABASE_URL is not set: give it as postgres://user:password@host:5432/db');
  }
  const timeoutMs = Number(env.MIGRATE_CONNECT_TIMEOUT_MS ?? 60_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error('MIGRATE_CONNECT_TIMEOUT_MS must be a positive number of milliseconds');
  }
  return { databaseUrl, timeoutMs };
}

// The database container may be up before it accepts connections (initdb restarts it once).
async function connectWithRetry(databaseUrl, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() >= deadline) {
        throw new Error(`database not reachable after ${timeoutMs} ms: ${error.message}`);
      }
      log('database not ready, retrying', { attempt, error: error.message });
      await sleep(Math.min(250 * attempt, 2000));
    }
  }
}

async function migrate(client) {
  const files = await readdir(MIGRATIONS_DIR);
  await client.query('BEGIN');
  try {
    // Two copies of this job (a retry racing a slow first run) must not apply twice.
    await client.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query('SELECT version FROM schema_migrations');
    const pending = planMigrations(
      files,
      rows.map((row) => row.version),
    );
    for (const version of pending) {
      const sql = await readFile(new URL(`${version}.sql`, MIGRATIONS_DIR), 'utf8');
      await client.query(sql);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [version]);
      log('applied', { version });
    }
    await client.query('COMMIT');
    return pending;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

async function main() {
  const { databaseUrl, timeoutMs } = readConfig(process.env);
  const client = await connectWithRetry(databaseUrl, timeoutMs);
  try {
    const applied = await migrate(client);
    log('done', { applied: applied.length });
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  log('failed', { error: error.message });
  process.exit(1);
});
