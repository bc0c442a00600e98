import { hashBypassToken } from '@berth/core';
import { describe, expect, it } from 'vitest';
import { bypassTokenMatches, digestsToCompare } from './bypass-token.js';

const SECRET = 'berth_bypass_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG';
const HASH = hashBypassToken(SECRET);

describe('bypassTokenMatches', () => {
  it('admits the secret whose hash is stored, and nothing else', () => {
    expect(bypassTokenMatches(SECRET, HASH)).toBe(true);
    expect(bypassTokenMatches(`${SECRET}x`, HASH)).toBe(false);
    expect(bypassTokenMatches(SECRET.slice(0, -1), HASH)).toBe(false);
    expect(bypassTokenMatches(HASH, HASH)).toBe(false); // the hash is not the secret
  });

  it('compares in constant time: two 32-byte digests whatever the guess’s length', () => {
    for (const guess of [SECRET, 'b', `${SECRET}${SECRET}`, 'x'.repeat(1024)]) {
      const digests = digestsToCompare(guess, HASH);
      expect(digests?.given.length).toBe(32);
      expect(digests?.expected.length).toBe(32);
    }
  });

  it('admits nothing without a stored hash, with a bad one, or without a single header', () => {
    expect(bypassTokenMatches(SECRET, null)).toBe(false);
    expect(bypassTokenMatches(SECRET, 'not-hex')).toBe(false);
    expect(bypassTokenMatches(undefined, HASH)).toBe(false);
    expect(bypassTokenMatches('', HASH)).toBe(false);
    expect(bypassTokenMatches([SECRET, SECRET], HASH)).toBe(false);
    expect(bypassTokenMatches('x'.repeat(1025), HASH)).toBe(false);
  });
});
