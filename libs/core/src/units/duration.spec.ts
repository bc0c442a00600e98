import { describe, expect, it } from 'vitest';
import { formatDuration, parseComposeDuration, parseTtl } from './duration.js';

describe('parseComposeDuration', () => {
  it.each([
    ['5s', 5_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['250ms', 250],
    ['1h2m3s4ms', 3_723_004],
    ['0', 0],
    ['0s', 0],
    [' 10s ', 10_000],
    ['1500us', 2],
    ['.5s', 500],
  ])('%j → %d ms', (input, ms) => {
    expect(parseComposeDuration(input)).toBe(ms);
  });

  it.each(['', '5', 'abc', '5 s', '5x', '-5s', '1m30', 's', '5s!', '1d'])('rejects %j', (input) => {
    expect(() => parseComposeDuration(input)).toThrow(/duration/);
  });

  it('rejects absurdly long numbers', () => {
    expect(() => parseComposeDuration(`${'9'.repeat(400)}h`)).toThrow(/too large/);
  });
});

describe('parseTtl', () => {
  it.each([
    ['30m', 1_800_000],
    ['24h', 86_400_000],
    ['3d', 259_200_000],
    ['2w', 1_209_600_000],
    ['72H', 259_200_000],
  ])('%j → %d ms', (input, ms) => {
    expect(parseTtl(input)).toBe(ms);
  });

  it.each(['', '1.5h', '30', 'h', '3 d', '-1d', '1y', '1d2h', '9999999d'])(
    'rejects %j',
    (input) => {
      expect(() => parseTtl(input)).toThrow(/TTL/);
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [259_200_000, '3d'],
    [3_600_000, '1h'],
    [5_400_000, '90m'],
    [90_000, '1m30s'],
    [5_000, '5s'],
    [250, '250ms'],
  ])('%d → %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
