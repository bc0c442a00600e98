import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// Cost telemetry's usage sampler (docs/decisions/0025-cost-telemetry.md), the reconciler's
// pattern (maintenance-queue.ts): one queue per Docker host, so a pass is made by a worker that
// drives that host, and a job scheduler every COST_SAMPLE_INTERVAL_S that only enqueues. Its
// own queue: a pass a minute would crowd the reconciler's run history out of
// `maintenance-<host>`.

/** Queue name of a Docker host's usage sampling (`cost-local`). */
export function costQueueName(dockerHost: string): string {
  return `cost-${dockerHost}`;
}

export interface CostSampleJobData {
  /** Who asked (`schedule`, `bench`): shown in the logs. */
  requestedBy: string;
}

export type CostJobName = 'cost-sample';
export type CostQueue = Queue<CostSampleJobData, unknown, CostJobName>;

/** The id of a host's sampling scheduler: every worker upserts the same one. */
export const COST_SCHEDULER_ID = 'cost-sample';

/** Passes leave no history (one a minute); a failure stays a while for the logs' job id. */
export const COST_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { count: 20 },
} as const;

export function createCostQueue(connection: Redis, prefix: string, dockerHost: string): CostQueue {
  return new Queue<CostSampleJobData, unknown, CostJobName>(costQueueName(dockerHost), {
    connection,
    prefix,
  });
}

/**
 * A sampling pass every `intervalS` seconds (0: none, and the scheduler is removed).
 * Idempotent: several workers upsert one scheduler, and BullMQ makes one job per interval
 * whatever their number.
 */
export async function scheduleCostSampling(queue: CostQueue, intervalS: number): Promise<void> {
  if (intervalS <= 0) {
    await queue.removeJobScheduler(COST_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    COST_SCHEDULER_ID,
    { every: intervalS * 1000 },
    { name: 'cost-sample', data: { requestedBy: 'schedule' }, opts: COST_JOB_OPTIONS },
  );
}
