import { createHash, randomBytes } from 'node:crypto';

/** A one-time code for the preview callback: 256 random bits, base64url. */
export function newOneTimeCode(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of the code: a leaked table row cannot be redeemed. */
export function hashOneTimeCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

/** A PKCE pair (RFC 7636, S256): the verifier stays with us, the challenge goes out. */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An unguessable value for `state` or `nonce`. */
export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}
