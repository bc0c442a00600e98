import type { WorkerConfig } from '@berth/config';
import {
  GitHubResync,
  type RepositoryGate,
  type ResyncCache,
  ResyncQueries,
  type ResyncReport,
} from '@berth/lifecycle';
import type { PrismaClient, WebhookInbox } from '@berth/db';
import type { GitHubPort } from '@berth/providers';
import {
  createResyncQueue,
  RESYNC_QUEUE,
  type ResyncJobData,
  type ResyncJobName,
  scheduleResync,
  type ShortLock,
} from '@berth/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { startHostQueueWorker } from './host-queue-worker.js';

export interface ResyncDeps {
  config: Pick<WorkerConfig, 'REDIS_URL' | 'QUEUE_PREFIX' | 'RESYNC_INTERVAL_S'>;
  prisma: PrismaClient;
  redis: Redis;
  github: Pick<GitHubPort, 'listOpenPullRequests' | 'getPullRequest' | 'defaultBranchHead'>;
  inbox: Pick<WebhookInbox, 'store'>;
  admission: RepositoryGate;
  lock: ShortLock;
  logger: Logger;
}

/** The last listing of each repository (ETags + PRs) in Redis, under the queue prefix. */
export function redisResyncCache(redis: Redis, prefix: string): ResyncCache {
  return {
    get: async (key) => (await redis.get(`${prefix}:${key}`)) ?? undefined,
    set: async (key, value, ttlMs) => {
      await redis.set(`${prefix}:${key}`, value, 'PX', ttlMs);
    },
  };
}

/**
 * The resync with GitHub on a worker with the `sweep` role (decision 0022): a BullMQ consumer of
 * the `resync` queue (one run at a time here; a Redis lock per installation across workers) and
 * the job scheduler that enqueues a run every RESYNC_INTERVAL_S. The reconciler's pattern.
 */
export function startResync(deps: ResyncDeps) {
  const { config, logger } = deps;
  const resync = new GitHubResync({
    github: deps.github,
    queries: new ResyncQueries(deps.prisma),
    inbox: deps.inbox,
    admission: deps.admission,
    lock: deps.lock,
    cache: redisResyncCache(deps.redis, config.QUEUE_PREFIX),
    logger,
  });
  const consumer = startHostQueueWorker({
    queueName: RESYNC_QUEUE,
    connectionName: 'berth-worker-resync',
    config,
    concurrency: 1,
    process: (job: Job<ResyncJobData, ResyncReport, ResyncJobName>) =>
      resync.run({
        ...(job.data.repository ? { fullName: job.data.repository } : {}),
        ...(job.data.installationId !== undefined
          ? { installationId: job.data.installationId }
          : {}),
      }),
    logger,
    failed: 'resync with GitHub failed',
    label: 'resync',
    schedule: {
      queue: createResyncQueue(deps.redis, config.QUEUE_PREFIX),
      upsert: (queue) => scheduleResync(queue, config.RESYNC_INTERVAL_S),
      what: 'the resync with GitHub',
    },
  });
  logger.info(
    { intervalS: config.RESYNC_INTERVAL_S },
    config.RESYNC_INTERVAL_S > 0 ? 'resync with GitHub scheduled' : 'resync on demand only',
  );
  return {
    resync,
    close: () => consumer.close(),
  };
}
