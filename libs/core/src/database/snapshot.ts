/**
 * `db:snapshot` (issue 10): restoring an operator-registered, sanitized dump into a preview's own
 * database. Pure: which snapshot a repository may use, and the client command that restores it
 * inside the database's own container (Berth never connects to a production database: the dump
 * is a file the operator put on the worker host, or an object in the operator's S3 bucket).
 */

import type { SnapshotSource } from './snapshot-source.js';

export const SNAPSHOT_ENGINES = ['postgres', 'mysql', 'mariadb'] as const;
export type SnapshotEngine = (typeof SNAPSHOT_ENGINES)[number];

/** `pg-custom`: `pg_dump -Fc`; `sql`: a plain SQL script; `sql.gz`: the same, gzip-compressed. */
export const SNAPSHOT_FORMATS = ['pg-custom', 'sql', 'sql.gz'] as const;
export type SnapshotFormat = (typeof SNAPSHOT_FORMATS)[number];

/** What the operator registered (`berth snapshot add`); stored in the state store. */
export interface RegisteredSnapshot {
  name: string;
  /** `owner/name`, `owner/*` or `*`, lowercased: which repositories may restore it. */
  repository: string;
  engine: SnapshotEngine;
  format: SnapshotFormat;
  /** Where the dump is: a file in the worker's SNAPSHOT_DIR, or an object in S3. */
  source: SnapshotSource;
  /** The operator declared it sanitized: only such snapshots are ever restored. */
  sanitized: boolean;
  /** SQL run after the restore, in the same client, before any other service starts. */
  maskSql?: string;
  registeredAt: string;
}

/** The snapshot a preview restores, as the wire stage records it on the revision. */
export interface SnapshotRef {
  name: string;
  engine: SnapshotEngine;
  format: SnapshotFormat;
  registeredAt: string;
  masked: boolean;
}

export type SnapshotChoice = { snapshot: RegisteredSnapshot } | { refusal: string };

const ADD_HINT = 'an operator registers one with `berth snapshot add`';

/**
 * The newest sanitized snapshot the repository may use, for the database's engine when it is
 * known. An unsanitized snapshot is never a fallback: when it is the only match, the refusal says
 * so, so the operator sees why rather than a silent empty database.
 */
export function chooseSnapshot(
  snapshots: readonly RegisteredSnapshot[],
  repository: string,
  engine: SnapshotEngine | undefined,
): SnapshotChoice {
  const repo = repository.toLowerCase();
  const allowed = snapshots.filter((s) => snapshotCovers(s.repository, repo));
  if (allowed.length === 0) {
    return { refusal: `db:snapshot: no snapshot is registered for ${repo}; ${ADD_HINT}` };
  }
  const fitting = engine ? allowed.filter((s) => sameEngine(s.engine, engine)) : allowed;
  if (fitting.length === 0) {
    return {
      refusal: `db:snapshot: the snapshots registered for ${repo} (${allowed.map((s) => `\`${s.name}\` ${s.engine}`).join(', ')}) do not fit this database (${engine}); ${ADD_HINT} with --engine ${engine}`,
    };
  }
  const sanitized = fitting.filter((s) => s.sanitized);
  if (sanitized.length === 0) {
    return {
      refusal: `db:snapshot: ${fitting.map((s) => `\`${s.name}\``).join(', ')} ${fitting.length === 1 ? 'is' : 'are'} not registered as sanitized, so Berth will not restore ${fitting.length === 1 ? 'it' : 'them'} into a preview; sanitize the dump and register it with --sanitized`,
    };
  }
  const newest = sanitized.reduce((a, b) => (b.registeredAt > a.registeredAt ? b : a));
  return { snapshot: newest };
}

/** `*`, `owner/*` or an exact `owner/name`. */
export function snapshotCovers(pattern: string, repository: string): boolean {
  const p = pattern.toLowerCase();
  if (p === '*') return true;
  if (p.endsWith('/*')) return repository.startsWith(p.slice(0, -1));
  return p === repository;
}

