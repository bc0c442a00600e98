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
  closeRedis,
  createRedis,
  createResyncQueue,
  RESYNC_QUEUE,
  type ResyncJobData,
  type ResyncJobName,
  scheduleResync,
  type ShortLock,
} from '@berth/queue';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

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
  const queue = createResyncQueue(deps.redis, config.QUEUE_PREFIX);
  queue.on('error', (error) => logger.warn({ err: error }, 'resync queue error'));
  // Not awaited: a Redis that is down at boot must not hold the worker's start; retried.
  let retry: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    scheduleResync(queue, config.RESYNC_INTERVAL_S).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not schedule the resync with GitHub; retrying in 30 s');
      retry = setTimeout(schedule, 30_000);
    });
  };
  schedule();
  // BullMQ workers block on their connection: never share it.
  const connection = createRedis(config.REDIS_URL, 'berth-worker-resync');
  const worker = new Worker<ResyncJobData, ResyncReport, ResyncJobName>(
    RESYNC_QUEUE,
    async (job: Job<ResyncJobData, ResyncReport, ResyncJobName>) =>
      resync.run({
        ...(job.data.repository ? { fullName: job.data.repository } : {}),
        ...(job.data.installationId !== undefined
          ? { installationId: job.data.installationId }
          : {}),
      }),
    { connection, prefix: config.QUEUE_PREFIX, concurrency: 1 },
  );
  worker.on('failed', (job, error) =>
    logger.error({ jobId: job?.id, err: error }, 'resync with GitHub failed'),
  );
  worker.on('error', (error) => logger.error({ err: error }, 'resync worker error'));
  logger.info(
    { intervalS: config.RESYNC_INTERVAL_S },
    config.RESYNC_INTERVAL_S > 0 ? 'resync with GitHub scheduled' : 'resync on demand only',
  );
  return {
    resync,
    close: async () => {
      clearTimeout(retry);
      await worker.close();
      await queue.close();
      await closeRedis(connection);
    },
  };
}
