import type { ApiAuditEntry, PrismaClient } from '../generated.js';

export interface AuditWrite {
  actorId: string;
  actorName: string;
  method: string;
  route: string;
  target: string | null;
  status: number;
  outcome: 'succeeded' | 'refused' | 'failed';
  detail: string | null;
}

export interface AuditFilter {
  actorId?: string;
  /** Entries older than this id (the cursor of the page before). */
  beforeId?: bigint;
  limit: number;
}

/** The REST API's audit log (decision 0029): appended per action, read newest first. */
export class AuditLogStore {
  constructor(private readonly prisma: PrismaClient) {}

  async append(entry: AuditWrite): Promise<void> {
    await this.prisma.apiAuditEntry.create({ data: entry });
  }

  /** Newest first; ids only grow, so `beforeId` pages without gaps or repeats. */
  list(filter: AuditFilter): Promise<ApiAuditEntry[]> {
    return this.prisma.apiAuditEntry.findMany({
      where: {
        ...(filter.actorId ? { actorId: filter.actorId } : {}),
        ...(filter.beforeId === undefined ? {} : { id: { lt: filter.beforeId } }),
      },
      orderBy: { id: 'desc' },
      take: filter.limit,
    });
  }
}
