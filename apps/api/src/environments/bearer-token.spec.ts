import { describe, expect, it } from 'vitest';
import { bearerTokenMatches } from './bearer-token.js';

const token = 't'.repeat(40);

describe('bearerTokenMatches', () => {
  it('accepts the exact token, case-insensitive scheme', () => {
    expect(bearerTokenMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerTokenMatches(`bearer ${token}`, token)).toBe(true);
  });

  it.each([
    undefined,
    '',
    token,
    `Basic ${token}`,
    `Bearer ${token}x`,
    `Bearer ${token.slice(1)}`,
    'Bearer ',
  ])('rejects %j', (header) => {
    expect(bearerTokenMatches(header, token)).toBe(false);
  });
});
