import { createHash, randomBytes } from 'node:crypto';

/** The header CI and bots send the `token` access mode's secret in (decision 0013). */
export const BYPASS_HEADER = 'x-berth-bypass';

/** A new bypass secret: 256 random bits, recognisable by its prefix in secret scanners. */
export function generateBypassToken(): string {
  return `berth_bypass_${randomBytes(32).toString('base64url')}`;
}

/** What is stored: SHA-256 hex. The secret has full entropy, so no salt or stretching is needed. */
export function hashBypassToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
