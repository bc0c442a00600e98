import { randomUUID } from 'node:crypto';
import type { DeliveryOutcome, PrismaClient } from '../generated.js';
import type { Tx } from '../transaction.js';

/** Postgres channel the api notifies on each stored delivery, so the worker wakes at once. */
export const INBOX_CHANNEL = 'berth_inbox';

export interface IncomingDelivery {
  deliveryId: string;
  event: string;
  action?: string | undefined;
  /** Deliveries sharing a key are processed one at a time, in arrival order. */
  orderingKey: string;
  /** The verified body, exactly as received. */
  payload: string;
  /** `received` waits for the worker; `ignored`/`rejected` are final at once. */
  outcome: 'received' | 'ignored' | 'rejected';
  detail?: string;
}

export interface InboxDelivery {
  deliveryId: string;
  seq: bigint;
  event: string;
  action: string | null;
  orderingKey: string;
  payload: string;
  attempts: number;
  receivedAt: Date;
}

const DETAIL_MAX = 2_000;

/**
 * The webhook inbox (table `webhook_deliveries`). The api's whole request path is `store`: one
 * statement, no transaction, no lock, so GitHub's 10 s deadline is never at risk. The worker
 * reads it per ordering key, oldest first.
 */
export class WebhookInbox {
  constructor(private readonly prisma: PrismaClient) {}

  /** Stores a delivery once; `duplicate` when its id was already stored (a replay: a no-op). */
  async store(d: IncomingDelivery): Promise<'stored' | 'duplicate'> {
    const notify = d.outcome === 'received';
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      WITH stored AS (
        INSERT INTO webhook_deliveries
          (id, delivery_id, event, action, ordering_key, payload, outcome, detail, processed_at)
        VALUES (${randomUUID()}::uuid, ${d.deliveryId}, ${d.event}, ${d.action ?? null},
          ${d.orderingKey}, ${d.payload}, ${d.outcome}::delivery_outcome,
          ${d.detail?.slice(0, DETAIL_MAX) ?? null},
          CASE WHEN ${d.outcome} = 'received' THEN NULL ELSE now() END)
        ON CONFLICT (delivery_id) DO NOTHING
        RETURNING id::text AS id)
      -- pg_notify returns void, which the driver cannot read: cast it (it is sent at commit).
      SELECT id, CASE WHEN ${notify} THEN pg_notify(${INBOX_CHANNEL}, '')::text END AS notified
      FROM stored`;
    return rows.length === 1 ? 'stored' : 'duplicate';
  }

  /** Ordering keys with a delivery due, oldest first. */
  async dueKeys(limit: number): Promise<string[]> {
    // Each key's head (its oldest waiting delivery); a key whose head is postponed waits whole.
    const rows = await this.prisma.$queryRaw<{ key: string }[]>`
      SELECT key FROM (
        SELECT DISTINCT ON (ordering_key) ordering_key AS key, seq, not_before
        FROM webhook_deliveries WHERE outcome = 'received'
        ORDER BY ordering_key, seq) heads
      WHERE not_before IS NULL OR not_before <= now()
      ORDER BY seq
      LIMIT ${limit}`;
    return rows.map((r) => r.key);
  }

  /**
   * The oldest delivery of a key still waiting, or undefined. When that one is postponed (backoff
   * after a failure), nothing later of the key runs before it: per-PR order beats progress.
   */
  async oldest(orderingKey: string): Promise<InboxDelivery | 'postponed' | undefined> {
    const rows = await this.prisma.$queryRaw<(InboxDelivery & { due: boolean })[]>`
      SELECT delivery_id AS "deliveryId", seq, event, action, ordering_key AS "orderingKey",
        payload, attempts, received_at AS "receivedAt",
        (not_before IS NULL OR not_before <= now()) AS due
      FROM webhook_deliveries
      WHERE ordering_key = ${orderingKey} AND outcome = 'received'
      ORDER BY seq LIMIT 1`;
    const row = rows[0];
    if (!row) return undefined;
    if (!row.due) return 'postponed';
    const { due: _due, ...delivery } = row;
    return delivery;
  }

  /**
   * Locks a delivery row in the caller's transaction; false when it is no longer waiting (another
   * worker settled it first). The command that applies it settles it in the same transaction.
   */
  async claim(tx: Tx, deliveryId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ outcome: string }[]>`
      SELECT outcome::text AS outcome FROM webhook_deliveries
      WHERE delivery_id = ${deliveryId} FOR UPDATE`;
    return rows[0]?.outcome === 'received';
  }

  /** The final outcome, in the caller's transaction (with the state change it caused). */
  async settle(tx: Tx, deliveryId: string, outcome: DeliveryOutcome, detail: string) {
    await tx.$executeRaw`
      UPDATE webhook_deliveries
      SET outcome = ${outcome}::delivery_outcome, detail = ${detail.slice(0, DETAIL_MAX)},
        processed_at = now(), not_before = NULL
      WHERE delivery_id = ${deliveryId}`;
  }

  /** Processing failed for a reason that may pass (GitHub down): try again after `delayMs`. */
  async postpone(deliveryId: string, error: string, delayMs: number): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE webhook_deliveries
      SET attempts = attempts + 1, detail = ${error.slice(0, DETAIL_MAX)},
        not_before = now() + make_interval(secs => ${delayMs / 1000})
      WHERE delivery_id = ${deliveryId} AND outcome = 'received'`;
  }

  /** Deliveries still waiting (a gauge for /metrics and the tests). */
  async waiting(): Promise<number> {
    const rows = await this.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM webhook_deliveries WHERE outcome = 'received'`;
    return Number(rows[0]?.n ?? 0);
  }
}
