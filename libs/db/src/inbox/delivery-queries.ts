import { Prisma, type PrismaClient } from '../generated.js';
import { restrictionSql } from '../api/restriction-sql.js';

/** One stored webhook delivery as operators list it (never its payload). */
export interface DeliveryRow {
  deliveryId: string;
  seq: bigint;
  event: string;
  action: string | null;
  receivedAt: Date;
  processedAt: Date | null;
  outcome: string;
  /** Why it was ignored, rejected or postponed. */
  detail: string | null;
  attempts: number;
  /** `owner/name` of the repository its ordering key names, when Berth knows it. */
  repository: string | null;
  prNumber: number | null;
  /** The environment of that repository and PR number, when there is one. */
  environmentId: string | null;
}

/** A stored delivery with what redelivering it needs. */
export interface StoredDelivery extends DeliveryRow {
  orderingKey: string | null;
  payload: string | null;
}

export interface DeliveryPageQuery {
  /** The caller's token restriction: deliveries of no known repository are hidden by any. */
  restriction: string | null;
  repository?: string;
  event?: string;
  outcome?: string;
  /** The last row of the page before (pages go newest first by received time, then seq). */
  before?: { receivedAt: Date; seq: bigint };
  limit: number;
}

// Deliveries about a pull request (or the base branch) carry `pr:<provider id>:<number>`: the
// repository and environment they touched are joined through it. Others (`delivery:<id>`:
// installation events, pings) touch none.
const COLUMNS = Prisma.sql`
  d.delivery_id AS "deliveryId", d.seq, d.event, d.action, d.received_at AS "receivedAt",
  d.processed_at AS "processedAt", d.outcome::text AS outcome, d.detail, d.attempts,
  r.full_name AS repository,
  CASE WHEN r.id IS NULL THEN NULL ELSE split_part(d.ordering_key, ':', 3)::int END AS "prNumber",
  e.id::text AS "environmentId"`;
const JOINS = Prisma.sql`
  LEFT JOIN repositories r ON d.ordering_key ~ '^pr:[0-9]+:[0-9]+$'
    AND r.provider_id = CASE WHEN d.ordering_key ~ '^pr:[0-9]+:[0-9]+$'
      THEN split_part(d.ordering_key, ':', 2)::bigint END
  LEFT JOIN environments e ON e.repository_id = r.id
    AND e.pr_number = CASE WHEN d.ordering_key ~ '^pr:[0-9]+:[0-9]+$'
      THEN split_part(d.ordering_key, ':', 3)::int END`;

/** Redeliveries are named after the delivery they repeat: `<original>:redeliver:<n>`. */
const REDELIVERY = ':redeliver:';

/**
 * The webhook inbox as the REST API shows it (decision 0031): pages newest first by
 * (received_at, seq), a key that never changes, so a walk sees each row once, read along the
 * received_at index and joined row by row until the page is full; and redelivery, which stores the original's
 * payload again as a new delivery for the worker's inbox processor.
 */
export class DeliveryQueries {
  constructor(private readonly prisma: PrismaClient) {}

  async page(query: DeliveryPageQuery): Promise<DeliveryRow[]> {
    const restricted = query.restriction !== null;
    const repository = query.repository ?? null;
    const event = query.event ?? null;
    const outcome = query.outcome ?? null;
    const beforeAt = query.before?.receivedAt.toISOString() ?? null;
    const beforeSeq = query.before?.seq ?? null;
    return this.prisma.$queryRaw<DeliveryRow[]>`
      SELECT ${COLUMNS}
      FROM webhook_deliveries d ${JOINS}
      WHERE (${!restricted} OR (r.id IS NOT NULL AND ${restrictionSql(query.restriction)}))
        AND (${repository}::text IS NULL OR lower(r.full_name) = lower(${repository}))
        AND (${event}::text IS NULL OR d.event = ${event})
        AND (${outcome}::text IS NULL OR d.outcome::text = ${outcome})
        AND (${beforeAt}::timestamptz IS NULL OR (d.received_at <= ${beforeAt}::timestamptz
          AND (d.received_at, d.seq) < (${beforeAt}::timestamptz, ${beforeSeq}::bigint)))
      ORDER BY d.received_at DESC, d.seq DESC
      LIMIT ${query.limit}`;
  }

  async find(deliveryId: string): Promise<StoredDelivery | undefined> {
    const rows = await this.prisma.$queryRaw<StoredDelivery[]>`
      SELECT ${COLUMNS}, d.ordering_key AS "orderingKey", d.payload
      FROM webhook_deliveries d ${JOINS}
      WHERE d.delivery_id = ${deliveryId}`;
    return rows[0];
  }

  /**
   * The id a redelivery of `deliveryId` gets: the next `<root>:redeliver:<n>`. Deterministic, so
   * two redeliveries asked at once compute the same id and the inbox's unique id keeps one.
   */
  async nextRedeliveryId(deliveryId: string): Promise<string> {
    const root = redeliveryRoot(deliveryId);
    const rows = await this.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM webhook_deliveries
      WHERE starts_with(delivery_id, ${root + REDELIVERY})`;
    return `${root}${REDELIVERY}${(rows[0]?.n ?? 0) + 1}`;
  }

  /** A redelivery of `deliveryId` (or of its original) still waiting for the worker. */
  async waitingRedelivery(deliveryId: string): Promise<string | undefined> {
    const root = redeliveryRoot(deliveryId);
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT delivery_id AS id FROM webhook_deliveries
      WHERE (delivery_id = ${root} OR starts_with(delivery_id, ${root + REDELIVERY}))
        AND outcome = 'received'
      ORDER BY seq LIMIT 1`;
    return rows[0]?.id;
  }
}

/** The delivery GitHub sent that a redelivery repeats. */
export function redeliveryRoot(deliveryId: string): string {
  const at = deliveryId.indexOf(REDELIVERY);
  return at < 0 ? deliveryId : deliveryId.slice(0, at);
}
