import { describe, expect, it } from 'vitest';
import {
  decideIdleSleep,
  decideSleep,
  decideWake,
  effectiveIdleHours,
  type IdleFacts,
  idleSince,
  isIdleSleepHours,
} from './sleep.js';
import { ENVIRONMENT_STATES } from './states.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-05T09:00:00Z');
const policy = { idleSleepHours: 4 };

function facts(overrides: Partial<IdleFacts> = {}): IdleFacts {
  return {
    prNumber: 12,
    state: 'ready',
    closed: false,
    sleptAt: null,
    borrowers: 0,
    lastAccessAt: null,
    readyAt: T0,
    wokeAt: null,
    createdAt: T0 - HOUR,
    repositoryIdleSleepHours: null,
    ...overrides,
  };
}

describe('decideSleep', () => {
  it('puts a ready preview to sleep, and says "already" the second time', () => {
    expect(decideSleep(facts())).toEqual({ action: 'sleep' });
    expect(decideSleep(facts({ sleptAt: T0 }))).toEqual({ action: 'already' });
  });

  it('refuses every state but ready, naming it, and a closed PR', () => {
    for (const state of ENVIRONMENT_STATES.filter((s) => s !== 'ready')) {
      const verdict = decideSleep(facts({ state }));
      expect(verdict).toEqual({
        action: 'refuse',
        reason: `the preview is ${state}: only a ready one sleeps`,
      });
    }
    // Asleep, then a push: the new generation's readiness wakes it; sleeping again waits.
    expect(decideSleep(facts({ state: 'building', sleptAt: T0 })).action).toBe('refuse');
    expect(decideSleep(facts({ closed: true }))).toEqual({
      action: 'refuse',
      reason: 'the pull request is closed',
    });
  });

  it('sleeps the base environment only while no frontend-only preview borrows it', () => {
    expect(decideSleep(facts({ prNumber: 0 }))).toEqual({ action: 'sleep' });
    const refused = decideSleep(facts({ prNumber: 0, borrowers: 2 }));
    expect(refused.action).toBe('refuse');
    expect(refused).toMatchObject({ reason: expect.stringMatching(/serves 2 route\(s\)/) });
    // A PR's own count of borrowers means nothing: only the base lends.
    expect(decideSleep(facts({ borrowers: 2 }))).toEqual({ action: 'sleep' });
  });
});

describe('idle policy', () => {
  it('takes the repository’s hours over the operator’s; 0 means never', () => {
    expect(effectiveIdleHours(null, policy)).toBe(4);
    expect(effectiveIdleHours(12, policy)).toBe(12);
    expect(effectiveIdleHours(0, policy)).toBe(0);
    expect(decideIdleSleep(facts({ repositoryIdleSleepHours: 0 }), T0 + 99 * HOUR, policy)).toEqual(
      { action: 'none', reason: 'the idle policy is off' },
    );
    expect(decideIdleSleep(facts(), T0 + 99 * HOUR, { idleSleepHours: 0 }).action).toBe('none');
  });

  it('counts idle time from the last access, falling back to readiness', () => {
    expect(idleSince(facts())).toBe(T0);
    expect(idleSince(facts({ lastAccessAt: T0 + HOUR }))).toBe(T0 + HOUR);
    // An access before the current generation became ready: the deploy is newer.
    expect(idleSince(facts({ lastAccessAt: T0 - HOUR }))).toBe(T0);
    // Woken a moment ago, its access not written yet: the wake counts.
    expect(idleSince(facts({ lastAccessAt: T0, wokeAt: T0 + 2 * HOUR }))).toBe(T0 + 2 * HOUR);
    expect(idleSince(facts({ readyAt: null }))).toBe(T0 - HOUR);
  });

  it('sleeps once idle for the hours, not a moment before', () => {
    const accessed = facts({ lastAccessAt: T0 + HOUR });
    expect(decideIdleSleep(accessed, T0 + 5 * HOUR - 1, policy)).toEqual({
      action: 'none',
      reason: 'used recently',
    });
    expect(decideIdleSleep(accessed, T0 + 5 * HOUR, policy)).toEqual({
      action: 'sleep',
      idleMs: 4 * HOUR,
      since: T0 + HOUR,
      idleHours: 4,
    });
  });

  it('never sleeps what may not sleep, nor sleeps twice', () => {
    const later = T0 + 99 * HOUR;
    expect(decideIdleSleep(facts({ sleptAt: T0 }), later, policy)).toEqual({
      action: 'none',
      reason: 'already asleep',
    });
    expect(decideIdleSleep(facts({ state: 'failed' }), later, policy).action).toBe('none');
    expect(decideIdleSleep(facts({ prNumber: 0, borrowers: 1 }), later, policy).action).toBe(
      'none',
    );
    expect(decideIdleSleep(facts({ prNumber: 0 }), later, policy).action).toBe('sleep');
  });
});

describe('decideWake', () => {
  it('wakes a ready, sleeping preview; an awake one needs nothing', () => {
    expect(decideWake({ state: 'ready', sleptAt: T0, closed: false })).toEqual({ action: 'wake' });
    expect(decideWake({ state: 'ready', sleptAt: null, closed: false })).toEqual({
      action: 'awake',
    });
  });

  it('leaves a redeploy to its pipeline, unmarks a failed one, ignores the closed', () => {
    for (const state of ['pending', 'building', 'provisioning'] as const) {
      expect(decideWake({ state, sleptAt: T0, closed: false }).action).toBe('wait');
    }
    for (const state of ['failed', 'held', 'skipped'] as const) {
      expect(decideWake({ state, sleptAt: T0, closed: false }).action).toBe('unmark');
    }
    for (const state of ['destroying', 'destroyed'] as const) {
      expect(decideWake({ state, sleptAt: T0, closed: false }).action).toBe('none');
    }
    expect(decideWake({ state: 'ready', sleptAt: T0, closed: true })).toEqual({
      action: 'none',
      reason: 'the preview is closed',
    });
  });
});

describe('isIdleSleepHours', () => {
  it('takes whole hours from 0 to 336', () => {
    expect([0, 1, 336].every(isIdleSleepHours)).toBe(true);
    expect([-1, 1.5, 337, Number.NaN].some(isIdleSleepHours)).toBe(false);
  });
});
