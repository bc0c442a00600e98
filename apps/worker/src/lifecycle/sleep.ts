import type { WorkerConfig } from '@berth/config';
import {
  EnvironmentSleep,
  type EnvironmentSleepDeps,
  IdleSweep,
  type IdleSweepReport,
  SleepQueries,
  type SleepResult,
  type WakeResult,
} from '@berth/lifecycle';
import type { PrismaClient } from '@berth/db';
import {
  createSleepQueue,
  scheduleIdleSweep,
  type SleepJobData,
  type SleepJobName,
  type SleepQueueJobData,
  sleepQueueName,
  type WakeJobData,
} from '@berth/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { startHostQueueWorker } from './host-queue-worker.js';
import { SleepMetrics } from './sleep-metrics.js';

/** Sleeps and wakes one worker runs at once (each one environment's containers). */
export const SLEEP_CONCURRENCY = 4;

export interface SleepDeps extends Omit<EnvironmentSleepDeps, 'logger'> {
  config: Pick<
    WorkerConfig,
    | 'REDIS_URL'
    | 'QUEUE_PREFIX'
    | 'DOCKER_HOST_NAME'
    | 'SLEEP_SWEEP_INTERVAL_S'
    | 'IDLE_SLEEP_HOURS'
  >;
  prisma: PrismaClient;
  redis: Redis;
  logger: Logger;
}

type SleepResultOf = IdleSweepReport | SleepResult | WakeResult;

/**
 * Sleep and wake on a worker with the `sweep` role (decision 0024): a BullMQ consumer of this
 * Docker host's `sleep-<host>` queue (idle sweeps, operators' sleeps and wakes, gateways' wakes)
 * and the job scheduler that enqueues an idle sweep every SLEEP_SWEEP_INTERVAL_S. The TTL's pattern.
 */
export function startSleep(deps: SleepDeps) {
  const { config, logger } = deps;
  const sleeper = new EnvironmentSleep({ ...deps, logger });
  const metrics = new SleepMetrics(
    () =>
      deps.prisma.environment.count({
        where: { dockerHost: config.DOCKER_HOST_NAME, sleptAt: { not: null } },
      }),
    config.DOCKER_HOST_NAME,
  );
  const sweep = new IdleSweep({
    queries: new SleepQueries(deps.prisma),
    sleeper,
    policy: { idleSleepHours: config.IDLE_SLEEP_HOURS },
    dockerHost: config.DOCKER_HOST_NAME,
    logger,
  });
  const consumer = startHostQueueWorker({
    queueName: sleepQueueName(config.DOCKER_HOST_NAME),
    connectionName: 'berth-worker-sleep',
    config,
    concurrency: SLEEP_CONCURRENCY,
    process: async (job: Job<SleepQueueJobData, SleepResultOf, SleepJobName>) => {
      if (job.name === 'wake') {
        const data = job.data as WakeJobData;
        try {
          const result = await sleeper.wake(data.environmentId, data.requestedBy);
          metrics.recordWake(result, data.requestedBy);
          return result;
        } catch (error) {
          metrics.recordWakeFailure(data.requestedBy);
          throw error;
        }
      }
      if (job.name === 'sleep') {
        const data = job.data as SleepJobData;
        const result = await sleeper.sleep(
          data.environmentId,
          data.requestedBy,
          'asked for by an operator',
        );
        metrics.recordSleep(result);
        return result;
      }
      try {
        const report = await sweep.sweep();
        metrics.recordSweep(report);
        return report;
      } catch (error) {
        metrics.recordSweepError();
        throw error;
      }
    },
    logger,
    failed: 'sleep job failed',
    label: 'sleep',
    schedule: {
      queue: createSleepQueue(deps.redis, config.QUEUE_PREFIX, config.DOCKER_HOST_NAME),
      upsert: (queue) => scheduleIdleSweep(queue, config.SLEEP_SWEEP_INTERVAL_S),
      what: 'the idle sweep',
    },
  });
  logger.info(
    {
      host: config.DOCKER_HOST_NAME,
      intervalS: config.SLEEP_SWEEP_INTERVAL_S,
      idleSleepHours: config.IDLE_SLEEP_HOURS,
    },
    config.SLEEP_SWEEP_INTERVAL_S > 0 ? 'idle sweep scheduled' : 'idle sweep off (wakes only)',
  );
  return {
    sleeper,
    metrics,
    close: () => consumer.close(),
  };
}
