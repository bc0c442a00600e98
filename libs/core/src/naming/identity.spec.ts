import { describe, expect, it } from 'vitest';
import {
  environmentIdentity,
  environmentKey,
  parseRepositoryFullName,
  repoNameSlug,
  repoSlug,
} from './identity.js';

describe('parseRepositoryFullName', () => {
  it('splits and lowercases the full name', () => {
    expect(parseRepositoryFullName('Acme/Shop')).toEqual({
      owner: 'Acme',
      name: 'Shop',
      fullName: 'acme/shop',
    });
  });

  it.each([
    '',
    'shop',
    'a/b/c',
    '/shop',
    'acme/',
    'ac me/shop',
    'acme/sh op',
    'acme/日本',
    'a_b/c',
    'acme/..',
    'acme/.',
  ])('rejects %j', (input) => {
    expect(() => parseRepositoryFullName(input)).toThrow(/repository/);
  });
});

describe('environmentKey', () => {
  it('is owner/name#pr, case-insensitive', () => {
    expect(environmentKey('Acme/Shop', 12)).toBe('acme/shop#12');
    expect(environmentKey('acme/shop', 12)).toBe(environmentKey('ACME/SHOP', 12));
  });

  it("takes 0 for the repository's base environment", () => {
    expect(environmentKey('acme/shop', 0)).toBe('acme/shop#0');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('rejects PR %s', (pr) => {
    expect(() => environmentKey('acme/shop', pr)).toThrow(/positive integer/);
  });
});

describe('repo slugs', () => {
  const slug = (full: string) => repoSlug(environmentIdentity(full, 1).repository);
  const nameSlug = (full: string) => repoNameSlug(environmentIdentity(full, 1).repository);

  it('joins owner and name with a double dash', () => {
    expect(slug('acme/shop')).toBe('acme--shop');
  });

  it('cannot be confused by dashes moving across the slash', () => {
    expect(slug('a-b/c')).toBe('a-b--c');
    expect(slug('a/b-c')).toBe('a--b-c');
  });

  it('keeps dot/underscore/dash variants apart', () => {
    const variants = [
      'acme/my.repo',
      'acme/my_repo',
      'acme/my-repo',
      'acme/my--repo',
      'acme/-my-repo',
    ];
    expect(new Set(variants.map(slug)).size).toBe(variants.length);
    expect(new Set(variants.map(nameSlug)).size).toBe(variants.length);
  });

  it('is case-insensitive like GitHub', () => {
    expect(slug('Acme/My.Repo')).toBe(slug('acme/my.repo'));
  });

  it('gives dot-only names a non-empty slug', () => {
    expect(nameSlug('acme/...')).toMatch(/^x-[a-f0-9]{6}$/);
    expect(nameSlug('acme/___')).not.toBe(nameSlug('acme/...'));
  });
});
