import { describe, expect, it } from 'vitest';
import {
  apiTokenDisplayPrefix,
  generateApiToken,
  hashApiToken,
  looksLikeApiToken,
  parseRepositoryRestriction,
  restrictionAllows,
  scopeCovers,
} from './api-token.js';
import { decodeCursor, encodeCursor, parsePageLimit } from './page-cursor.js';

describe('API tokens', () => {
  it('are berth_ and 256 random bits, hashed to hex SHA-256', () => {
    const token = generateApiToken();
    expect(token).toMatch(/^berth_[\w-]{43}$/);
    expect(generateApiToken()).not.toBe(token);
    expect(looksLikeApiToken(token)).toBe(true);
    expect(looksLikeApiToken('x'.repeat(49))).toBe(false);
    expect(hashApiToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(apiTokenDisplayPrefix(token)).toBe(token.slice(0, 10));
  });

  it('order scopes read < write < admin', () => {
    expect(scopeCovers('admin', 'write')).toBe(true);
    expect(scopeCovers('write', 'write')).toBe(true);
    expect(scopeCovers('write', 'read')).toBe(true);
    expect(scopeCovers('read', 'write')).toBe(false);
    expect(scopeCovers('write', 'admin')).toBe(false);
  });

  it('restrict to one repository or an owner', () => {
    expect(parseRepositoryRestriction('Acme/Shop')).toBe('acme/shop');
    expect(parseRepositoryRestriction('acme/*')).toBe('acme/*');
    for (const bad of ['acme', '*/*', 'acme/shop/x', '', 'a b/c']) {
      expect(parseRepositoryRestriction(bad), bad).toBeNull();
    }
    expect(restrictionAllows(null, 'any/thing')).toBe(true);
    expect(restrictionAllows('acme/shop', 'ACME/shop')).toBe(true);
    expect(restrictionAllows('acme/shop', 'acme/shop2')).toBe(false);
    expect(restrictionAllows('acme/*', 'acme/web')).toBe(true);
    expect(restrictionAllows('acme/*', 'acme-corp/web')).toBe(false);
  });
});

describe('page cursors', () => {
  it('round-trip, and anything else is refused', () => {
    const cursor = { at: '2026-12-04T08:00:00.000Z', id: '00000000-0000-4000-8000-000000000001' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    for (const bad of ['', 'not-a-cursor', Buffer.from('["x","y"]').toString('base64url')]) {
      expect(decodeCursor(bad), bad).toBeNull();
    }
  });

  it('cap the limit at 200', () => {
    expect(parsePageLimit(undefined)).toBe(50);
    expect(parsePageLimit('200')).toBe(200);
    expect(parsePageLimit('201')).toBeNull();
    expect(parsePageLimit('0')).toBeNull();
    expect(parsePageLimit('1e2')).toBeNull();
  });
});
