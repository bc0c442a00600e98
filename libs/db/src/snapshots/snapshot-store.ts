import type { RegisteredSnapshot, SnapshotEngine, SnapshotFormat } from '@berth/core';
import type { PrismaClient } from '../generated.js';

type Row = NonNullable<Awaited<ReturnType<PrismaClient['databaseSnapshot']['findUnique']>>>;

export interface SnapshotRegistration extends Omit<RegisteredSnapshot, 'registeredAt'> {
  registeredBy: string;
}

/** The operator's registered dumps for `db:snapshot` (`database_snapshots`). */
export class SnapshotStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Registers a name, or replaces what it pointed at (a newer dump under the same name). */
  async register(input: SnapshotRegistration): Promise<RegisteredSnapshot> {
    const data = {
      repository: input.repository.toLowerCase(),
      engine: input.engine,
      format: input.format,
      file: input.file,
      sanitized: input.sanitized,
      maskSql: input.maskSql ?? null,
      registeredBy: input.registeredBy,
      registeredAt: new Date(),
    };
    const row = await this.prisma.databaseSnapshot.upsert({
      where: { name: input.name },
      create: { name: input.name, ...data },
      update: data,
    });
    return fromRow(row);
  }

  async list(): Promise<RegisteredSnapshot[]> {
    const rows = await this.prisma.databaseSnapshot.findMany({ orderBy: { registeredAt: 'desc' } });
    return rows.map(fromRow);
  }

  async get(name: string): Promise<RegisteredSnapshot | undefined> {
    const row = await this.prisma.databaseSnapshot.findUnique({ where: { name } });
    return row ? fromRow(row) : undefined;
  }

  /** True when it existed. Previews already restored from it keep their data. */
  async remove(name: string): Promise<boolean> {
    const { count } = await this.prisma.databaseSnapshot.deleteMany({ where: { name } });
    return count > 0;
  }
}

function fromRow(row: Row): RegisteredSnapshot {
  return {
    name: row.name,
    repository: row.repository,
    engine: row.engine as SnapshotEngine,
    format: row.format as SnapshotFormat,
    file: row.file,
    sanitized: row.sanitized,
    ...(row.maskSql ? { maskSql: row.maskSql } : {}),
    registeredAt: row.registeredAt.toISOString(),
  };
}
