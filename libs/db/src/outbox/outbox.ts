import type { PrismaClient } from '../generated.js';
import type { Tx } from '../transaction.js';

/** Postgres channel notified when outbox rows commit, so the relay wakes at once. */
export const OUTBOX_CHANNEL = 'berth_outbox';

export interface OutboxEntry {
  /** BullMQ job name. */
  name: string;
  /** Deterministic BullMQ job id: dispatching twice collapses into one job. */
  jobId: string;
  data: Record<string, unknown>;
}

export interface PendingOutboxEntry extends OutboxEntry {
  id: bigint;
}

/**
 * The transactional outbox: jobs are written in the same transaction as the state they act on,
 * so a crash after commit cannot lose them and a rollback cannot leave a job pointing at nothing.
 */
export class Outbox {
  constructor(private readonly prisma: PrismaClient) {}

  /** Adds jobs inside the caller's transaction; the relay is woken when it commits. */
  async add(tx: Tx, entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await tx.outboxJob.createMany({
      data: entries.map((e) => ({ name: e.name, jobId: e.jobId, data: e.data as object })),
    });
    await tx.$executeRaw`SELECT pg_notify(${OUTBOX_CHANNEL}, '')`;
  }

  /**
   * Hands up to `limit` undispatched entries to `dispatch` and marks them dispatched when it
   * resolves, in one transaction (FOR UPDATE SKIP LOCKED: several relays never take the same
   * rows). When `dispatch` throws, nothing is marked and the rows are tried again.
   */
  async relay(
    limit: number,
    dispatch: (entries: PendingOutboxEntry[]) => Promise<void>,
  ): Promise<number> {
    return this.prisma.$transaction(
      async (tx) => {
        const rows = await tx.$queryRaw<
          { id: bigint; name: string; jobId: string; data: Record<string, unknown> }[]
        >`
          SELECT id, name, job_id AS "jobId", data FROM outbox_jobs
          WHERE dispatched_at IS NULL
          ORDER BY id LIMIT ${limit}
          FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        await dispatch(rows);
        const ids = rows.map((r) => r.id);
        await tx.$executeRaw`
          UPDATE outbox_jobs SET dispatched_at = now(), attempts = attempts + 1
          WHERE id = ANY(${ids}::bigint[])`;
        return rows.length;
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  }

  /** Undispatched entries (a gauge; 0 when the relay keeps up). */
  async pending(): Promise<number> {
    return this.prisma.outboxJob.count({ where: { dispatchedAt: null } });
  }
}
