import { describe, expect, it } from 'vitest';
import { age, duration, failureReason, localTime, ttlLeft } from './format.js';

describe('console formatting', () => {
  it('says durations in their two largest units', () => {
    expect(duration(0)).toBe('0 s');
    expect(duration(45_000)).toBe('45 s');
    expect(duration(3 * 3_600_000 + 12 * 60_000 + 5_000)).toBe('3 h 12 min');
    expect(duration(2 * 86_400_000 + 3_600_000)).toBe('2 d 1 h');
    expect(duration(-5_000)).toBe('0 s');
  });

  it('counts ages and the TTL left from now', () => {
    const now = Date.parse('2026-12-04T12:00:00Z');
    expect(age('2026-12-04T11:30:00Z', now)).toBe('30 min ago');
    expect(ttlLeft('2026-12-05T12:00:00Z', now)).toBe('1 d left');
    expect(ttlLeft('2026-12-04T11:00:00Z', now)).toBe('expired');
    expect(ttlLeft(null, now)).toBe('no expiry');
  });

  it('shows times in the viewer’s zone', () => {
    const iso = '2026-12-04T12:00:00Z';
    expect(localTime(iso, 'en-GB', 'Europe/Paris')).toMatch(/13:00/);
    expect(localTime(iso, 'en-GB', 'America/New_York')).toMatch(/07:00/);
  });

  it('finds the first failed stage’s error as the reason', () => {
    expect(
      failureReason([
        { stage: 'trigger', status: 'succeeded', error: null },
        { stage: 'build', status: 'failed', error: 'web: npm ci exited 1' },
        { stage: 'deploy', status: 'failed', error: 'later' },
      ]),
    ).toEqual({ stage: 'build', error: 'web: npm ci exited 1' });
    expect(failureReason([{ stage: 'build', status: 'failed', error: null }])).toBeUndefined();
  });
});
