import { describe, expect, it } from 'vitest';
import {
  type ContainerReading,
  containerWindow,
  counterDelta,
  splitByUtcDay,
  utcDay,
} from './usage-window.js';

const T0 = Date.parse('2026-12-04T10:00:00Z');
const MB = 1024 ** 2;
const reading = (over: Partial<ContainerReading>): ContainerReading => ({
  startedAt: T0,
  readAt: T0 + 60_000,
  cpuNs: 30e9,
  memoryBytes: 100 * MB,
  networkBytes: 1_000,
  ...over,
});

describe('containerWindow', () => {
  it('counts the deltas of the same run, memory as the mean of both readings over the time', () => {
    const before = reading({});
    const after = reading({
      readAt: T0 + 120_000,
      cpuNs: 45e9,
      memoryBytes: 300 * MB,
      networkBytes: 5_000,
    });
    const window = containerWindow(before, after);
    expect(window).toEqual({
      from: T0 + 60_000,
      to: T0 + 120_000,
      basis: 'continued',
      cpuSeconds: 15,
      memoryByteSeconds: 200 * MB * 60,
      networkBytes: 4_000,
      runningSeconds: 60,
    });
  });

  it('counts a first reading from the run’s start: every counter is since then', () => {
    const window = containerWindow(null, reading({}));
    expect(window).toMatchObject({
      from: T0,
      basis: 'first',
      cpuSeconds: 30,
      memoryByteSeconds: 100 * MB * 60,
      networkBytes: 1_000,
      runningSeconds: 60,
    });
  });

  it('counts a restarted container from its new start, never a negative delta', () => {
    const before = reading({ readAt: T0 + 60_000, cpuNs: 500e9 });
    const restartedAt = T0 + 600_000;
    const after = reading({
      startedAt: restartedAt,
      readAt: restartedAt + 30_000,
      cpuNs: 3e9,
      networkBytes: 10,
    });
    const window = containerWindow(before, after);
    expect(window).toMatchObject({
      from: restartedAt,
      basis: 'restarted',
      cpuSeconds: 3,
      networkBytes: 10,
      runningSeconds: 30,
    });
    // The time it was stopped (asleep) is not in any window.
    expect(window!.memoryByteSeconds).toBe(100 * MB * 30);
  });

  it('takes a counter that dropped within one run as reset (the reading is all since)', () => {
    const before = reading({ cpuNs: 50e9, networkBytes: 9_000 });
    const after = reading({ readAt: T0 + 120_000, cpuNs: 55e9, networkBytes: 700 });
    const window = containerWindow(before, after)!;
    expect(window.cpuSeconds).toBe(5);
    expect(window.networkBytes).toBe(700);
  });

  it('ignores a reading no newer than the baseline (a repeat or a late worker)', () => {
    const before = reading({ readAt: T0 + 120_000 });
    expect(containerWindow(before, reading({ readAt: T0 + 120_000 }))).toBeNull();
    expect(containerWindow(before, reading({ readAt: T0 + 60_000 }))).toBeNull();
  });

  it('a start after the reading (clock skew) or unknown prices no time', () => {
    const skewed = containerWindow(null, reading({ startedAt: T0 + 90_000 }))!;
    expect(skewed.runningSeconds).toBe(0);
    expect(skewed.memoryByteSeconds).toBe(0);
    expect(containerWindow(null, reading({ startedAt: 0 }))!.runningSeconds).toBe(0);
  });

  it('sums of windows telescope to the last reading minus the first', () => {
    let baseline: ContainerReading | null = null;
    let cpu = 0;
    for (let i = 1; i <= 10; i++) {
      const next = reading({ readAt: T0 + i * 7_000, cpuNs: i * i * 1e9 });
      cpu += containerWindow(baseline, next)?.cpuSeconds ?? 0;
      baseline = next;
    }
    expect(cpu).toBe(100);
  });

  it('treats negative or non-finite counters as zero', () => {
    expect(counterDelta(10, Number.NaN)).toBe(0);
    expect(counterDelta(10, -5)).toBe(0);
    expect(counterDelta(10, 25)).toBe(15);
  });
});

describe('splitByUtcDay', () => {
  it('keeps a span inside one day whole', () => {
    expect(splitByUtcDay(T0, T0 + 3_600_000)).toEqual([{ day: '2026-12-04', fraction: 1 }]);
  });

  it('divides a span over midnight by its time on each day', () => {
    const midnight = Date.parse('2026-12-05T00:00:00Z');
    const shares = splitByUtcDay(midnight - 15 * 60_000, midnight + 45 * 60_000);
    expect(shares).toEqual([
      { day: '2026-12-04', fraction: 0.25 },
      { day: '2026-12-05', fraction: 0.75 },
    ]);
  });

  it('spreads a run of several days over each, fractions summing to 1', () => {
    const shares = splitByUtcDay(T0 - 3 * 86_400_000, T0);
    expect(shares.map((s) => s.day)).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
    ]);
    expect(shares.reduce((sum, s) => sum + s.fraction, 0)).toBeCloseTo(1, 12);
  });

  it('gives an empty span to the day of its end', () => {
    expect(splitByUtcDay(T0, T0)).toEqual([{ day: utcDay(T0), fraction: 1 }]);
  });
});
