import { jobId, type PipelineStage } from '@berth/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** One queue carries every lifecycle stage; the job name is the stage. */
export const LIFECYCLE_QUEUE = 'lifecycle';
export const DEFAULT_QUEUE_PREFIX = 'berth';

export type LifecycleStage = PipelineStage | 'teardown';

/** Ids and the generation only: handlers always re-read current state (it may have moved on). */
export interface StageJobData {
  environmentId: string;
  generation: number;
  stage: LifecycleStage;
}

/**
 * A PR-facing notice with no stage behind it (fork held, preview skipped): job name `notify`,
 * handled by the worker's reporter outside the stage runner.
 */
export interface NotifyJobData {
  environmentId: string;
  generation: number;
  reason: 'held' | 'skipped';
}

export type LifecycleJobName = LifecycleStage | 'notify';
export type LifecycleQueue = Queue<StageJobData | NotifyJobData, unknown, LifecycleJobName>;

/** Redis pub/sub channel the gateway listens on; message = a hostname, or `*` for all. */
export const ROUTES_CHANNEL = 'berth:routes';

export function createLifecycleQueue(
  connection: Redis,
  prefix = DEFAULT_QUEUE_PREFIX,
): LifecycleQueue {
  return new Queue<StageJobData | NotifyJobData, unknown, LifecycleJobName>(LIFECYCLE_QUEUE, {
    connection,
    prefix,
  });
}

/** Attempts per stage job; the last failure marks the environment failed. */
export const STAGE_ATTEMPTS = 3;

const JOB_OPTIONS = {
  attempts: STAGE_ATTEMPTS,
  backoff: { type: 'exponential', delay: 2_000 },
  // Keep a day of history for operators; failures a week.
  removeOnComplete: { age: 24 * 3600, count: 5_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/**
 * Enqueue a stage under its deterministic id `{env}-{generation}-{stage}`: a duplicate enqueue
 * (webhook replay, handler re-run) collapses into the existing job.
 */
export async function enqueueStage(queue: LifecycleQueue, data: StageJobData): Promise<string> {
  const id = jobId(data.environmentId, data.generation, data.stage);
  await queue.add(data.stage, data, {
    jobId: id,
    ...JOB_OPTIONS,
  });
  return id;
}

export async function enqueueNotification(
  queue: LifecycleQueue,
  data: NotifyJobData,
): Promise<string> {
  const id = `${jobId(data.environmentId, data.generation, 'notify')}-${data.reason}`;
  await queue.add('notify', data, {
    jobId: id,
    ...JOB_OPTIONS,
  });
  return id;
}
