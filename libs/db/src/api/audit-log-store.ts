import type { ApiAuditEntry, PrismaClient } from '../generated.js';
import type { Tx } from '../transaction.js';

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

/**
 * The audit log (decision 0029): every action of the REST API, the admin API and PR chat-ops,
 * appended as it is answered, read newest first.
 */
export class AuditLogStore {
  constructor(private readonly prisma: PrismaClient) {}

  async append(entry: AuditWrite, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma).apiAuditEntry.create({ data: entry });
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
