import type { Revision, StageRun } from '@berth/db';
import type { LifecycleStage } from '@berth/queue';
import type { EnvironmentWithRepository } from './stage-handler.js';

export type ReportedEvent =
  | { kind: 'started'; stage: LifecycleStage }
  | { kind: 'ready' }
  | { kind: 'failed'; stage: LifecycleStage; error: string }
  | { kind: 'destroyed' }
  /** Fork PR waiting for `preview:approved` on its head SHA; `skipped`: `preview:skip`. */
  | { kind: 'held' }
  | { kind: 'skipped' };

/**
 * Tells the pull request what happened (sticky comment, commit status; later Slack). Called by
 * the stage runner after the state store is updated, so a reporter can always re-read state.
 * Reporting failures are logged, never fail the stage.
 */
export interface StatusReporter {
  report(
    environment: EnvironmentWithRepository,
    revision: Revision,
    event: ReportedEvent,
    stageRuns: StageRun[],
  ): Promise<void>;
}
