import { approvalState, startGate } from './approval.js';
import type { EnvironmentSnapshot } from './decide-pull-request.js';
import type { EnvironmentState } from './states.js';
import { transition } from './transition.js';

/** What a "Re-run" (GitHub's `check_run` `rerequested`) asks for: the check run's head. */
export interface RerunRequest {
  headSha: string;
  isFork: boolean;
}

export type RerunDecision =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'rerun'; state: EnvironmentState; generation: number };

/**
 * A "Re-run" redeploys the pull request's current head as a new generation (same head, same
 * labels): the build and every later stage run again, so a flaky start or a changed base image
 * is retried without a push. Refused, with the reason for the check run, when the head moved on
 * (the button is on an old commit), the PR is closed, or the preview is held or skipped — the
 * same gate a push goes through.
 */
export function decideRerun(current: EnvironmentSnapshot, request: RerunRequest): RerunDecision {
  if (current.generation === 0) {
    return { outcome: 'ignored', reason: 'Berth has no preview for this pull request' };
  }
  // An expired preview of an open PR (decision 0020) comes back on a re-run like on a push.
  const revives =
    current.expired === true &&
    !current.closed &&
    (current.state === 'destroying' || current.state === 'destroyed');
  if (
    !revives &&
    (current.closed || current.state === 'destroying' || current.state === 'destroyed')
  ) {
    return { outcome: 'ignored', reason: 'the pull request is closed' };
  }
  if (request.headSha !== current.headSha) {
    return {
      outcome: 'ignored',
      reason: `this commit is no longer the pull request's head (${current.headSha.slice(0, 7)} is)`,
    };
  }
  const gate = startGate({
    skip: current.config.skip,
    approval: approvalState({
      fork: request.isFork,
      headSha: current.headSha,
      approvedSha: current.approvedSha,
    }),
  });
  if (gate === 'skip')
    return { outcome: 'ignored', reason: 'the preview is skipped (preview:skip)' };
  if (gate === 'hold') {
    return {
      outcome: 'ignored',
      reason: 'a maintainer must approve this fork first (label preview:approved)',
    };
  }
  const result = transition(
    current.state,
    revives ? { type: 'reopened', gate } : { type: 'config_changed', gate },
  );
  if (!result.ok) return { outcome: 'ignored', reason: result.error.message };
  return { outcome: 'rerun', state: result.state, generation: current.generation + 1 };
}
