import type { PrismaClient } from '../generated.js';
import type { Tx } from '../transaction.js';

/**
 * The stage lease: who may act on an environment now. A row-level lease with a fencing token
 * instead of a lock held in a transaction, so a stage of any length never pins a pooled
 * connection: the holder renews it (heartbeat); when it stops renewing (crash, partition), the
 * lease expires and another worker takes it; the old holder's writes carry its token and fail.
 */
export class EnvironmentLeases {
  constructor(private readonly prisma: PrismaClient) {}

  /** The new fencing token, or undefined while someone else holds an unexpired lease. */
  async acquire(
    environmentId: string,
    owner: string,
    token: string,
    ttlMs: number,
  ): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE environments
      SET lease_token = ${token}::uuid, lease_owner = ${owner},
        lease_expires_at = now() + make_interval(secs => ${ttlMs / 1000})
      WHERE id = ${environmentId}::uuid
        AND (lease_token IS NULL OR lease_expires_at < now() OR lease_token = ${token}::uuid)`;
    return n === 1;
  }

  /** Extends a lease still held under `token`; false once it was lost (expired and taken). */
  async renew(environmentId: string, token: string, ttlMs: number): Promise<boolean> {
    const n = await this.prisma.$executeRaw`
      UPDATE environments
      SET lease_expires_at = now() + make_interval(secs => ${ttlMs / 1000})
      WHERE id = ${environmentId}::uuid AND lease_token = ${token}::uuid
        AND lease_expires_at >= now()`;
    return n === 1;
  }

  async release(environmentId: string, token: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE environments SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
      WHERE id = ${environmentId}::uuid AND lease_token = ${token}::uuid`;
  }

  /**
   * Releases inside the transaction that records the stage's result, so the next stage (queued
   * by that same transaction) never finds the lease still taken and waits for nothing.
   */
  async releaseIn(tx: Tx, environmentId: string, token: string): Promise<void> {
    await tx.$executeRaw`
      UPDATE environments SET lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
      WHERE id = ${environmentId}::uuid AND lease_token = ${token}::uuid`;
  }

  /** Inside a write transaction (after the row lock): is `token` still the live lease? */
  async holds(tx: Tx, environmentId: string, token: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ ok: boolean }[]>`
      SELECT (lease_token = ${token}::uuid AND lease_expires_at >= now()) AS ok
      FROM environments WHERE id = ${environmentId}::uuid`;
    return rows[0]?.ok === true;
  }
}
