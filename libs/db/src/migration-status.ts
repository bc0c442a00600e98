import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type PrismaClient } from './generated.js';
import { findProjectRoot } from './migrate.js';

// Are this database's migrations the ones this build ships? (`berth doctor`, decision 0032.)
// Read from Prisma's own ledger table, compared with prisma/migrations of this checkout.

export interface MigrationStatus {
  /** Shipped and applied. */
  applied: number;
  /** Shipped, not applied yet: `npm run db:migrate` applies them. */
  pending: string[];
  /** Started and never finished (a failed `migrate deploy`): needs `prisma migrate resolve`. */
  failed: string[];
  /** Applied here but not shipped with this build: the database is newer than the code. */
  unknown: string[];
}

export async function migrationStatus(
  prisma: PrismaClient,
  migrationsDir = join(findProjectRoot(), 'prisma', 'migrations'),
): Promise<MigrationStatus> {
  const shipped = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  const [{ present } = { present: false }] = await prisma.$queryRaw<{ present: boolean }[]>`
    select to_regclass('_prisma_migrations') is not null as present`;
  const rows = present
    ? await prisma.$queryRaw<{ name: string; finished: boolean; rolledBack: boolean }[]>`
        select migration_name as name, finished_at is not null as finished,
               rolled_back_at is not null as "rolledBack"
        from _prisma_migrations`
    : [];
  const done = new Set(rows.filter((r) => r.finished && !r.rolledBack).map((r) => r.name));
  const failed = rows.filter((r) => !r.finished && !r.rolledBack).map((r) => r.name);
  return {
    applied: shipped.filter((name) => done.has(name)).length,
    pending: shipped.filter((name) => !done.has(name) && !failed.includes(name)),
    failed: failed.sort(),
    unknown: [...done].filter((name) => !shipped.includes(name)).sort(),
  };
}
