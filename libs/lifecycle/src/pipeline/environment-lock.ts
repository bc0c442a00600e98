import type { PrismaClient } from '@berth/db';

const LOCK_TIMEOUT_MS = 30 * 60_000;

/**
 * One environment's stages never run at once (a stale build and a teardown, say): a Postgres
 * transaction-scoped advisory lock keyed by the environment id, held for the whole stage.
 * Postgres releases it if the worker dies, so a crash never leaves it locked.
 */
export async function withEnvironmentLock<T>(
  prisma: PrismaClient,
  environmentId: string,
  fn: () => Promise<T>,
): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${environmentId}, 0))`;
      return fn();
    },
    { timeout: LOCK_TIMEOUT_MS, maxWait: LOCK_TIMEOUT_MS },
  );
}
