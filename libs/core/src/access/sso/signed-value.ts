import { createHmac, timingSafeEqual } from 'node:crypto';

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Longer values are refused unparsed: a real one is a few hundred characters. */
const MAX_LENGTH = 4096;

/**
 * `base64url(JSON) + "." + base64url(HMAC-SHA256(context + payload))`. The context separates
 * uses of one secret: a value signed for one purpose never verifies for another.
 */
export function signValue(secret: string, context: string, claims: unknown): string {
  assertSecret(secret);
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, context, payload).toString('base64url')}`;
}

/** The claims when the MAC checks out (constant time); undefined for anything else. */
export function verifyValue(secret: string, context: string, value: string): unknown {
  assertSecret(secret);
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return undefined;
  const parts = value.split('.');
  const [payload, signature] = parts;
  if (parts.length !== 2 || !payload || !signature || !BASE64URL.test(payload + signature)) {
    return undefined;
  }
  const expected = mac(secret, context, payload);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function mac(secret: string, context: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${context}.`).update(payload).digest();
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new TypeError('signing secret must be a string of at least 16 characters');
  }
}
