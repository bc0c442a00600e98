import type { E2eDelivery, SinkDelivery, StageRunner } from '@berth/lifecycle';
import {
  BACKOFF_TYPE,
  LIFECYCLE_QUEUE,
  type SINK_QUEUE,
  type LifecycleJobData,
  type LifecycleJobName,
  queuedDelayMs,
  retryDelayMs,
  type E2eJobData,
  type SinkJobData,
  type StageJobData,
} from '@berth/queue';
import { DelayedError, type Job, Worker } from 'bullmq';
import { freesCapacity } from './admission-wake.js';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface LifecycleWorkerDeps {
  /** A dedicated connection: BullMQ workers block on it. */
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** How long a job stays claimed without its worker's heartbeat; the stalled check runs as often. */
  lockMs?: number;
  runner: StageRunner;
  sinks: SinkDelivery;
  /** Runs `e2e` jobs (x-berth.tests); without it they finish as `off` (GITHUB_CHECK_RUNS). */
  e2e?: Pick<E2eDelivery, 'deliver'>;
  logger: Logger;
  /**
   * Called when a stage may have freed host memory (a teardown finished, a queued replicate gave
   * up or was superseded): wakes the environments waiting for it at once, instead of at their
   * next look (every 2 s, growing to 30 s).
   */
  onCapacityFreed?: () => Promise<number>;
}

type LifecycleJob = Job<LifecycleJobData, unknown, LifecycleJobName>;

/** How soon a job that found its environment's lease taken, or a sink its lock, runs again. */
const BUSY_DELAY_MS = 1_000;

/**
 * Consumes the lifecycle queue (stage jobs go to the StageRunner; `sink` jobs left there by an
 * older relay to their sink) or, with `queue: SINK_QUEUE`, the sink queue, whose jobs are short
 * and must not wait behind builds.
 */
export function startLifecycleWorker(
  deps: LifecycleWorkerDeps,
  queue: typeof LIFECYCLE_QUEUE | typeof SINK_QUEUE = LIFECYCLE_QUEUE,
): Worker<LifecycleJobData, unknown, LifecycleJobName> {
  const worker = new Worker<LifecycleJobData, unknown, LifecycleJobName>(
    queue,
    (job: LifecycleJob, token?: string) => process(deps, job, token),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency,
      // A worker killed mid-stage leaves its job active; another worker picks it up once the
      // job's lock lapses. Several crashes in a row still converge (see ConvergenceSweep).
      maxStalledCount: 5,
      ...(deps.lockMs ? { lockDuration: deps.lockMs, stalledInterval: deps.lockMs } : {}),
      settings: {
        backoffStrategy: (attemptsMade: number, type?: string) =>
          type === BACKOFF_TYPE ? retryDelayMs(attemptsMade) : 2_000,
      },
    },
  );
  worker.on('failed', (job, error) =>
    deps.logger.warn({ jobId: job?.id, err: error }, 'lifecycle job attempt failed'),
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'lifecycle worker error'));
  return worker;
}

async function process(
  deps: LifecycleWorkerDeps,
  job: LifecycleJob,
  token: string | undefined,
): Promise<unknown> {
  if (job.name === 'sink') {
    const result = await deps.sinks.deliver(job.data as SinkJobData);
    if (result === 'busy') return later(job, token);
    // A throttled check run edit, or GitHub's retry-after: the job waits, no attempt spent.
    if (typeof result === 'object') return later(job, token, result.laterMs);
    return result;
  }
  if (job.name === 'notify') return 'obsolete';
  if (job.name === 'e2e') return deps.e2e ? deps.e2e.deliver(job.data as E2eJobData) : 'off';
  // queuedLooks belongs to this job only: the stage data handed on must not carry it.
  const { queuedLooks = 0, ...data } = job.data as StageJobData;
  const attempt = job.attemptsMade + 1;
  const finalAttempt = attempt >= (job.opts.attempts ?? 1);
  const result = await deps.runner.run(data, attempt, finalAttempt);
  if (freesCapacity(data.stage, result)) wake(deps);
  if (result === 'locked') return later(job, token);
  if (result === 'queued') {
    // Waiting for room is not a failure: no attempt spent, a growing delay between looks.
    await job.updateData({ ...data, queuedLooks: queuedLooks + 1 });
    return later(job, token, queuedDelayMs(queuedLooks));
  }
  // The runner recorded the failure; throwing hands the retry (with backoff) to BullMQ.
  if (result === 'retrying')
    throw new Error(`${data.stage} failed on attempt ${attempt}; retrying`);
  return result;
}

/** Never in the job's way: a failed wake only means the waiters find the room at their next look. */
function wake(deps: LifecycleWorkerDeps): void {
  deps.onCapacityFreed?.().then(
    (woken) => {
      if (woken > 0) deps.logger.info({ woken }, 'host memory freed; woke queued environments');
    },
    (error: unknown) => deps.logger.warn({ err: error }, 'could not wake queued environments'),
  );
}

/** Park the job briefly without spending an attempt (BullMQ's documented manual delay). */
async function later(
  job: LifecycleJob,
  token: string | undefined,
  delayMs = BUSY_DELAY_MS,
): Promise<never> {
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}
