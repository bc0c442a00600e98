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
  closeRedis,
  createRedis,
  createSleepQueue,
  scheduleIdleSweep,
  type SleepJobData,
  type SleepJobName,
  type SleepQueueJobData,
  sleepQueueName,
  type WakeJobData,
} from '@berth/queue';
import { type Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

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
  const sweep = new IdleSweep({
    queries: new SleepQueries(deps.prisma),
    sleeper,
    policy: { idleSleepHours: config.IDLE_SLEEP_HOURS },
    dockerHost: config.DOCKER_HOST_NAME,
    logger,
  });
  const queue = createSleepQueue(deps.redis, config.QUEUE_PREFIX, config.DOCKER_HOST_NAME);
  queue.on('error', (error) => logger.warn({ err: error }, 'sleep queue error'));
  // Not awaited: a Redis that is down at boot must not hold the worker's start; retried.
  let retry: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    scheduleIdleSweep(queue, config.SLEEP_SWEEP_INTERVAL_S).catch((error: unknown) => {
      logger.warn({ err: error }, 'could not schedule the idle sweep; retrying in 30 s');
      retry = setTimeout(schedule, 30_000);
    });
  };
  schedule();
  // BullMQ workers block on their connection: never share it.
  const connection = createRedis(config.REDIS_URL, 'berth-worker-sleep');
  const worker = new Worker<SleepQueueJobData, SleepResultOf, SleepJobName>(
    sleepQueueName(config.DOCKER_HOST_NAME),
    async (job: Job<SleepQueueJobData, SleepResultOf, SleepJobName>) => {
      if (job.name === 'wake') {
        const data = job.data as WakeJobData;
        return sleeper.wake(data.environmentId, data.requestedBy);
      }
      if (job.name === 'sleep') {
        const data = job.data as SleepJobData;
        return sleeper.sleep(data.environmentId, data.requestedBy, 'asked for by an operator');
      }
      return sweep.sweep();
    },
    { connection, prefix: config.QUEUE_PREFIX, concurrency: SLEEP_CONCURRENCY },
  );
  worker.on('failed', (job, error) =>
    logger.error({ jobId: job?.id, name: job?.name, err: error }, 'sleep job failed'),
  );
  worker.on('error', (error) => logger.error({ err: error }, 'sleep worker error'));
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
    close: async () => {
      clearTimeout(retry);
      await worker.close();
      await queue.close();
      await closeRedis(connection);
    },
  };
}
