import { describe, expect, it } from 'vitest';
import { UsageError } from '../repo-flags.js';
import { label, parseEnvironmentRef } from './environment-target.js';

describe('naming an environment', () => {
  it('takes owner/name#pr or an id', () => {
    expect(parseEnvironmentRef('acme/shop#12')).toEqual({ repository: 'acme/shop', pr: 12 });
    expect(parseEnvironmentRef(' acme/my.shop-2#7 ')).toEqual({
      repository: 'acme/my.shop-2',
      pr: 7,
    });
    expect(parseEnvironmentRef('cmf0a1b2c3d4e5f6g7h8')).toEqual({ id: 'cmf0a1b2c3d4e5f6g7h8' });
  });

  it('takes owner/name#base for the base environment (PR 0), and names it so', () => {
    expect(parseEnvironmentRef('acme/shop#base')).toEqual({ repository: 'acme/shop', pr: 0 });
    expect(label({ repository: 'acme/shop', prNumber: 0 })).toBe('acme/shop#base');
    expect(label({ repository: 'acme/shop', prNumber: 12 })).toBe('acme/shop#12');
  });

  it('refuses anything else, showing both forms', () => {
    for (const bad of [
      'acme',
      'acme/shop',
      'acme/shop#0',
      'acme/shop#x',
      'acme/shop#BASE',
      'a b',
      'short',
    ]) {
      expect(() => parseEnvironmentRef(bad)).toThrow(UsageError);
      expect(() => parseEnvironmentRef(bad)).toThrow(
        /<owner\/name>#<pr> \(e\.g\. acme\/shop#12\), <owner\/name>#base or its id/,
      );
    }
  });
});
