import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitterBackoff } from './backoff.js';

const policy = { baseMs: 200, capMs: 10_000 };

describe('backoff', () => {
  it('doubles the ceiling per retry up to the cap', () => {
    expect([0, 1, 2, 3, 5, 6, 20].map((n) => backoffCeiling(n, policy))).toEqual([
      200, 400, 800, 1600, 6400, 10_000, 10_000,
    ]);
  });

  it('waits a uniformly random time below the ceiling (full jitter)', () => {
    expect(fullJitterBackoff(3, policy, () => 0)).toBe(0);
    expect(fullJitterBackoff(3, policy, () => 0.5)).toBe(800);
    expect(fullJitterBackoff(3, policy, () => 0.999_999)).toBe(1599);
    for (let i = 0; i < 100; i += 1) {
      const wait = fullJitterBackoff(10, policy);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(10_000);
    }
  });
});
