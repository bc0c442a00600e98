import type { Revision, StageRun } from '@berth/db';
import type { LifecycleStage } from '@berth/queue';
import type { EnvironmentWithRepository } from './stage-handler.js';

export type ReportedEvent =
  | { kind: 'started'; stage: LifecycleStage }
  /** The stage waits for room (host memory committed); `reason` says how much and of what. */
  | { kind: 'queued'; stage: LifecycleStage; reason: string }
  | { kind: 'ready' }
  | { kind: 'failed'; stage: LifecycleStage; error: string }
  | { kind: 'destroyed' }
  /** Fork PR waiting for `preview:approved` on its head SHA; `skipped`: `preview:skip`. */
  | { kind: 'held' }
  | { kind: 'skipped' }
  /**
   * The TTL moved (decision 0020): a warning, the expiry, an extension. The comment is rendered
   * again from the row (its expiry facts); commit status and check run are not touched.
   */
  | { kind: 'ttl'; change: TtlChange }
  /** Put to sleep or woken (decision 0024): the comment only, rendered again from the row. */
  | { kind: 'sleep'; change: SleepChange }
  /**
   * A PR chat-op was answered (decision 0026): the comment only, rendered again from the row
   * with its "last command" line.
   */
  | { kind: 'command' };

export type TtlChange = 'expiring' | 'expired' | 'extended';
export type SleepChange = 'asleep' | 'awake';

/**
 * Tells the pull request what happened (sticky comment, commit status; later Slack). Called by
 * the sink jobs of the lifecycle event stream, never inside a stage or its lease.
 */
export interface StatusReporter {
  report(
    environment: EnvironmentWithRepository,
    revision: Revision,
    event: ReportedEvent,
    stageRuns: StageRun[],
    only?: 'comment' | 'status',
  ): Promise<void>;
}
