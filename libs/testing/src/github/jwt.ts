// Verifies a GitHub App JWT the way GitHub does: RS256 over `header.payload`, `iss` = app id,
// `iat` not in the future, `exp` in the future and at most 10 minutes ahead. Messages match
// GitHub's so @octokit/auth-app's clock-skew retry logic recognises them.
import { createPublicKey, verify } from 'node:crypto';

export type JwtCheck = { ok: true } | { ok: false; message: string };

const SKEW_SECONDS = 60;

export function verifyAppJwt(
  jwt: string,
  publicKeyPem: string,
  appId: number,
  nowSeconds: number,
): JwtCheck {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { ok: false, message: 'A JSON web token could not be decoded' };
  const [headerB64, payloadB64, signatureB64] = parts as [string, string, string];
  let header: { alg?: unknown };
  let payload: { iss?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerB64, 'base64url').toString('utf8')) as typeof header;
    payload = JSON.parse(Buffer.from(payloadB64, 'base64url').toString('utf8')) as typeof payload;
  } catch {
    return { ok: false, message: 'A JSON web token could not be decoded' };
  }
  if (header.alg !== 'RS256')
    return { ok: false, message: 'A JSON web token could not be decoded' };
  const valid = verify(
    'RSA-SHA256',
    Buffer.from(`${headerB64}.${payloadB64}`),
    createPublicKey(publicKeyPem),
    Buffer.from(signatureB64, 'base64url'),
  );
  if (!valid) {
    return {
      ok: false,
      message: `A JSON web token could not be decoded`,
    };
  }
  if (String(payload.iss) !== String(appId)) {
    return { ok: false, message: "'Issuer' claim ('iss') must be an Integer" };
  }
  if (typeof payload.iat !== 'number' || payload.iat > nowSeconds + SKEW_SECONDS) {
    return {
      ok: false,
      message:
        "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.",
    };
  }
  if (typeof payload.exp !== 'number' || payload.exp <= nowSeconds) {
    return {
      ok: false,
      message:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.",
    };
  }
  if (payload.exp > nowSeconds + 600 + SKEW_SECONDS) {
    return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future." };
  }
  return { ok: true };
}
