import { describe, expect, it } from 'vitest';
import {
  age,
  bytes,
  clockTime,
  count,
  duration,
  failureReason,
  localTime,
  percent,
  ttlLeft,
} from './format.js';

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
    expect(clockTime('2026-12-04T12:00:05.123456789Z', 'en-GB', 'Asia/Tokyo')).toBe('21:00:05');
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

  it('says bytes in binary units and shares of a known whole', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(8 * 1024 ** 3)).toBe('8.0 GiB');
    expect(bytes(null)).toBe('unknown');
    expect(percent(1, 4)).toBe('25 %');
    expect(percent(1, null)).toBe('—');
    expect(count(1, 'preview')).toBe('1 preview');
    expect(count(3, 'preview')).toBe('3 previews');
  });
});
