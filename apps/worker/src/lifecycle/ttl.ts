import type { WorkerConfig } from '@berth/config';
import {
  type EnvironmentCommands,
  type TtlExtendResult,
  TtlQueries,
  TtlSweep,
  type TtlSweepReport,
} from '@berth/lifecycle';
import type { PrismaClient } from '@berth/db';
import {
  closeRedis,
  createRedis,
  createTtlQueue,
  scheduleTtlSweep,
  type TtlExtendJobData,
  type TtlJobData,
  type TtlJobName,
  ttlQueueName,
} from '@berth/queue';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

const HOUR_MS = 3_600_000;

export interface TtlDeps {
  config: Pick<
    WorkerConfig,
    | 'REDIS_URL'
    | 'QUEUE_PREFIX'
    | 'DOCKER_HOST_NAME'
    | 'TTL_SWEEP_INTERVAL_S'
    | 'TTL_DEFAULT_HOURS'
    | 'TTL_MAX_HOURS'
  >;
  prisma: PrismaClient;
  redis: Redis;
  commands: EnvironmentCommands;
  logger: Logger;
}

/**
 * TTL on a worker with the `sweep` role (decision 0020): a BullMQ consumer of this Docker
 * host's `ttl-<host>` queue (sweeps and the api's extensions, one at a time here) and the job
 * scheduler that enqueues a sweep every TTL_SWEEP_INTERVAL_S. The reconciler's pattern.
 */
export function startTtl(deps: TtlDeps) {
  const { config, logger } = deps;
  const sweep = new TtlSweep({
    queries: new TtlQueries(deps.prisma),
    commands: deps.commands,
    policy: {
      defaultMs: config.TTL_DEFAULT_HOURS * HOUR_MS,
      maxMs: config.TTL_MAX_HOURS * HOUR_MS,
    },
    dockerHost: config.DOCKER_HOST_NAME,
    logger,
  });
  const queue = createTtlQueue(deps.redis, config.QUEUE_PREFIX, config.DOCKER_HOST_NAME);
  queue.on('error', (error) => logger.warn({ err: error }, 'TTL queue error'));
  // Not awaited: a Redis that is down at boot must not hold the worker's start; retried.
  let retry: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    scheduleTtlSweep(queue, config.TTL_SWEEP_INTERVAL_S).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not schedule the TTL sweep; retrying in 30 s');
      retry = setTimeout(schedule, 30_000);
    });
  };
  schedule();
  // BullMQ workers block on their connection: never share it.
  const connection = createRedis(config.REDIS_URL, 'berth-worker-ttl');
  const worker = new Worker<TtlJobData, TtlSweepReport | TtlExtendResult, TtlJobName>(
    ttlQueueName(config.DOCKER_HOST_NAME),
    async (job: Job<TtlJobData, TtlSweepReport | TtlExtendResult, TtlJobName>) => {
      if (job.name === 'ttl-extend') {
        const data = job.data as TtlExtendJobData;
        return sweep.extend(data.environmentId, data.byMs, data.requestedBy);
      }
      return sweep.sweep();
    },
    { connection, prefix: config.QUEUE_PREFIX, concurrency: 1 },
  );
  worker.on('failed', (job, error) =>
    logger.error({ jobId: job?.id, name: job?.name, err: error }, 'TTL job failed'),
  );
  worker.on('error', (error) => logger.error({ err: error }, 'TTL worker error'));
  logger.info(
    {
      host: config.DOCKER_HOST_NAME,
      intervalS: config.TTL_SWEEP_INTERVAL_S,
      defaultHours: config.TTL_DEFAULT_HOURS,
      maxHours: config.TTL_MAX_HOURS,
    },
    config.TTL_SWEEP_INTERVAL_S > 0 ? 'TTL sweep scheduled' : 'TTL sweep off (extensions only)',
  );
  return {
    sweep,
    close: async () => {
      clearTimeout(retry);
      await worker.close();
      await queue.close();
      await closeRedis(connection);
    },
  };
}
