import { describe, expect, it } from 'vitest';
import { shortHash } from './hash.js';
import { slugify, stableSlug } from './slug.js';

const h = (s: string) => shortHash(s, 6);

describe('slugify', () => {
  it.each([
    ['Shop', 'shop'],
    ['my.repo_name', 'my-repo-name'],
    ['--a---b--', 'a-b'],
    ['Café Crème', 'cafe-creme'],
    ['日本語', ''],
    ['', ''],
    ['   ', ''],
    ['a/b', 'a-b'],
    ['ﬁle', 'file'], // NFKD folds the ligature
    ['emoji🚀repo', 'emoji-repo'],
    ['../../etc/passwd', 'etc-passwd'],
  ])('%j → %j', (input, expected) => {
    expect(slugify(input)).toBe(expected);
  });

  it('only ever yields [a-z0-9-] without edge or double dashes', () => {
    for (const input of ['A\u0000B', 'x\ny', '\u202eevil', 'ÀÉÎ', '-_-.-']) {
      const slug = slugify(input);
      expect(slug).toMatch(/^([a-z0-9]+(-[a-z0-9]+)*)?$/);
    }
  });
});

describe('stableSlug', () => {
  it('keeps lossless names as they are (case-folded)', () => {
    expect(stableSlug('Shop', h)).toBe('shop');
    expect(stableSlug('my-repo', h)).toBe('my-repo');
  });

  it('appends a hash when slugify would merge names', () => {
    const dot = stableSlug('my.repo', h);
    const underscore = stableSlug('my_repo', h);
    expect(dot).toMatch(/^my-repo-[a-f0-9]{6}$/);
    expect(underscore).toMatch(/^my-repo-[a-f0-9]{6}$/);
    expect(dot).not.toBe(underscore);
    expect(dot).not.toBe(stableSlug('my-repo', h));
  });

  it('never returns an empty slug, and distinguishes all-unicode names', () => {
    expect(stableSlug('日本', h)).toMatch(/^x-[a-f0-9]{6}$/);
    expect(stableSlug('日本', h)).not.toBe(stableSlug('中国', h));
  });

  it('is stable', () => {
    expect(stableSlug('my.repo', h)).toBe(stableSlug('my.repo', h));
    expect(stableSlug('My.Repo', h)).toBe(stableSlug('my.repo', h));
  });
});
