import { describe, expect, it } from 'vitest';
import { commentState, expiryFacts } from './comment-facts.js';

const at = new Date('2026-12-04T09:01:00.000Z');
const row = {
  state: 'ready' as const,
  closedAt: null,
  expiresAt: at,
  expiredAt: null,
  ttlWarnedFor: null,
  ttlMs: 60_000,
  ttlLabelMs: 60_000,
  ttlExtendedUntil: null,
};

describe('the comment’s expiry facts (decision 0020)', () => {
  it('a TTL event renders the state the row is in', () => {
    expect(commentState('ready', { kind: 'ttl', change: 'expiring' })).toBe('ready');
    expect(commentState('destroying', { kind: 'ttl', change: 'expired' })).toBe('destroying');
  });

  it('shows a warning only while the announced expiry is the current one', () => {
    expect(expiryFacts(row)).toBeUndefined();
    expect(expiryFacts({ ...row, ttlWarnedFor: at })).toEqual({
      phase: 'warning',
      expiresAt: at.toISOString(),
      ttl: '1m',
      source: 'label',
      labelled: true,
    });
    // A push or an extension moved expiry: the old warning is over.
    expect(expiryFacts({ ...row, ttlWarnedFor: new Date(at.getTime() - 1) })).toBeUndefined();
  });

  it('shows the expiry once torn down for age on an open PR, never after a close', () => {
    const expired = { ...row, state: 'destroyed' as const, expiredAt: at, ttlWarnedFor: at };
    expect(expiryFacts(expired)).toMatchObject({ phase: 'expired', ttl: '1m' });
    expect(expiryFacts({ ...expired, closedAt: at })).toBeUndefined();
    // Destroyed for another reason (preview:skip): not an expiry.
    expect(expiryFacts({ ...expired, expiredAt: null })).toBeUndefined();
  });

  it('names the default, an extension and a capped label', () => {
    const warned = { ...row, ttlWarnedFor: at };
    expect(expiryFacts({ ...warned, ttlLabelMs: null, ttlMs: 72 * 3_600_000 })).toMatchObject({
      source: 'default',
      ttl: '3d',
    });
    expect(expiryFacts({ ...warned, ttlExtendedUntil: at })).toMatchObject({ source: 'extension' });
    expect(expiryFacts({ ...warned, ttlLabelMs: 30 * 86_400_000 })).toMatchObject({
      source: 'label',
      capped: true,
    });
  });
});
