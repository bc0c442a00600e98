import type {
  RegisteredSnapshot,
  SnapshotEngine,
  SnapshotFormat,
  SnapshotSource,
} from '@berth/core';
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
      file: input.source.kind === 'file' ? input.source.file : null,
      s3Bucket: input.source.kind === 's3' ? input.source.bucket : null,
      s3Key: input.source.kind === 's3' ? input.source.key : null,
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
    source: sourceOf(row),
    sanitized: row.sanitized,
    ...(row.maskSql ? { maskSql: row.maskSql } : {}),
    registeredAt: row.registeredAt.toISOString(),
  };
}

// The table's check constraint keeps exactly one of the two set.
function sourceOf(row: Row): SnapshotSource {
  if (row.s3Bucket !== null && row.s3Key !== null) {
    return { kind: 's3', bucket: row.s3Bucket, key: row.s3Key };
  }
  return { kind: 'file', file: row.file ?? '' };
}
