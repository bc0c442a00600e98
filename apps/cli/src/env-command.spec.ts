import { describe, expect, it } from 'vitest';
import { environmentTarget, extensionMs } from './env-command.js';
import { UsageError } from './repo-flags.js';

describe('berth env extend arguments', () => {
  it('takes owner/name#pr or owner/name pr', () => {
    expect(environmentTarget(['acme/shop#12'])).toEqual(['acme/shop', 12]);
    expect(environmentTarget(['acme/shop', '12'])).toEqual(['acme/shop', 12]);
  });

  it('refuses anything else, showing the form', () => {
    for (const bad of [[], ['acme/shop'], ['acme#12'], ['acme/shop#0'], ['acme/shop#x']]) {
      expect(() => environmentTarget(bad)).toThrow(/<owner\/name>#<pr>/);
    }
  });

  it('--by is a ttl-style duration from 1m to 14d', () => {
    expect(extensionMs('24h')).toBe(86_400_000);
    expect(extensionMs('1m')).toBe(60_000);
    expect(() => extensionMs('15d')).toThrow(UsageError);
    expect(() => extensionMs('1.5h')).toThrow(/--by: TTL/);
  });
});
