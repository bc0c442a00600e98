import { PrismaPg } from '@prisma/adapter-pg';
import { parseDatabaseUrl, type PgConnectionOptions } from './connection-options.js';
import { PrismaClient } from './generated.js';

export interface CreatePrismaClientOptions {
  /** Pool size per process; pg's default is 10. */
  maxConnections?: number;
  /** Milliseconds to wait for a connection before failing the query. */
  connectionTimeoutMs?: number;
  /** Name shown in pg_stat_activity, e.g. "berth-api". */
  applicationName?: string;
}

// Where each client points, so readiness errors can name host:port without the password.
const connections = new WeakMap<object, PgConnectionOptions>();

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
  const adapter = new PrismaPg(
    {
      ...connection,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
      application_name: options.applicationName ?? 'berth',
    },
    schema ? { schema } : undefined,
  );
  const client = new PrismaClient({ adapter });
  connections.set(client, { ...connection, ...(schema ? { schema } : {}) });
  return client;
}

/** The connection a client made by createPrismaClient points at, if known. */
export function connectionOf(client: object): PgConnectionOptions | undefined {
  return connections.get(client);
}
