import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { parseDatabaseUrl, type PgConnectionOptions } from './connection-options.js';
import { PrismaClient } from './generated.js';

export interface CreatePrismaClientOptions {
  /** Pool size per process; pg's default is 10. */
  maxConnections?: number;
  /**
   * Connections kept open however long they sit idle (pg closes idle ones after 10 s). The api
   * keeps its whole pool: a webhook burst after a quiet minute must not wait for new
   * connections (authentication costs ~20 ms of CPU each, serialised on a busy host).
   */
  minConnections?: number;
  /** Milliseconds to wait for a connection before failing the query. */
  connectionTimeoutMs?: number;
  /** Name shown in pg_stat_activity, e.g. "berth-api". */
  applicationName?: string;
}

// Where each client points, so readiness errors can name host:port without the password.
const connections = new WeakMap<object, PgConnectionOptions>();
// The pg pool under each client: hot paths (the webhook inbox) query it directly.
const pools = new WeakMap<object, pg.Pool>();

/**
 * A Prisma client over @prisma/adapter-pg (no native query engine: the WASM query compiler
 * plus pg). Discrete host/user/database fields, never a connection string: see
 * connection-options.ts. Connects lazily, so a process can start while Postgres is down.
 */
export function createPrismaClient(
  databaseUrl: string,
  options: CreatePrismaClientOptions = {},
): PrismaClient {
  const { schema, ...connection } = parseDatabaseUrl(databaseUrl);
  const max = options.maxConnections ?? 10;
  const pool = new pg.Pool({
    ...connection,
    max,
    min: Math.min(options.minConnections ?? 0, max),
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    application_name: options.applicationName ?? 'berth',
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  // An idle connection Postgres drops (restart, admin kill) must not crash the process.
  pool.on('error', () => undefined);
  const adapter = new PrismaPg(pool, {
    ...(schema ? { schema } : {}),
    disposeExternalPool: true,
  });
  const client = new PrismaClient({ adapter });
  connections.set(client, { ...connection, ...(schema ? { schema } : {}) });
  pools.set(client, pool);
  return client;
}

/** The connection a client made by createPrismaClient points at, if known. */
export function connectionOf(client: object): PgConnectionOptions | undefined {
  return connections.get(client);
}

/** The pg pool under a client made by createPrismaClient. */
export function poolOf(client: object): pg.Pool {
  const pool = pools.get(client);
  if (!pool) throw new Error('poolOf: the client was not made by createPrismaClient');
  return pool;
}

/**
 * Opens the pool's kept connections now rather than on the first requests. Failures are
 * ignored: a process may start while Postgres is down, and /readyz reports it.
 */
export async function warmPool(client: object): Promise<void> {
  const pool = poolOf(client);
  const n = pool.options.min ?? 0;
  await Promise.allSettled(Array.from({ length: n }, () => pool.query('SELECT 1')));
}
