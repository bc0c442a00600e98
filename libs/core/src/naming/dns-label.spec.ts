import { describe, expect, it } from 'vitest';
import { fitName, isDnsLabel, normalizeBaseDomain } from './dns-label.js';
import { shortHash } from './hash.js';

describe('fitName', () => {
  it('leaves short names alone', () => {
    expect(fitName('web-pr-1-shop')).toBe('web-pr-1-shop');
    expect(fitName('a'.repeat(63))).toBe('a'.repeat(63));
  });

  it('shortens to exactly the limit with a hash of the full name', () => {
    const long = 'a'.repeat(64);
    const fitted = fitName(long);
    expect(fitted).toHaveLength(63);
    expect(fitted.endsWith(`-${shortHash(long, 8)}`)).toBe(true);
  });

  it('two long names sharing a 63-char prefix do not collide', () => {
    const prefix = 'x'.repeat(70);
    expect(fitName(`${prefix}-one`)).not.toBe(fitName(`${prefix}-two`));
  });

  it('does not leave a dash before the hash separator', () => {
    const name = `${'a'.repeat(53)}-----${'b'.repeat(20)}`;
    const fitted = fitName(name);
    expect(fitted).not.toMatch(/--/);
    expect(fitted.length).toBeLessThanOrEqual(63);
  });

  it('uses the given separator (Postgres identifiers)', () => {
    const fitted = fitName(`${'a_'.repeat(40)}`, 63, '_');
    expect(fitted).toMatch(/^[a_]+_[a-f0-9]{8}$/);
    expect(fitted).not.toMatch(/__[a-f0-9]{8}$/);
    expect(fitted.length).toBeLessThanOrEqual(63);
  });

  it('refuses a limit too small to hold the hash', () => {
    expect(() => fitName('abc', 5)).toThrow(/at least 12/);
  });
});

describe('isDnsLabel', () => {
  it.each(['a', 'web-pr-1-shop', '0abc', 'a'.repeat(63)])('accepts %j', (l) => {
    expect(isDnsLabel(l)).toBe(true);
  });
  it.each(['', '-a', 'a-', 'A', 'a_b', 'a.b', 'a'.repeat(64), 'ü'])('rejects %j', (l) => {
    expect(isDnsLabel(l)).toBe(false);
  });
});

describe('normalizeBaseDomain', () => {
  it.each([
    ['localhost', 'localhost'],
    ['Preview.Example.COM', 'preview.example.com'],
    ['preview.example.com.', 'preview.example.com'],
    ['  pr.example.io ', 'pr.example.io'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeBaseDomain(input)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['https://example.com', /not a plain DNS name/],
    ['example.com:8080', /not a plain DNS name/],
    ['example.com/path', /not a plain DNS name/],
    ['*.example.com', /not a plain DNS name/],
    ['exa mple.com', /not a plain DNS name/],
    ['example..com', /invalid label ``/],
    ['-bad.example.com', /invalid label `-bad`/],
    ['under_score.com', /invalid label `under_score`/],
    ['bücher.de', /invalid label/],
    [`${'a'.repeat(64)}.com`, /invalid label/],
    [Array.from({ length: 40 }, () => 'abcd').join('.'), /leaves room/],
  ])('rejects %j', (input, message) => {
    expect(() => normalizeBaseDomain(input)).toThrow(message);
  });

  it('leaves room for a service label and an environment label of 63 chars each', () => {
    const longest = Array.from({ length: 25 }, () => 'abcd').join('.'); // 124 chars
    expect(normalizeBaseDomain(`${longest}a`)).toHaveLength(125);
    expect(() => normalizeBaseDomain(`${longest}ab`)).toThrow(/at most 125/);
    expect(`${'s'.repeat(63)}.${'e'.repeat(63)}.${longest}a`).toHaveLength(253);
  });
});
