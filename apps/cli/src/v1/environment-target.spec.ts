import { describe, expect, it } from 'vitest';
import { UsageError } from '../repo-flags.js';
import { parseEnvironmentRef } from './environment-target.js';

describe('naming an environment', () => {
  it('takes owner/name#pr or an id', () => {
    expect(parseEnvironmentRef('acme/shop#12')).toEqual({ repository: 'acme/shop', pr: 12 });
    expect(parseEnvironmentRef(' acme/my.shop-2#7 ')).toEqual({
      repository: 'acme/my.shop-2',
      pr: 7,
    });
    expect(parseEnvironmentRef('cmf0a1b2c3d4e5f6g7h8')).toEqual({ id: 'cmf0a1b2c3d4e5f6g7h8' });
  });

  it('refuses anything else, showing both forms', () => {
    for (const bad of ['acme', 'acme/shop', 'acme/shop#0', 'acme/shop#x', 'a b', 'short']) {
      expect(() => parseEnvironmentRef(bad)).toThrow(UsageError);
      expect(() => parseEnvironmentRef(bad)).toThrow(
        /<owner\/name>#<pr> \(e\.g\. acme\/shop#12\) or its id/,
      );
    }
  });
});
