import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// The TTL sweep and extensions (docs/decisions/0020-ttl-expiry.md), the reconciler's pattern
// (maintenance-queue.ts): one queue per Docker host, a job scheduler every TTL_SWEEP_INTERVAL_S
// that only enqueues, and on-demand jobs from the api (`berth env extend`). Its own queue, so
// a sweep a minute never crowds the reconciler's run history out of `maintenance-<host>`.

/** Queue name of a Docker host's TTL jobs (`ttl-local`). */
export function ttlQueueName(dockerHost: string): string {
  return `ttl-${dockerHost}`;
}

export interface TtlSweepJobData {
  requestedBy: string;
}

export interface TtlExtendJobData {
  environmentId: string;
  /** How far expiry moves, past the later of the current expiry and now. */
  byMs: number;
  /** Who asked (shown in the event stream and the logs). */
  requestedBy: string;
}

export type TtlJobName = 'ttl-sweep' | 'ttl-extend';
export type TtlJobData = TtlSweepJobData | TtlExtendJobData;
export type TtlQueue = Queue<TtlJobData, unknown, TtlJobName>;

/** The id of a host's TTL sweep scheduler: every worker upserts the same one. */
export const TTL_SCHEDULER_ID = 'ttl-sweep';

/** Sweeps leave no history (one a minute); extensions are kept a while for the api to read. */
export const TTL_SWEEP_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { count: 20 },
} as const;
export const TTL_EXTEND_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: 3_600, count: 100 },
  removeOnFail: { age: 3_600, count: 100 },
} as const;

export function createTtlQueue(connection: Redis, prefix: string, dockerHost: string): TtlQueue {
  return new Queue<TtlJobData, unknown, TtlJobName>(ttlQueueName(dockerHost), {
    connection,
    prefix,
  });
}

/**
 * Sweeps every `intervalS` seconds (0: never). Idempotent: several workers upsert one
 * scheduler, and BullMQ makes one job per interval whatever their number.
 */
export async function scheduleTtlSweep(queue: TtlQueue, intervalS: number): Promise<void> {
  if (intervalS <= 0) {
    await queue.removeJobScheduler(TTL_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    TTL_SCHEDULER_ID,
    { every: intervalS * 1000 },
    { name: 'ttl-sweep', data: { requestedBy: 'schedule' }, opts: TTL_SWEEP_JOB_OPTIONS },
  );
}

/** An operator's extension; the job's return value is the command's answer. */
export async function requestTtlExtension(
  queue: TtlQueue,
  data: TtlExtendJobData,
): Promise<string> {
  const job = await queue.add('ttl-extend', data, TTL_EXTEND_JOB_OPTIONS);
  if (!job.id) throw new Error('the TTL queue returned a job without an id');
  return job.id;
}
