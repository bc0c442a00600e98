import { describe, expect, it } from 'vitest';
import { costSeries, dollars, topRepositories } from './cost-series.js';

const cost = (total: number) => ({ total });

describe('the cost chart’s series', () => {
  it('makes one row per day, oldest first, with 0 where a repository ran nothing', () => {
    expect(
      costSeries([
        {
          repository: 'acme/shop',
          days: [
            { day: '2026-12-04', cost: cost(0.5) },
            { day: '2026-12-02', cost: cost(1) },
          ],
        },
        { repository: 'acme/api', days: [{ day: '2026-12-03', cost: cost(2) }] },
      ]),
    ).toEqual([
      { day: '2026-12-02', 'acme/shop': 1, 'acme/api': 0 },
      { day: '2026-12-03', 'acme/shop': 0, 'acme/api': 2 },
      { day: '2026-12-04', 'acme/shop': 0.5, 'acme/api': 0 },
    ]);
    expect(costSeries([])).toEqual([]);
  });

  it('charts the costliest repositories that cost anything', () => {
    expect(
      topRepositories(
        [
          { repository: 'b', cost: cost(1) },
          { repository: 'a', cost: cost(1) },
          { repository: 'z', cost: cost(0) },
          { repository: 'c', cost: cost(3) },
        ],
        2,
      ),
    ).toEqual(['c', 'a']);
  });

  it('says small sums with their significant digits', () => {
    expect(dollars(0)).toBe('$0');
    expect(dollars(12.345)).toBe('$12.35');
    expect(dollars(0.000123)).toBe('$0.00012');
    expect(dollars(0.00007)).toBe('$0.00007');
  });
});
