import type { WorkerConfig } from '@berth/config';
import { closeRedis, createRedis } from '@berth/queue';
import { type Job, type Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';

/** A sweep's queue and the job scheduler that fills it (ttl, sleep, cost, reconcile, resync). */
export interface SweepSchedule<Q extends Queue> {
  queue: Q;
  /** Upserts the job scheduler; rejected while Redis is down. */
  upsert(queue: Q): Promise<unknown>;
  /** What the retry warning names: "could not schedule {what}; retrying in 30 s". */
  what: string;
}

export interface HostQueueWorkerOptions<D, R, N extends string, Q extends Queue> {
  queueName: string;
  /** The Redis client's name, as `CLIENT LIST` shows it. */
  connectionName: string;
  config: Pick<WorkerConfig, 'REDIS_URL' | 'QUEUE_PREFIX'>;
  concurrency: number;
  process: (job: Job<D, R, N>) => Promise<R>;
  logger: Logger;
  /** Logged with the job when a job fails, e.g. "TTL job failed". */
  failed: string;
  /** Names the consumer in its error log: "{label} worker error". */
  label: string;
  schedule?: SweepSchedule<Q>;
}

export interface HostQueueWorker {
  close(): Promise<void>;
}

/**
 * One BullMQ consumer of a worker-side queue, with its own blocking connection, its failure
 * logs and (for sweeps) the job scheduler that enqueues it. The pattern the TTL, sleep, cost,
 * reconcile, resync and action consumers share.
 */
export function startHostQueueWorker<D, R, N extends string, Q extends Queue>(
  options: HostQueueWorkerOptions<D, R, N, Q>,
): HostQueueWorker {
  const { config, logger, schedule } = options;
  let retry: NodeJS.Timeout | undefined;
  if (schedule) {
    schedule.queue.on('error', (error) =>
      logger.warn({ err: error }, `${options.label} queue error`),
    );
    // Not awaited: a Redis that is down at boot must not hold the worker's start (it reports
    // unready instead); the scheduler is upserted once Redis answers, retried every 30 s.
    const upsert = (): void => {
      schedule.upsert(schedule.queue).catch((error: unknown) => {
        logger.warn({ err: error }, `could not schedule ${schedule.what}; retrying in 30 s`);
        retry = setTimeout(upsert, 30_000);
      });
    };
    upsert();
  }
  // BullMQ workers block on their connection: never share it.
  const connection = createRedis(config.REDIS_URL, options.connectionName);
  const worker = new Worker<D, R, N>(options.queueName, options.process, {
    connection,
    prefix: config.QUEUE_PREFIX,
    concurrency: options.concurrency,
  });
  worker.on('failed', (job, error) =>
    logger.error({ jobId: job?.id, name: job?.name, err: error }, options.failed),
  );
  worker.on('error', (error) => logger.error({ err: error }, `${options.label} worker error`));
  return {
    close: async () => {
      clearTimeout(retry);
      await worker.close();
      await schedule?.queue.close();
      await closeRedis(connection);
    },
  };
}
