import { randomUUID } from 'node:crypto';
import type { DeliveryOutcome, PrismaClient } from '@berth/db';

/** The headers that identify a delivery (X-GitHub-Delivery, X-GitHub-Event) and its action. */
export interface DeliveryMeta {
  deliveryId: string;
  event: string;
  action?: string;
}

/**
 * Records a delivery that needs no environment work (ping, unknown events and actions, rejected
 * payloads). Returns false when the delivery id was already recorded: a replay, a no-op.
 */
export async function recordDelivery(
  prisma: PrismaClient,
  meta: DeliveryMeta,
  outcome: DeliveryOutcome,
  detail: string,
): Promise<boolean> {
  // ON CONFLICT, not create + catch: concurrent replays must never surface a unique violation.
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    INSERT INTO webhook_deliveries (id, delivery_id, event, action, outcome, detail, processed_at)
    VALUES (${randomUUID()}::uuid, ${meta.deliveryId}, ${meta.event}, ${meta.action ?? null},
      ${outcome}::delivery_outcome, ${detail.slice(0, 2_000)}, now())
    ON CONFLICT (delivery_id) DO NOTHING
    RETURNING id`;
  return rows.length === 1;
}

/** Final outcome of a delivery recorded as `received`. */
export async function settleDelivery(
  prisma: PrismaClient,
  meta: DeliveryMeta,
  outcome: DeliveryOutcome,
  detail: string,
): Promise<void> {
  await prisma.webhookDelivery.update({
    where: { deliveryId: meta.deliveryId },
    data: { outcome, detail: detail.slice(0, 2_000), processedAt: new Date() },
  });
}
