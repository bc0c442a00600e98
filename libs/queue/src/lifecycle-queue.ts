import { jobId, type PipelineStage } from '@berth/core';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** One queue carries every lifecycle stage; the job name is the stage. */
export const LIFECYCLE_QUEUE = 'lifecycle';
/**
 * Sink jobs (PR comment, commit status) have a queue and workers of their own: on the stage
 * queue a "ready" comment waited for a free slot behind other PRs' builds, tens of seconds.
 */
export const SINK_QUEUE = 'sinks';
export const DEFAULT_QUEUE_PREFIX = 'berth';

export type LifecycleStage = PipelineStage | 'teardown';

/** Ids and the generation only: handlers always re-read current state (it may have moved on). */
export interface StageJobData {
  environmentId: string;
  generation: number;
  stage: LifecycleStage;
  /** How often the stage already found no room (queued); sets its next delay. */
  queuedLooks?: number;
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

/**
 * Notification sinks on the lifecycle event stream; each delivers (and retries) on its own:
 * the sticky PR comment, the `berth/preview` commit status, the `Berth / preview` check run,
 * the pull request's Slack message (decision 0028), the REST API's change feed (decision 0030).
 */
export const SINKS = ['comment', 'status', 'check', 'slack', 'feed'] as const;
export type SinkName = (typeof SINKS)[number];

/** Deliver one lifecycle event (row id in `lifecycle_events`) to one sink. */
export interface SinkJobData {
  eventId: string;
  environmentId: string;
  sink: SinkName;
}

/**
 * Run the repository's end-to-end tests (`x-berth.tests`) against the generation that became
 * ready with lifecycle event `eventId`. On the lifecycle queue, not the sink queue: it takes
 * minutes, like a build, and sink jobs must stay short.
 */
export interface E2eJobData {
  eventId: string;
  environmentId: string;
  generation: number;
}

export type LifecycleJobData = StageJobData | NotifyJobData | SinkJobData | E2eJobData;
export type LifecycleJobName = LifecycleStage | 'notify' | 'sink' | 'e2e';
export type LifecycleQueue = Queue<LifecycleJobData, unknown, LifecycleJobName>;

/** Redis pub/sub channel the gateway listens on; message = a hostname, or `*` for all. */
export const ROUTES_CHANNEL = 'berth:routes';
/** Redis pub/sub channel of revoked share links; message = a share link id (decision 0013). */
export const SHARE_LINKS_CHANNEL = 'berth:share-links';

export function createLifecycleQueue(
  connection: Redis,
  prefix = DEFAULT_QUEUE_PREFIX,
  name: typeof LIFECYCLE_QUEUE | typeof SINK_QUEUE = LIFECYCLE_QUEUE,
): LifecycleQueue {
  return new Queue<LifecycleJobData, unknown, LifecycleJobName>(name, {
    connection,
    prefix,
  });
}

/** Attempts per stage job; the last failure marks the environment failed. */
export const STAGE_ATTEMPTS = 3;
/** Teardown never gives up: it is retried until the ledger is empty (backoff capped below). */
export const TEARDOWN_ATTEMPTS = 1_000_000;
/** Sinks retry on their own; a PR comment that cannot be written must not block anything. */
export const SINK_ATTEMPTS = 8;

/** The backoff type the worker's `backoffStrategy` implements (see `retryDelayMs`). */
export const BACKOFF_TYPE = 'berth';

const HISTORY = {
  // Keep a day of history for operators; failures a week.
  removeOnComplete: { age: 24 * 3600, count: 5_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

const JOB_OPTIONS = {
  attempts: STAGE_ATTEMPTS,
  backoff: { type: BACKOFF_TYPE, delay: 2_000 },
  ...HISTORY,
} as const;

/**
 * Delay before retry `attemptsMade` (1-based) of a job: exponential from 2 s, capped at 5 min,
 * so a teardown facing a Docker outage keeps trying every few minutes, forever.
 */
export function retryDelayMs(attemptsMade: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attemptsMade - 1), 5 * 60_000);
}

/**
 * Delay before a queued stage (waiting for room on its host) looks again, after `looks` earlier
 * looks: 2 s doubling, capped at 30 s, so room freed by a closed PR is used within half a minute.
 */
export function queuedDelayMs(looks: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, looks), 30_000);
}

/**
 * Depth first: a stage nearer the end runs before an earlier stage of another environment, so
 * with many PRs opened at once each becomes ready in turn instead of all at the very end (every
 * build first, then every replicate). Teardown has no priority, which BullMQ runs before all
 * prioritised jobs: it frees the memory and addresses that queued environments wait for.
 * Lower is sooner; the same priority is first come, first served.
 */
export const STAGE_PRIORITY: Record<LifecycleJobName, number | undefined> = {
  teardown: undefined,
  expose: 1,
  replicate: 2,
  wire: 3,
  build: 4,
  notify: 1,
  sink: undefined,
  // After every stage: tests wait for builds and starts, never the other way round.
  e2e: 5,
};

/** BullMQ options for a job of this name (the outbox relay uses them on dispatch). */
export function jobOptionsFor(name: LifecycleJobName) {
  const attempts =
    name === 'teardown' ? TEARDOWN_ATTEMPTS : name === 'sink' ? SINK_ATTEMPTS : STAGE_ATTEMPTS;
  const priority = STAGE_PRIORITY[name];
  return { ...JOB_OPTIONS, attempts, ...(priority ? { priority } : {}) };
}

/** An outbox row for a stage job: deterministic id `{env}-{generation}-{stage}`. */
export function stageOutboxEntry(data: StageJobData) {
  return {
    name: data.stage,
    jobId: jobId(data.environmentId, data.generation, data.stage),
    data: { ...data },
  };
}

/** An outbox row delivering lifecycle event `eventId` to `sink`. */
export function sinkOutboxEntry(data: SinkJobData) {
  return { name: 'sink' as const, jobId: `sink-${data.sink}-${data.eventId}`, data: { ...data } };
}

/** An outbox row for the tests of the generation event `eventId` made ready. */
export function e2eOutboxEntry(data: E2eJobData) {
  return { name: 'e2e' as const, jobId: `e2e-${data.eventId}`, data: { ...data } };
}
