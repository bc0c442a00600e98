import type { PullRequestEvent } from '../events/pull-request-event.js';

/**
 * What GitHub says about the pull request right now, fetched only when the payload's own
 * ordering facts cannot order an event (see `orderEvent`).
 */
export interface PullRequestNow {
  state: 'open' | 'closed';
  headSha: string;
}

/** Where the environment stands, as far as ordering is concerned. */
export interface OrderingSnapshot {
  /** 0: the row was just inserted, nothing applied yet. */
  generation: number;
  headSha: string;
  closed: boolean;
  /** The newest `pull_request.updated_at` applied (ms), null before the first. */
  prUpdatedAt: number | null;
}

export type OrderingVerdict =
  | { verdict: 'apply' }
  | { verdict: 'stale'; reason: string }
  /** The payload cannot tell: ask GitHub for the PR now, then call again with `now`. */
  | { verdict: 'confirm'; reason: string };

const moves = (event: PullRequestEvent, current: OrderingSnapshot) =>
  (event.action === 'opened' || event.action === 'reopened' || event.action === 'synchronize') &&
  event.headSha !== current.headSha;

const at = (ms: number) => new Date(ms).toISOString();

/**
 * The ordering rule (docs/decisions/0005-event-ordering.md). GitHub delivers out of order and a
 * captured body can be re-sent under a fresh delivery id, so arrival order means nothing:
 * 1. `pull_request.updated_at` (GitHub's clock, 1 s) older than the newest applied → stale.
 * 2. Same second as the newest applied, and the event is destructive or rewinding (a close, a
 *    reopen, a head that is not the direct successor of ours) → ask GitHub; act only if GitHub's
 *    current state agrees (closed for a close, open for a reopen, this head for a head move).
 * 3. Otherwise apply.
 */
export function orderEvent(
  event: PullRequestEvent,
  current: OrderingSnapshot,
  now?: PullRequestNow,
): OrderingVerdict {
  if (current.generation === 0 || current.prUpdatedAt === null) return { verdict: 'apply' };
  if (event.updatedAt < current.prUpdatedAt) {
    return {
      verdict: 'stale',
      reason: `stale: updated_at ${at(event.updatedAt)} is older than the last event applied (${at(current.prUpdatedAt)})`,
    };
  }
  if (event.updatedAt > current.prUpdatedAt) return { verdict: 'apply' };

  const closing = event.action === 'closed' && !current.closed;
  const reopening = (event.action === 'reopened' || event.action === 'opened') && current.closed;
  const successor =
    event.action === 'synchronize' &&
    event.before !== undefined &&
    event.before === current.headSha;
  const rewinding = moves(event, current) && !successor;
  if (!closing && !reopening && !rewinding) return { verdict: 'apply' };
  if (!now) {
    return {
      verdict: 'confirm',
      reason: `${event.action} in the same second as the last event applied`,
    };
  }
  if (closing && now.state !== 'closed') {
    return { verdict: 'stale', reason: 'stale close: GitHub says the pull request is open' };
  }
  if (reopening && now.state !== 'open') {
    return { verdict: 'stale', reason: 'stale reopen: GitHub says the pull request is closed' };
  }
  if (rewinding && now.headSha !== event.headSha) {
    return {
      verdict: 'stale',
      reason: `stale head ${event.headSha.slice(0, 7)}: GitHub says the head is ${now.headSha.slice(0, 7)}`,
    };
  }
  return { verdict: 'apply' };
}
