import { createHash, randomBytes } from 'node:crypto';

/** A one-time code for the preview callback: 256 random bits, base64url. */
export function newOneTimeCode(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of the code: a leaked table row cannot be redeemed. */
export function hashOneTimeCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}
