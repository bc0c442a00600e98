import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAppJwt } from './jwt.js';

const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
});
const other = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const now = 1_800_000_000;

function jwt(
  payload: Record<string, unknown>,
  privateKey = keys.privateKey,
  alg = 'RS256',
): string {
  const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  const data = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  return `${data}.${sign('RSA-SHA256', Buffer.from(data), privateKey).toString('base64url')}`;
}

describe('verifyAppJwt', () => {
  const good = { iss: 42, iat: now - 30, exp: now + 570 };

  it('accepts what @octokit/auth-app produces', () => {
    expect(verifyAppJwt(jwt(good), keys.publicKey, 42, now)).toEqual({ ok: true });
    expect(verifyAppJwt(jwt({ ...good, iss: '42' }), keys.publicKey, 42, now)).toEqual({
      ok: true,
    });
  });

  it.each([
    ['another key', jwt(good, other.privateKey), /could not be decoded/],
    ['another app', jwt({ ...good, iss: 43 }), /Issuer/],
    ['expired', jwt({ ...good, iat: now - 700, exp: now - 100 }), /'exp'/],
    ['exp too far ahead', jwt({ ...good, exp: now + 3600 }), /too far in the future/],
    ['iat in the future', jwt({ ...good, iat: now + 300 }), /'iat'/],
    ['HS256', jwt(good, keys.privateKey, 'HS256'), /could not be decoded/],
    ['garbage', 'not.a.jwt', /could not be decoded/],
  ])('rejects %s', (_name, token, message) => {
    const result = verifyAppJwt(token, keys.publicKey, 42, now);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(message);
  });
});
