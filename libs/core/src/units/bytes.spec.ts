import { describe, expect, it } from 'vitest';
import { parseByteSize } from './bytes.js';

describe('parseByteSize', () => {
  it.each([
    ['512m', 512 * 1024 ** 2],
    ['1g', 1024 ** 3],
    ['1GB', 1024 ** 3],
    ['1.5g', 1.5 * 1024 ** 3],
    ['2048k', 2 * 1024 ** 2],
    ['1024', 1024],
    ['100b', 100],
    [4096, 4096],
  ])('%j → %d', (input, bytes) => {
    expect(parseByteSize(input)).toBe(bytes);
  });

  it.each(['', 'lots', '-1m', '1p', '1 0m', 'm'])('rejects %j', (input) => {
    expect(() => parseByteSize(input)).toThrow(/size/);
  });

  it.each([-1, 1.5, Number.NaN])('rejects number %s', (input) => {
    expect(() => parseByteSize(input)).toThrow(/whole number/);
  });

  it('rejects overflow', () => {
    expect(() => parseByteSize(`${'9'.repeat(30)}t`)).toThrow(/too large/);
  });
});
