// Sleep and wake (issue 11 item 5, docs/decisions/0024-sleep-and-wake.md). Pure: given what the
// state store knows of one environment, whether it may be put to sleep now, whether the idle
// policy asks for it, and what a wake request does. The sweep, the admin routes and the gateway's
// wake requests all end in a command that calls these again under the environment's row lock.

import { isBaseEnvironment } from '../events/push-event.js';
import type { EnvironmentState } from './states.js';

const HOUR_MS = 3_600_000;
/** The longest idle time a setting can ask for: the longest TTL (14 days). */
export const IDLE_SLEEP_MAX_HOURS = 336;

/** What the state store knows of one environment, for sleep and wake (ms since the epoch). */
export interface SleepFacts {
  prNumber: number;
  state: EnvironmentState;
  /** The pull request is closed: its teardown is on the way, nothing to put to sleep. */
  closed: boolean;
  /** Asleep since then; null: awake. */
  sleptAt: number | null;
  /**
   * Routes of other environments pointing at this one's containers (frontend-only previews
   * borrowing the base environment's backend, decision 0021).
   */
  borrowers: number;
}

export type SleepVerdict =
  | { action: 'sleep' }
  /** Already asleep: the caller still makes sure its containers are stopped (safe to run twice). */
  | { action: 'already' }
  | { action: 'refuse'; reason: string };

/**
 * Whether the environment may be put to sleep now. Only a ready preview sleeps: a build or a
 * start in progress would be undone, a failed one has nothing reliable to wake, and the closed
 * or destroyed have nothing left. The base environment sleeps only while nothing borrows it.
 */
export function decideSleep(facts: SleepFacts): SleepVerdict {
  if (facts.sleptAt !== null && facts.state === 'ready') return { action: 'already' };
  if (facts.closed) return { action: 'refuse', reason: 'the pull request is closed' };
  if (facts.state !== 'ready') {
    return { action: 'refuse', reason: `the preview is ${facts.state}: only a ready one sleeps` };
  }
  if (isBaseEnvironment(facts) && facts.borrowers > 0) {
    return {
      action: 'refuse',
      reason:
        `the base environment serves ${facts.borrowers} route(s) of frontend-only previews: ` +
        'it sleeps only once none borrows it',
    };
  }
  return { action: 'sleep' };
}

/** The operator's idle policy (worker setting IDLE_SLEEP_HOURS; 0 = off). */
export interface IdlePolicy {
  idleSleepHours: number;
}

/** The repository's `berth repo set --idle-sleep` wins over the operator's; 0 = never. */
export function effectiveIdleHours(
  repositoryIdleSleepHours: number | null,
  policy: IdlePolicy,
): number {
  return repositoryIdleSleepHours ?? policy.idleSleepHours;
}

/** What the idle sweep knows of one environment besides the sleep facts. */
export interface IdleFacts extends SleepFacts {
  /** The newest request a gateway let through (null: never opened). */
  lastAccessAt: number | null;
  /** The current generation became ready. */
  readyAt: number | null;
  /** Last woken. */
  wokeAt: number | null;
  createdAt: number;
  repositoryIdleSleepHours: number | null;
}

/**
 * Since when nobody used it: the newest of its last access, its readiness and its last wake.
 * Readiness is the fallback for a preview never opened; a wake counts because the access that
 * caused it is recorded a moment later (gateways batch their writes).
 */
export function idleSince(
  facts: Pick<IdleFacts, 'lastAccessAt' | 'readyAt' | 'wokeAt' | 'createdAt'>,
): number {
  const newest = Math.max(facts.lastAccessAt ?? 0, facts.readyAt ?? 0, facts.wokeAt ?? 0);
  return newest > 0 ? newest : facts.createdAt;
}

export type IdleVerdict =
  | { action: 'sleep'; idleMs: number; since: number; idleHours: number }
  | { action: 'none'; reason: string };

/** What the idle sweep does with one environment now. */
export function decideIdleSleep(facts: IdleFacts, now: number, policy: IdlePolicy): IdleVerdict {
  const idleHours = effectiveIdleHours(facts.repositoryIdleSleepHours, policy);
  if (idleHours <= 0) return { action: 'none', reason: 'the idle policy is off' };
  const verdict = decideSleep(facts);
  if (verdict.action === 'already') return { action: 'none', reason: 'already asleep' };
  if (verdict.action === 'refuse') return { action: 'none', reason: verdict.reason };
  const since = idleSince(facts);
  const idleMs = now - since;
  if (idleMs < idleHours * HOUR_MS) return { action: 'none', reason: 'used recently' };
  return { action: 'sleep', idleMs, since, idleHours };
}

export type WakeVerdict =
  /** Asleep and ready: start its containers, then clear the mark. */
  | { action: 'wake' }
  /** Not asleep (a duplicate request, or another worker woke it): nothing to do. */
  | { action: 'awake' }
  /** A new generation is on its way (a push): its readiness starts everything and clears the mark. */
  | { action: 'wait'; reason: string }
  /** Asleep, but nothing can be woken (its last deploy failed): clear the mark only. */
  | { action: 'unmark'; reason: string }
  /** Closed or being torn down: routes go with it. */
  | { action: 'none'; reason: string };

/** What a wake request (a gateway's first request, an operator) does. */
export function decideWake(facts: Pick<SleepFacts, 'state' | 'sleptAt' | 'closed'>): WakeVerdict {
  if (facts.sleptAt === null) return { action: 'awake' };
  if (facts.state === 'ready' && !facts.closed) return { action: 'wake' };
  if (facts.closed || facts.state === 'destroying' || facts.state === 'destroyed') {
    return { action: 'none', reason: `the preview is ${facts.closed ? 'closed' : facts.state}` };
  }
  if (facts.state === 'pending' || facts.state === 'building' || facts.state === 'provisioning') {
    return { action: 'wait', reason: `the preview is ${facts.state} a new deploy` };
  }
  return { action: 'unmark', reason: `the preview is ${facts.state}` };
}

/** IDLE_SLEEP_HOURS and `--idle-sleep`: whole hours, 0 (never) to 336. */
export function isIdleSleepHours(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= IDLE_SLEEP_MAX_HOURS;
}
