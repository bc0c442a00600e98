import { priceTableOf, type WorkerConfig } from '@berth/config';
import { CostQueries, UsageSampler, type UsageSampleReport, UsageStore } from '@berth/lifecycle';
import { type PrismaClient, ServiceStatusStore } from '@berth/db';
import type { ContainerHost, Labels } from '@berth/providers';
import {
  type CostJobName,
  costQueueName,
  type CostSampleJobData,
  createCostQueue,
  scheduleCostSampling,
  type ShortLock,
} from '@berth/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { CostMetrics } from './cost-metrics.js';
import { startHostQueueWorker } from './host-queue-worker.js';

export interface CostDeps {
  config: Pick<
    WorkerConfig,
    | 'REDIS_URL'
    | 'QUEUE_PREFIX'
    | 'DOCKER_HOST_NAME'
    | 'COST_SAMPLE_INTERVAL_S'
    | 'COST_DISK_INTERVAL_S'
    | 'PRICE_VCPU_HOUR'
    | 'PRICE_GB_HOUR'
    | 'PRICE_GB_MONTH'
    | 'PRICE_NETWORK_GB'
  >;
  prisma: PrismaClient;
  redis: Redis;
  containerHost: ContainerHost;
  lock: ShortLock;
  logger: Logger;
  /** Tests on a shared engine: only containers carrying these labels too. */
  scope?: Labels;
}

/**
 * Cost telemetry on a worker with the `sweep` role (decision 0025): a BullMQ consumer of this
 * Docker host's `cost-<host>` queue (one pass at a time here; the Redis lock makes it one per
 * host across workers) and the job scheduler that enqueues a pass every
 * COST_SAMPLE_INTERVAL_S. The reconciler's pattern.
 */
export function startCost(deps: CostDeps) {
  const { config, logger } = deps;
  const metrics = new CostMetrics(
    priceTableOf(config),
    new CostQueries(deps.prisma),
    config.DOCKER_HOST_NAME,
  );
  const sampler = new UsageSampler({
    host: deps.containerHost,
    store: new UsageStore(deps.prisma),
    dockerHost: config.DOCKER_HOST_NAME,
    diskIntervalMs: config.COST_DISK_INTERVAL_S * 1000,
    lock: deps.lock,
    // A pass longer than two intervals has hung: let the next worker's pass take over.
    lockTtlMs: Math.max(60_000, config.COST_SAMPLE_INTERVAL_S * 2_000),
    ...(deps.scope ? { scope: deps.scope } : {}),
    logger,
    onReport: (report) => metrics.record(report),
    // Each service's state, health and use for the console's detail page (issue 13).
    statuses: new ServiceStatusStore(deps.prisma),
  });
  const consumer = startHostQueueWorker({
    queueName: costQueueName(config.DOCKER_HOST_NAME),
    connectionName: 'berth-worker-cost',
    config,
    concurrency: 1,
    process: async (_job: Job<CostSampleJobData, UsageSampleReport, CostJobName>) => {
      try {
        return await sampler.sample();
      } catch (error) {
        metrics.recordError();
        throw error;
      }
    },
    logger,
    failed: 'usage sampling pass failed',
    label: 'cost',
    schedule: {
      queue: createCostQueue(deps.redis, config.QUEUE_PREFIX, config.DOCKER_HOST_NAME),
      upsert: (queue) => scheduleCostSampling(queue, config.COST_SAMPLE_INTERVAL_S),
      what: 'usage sampling',
    },
  });
  logger.info(
    {
      host: config.DOCKER_HOST_NAME,
      intervalS: config.COST_SAMPLE_INTERVAL_S,
      diskIntervalS: config.COST_DISK_INTERVAL_S,
      prices: priceTableOf(config),
    },
    config.COST_SAMPLE_INTERVAL_S > 0 ? 'usage sampling scheduled' : 'usage sampling off',
  );
  return {
    sampler,
    metrics,
    close: () => consumer.close(),
  };
}
