import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether `Authorization: Bearer <token>` carries `expected`. Both sides are hashed first so the
 * comparison is constant-time whatever the given length.
 */
export function bearerTokenMatches(header: string | undefined, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(expected));
}
