import { createHash } from 'node:crypto';

/** Hex sha256 of a UTF-8 string. */
export function sha256Hex(input: string): string {
  return createHash('sha256').update(input, 'utf8').digest('hex');
}

/** First `length` hex chars of sha256: a short, stable disambiguator for names. */
export function shortHash(input: string, length = 8): string {
  if (!Number.isInteger(length) || length < 1 || length > 64) {
    throw new RangeError(`shortHash length must be an integer in 1..64, got ${length}`);
  }
  return sha256Hex(input).slice(0, length);
}
