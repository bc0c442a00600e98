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
  createTtlQueue,
  scheduleTtlSweep,
  type TtlExtendJobData,
  type TtlJobData,
  type TtlJobName,
  ttlQueueName,
} from '@berth/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { startHostQueueWorker } from './host-queue-worker.js';
import { TtlMetrics } from './ttl-metrics.js';

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
  const metrics = new TtlMetrics();
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
  const consumer = startHostQueueWorker({
    queueName: ttlQueueName(config.DOCKER_HOST_NAME),
    connectionName: 'berth-worker-ttl',
    config,
    concurrency: 1,
    process: async (job: Job<TtlJobData, TtlSweepReport | TtlExtendResult, TtlJobName>) => {
      if (job.name === 'ttl-extend') {
        const data = job.data as TtlExtendJobData;
        const result = await sweep.extend(data.environmentId, data.byMs, data.requestedBy);
        metrics.recordExtension(result);
        return result;
      }
      try {
        const report = await sweep.sweep();
        metrics.record(report);
        return report;
      } catch (error) {
        metrics.recordError();
        throw error;
      }
    },
    logger,
    failed: 'TTL job failed',
    label: 'TTL',
    schedule: {
      queue: createTtlQueue(deps.redis, config.QUEUE_PREFIX, config.DOCKER_HOST_NAME),
      upsert: (queue) => scheduleTtlSweep(queue, config.TTL_SWEEP_INTERVAL_S),
      what: 'the TTL sweep',
    },
  });
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
    metrics,
    close: () => consumer.close(),
  };
}
