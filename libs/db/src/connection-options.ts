/**
 * DATABASE_URL → discrete pg fields. The Prisma pg adapter is given host/user/database
 * separately rather than a connection string because its shadow-database code spreads
 * `{ ...config, database }`, and pg lets a `connectionString` override `database`: the
 * shadow connection would silently hit the main database. Pure; no I/O.
 */
export interface PgConnectionOptions {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** `search_path` schema from `?schema=`, when set. */
  schema?: string;
  ssl?: { rejectUnauthorized: boolean };
}

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

const hint = 'expected e.g. postgresql://berth:berth@127.0.0.1:5432/berth';

export function parseDatabaseUrl(databaseUrl: string, field = 'DATABASE_URL'): PgConnectionOptions {
  if (!databaseUrl) {
    throw new DatabaseUrlError(`${field} is empty; ${hint}`);
  }
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new DatabaseUrlError(`${field} is not a URL; ${hint}`);
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new DatabaseUrlError(
      `${field} must use the postgresql:// scheme (got "${url.protocol}"); ${hint}`,
    );
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname) throw new DatabaseUrlError(`${field} has no host; ${hint}`);
  if (!url.username) throw new DatabaseUrlError(`${field} has no user; ${hint}`);
  if (!database || database.includes('/')) {
    throw new DatabaseUrlError(`${field} has no single database name in its path; ${hint}`);
  }
  const port = url.port ? Number(url.port) : 5432;
  const options: PgConnectionOptions = {
    // URL keeps IPv6 literals bracketed; pg wants them bare.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
  const schema = url.searchParams.get('schema');
  if (schema) options.schema = schema;
  const sslmode = url.searchParams.get('sslmode');
  if (sslmode && sslmode !== 'disable') {
    // verify-full/verify-ca check the certificate; require/prefer only encrypt (libpq semantics).
    options.ssl = { rejectUnauthorized: sslmode === 'verify-full' || sslmode === 'verify-ca' };
  }
  return options;
}

/** host:port/database, for messages; never includes the password. */
export function describeConnection(options: PgConnectionOptions): string {
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return `${host}:${options.port}/${options.database}`;
}
