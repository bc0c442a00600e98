import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// The resync with GitHub (docs/decisions/0022-github-resync.md), the reconciler's pattern
// (maintenance-queue.ts): a job scheduler every RESYNC_INTERVAL_S that only enqueues, on-demand
// runs from the api (POST /admin/v1/resync), and workers with the `sweep` role that run them.
// One queue for the installation, not one per Docker host: GitHub is the same for every host.

export const RESYNC_QUEUE = 'resync';

export interface ResyncJobData {
  /** Who asked (`schedule`, `admin`): shown in the job history and the logs. */
  requestedBy: string;
  /** Only this repository (`owner/name`); every repository Berth knows when absent. */
  repository?: string;
  /** Only this installation's repositories. */
  installationId?: number;
}

export type ResyncJobName = 'resync';
export type ResyncQueue = Queue<ResyncJobData, unknown, ResyncJobName>;

/** The id of the resync scheduler: every worker upserts the same one. */
export const RESYNC_SCHEDULER_ID = 'resync';

/** Reports of recent runs stay readable from the job history (GET /admin/v1/resync/runs). */
export const RESYNC_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { count: 50 },
  removeOnFail: { count: 50 },
} as const;

export function createResyncQueue(connection: Redis, prefix: string): ResyncQueue {
  return new Queue<ResyncJobData, unknown, ResyncJobName>(RESYNC_QUEUE, { connection, prefix });
}

/**
 * Resyncs every `intervalS` seconds (0: only on demand). Idempotent: several workers upsert one
 * scheduler, and BullMQ makes one job per interval whatever their number.
 */
export async function scheduleResync(queue: ResyncQueue, intervalS: number): Promise<void> {
  if (intervalS <= 0) {
    await queue.removeJobScheduler(RESYNC_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    RESYNC_SCHEDULER_ID,
    { every: intervalS * 1000 },
    { name: 'resync', data: { requestedBy: 'schedule' }, opts: RESYNC_JOB_OPTIONS },
  );
}

/** An on-demand run; its id is unique, so two requests are two runs (the locks serialise them). */
export async function requestResync(queue: ResyncQueue, data: ResyncJobData): Promise<string> {
  const job = await queue.add('resync', data, RESYNC_JOB_OPTIONS);
  if (!job.id) throw new Error('the resync queue returned a job without an id');
  return job.id;
}
