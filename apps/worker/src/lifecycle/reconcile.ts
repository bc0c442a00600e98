import type { WorkerConfig } from '@berth/config';
import type { PreviewDns, PreviewScopes } from '@berth/core';
import {
  type CloudReconcile,
  ReconcileQueries,
  Reconciler,
  type ReconcileReport,
} from '@berth/lifecycle';
import type { PrismaClient } from '@berth/db';
import type { ContainerHost, Labels } from '@berth/providers';
import {
  createMaintenanceQueue,
  maintenanceQueueName,
  type MaintenanceJobName,
  type ReconcileJobData,
  scheduleReconcile,
  type ShortLock,
} from '@berth/queue';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ReconcileMetrics } from './reconcile-metrics.js';
import { startHostQueueWorker } from './host-queue-worker.js';

export interface ReconcileDeps {
  config: Pick<
    WorkerConfig,
    | 'REDIS_URL'
    | 'QUEUE_PREFIX'
    | 'DOCKER_HOST_NAME'
    | 'RECONCILE_INTERVAL_S'
    | 'RECONCILE_GRACE_S'
    | 'IMAGE_RETENTION_H'
    | 'IMAGE_KEEP_PER_SERVICE'
    | 'IMAGE_BUDGET_MB'
  >;
  prisma: PrismaClient;
  redis: Redis;
  containerHost: ContainerHost;
  lock: ShortLock;
  logger: Logger;
  /** Tests on a shared engine: only objects carrying these labels too (see ReconcilerDeps). */
  scope?: Labels;
  /** Route 53 records and Secrets Manager secrets, when Berth writes them (reconcileCloud). */
  cloud?: CloudReconcile;
  /** The reconciler's clock (tests move it past the grace period instead of waiting). */
  now?: () => Date;
}

/**
 * What the reconciler lists beyond the Docker host: Route 53 records under BASE_DOMAIN when
 * DNS_PROVIDER=route53, Secrets Manager scopes under PREVIEW_SECRET_PREFIX when
 * SECRET_BACKEND=aws. Undefined when Berth writes neither (wildcard DNS, Postgres scopes).
 */
export function reconcileCloud(
  config: Pick<WorkerConfig, 'BASE_DOMAIN' | 'PREVIEW_SECRET_PREFIX'>,
  dns: PreviewDns,
  secretScopes: Partial<Record<PreviewScopes['provider'], PreviewScopes>>,
): CloudReconcile | undefined {
  const secrets = secretScopes.secrets_aws;
  const cloud: CloudReconcile = {
    ...(dns.provider === 'route53' ? { dns: { driver: dns, domain: config.BASE_DOMAIN } } : {}),
    ...(secrets
      ? {
          secrets: {
            driver: secrets,
            namePrefix: `${config.PREVIEW_SECRET_PREFIX.replace(/\/+$/, '')}/`,
          },
        }
      : {}),
  };
  return cloud.dns || cloud.secrets ? cloud : undefined;
}

/**
 * The reconciler on a worker with the `sweep` role: a BullMQ consumer of this Docker host's
 * maintenance queue (one run at a time here; the Redis lock makes it one per host across
 * workers) and the job scheduler that enqueues a run every RECONCILE_INTERVAL_S.
 */
export function startReconcile(deps: ReconcileDeps) {
  const { config, logger } = deps;
  const metrics = new ReconcileMetrics();
  const reconciler = new Reconciler({
    host: deps.containerHost,
    queries: new ReconcileQueries(deps.prisma, config.DOCKER_HOST_NAME),
    graceMs: config.RECONCILE_GRACE_S * 1000,
    lock: deps.lock,
    ...(deps.scope ? { scope: deps.scope } : {}),
    ...(deps.cloud ? { cloud: deps.cloud } : {}),
    ...(deps.now ? { now: deps.now } : {}),
    logger,
    onReport: (report) => metrics.record(report),
    // IMAGE_RETENTION_H=0: images are reported, never removed.
    ...(config.IMAGE_RETENTION_H > 0
      ? {
          images: {
            retentionMs: config.IMAGE_RETENTION_H * 3_600_000,
            keepPerService: config.IMAGE_KEEP_PER_SERVICE,
            budgetBytes: config.IMAGE_BUDGET_MB * 1_048_576,
          },
        }
      : {}),
  });
  const consumer = startHostQueueWorker({
    queueName: maintenanceQueueName(config.DOCKER_HOST_NAME),
    connectionName: 'berth-worker-maintenance',
    config,
    concurrency: 1,
    process: async (job: Job<ReconcileJobData, ReconcileReport, MaintenanceJobName>) => {
      try {
        return await reconciler.run({ dryRun: job.data.dryRun });
      } catch (error) {
        metrics.recordError(job.data.dryRun);
        throw error;
      }
    },
    logger,
    failed: 'reconcile run failed',
    label: 'maintenance',
    schedule: {
      queue: createMaintenanceQueue(deps.redis, config.QUEUE_PREFIX, config.DOCKER_HOST_NAME),
      upsert: (queue) => scheduleReconcile(queue, config.RECONCILE_INTERVAL_S),
      what: 'the reconciler',
    },
  });
  logger.info(
    {
      host: config.DOCKER_HOST_NAME,
      intervalS: config.RECONCILE_INTERVAL_S,
      graceS: config.RECONCILE_GRACE_S,
    },
    config.RECONCILE_INTERVAL_S > 0 ? 'reconciler scheduled' : 'reconciler on demand only',
  );
  return {
    reconciler,
    metrics,
    close: () => consumer.close(),
  };
}
