import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_STATES } from './states.js';
import {
  decideTtl,
  DEFAULT_TTL_POLICY,
  effectiveTtl,
  extendTtl,
  type TtlFacts,
  ttlTerms,
  warnLeadMs,
} from './ttl.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-04T09:00:00Z');
const policy = { defaultMs: 72 * HOUR, maxMs: 7 * 24 * HOUR };

function facts(overrides: Partial<TtlFacts> = {}): TtlFacts {
  return {
    prNumber: 12,
    state: 'ready',
    closed: false,
    createdAt: T0,
    ttlStartedAt: T0,
    readyAt: null,
    labelTtlMs: null,
    repositoryDefaultTtlHours: null,
    extendedUntil: null,
    warnedFor: null,
    ...overrides,
  };
}

describe('effectiveTtl', () => {
  it('takes the label, else the repository default, else Berth’s default', () => {
    expect(effectiveTtl(facts({ labelTtlMs: MIN, repositoryDefaultTtlHours: 5 }), policy)).toEqual({
      ttlMs: MIN,
      source: 'label',
      capped: false,
    });
    expect(effectiveTtl(facts({ repositoryDefaultTtlHours: 5 }), policy)).toEqual({
      ttlMs: 5 * HOUR,
      source: 'repository',
      capped: false,
    });
    expect(effectiveTtl(facts(), policy)).toEqual({
      ttlMs: 72 * HOUR,
      source: 'default',
      capped: false,
    });
  });

  it('caps the label (and every default) at the operator maximum', () => {
    expect(effectiveTtl(facts({ labelTtlMs: 14 * 24 * HOUR }), policy)).toEqual({
      ttlMs: 7 * 24 * HOUR,
      source: 'label',
      capped: true,
    });
    const tight = { defaultMs: 72 * HOUR, maxMs: 24 * HOUR };
    expect(effectiveTtl(facts({ repositoryDefaultTtlHours: 48 }), tight).ttlMs).toBe(24 * HOUR);
    expect(effectiveTtl(facts(), tight).ttlMs).toBe(24 * HOUR);
  });
});

describe('warnLeadMs', () => {
  it('is 20 % of the TTL, at most an hour', () => {
    expect(warnLeadMs(MIN)).toBe(12_000);
    expect(warnLeadMs(HOUR)).toBe(12 * MIN);
    expect(warnLeadMs(72 * HOUR)).toBe(HOUR);
  });
});

describe('ttlTerms', () => {
  it('counts from the newest of creation, generation start and readiness', () => {
    const f = facts({ labelTtlMs: MIN, ttlStartedAt: T0 + 10_000, readyAt: T0 + 40_000 });
    expect(ttlTerms(f, policy)).toMatchObject({
      countsFrom: T0 + 40_000,
      expiresAt: T0 + 100_000,
      warnAt: T0 + 88_000,
      extended: false,
    });
    // A readiness of an older generation does not count: the newer start does.
    expect(ttlTerms({ ...f, readyAt: T0 + 5_000 }, policy)?.countsFrom).toBe(T0 + 10_000);
    // Never started (an old row): creation.
    expect(ttlTerms({ ...f, ttlStartedAt: null, readyAt: null }, policy)?.countsFrom).toBe(T0);
  });

  it('an extension holds expiry when it is later than the natural one', () => {
    const f = facts({ labelTtlMs: MIN, extendedUntil: T0 + HOUR });
    expect(ttlTerms(f, policy)).toMatchObject({ expiresAt: T0 + HOUR, extended: true });
    const past = facts({ labelTtlMs: HOUR, extendedUntil: T0 + MIN });
    expect(ttlTerms(past, policy)).toMatchObject({ expiresAt: T0 + HOUR, extended: false });
  });

  it('the base environment (PR 0) never expires', () => {
    expect(ttlTerms(facts({ prNumber: 0 }), policy)).toBeUndefined();
  });
});

