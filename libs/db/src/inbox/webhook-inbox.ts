import { randomUUID } from 'node:crypto';
import type { DeliveryOutcome, PrismaClient } from '../generated.js';
import { poolOf } from '../prisma-client.js';
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

// Final outcomes are processed on arrival; `received` notifies the worker (sent at commit).
const STORE_SQL = `
  WITH stored AS (
    INSERT INTO webhook_deliveries
      (id, delivery_id, event, action, ordering_key, payload, outcome, detail, processed_at)
    VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::delivery_outcome, $8,
      CASE WHEN $7 = 'received' THEN NULL ELSE now() END)
    ON CONFLICT (delivery_id) DO NOTHING
    RETURNING id)
  SELECT id, CASE WHEN $9::boolean THEN pg_notify('${INBOX_CHANNEL}', '') END AS notified
  FROM stored`;

/**
 * The webhook inbox (table `webhook_deliveries`). The api's whole request path is `store`: one
 * statement, no transaction, no lock, so GitHub's 10 s deadline is never at risk. The worker
 * reads it per ordering key, oldest first.
 */
export class WebhookInbox {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Stores a delivery once; `duplicate` when its id was already stored (a replay: a no-op).
   * Straight on the pg pool as a named (prepared) statement, not through Prisma: this is the
   * api's whole hot path, and Prisma's query compiler cost more CPU than the rest of the request
   * together (the webhooks bench profile).
   */
  async store(d: IncomingDelivery): Promise<'stored' | 'duplicate'> {
    const { rowCount } = await poolOf(this.prisma).query({
      name: 'berth_inbox_store',
      text: STORE_SQL,
      values: [
        randomUUID(),
        d.deliveryId,
        d.event,
        d.action ?? null,
        d.orderingKey,
        d.payload,
        d.outcome,
        d.detail?.slice(0, DETAIL_MAX) ?? null,
        d.outcome === 'received',
      ],
    });
    return rowCount === 1 ? 'stored' : 'duplicate';
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
