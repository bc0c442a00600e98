import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shareLink, signShareToken, verifyShareToken } from './share-token.js';

const SECRET = 'a-share-link-secret-of-enough-length';
const ENV_A = '6f1c2d3e-0000-4000-8000-00000000000a';
const ENV_B = '6f1c2d3e-0000-4000-8000-00000000000b';
const NOW = new Date('2026-11-20T12:00:00Z');
const IN_AN_HOUR = new Date('2026-11-20T13:00:00Z');
const LINK = '0b5e0000-0000-4000-8000-0000000000aa';

describe('signShareToken / verifyShareToken', () => {
  it('round-trips the environment id and expiry (second precision)', () => {
    const token = signShareToken(SECRET, {
      environmentId: ENV_A,
      expiresAt: IN_AN_HOUR,
      linkId: LINK,
    });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(verifyShareToken(SECRET, token, NOW)).toEqual({
      ok: true,
      environmentId: ENV_A,
      expiresAt: IN_AN_HOUR,
      linkId: LINK,
    });
  });

  it('is deterministic for the same claims and differs per environment', () => {
    const a1 = signShareToken(SECRET, {
      environmentId: ENV_A,
      expiresAt: IN_AN_HOUR,
      linkId: LINK,
    });
    const a2 = signShareToken(SECRET, {
      environmentId: ENV_A,
      expiresAt: IN_AN_HOUR,
      linkId: LINK,
    });
    const b = signShareToken(SECRET, { environmentId: ENV_B, expiresAt: IN_AN_HOUR, linkId: LINK });
    expect(a1).toBe(a2);
    expect(b).not.toBe(a1);
    expect(verifyShareToken(SECRET, b, NOW)).toMatchObject({ ok: true, environmentId: ENV_B });
  });

  it('refuses a correctly signed token that carries no link id (minted before revocation)', () => {
    const payload = Buffer.from(JSON.stringify({ e: ENV_A, x: 4102444800 })).toString('base64url');
    const mac = createHmac('sha256', SECRET)
      .update('berth-share-v1.')
      .update(payload)
      .digest('base64url');
    expect(verifyShareToken(SECRET, `${payload}.${mac}`, NOW)).toEqual({
      ok: false,
      reason: 'malformed',
    });
  });

  it('refuses to sign without a link id', () => {
    expect(() =>
      signShareToken(SECRET, { environmentId: ENV_A, expiresAt: IN_AN_HOUR, linkId: '' }),
    ).toThrow(/linkId/);
  });

  it('expires at expiresAt exactly', () => {
    const token = signShareToken(SECRET, {
      environmentId: ENV_A,
      expiresAt: IN_AN_HOUR,
      linkId: LINK,
    });
    expect(verifyShareToken(SECRET, token, new Date(IN_AN_HOUR.getTime() - 1000)).ok).toBe(true);
    expect(verifyShareToken(SECRET, token, IN_AN_HOUR)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a token signed with another secret', () => {
    const token = signShareToken(`${SECRET}-other`, {
      environmentId: ENV_A,
      expiresAt: IN_AN_HOUR,
      linkId: LINK,
    });
    expect(verifyShareToken(SECRET, token, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses under another secret a token it accepted under its own (verified tokens are remembered per secret)', () => {
    const token = signShareToken(SECRET, {
      environmentId: ENV_A,
      expiresAt: IN_AN_HOUR,
      linkId: LINK,
    });
    expect(verifyShareToken(SECRET, token, NOW).ok).toBe(true);
    expect(verifyShareToken(`${SECRET}-rotated`, token, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verifyShareToken(SECRET, `${token}x`, NOW).ok).toBe(false);
  });

  it('refuses a payload swapped to another environment under the original signature', () => {
    const token = signShareToken(SECRET, {
      environmentId: ENV_A,
      expiresAt: IN_AN_HOUR,
      linkId: LINK,
    });
    const [, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ e: ENV_B, x: 4102444800 })).toString('base64url');
    expect(verifyShareToken(SECRET, `${forged}.${signature}`, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('refuses a MAC made without the share-link context (no cross-use of the secret)', () => {
    const payload = Buffer.from(JSON.stringify({ e: ENV_A, x: 4102444800 })).toString('base64url');
    const plain = createHmac('sha256', SECRET).update(payload).digest('base64url');
    expect(verifyShareToken(SECRET, `${payload}.${plain}`, NOW)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it.each([
    '',
    'abc',
    'a.b.c',
    '.sig',
    'payload.',
    'pay load.sig',
    'x'.repeat(2000),
    `${Buffer.from('not json').toString('base64url')}.x`,
  ])('refuses malformed token %j without throwing', (token) => {
    const verdict = verifyShareToken(SECRET, token, NOW);
    expect(verdict.ok).toBe(false);
  });

  it('refuses validly signed payloads with wrong claim types as malformed', () => {
    const sign = (claims: unknown) => {
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const mac = createHmac('sha256', SECRET)
        .update('berth-share-v1.')
        .update(payload)
        .digest('base64url');
      return `${payload}.${mac}`;
    };
    for (const claims of [null, [], { e: ENV_A }, { e: '', x: 1 }, { e: ENV_A, x: '1' }]) {
      expect(verifyShareToken(SECRET, sign(claims), NOW)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('names the bad argument', () => {
    expect(() =>
      signShareToken('short', { environmentId: ENV_A, expiresAt: IN_AN_HOUR, linkId: LINK }),
    ).toThrow(/PREVIEW_LINK_SECRET/);
    expect(() =>
      signShareToken(SECRET, { environmentId: '', expiresAt: IN_AN_HOUR, linkId: LINK }),
    ).toThrow(/environmentId/);
    expect(() =>
      signShareToken(SECRET, { environmentId: ENV_A, expiresAt: new Date('nope'), linkId: LINK }),
    ).toThrow(/expiresAt/);
  });
});

describe('shareLink', () => {
  it('adds berth_token, keeping the path and other query parameters', () => {
    expect(shareLink('http://web-pr-1-shop.localhost:8080/cart?x=1', 'tok.en')).toBe(
      'http://web-pr-1-shop.localhost:8080/cart?x=1&berth_token=tok.en',
    );
  });

  it('replaces an existing token', () => {
    expect(shareLink('https://web-pr-1-shop.example.com/?berth_token=old', 'new')).toBe(
      'https://web-pr-1-shop.example.com/?berth_token=new',
    );
  });

  it('refuses a relative URL with a clear error', () => {
    expect(() => shareLink('/relative', 't')).toThrow(/not an absolute URL/);
  });
});