describe('decideTtl', () => {
  const oneMinute = facts({ labelTtlMs: MIN });

  it('does nothing before the warning window', () => {
    expect(decideTtl(oneMinute, T0 + 47_999, policy)).toMatchObject({
      action: 'none',
      reason: 'not yet due',
    });
  });

  it('warns once in the window, announcing the expiry', () => {
    const verdict = decideTtl(oneMinute, T0 + 48_000, policy);
    expect(verdict).toMatchObject({ action: 'warn', expiresAt: T0 + MIN });
    expect(verdict.action === 'warn' && verdict.extendedUntil).toBeUndefined();
    const warned = { ...oneMinute, warnedFor: T0 + MIN };
    expect(decideTtl(warned, T0 + 50_000, policy)).toMatchObject({
      action: 'none',
      reason: 'warned; not yet expired',
    });
  });

  it('expires at the announced expiry, and only after a warning for it', () => {
    const warned = { ...oneMinute, warnedFor: T0 + MIN };
    expect(decideTtl(warned, T0 + MIN - 1, policy).action).toBe('none');
    expect(decideTtl(warned, T0 + MIN, policy)).toMatchObject({
      action: 'expire',
      terms: { expiresAt: T0 + MIN, source: 'label' },
    });
  });

  it('a sweep a little after the window opens still announces the natural expiry', () => {
    expect(decideTtl(oneMinute, T0 + 50_000, policy)).toMatchObject({
      action: 'warn',
      expiresAt: T0 + MIN,
    });
    // Less than half the lead (6 s) left: the full notice instead.
    expect(decideTtl(oneMinute, T0 + 54_001, policy)).toMatchObject({
      action: 'warn',
      expiresAt: T0 + 54_001 + 12_000,
      extendedUntil: T0 + 54_001 + 12_000,
    });
  });

  it('a late first look warns first and postpones expiry by the full lead', () => {
    const verdict = decideTtl(oneMinute, T0 + 10 * MIN, policy);
    expect(verdict).toEqual(
      expect.objectContaining({
        action: 'warn',
        expiresAt: T0 + 10 * MIN + 12_000,
        extendedUntil: T0 + 10 * MIN + 12_000,
      }),
    );
    // Stored as an extension + warnedFor, the next look expires it on time, not earlier.
    const stored = { ...oneMinute, extendedUntil: T0 + 612_000, warnedFor: T0 + 612_000 };
    expect(decideTtl(stored, T0 + 611_999, policy).action).toBe('none');
    expect(decideTtl(stored, T0 + 612_000, policy).action).toBe('expire');
  });

  it('a push (new start), a longer label or an extension needs a new warning', () => {
    const warned = { ...oneMinute, warnedFor: T0 + MIN };
    const pushed = { ...warned, ttlStartedAt: T0 + 55_000 };
    expect(decideTtl(pushed, T0 + MIN, policy)).toMatchObject({ action: 'none' });
    expect(decideTtl(pushed, T0 + 55_000 + 48_000, policy)).toMatchObject({
      action: 'warn',
      expiresAt: T0 + 115_000,
    });
    const longer = { ...warned, labelTtlMs: HOUR };
    expect(decideTtl(longer, T0 + MIN, policy).action).toBe('none');
    const extended = { ...warned, extendedUntil: T0 + HOUR };
    expect(decideTtl(extended, T0 + MIN, policy).action).toBe('none');
    expect(decideTtl(extended, T0 + HOUR - 12_000, policy)).toMatchObject({
      action: 'warn',
      expiresAt: T0 + HOUR,
    });
  });

  it('a shorter label after the warning warns again for the new expiry', () => {
    const warned = facts({ labelTtlMs: HOUR, warnedFor: T0 + HOUR });
    const shorter = { ...warned, labelTtlMs: 10 * MIN };
    expect(decideTtl(shorter, T0 + 8 * MIN, policy)).toMatchObject({
      action: 'warn',
      expiresAt: T0 + 10 * MIN,
    });
  });

  it('covers every state of an open PR but skipped; nothing once on the way out', () => {
    const due = { ...oneMinute, warnedFor: T0 + MIN };
    const expiring = ENVIRONMENT_STATES.filter(
      (state) => decideTtl({ ...due, state }, T0 + MIN, policy).action === 'expire',
    );
    expect(expiring).toEqual(['pending', 'held', 'building', 'provisioning', 'ready', 'failed']);
    expect(decideTtl({ ...due, state: 'destroyed' }, T0 + MIN, policy)).toMatchObject({
      action: 'none',
      reason: 'the environment is destroyed',
    });
  });

  it('never acts on a closed PR or the base environment', () => {
    const due = { ...oneMinute, warnedFor: T0 + MIN };
    expect(decideTtl({ ...due, closed: true }, T0 + HOUR, policy)).toMatchObject({
      action: 'none',
      reason: 'the pull request is closed',
    });
    expect(decideTtl({ ...due, prNumber: 0 }, T0 + 365 * 24 * HOUR, policy)).toEqual({
      action: 'none',
      reason: 'the base environment never expires',
    });
  });

  it('uses Berth’s defaults when the policy is the default one', () => {
    expect(decideTtl(facts(), T0 + 71 * HOUR, DEFAULT_TTL_POLICY)).toMatchObject({
      action: 'warn',
      expiresAt: T0 + 72 * HOUR,
    });
  });
});

describe('extendTtl', () => {
  it('moves expiry by the amount past the later of expiry and now', () => {
    const f = facts({ labelTtlMs: HOUR });
    expect(extendTtl(f, 24 * HOUR, T0 + MIN, policy)).toEqual({
      ok: true,
      extendedUntil: T0 + 25 * HOUR,
      expiresAt: T0 + 25 * HOUR,
      previousExpiresAt: T0 + HOUR,
    });
    // Already past (not yet swept): from now.
    expect(extendTtl(f, HOUR, T0 + 2 * HOUR, policy)).toMatchObject({
      ok: true,
      expiresAt: T0 + 3 * HOUR,
    });
    // Twice adds up.
    const once = { ...f, extendedUntil: T0 + 25 * HOUR };
    expect(extendTtl(once, HOUR, T0, policy)).toMatchObject({ expiresAt: T0 + 26 * HOUR });
  });

  it('goes beyond the label maximum: the operator asks', () => {
    const f = facts({ labelTtlMs: 7 * 24 * HOUR });
    expect(extendTtl(f, 7 * 24 * HOUR, T0, policy)).toMatchObject({
      ok: true,
      expiresAt: T0 + 14 * 24 * HOUR,
    });
  });

  it('refuses bad amounts, the base, closed and gone previews with the way forward', () => {
    expect(extendTtl(facts(), 59_999, T0, policy)).toEqual({
      ok: false,
      reason: 'an extension is from 1m to 14d',
    });
    expect(extendTtl(facts(), 15 * 24 * HOUR, T0, policy).ok).toBe(false);
    expect(extendTtl(facts({ prNumber: 0 }), HOUR, T0, policy)).toMatchObject({ ok: false });
    expect(extendTtl(facts({ closed: true }), HOUR, T0, policy)).toMatchObject({
      ok: false,
      reason: 'the pull request is closed',
    });
    const gone = extendTtl(facts({ state: 'destroyed' }), HOUR, T0, policy);
    expect(gone.ok === false && gone.reason).toMatch(/destroyed: push a commit/);
  });
});
