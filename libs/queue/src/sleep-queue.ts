import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

// Sleep and wake (docs/decisions/0024-sleep-and-wake.md), the TTL queue's pattern: one queue per
// Docker host, a job scheduler every SLEEP_SWEEP_INTERVAL_S that only enqueues the idle sweep, and
// on-demand jobs: `berth env sleep|wake` from the api, and wakes from gateways (a gateway never
// opens Docker: it asks here, and a worker on the environment's host does the work). Its own
// queue so a wake never waits behind a TTL sweep or a reconcile run.

/** Queue name of a Docker host's sleep and wake jobs (`sleep-local`). */
export function sleepQueueName(dockerHost: string): string {
  return `sleep-${dockerHost}`;
}

export interface IdleSweepJobData {
  requestedBy: string;
}

export interface SleepJobData {
  environmentId: string;
  /** Who asked: an operator's name, or `idle` (shown on the event stream and in the logs). */
  requestedBy: string;
}

export interface WakeJobData {
  environmentId: string;
  /** `gateway` (a first request), or an operator's name. */
  requestedBy: string;
}

export type SleepJobName = 'idle-sweep' | 'sleep' | 'wake';
export type SleepQueueJobData = IdleSweepJobData | SleepJobData | WakeJobData;
export type SleepQueue = Queue<SleepQueueJobData, unknown, SleepJobName>;

/** The id of a host's idle sweep scheduler: every worker upserts the same one. */
export const IDLE_SWEEP_SCHEDULER_ID = 'idle-sweep';

export const IDLE_SWEEP_JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: { count: 20 },
} as const;

/**
 * Sleeps and wakes: a second attempt after a transient failure (Docker busy, the environment's
 * lease held past the job's own wait); kept a while for the api to read the answer.
 */
export const SLEEP_JOB_OPTIONS = {
  attempts: 2,
  backoff: { type: 'fixed', delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 200 },
  removeOnFail: { age: 3_600, count: 200 },
} as const;

/**
 * A gateway asks again for a sleep it asked for at most this often (its requests in between ride
 * on the first ask): a wake that failed is retried then, not on every reload of the page.
 */
export const WAKE_ASK_INTERVAL_MS = 10_000;

/**
 * A gateway's wake: the same id for every ask of one sleep, so every request and every gateway
 * collapse into one job while it waits or runs; a failed one is removed, so the next ask (after
 * WAKE_ASK_INTERVAL_MS) is a new attempt instead of colliding with the failure's id.
 */
export const GATEWAY_WAKE_JOB_OPTIONS = {
  ...SLEEP_JOB_OPTIONS,
  removeOnFail: true,
} as const;

export function createSleepQueue(
  connection: Redis,
  prefix: string,
  dockerHost: string,
): SleepQueue {
  return new Queue<SleepQueueJobData, unknown, SleepJobName>(sleepQueueName(dockerHost), {
    connection,
    prefix,
  });
}

/**
 * Sweeps for idle previews every `intervalS` seconds (0: never). Idempotent: several workers
 * upsert one scheduler, and BullMQ makes one job per interval whatever their number.
 */
export async function scheduleIdleSweep(queue: SleepQueue, intervalS: number): Promise<void> {
  if (intervalS <= 0) {
    await queue.removeJobScheduler(IDLE_SWEEP_SCHEDULER_ID);
    return;
  }
  await queue.upsertJobScheduler(
    IDLE_SWEEP_SCHEDULER_ID,
    { every: intervalS * 1000 },
    { name: 'idle-sweep', data: { requestedBy: 'schedule' }, opts: IDLE_SWEEP_JOB_OPTIONS },
  );
}

/** An operator's sleep or wake; the job's return value is the outcome. */
export async function requestSleepChange(
  queue: SleepQueue,
  name: 'sleep' | 'wake',
  data: SleepJobData | WakeJobData,
): Promise<string> {
  const job = await queue.add(name, data, SLEEP_JOB_OPTIONS);
  if (!job.id) throw new Error('the sleep queue returned a job without an id');
  return job.id;
}

/** A gateway's wake of one sleep (`sleptAt`, ms): see GATEWAY_WAKE_JOB_OPTIONS. */
export async function requestWake(
  queue: SleepQueue,
  data: WakeJobData & { sleptAt: number },
): Promise<void> {
  await queue.add(
    'wake',
    { environmentId: data.environmentId, requestedBy: data.requestedBy },
    { ...GATEWAY_WAKE_JOB_OPTIONS, jobId: `wake-${data.environmentId}-${data.sleptAt}` },
  );
}
