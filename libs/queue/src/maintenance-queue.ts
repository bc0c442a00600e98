import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// Maintenance jobs (DESIGN.md "Maintenance": schedulers only enqueue, handlers do the work). One
// queue per Docker host, so a run is done by a worker that drives that host: the job scheduler
// (RECONCILE_INTERVAL_S) and on-demand runs from the api (POST /admin/v1/reconcile) both land
// there. docs/decisions/0018-reconciler.md.

/** Queue name of a Docker host's maintenance jobs (`maintenance-local`). */
export function maintenanceQueueName(dockerHost: string): string {
  return `maintenance-${dockerHost}`;
}

export interface ReconcileJobData {
  /** List and compare only: the report says what a real run would remove. */
  dryRun: boolean;
  /** Who asked (`schedule`, `admin`): shown in the job history and the logs. */
  requestedBy: string;
}

export type MaintenanceJobName = 'reconcile';
export type MaintenanceQueue = Queue<ReconcileJobData, unknown, MaintenanceJobName>;

/** The id of a host's reconcile scheduler: every worker upserts the same one. */
export const RECONCILE_SCHEDULER_ID = 'reconcile';

/** Reports of recent runs stay readable from the job history (GET /admin/v1/reconcile). */
export const MAINTENANCE_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { count: 50 },
  removeOnFail: { count: 50 },
} as const;

export function createMaintenanceQueue(
  connection: Redis,
  prefix: string,
  dockerHost: string,
): MaintenanceQueue {
  return new Queue<ReconcileJobData, unknown, MaintenanceJobName>(
    maintenanceQueueName(dockerHost),
    { connection, prefix },
  );
}

/**
 * Runs the reconciler every `intervalS` seconds (0: never by schedule). Idempotent: several
 * workers upsert one scheduler, and BullMQ makes one job per interval whatever their number.
 */
export async function scheduleReconcile(queue: MaintenanceQueue, intervalS: number): Promise<void> {
  if (intervalS <= 0) {
    await queue.removeJobScheduler(RECONCILE_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    RECONCILE_SCHEDULER_ID,
    { every: intervalS * 1000 },
    {
      name: 'reconcile',
      data: { dryRun: false, requestedBy: 'schedule' },
      opts: MAINTENANCE_JOB_OPTIONS,
    },
  );
}

/** An on-demand run; its id is unique, so two requests are two runs (the lock serialises them). */
export async function requestReconcile(
  queue: MaintenanceQueue,
  data: ReconcileJobData,
): Promise<string> {
  const job = await queue.add('reconcile', data, MAINTENANCE_JOB_OPTIONS);
  if (!job.id) throw new Error('the maintenance queue returned a job without an id');
  return job.id;
}