/** MariaDB restores MySQL dumps and the other way round: one family. */
function sameEngine(a: SnapshotEngine, b: SnapshotEngine): boolean {
  const family = (e: SnapshotEngine) => (e === 'postgres' ? 'postgres' : 'mysql');
  return family(a) === family(b);
}

/** The engine an image runs, when its name says (`postgres:16`, `bitnami/mariadb`, …). */
export function engineOfImage(image: string): SnapshotEngine | undefined {
  const repo = (image.split('@')[0] as string).replace(/:[^/]*$/, '').toLowerCase();
  const last = repo.split('/').pop() ?? repo;
  if (/postgres|postgis|timescale/.test(last)) return 'postgres';
  if (/mariadb/.test(last)) return 'mariadb';
  if (/mysql|percona/.test(last)) return 'mysql';
  return undefined;
}

/** A problem with what an operator registers, naming the field; undefined when it is valid. */
export function snapshotProblem(input: {
  name: string;
  repository: string;
  engine: string;
  format: string;
  source: SnapshotSource;
}): string | undefined {
  if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(input.name)) {
    return 'name: use 1–63 lowercase letters, digits, `.`, `_` or `-`, starting with a letter or digit';
  }
  if (!/^(\*|[a-z0-9-]+\/(\*|[a-z0-9._-]+))$/i.test(input.repository)) {
    return 'repository: use `owner/name`, `owner/*` or `*`';
  }
  if (!(SNAPSHOT_ENGINES as readonly string[]).includes(input.engine)) {
    return `engine: must be one of ${SNAPSHOT_ENGINES.join(', ')}`;
  }
  if (!(SNAPSHOT_FORMATS as readonly string[]).includes(input.format)) {
    return `format: must be one of ${SNAPSHOT_FORMATS.join(', ')}`;
  }
  if (input.format === 'pg-custom' && input.engine !== 'postgres') {
    return 'format: pg-custom is a Postgres format; use sql or sql.gz for MySQL and MariaDB';
  }
  if (input.source.kind === 'file' && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(input.source.file)) {
    return "file: a file name inside the operator's SNAPSHOT_DIR (no `/` or `..`)";
  }
  return undefined;
}

/**
 * The argv that reads a dump (or masking SQL) on stdin and applies it to the database inside
 * its own container, with the credentials that container was started with. One transaction
 * where the engine allows it: a restore that fails leaves nothing half-loaded behind.
 */
export function restoreCommand(engine: SnapshotEngine, format: SnapshotFormat): string[] {
  if (engine === 'postgres') {
    const user = '-U "${POSTGRES_USER:-postgres}"';
    const db = '-d "${POSTGRES_DB:-${POSTGRES_USER:-postgres}}"';
    const script =
      format === 'pg-custom'
        ? `exec pg_restore --no-owner --no-privileges --exit-on-error --single-transaction ${user} ${db}`
        : `exec psql -X -q -v ON_ERROR_STOP=1 --single-transaction ${user} ${db} >/dev/null`;
    return ['sh', '-c', script];
  }
  // The official images take MARIADB_* or MYSQL_*; the password travels in the environment,
  // never on the command line.
  const script = [
    'pw="${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}"',
    'db="${MARIADB_DATABASE:-$MYSQL_DATABASE}"',
    'client=$(command -v mariadb || command -v mysql)',
    'MYSQL_PWD="$pw" exec "$client" -uroot --protocol=socket "$db"',
  ].join('; ');
  return ['sh', '-c', script];
}

/**
 * Exit 0 once the engine's real server accepts connections: over TCP, because the official
 * images first run a temporary, socket-only server for their init scripts and then restart it.
 */
export function serverReadyCommand(engine: SnapshotEngine): string[] {
  if (engine === 'postgres') {
    return ['sh', '-c', 'exec pg_isready -q -h 127.0.0.1 -U "${POSTGRES_USER:-postgres}"'];
  }
  // `ping` succeeds for a running server even when the user is refused: no password needed.
  return [
    'sh',
    '-c',
    'admin=$(command -v mariadb-admin || command -v mysqladmin); exec "$admin" ping -h 127.0.0.1 --silent',
  ];
}
