import type { Environment, Repository, Revision } from '@berth/db';
import type { LifecycleStage, StageJobData } from '@berth/queue';
import type { Logger } from 'pino';

export type EnvironmentWithRepository = Environment & { repository: Repository };

export interface StageInput {
  job: StageJobData;
  /** Attempt number, 1-based. */
  attempt: number;
  environment: EnvironmentWithRepository;
  /** The revision of the job's generation (head SHA + config it was triggered with). */
  revision: Revision;
  logger: Logger;
  /**
   * Throws SupersededError when a newer generation (or a close) arrived. Call it between
   * long steps (e.g. between service builds) so stale work stops early.
   */
  assertCurrent: () => Promise<void>;
  /**
   * Replicate: which commit answers at the URLs (decision 0038). `null` just before a
   * long-running container of an older serving revision goes; that revision again once it was
   * put back after the new one failed. Unset where no runner is involved.
   */
  setServing?: (serving: ServingRevision | null) => Promise<void>;
  /**
   * Replicate: the environment now runs in this slot (decision 0040), once the revision started
   * beside the serving one is ready and the routes lead to it. Unset where no runner is involved.
   */
  setSlot?: (slot: number) => Promise<void>;
}

/** The commit whose containers answer at an environment's URLs, and its generation. */
export interface ServingRevision {
  sha: string;
  revision: number;
}

export interface StageOutcome {
  /** Facts for operators, stored on the stage run (what was rebuilt, what started, ...). */
  details?: Record<string, unknown>;
}

/** One lifecycle stage. observe → compare → act → record; must be safe to run twice. */
export interface StageHandler {
  readonly stage: LifecycleStage;
  run(input: StageInput): Promise<StageOutcome>;
}

/** Thrown when the job's generation is no longer the environment's; recorded as "superseded". */
export class SupersededError extends Error {
  override readonly name = 'SupersededError';
  constructor(
    readonly jobGeneration: number,
    readonly currentGeneration: number,
    reason = 'a newer push or label change superseded it',
  ) {
    super(`generation ${jobGeneration} superseded by ${currentGeneration}: ${reason}`);
  }
}

/**
 * A failure that another attempt cannot fix (the compose file is invalid, a file the spec names
 * does not exist at this commit): the runner fails the stage on its first attempt instead of
 * retrying it as if it were transient. A new push or `preview:rebuild` starts over.
 */
export class PermanentStageError extends Error {
  override readonly name: string = 'PermanentStageError';
  /** Facts stored on the failed stage run (e.g. the compose problems' lines, for annotations). */
  details?: Record<string, unknown>;
}

/**
 * The stage cannot start yet for a reason that passes by itself (the host's memory is committed
 * to other previews). Not a failure and no attempt spent: the runner records the stage `queued`
 * with this message, tells the PR once, and the job is delayed and run again with backoff.
 */
export class StageQueuedError extends Error {
  override readonly name = 'StageQueuedError';
}
