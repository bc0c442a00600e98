import { checkDatabase, createPrismaClient, type PrismaClient } from '@berth/db';
import type { ReadinessCheck } from '@berth/observability';
import { checkRedis, closeRedis, createRedis } from '@berth/queue';
import type { Redis } from 'ioredis';

export interface Stores {
  prisma: PrismaClient;
  redis: Redis;
  /** Postgres and Redis, the two things no Berth process can serve without. */
  checks: ReadinessCheck[];
  close: () => Promise<void>;
}

/**
 * Opens the state store and Redis lazily: a process starts (and answers /healthz) while a
 * dependency is down, and /readyz names which one and why.
 */
export function openStores(
  config: { DATABASE_URL: string; REDIS_URL: string },
  connectionName: string,
): Stores {
  const prisma = createPrismaClient(config.DATABASE_URL);
  const redis = createRedis(config.REDIS_URL, connectionName);
  return {
    prisma,
    redis,
    checks: [
      { name: 'postgres', check: () => checkDatabase(prisma) },
      { name: 'redis', check: () => checkRedis(redis) },
    ],
    close: async () => {
      await Promise.allSettled([prisma.$disconnect(), closeRedis(redis)]);
    },
  };
}
