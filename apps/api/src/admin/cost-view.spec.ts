import { describe, expect, it } from 'vitest';
import { dayRange, sumTotals } from './cost-view.js';

const now = Date.parse('2026-12-04T15:30:00Z');

describe('the cost report’s day range', () => {
  it('is the last 30 days to today by default, or the last N days', () => {
    expect(dayRange({}, now)).toEqual({ from: '2026-11-05', to: '2026-12-04' });
    expect(dayRange({ days: '1' }, now)).toEqual({ from: '2026-12-04', to: '2026-12-04' });
    expect(dayRange({ days: '7', to: '2026-12-31' }, now)).toEqual({
      from: '2026-12-25',
      to: '2026-12-31',
    });
  });

  it('takes from and to as given, inclusive', () => {
    expect(dayRange({ from: '2026-12-01', to: '2026-12-02' }, now)).toEqual({
      from: '2026-12-01',
      to: '2026-12-02',
    });
  });

  it('refuses what is not a day, a reversed range, or more than a year', () => {
    expect(() => dayRange({ from: '2026-02-30' }, now)).toThrow(/from must be a day/);
    expect(() => dayRange({ to: 'today' }, now)).toThrow(/to must be a day/);
    expect(() => dayRange({ from: '2026-12-05', to: '2026-12-01' }, now)).toThrow(/after/);
    expect(() => dayRange({ from: '2024-01-01' }, now)).toThrow(/at most 366 days/);
    expect(() => dayRange({ days: '7', from: '2026-12-01' }, now)).toThrow(/not both/);
    expect(() => dayRange({ days: '0' }, now)).toThrow(/days must be 1 to 366/);
  });
});

describe('sumTotals', () => {
  it('adds usage, keeps the largest footprint and the widest span of days', () => {
    const row = (day: string, disk: number) => ({
      cpuSeconds: 1,
      memoryByteSeconds: 2,
      diskByteSeconds: 3,
      networkBytes: 4,
      awakeSeconds: 5,
      containerSeconds: 6,
      diskBytes: disk,
      samples: 7,
      firstDay: day,
      lastDay: day,
    });
    expect(sumTotals([row('2026-12-03', 10), row('2026-12-01', 30)])).toEqual({
      cpuSeconds: 2,
      memoryByteSeconds: 4,
      diskByteSeconds: 6,
      networkBytes: 8,
      awakeSeconds: 10,
      containerSeconds: 12,
      diskBytes: 30,
      samples: 14,
      firstDay: '2026-12-01',
      lastDay: '2026-12-03',
    });
  });
});
