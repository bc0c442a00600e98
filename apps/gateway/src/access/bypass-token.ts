import { timingSafeEqual } from 'node:crypto';
import { hashBypassToken } from '@berth/core';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The `token` access mode: whether the X-Berth-Bypass header carries the repository's secret.
 * Both sides are SHA-256 digests of equal length compared with timingSafeEqual, so the time
 * taken says nothing about how much of a guess was right (nor about its length).
 */
export function bypassTokenMatches(
  header: string | string[] | undefined,
  storedHash: string | null | undefined,
): boolean {
  const digests = digestsToCompare(header, storedHash);
  return digests !== undefined && timingSafeEqual(digests.given, digests.expected);
}

/**
 * What is compared: always two 32-byte digests, whatever was sent; undefined when there is
 * nothing to compare (no single header, no valid stored hash). Exported for its test.
 */
export function digestsToCompare(
  header: string | string[] | undefined,
  storedHash: string | null | undefined,
): { given: Buffer; expected: Buffer } | undefined {
  if (typeof header !== 'string' || header === '' || header.length > 1024) return undefined;
  if (!storedHash || !SHA256_HEX.test(storedHash)) return undefined;
  return {
    given: Buffer.from(hashBypassToken(header), 'hex'),
    expected: Buffer.from(storedHash, 'hex'),
  };
}
