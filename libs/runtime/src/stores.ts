import { checkDatabase, createPrismaClient, type PrismaClient } from '@berth/db';
import type { ReadinessCheck } from '@berth/observability';
import {
  checkRedis,
  closeRedis,
  createLifecycleQueue,
  createRedis,
  type LifecycleQueue,
} from '@berth/queue';
import type { Redis } from 'ioredis';

export interface Stores {
  prisma: PrismaClient;
  redis: Redis;
  /** The lifecycle queue on `redis`, under QUEUE_PREFIX. */
  queue: LifecycleQueue;
  /** Postgres and Redis, the two things no Berth process can serve without. */
  checks: ReadinessCheck[];
  close: () => Promise<void>;
}

/**
 * Opens the state store and Redis lazily: a process starts (and answers /healthz) while a
 * dependency is down, and /readyz names which one and why.
 */
export function openStores(
  config: { DATABASE_URL: string; REDIS_URL: string; QUEUE_PREFIX?: string },
  connectionName: string,
  options: { maxConnections?: number; minConnections?: number } = {},
): Stores {
  const prisma = createPrismaClient(config.DATABASE_URL, {
    applicationName: connectionName,
    ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
    ...(options.minConnections ? { minConnections: options.minConnections } : {}),
  });
  const redis = createRedis(config.REDIS_URL, connectionName);
  const queue = createLifecycleQueue(redis, config.QUEUE_PREFIX);
  // Without a listener an 'error' (Redis down) would crash the process; /readyz reports it.
  queue.on('error', () => undefined);
  return {
    prisma,
    redis,
    queue,
    checks: [
      { name: 'postgres', check: () => checkDatabase(prisma) },
      { name: 'redis', check: () => checkRedis(redis) },
    ],
    close: async () => {
      // The queue first: it shares the Redis connection (and leaves closing it to us).
      await queue.close().catch(() => undefined);
      await Promise.allSettled([prisma.$disconnect(), closeRedis(redis)]);
    },
  };
}
