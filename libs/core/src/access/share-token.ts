import { createHmac, timingSafeEqual } from 'node:crypto';

/** The query parameter a share link carries its token in. */
export const SHARE_TOKEN_PARAM = 'berth_token';

/** Tokens longer than this are refused unparsed: a real one is ~130 characters. */
const MAX_TOKEN_LENGTH = 1024;
/** Domain separation: a MAC made for anything else with the same secret never verifies here. */
const MAC_CONTEXT = 'berth-share-v1.';

export interface ShareTokenClaims {
  environmentId: string;
  expiresAt: Date;
  /** The `share_links` row it was minted as: gateways refuse it once that row is revoked. */
  linkId: string;
}

export type ShareTokenVerdict =
  | { ok: true; environmentId: string; expiresAt: Date; linkId: string }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/**
 * A share link's token: base64url(JSON {e: environment id, x: expiry in epoch seconds, l: link
 * id}) + "." + base64url(HMAC-SHA256). The gateway verifies it with the secret alone, then asks
 * its in-memory revocation list about `l`; it opens exactly one environment until it expires.
 * A token without a link id (minted before links were revocable) is refused as malformed.
 */
export function signShareToken(secret: string, claims: ShareTokenClaims): string {
  assertSecret(secret);
  const { environmentId, expiresAt, linkId } = claims;
  if (typeof environmentId !== 'string' || environmentId.trim() === '') {
    throw new TypeError('signShareToken: environmentId must be a non-empty string');
  }
  if (typeof linkId !== 'string' || linkId.trim() === '') {
    throw new TypeError('signShareToken: linkId must be a non-empty string (a share_links id)');
  }
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) {
    throw new TypeError('signShareToken: expiresAt must be a valid Date');
  }
  const payload = Buffer.from(
    JSON.stringify({ e: environmentId, x: Math.floor(expiresAt.getTime() / 1000), l: linkId }),
    'utf8',
  ).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** Checks the MAC in constant time, then the expiry against `now`. Never throws on bad input. */
export function verifyShareToken(
  secret: string,
  token: string,
  now: Date = new Date(),
): ShareTokenVerdict {
  assertSecret(secret);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
    return { ok: false, reason: 'malformed' };
  }
  let bySecret = verified.get(secret);
  if (!bySecret) {
    bySecret = new Map();
    verified.set(secret, bySecret);
  }
  let claims = bySecret.get(token);
  if (!claims) {
    const parts = token.split('.');
    const [payload, signature] = parts;
    if (parts.length !== 2 || !payload || !signature || !BASE64URL.test(payload + signature)) {
      return { ok: false, reason: 'malformed' };
    }
    const expected = mac(secret, payload);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'bad-signature' };
    }
    const parsed = parseClaims(payload);
    if (!parsed) return { ok: false, reason: 'malformed' };
    claims = { ok: true, ...parsed };
    remember(bySecret, token, claims);
  }
  if (claims.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return claims;
}

/**
 * Tokens whose MAC already checked out, by secret, then exact token: the cookie a browser sends
 * with every request is HMAC'd once, not on each (it was the gateway's largest cost per request
 * after the socket writes). Only valid tokens get in, so it cannot be flooded with forgeries;
 * expiry is still checked on every call, revocation by the caller. The verdict itself is kept
 * (callers only read it), so a request allocates nothing here.
 */
type Valid = Extract<ShareTokenVerdict, { ok: true }>;
const verified = new Map<string, Map<string, Valid>>();
const MAX_VERIFIED = 10_000;

function remember(bySecret: Map<string, Valid>, token: string, claims: Valid): void {
  if (bySecret.size >= MAX_VERIFIED) {
    const oldest = bySecret.keys().next();
    if (!oldest.done) bySecret.delete(oldest.value);
  }
  bySecret.set(token, claims);
}

/** `url` with the token in its `berth_token` query parameter (replacing any previous one). */
export function shareLink(url: string, token: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`shareLink: url ${JSON.stringify(url)} is not an absolute URL`);
  }
  parsed.searchParams.set(SHARE_TOKEN_PARAM, token);
  return parsed.href;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(MAC_CONTEXT).update(payload).digest();
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new TypeError(
      'share-token secret must be a string of at least 16 characters (PREVIEW_LINK_SECRET)',
    );
  }
}

function parseClaims(payload: string): ShareTokenClaims | undefined {
  try {
    const raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (typeof raw !== 'object' || raw === null) return undefined;
    const { e, x, l } = raw as { e?: unknown; x?: unknown; l?: unknown };
    if (typeof e !== 'string' || e === '' || typeof x !== 'number' || !Number.isSafeInteger(x)) {
      return undefined;
    }
    if (typeof l !== 'string' || l === '') return undefined;
    return { environmentId: e, expiresAt: new Date(x * 1000), linkId: l };
  } catch {
    return undefined;
  }
}
