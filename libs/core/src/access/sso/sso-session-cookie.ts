import { signValue, verifyValue } from './signed-value.js';

const CONTEXT = 'berth-sso-session-v1';
/** The sign-in host's own session is scoped to it, not to any environment. */
export const SIGN_IN_SCOPE = 'auth';

export interface SsoSessionClaims {
  sessionId: string;
  /** An environment id, or SIGN_IN_SCOPE for the sign-in host's own cookie. */
  scope: string;
  expiresAt: Date;
}

export type SsoSessionVerdict =
  | { ok: true; sessionId: string; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'wrong-scope' | 'expired' };

/**
 * A session cookie's value: the session id, its scope and expiry, signed. Gateways check it
 * with the secret and their in-memory revocation list alone: no database read per request.
 */
export function signSsoSession(secret: string, claims: SsoSessionClaims): string {
  return signValue(secret, CONTEXT, {
    s: claims.sessionId,
    e: claims.scope,
    x: Math.floor(claims.expiresAt.getTime() / 1000),
  });
}

export function verifySsoSession(
  secret: string,
  value: string,
  scope: string,
  now: Date,
): SsoSessionVerdict {
  const claims = verifyValue(secret, CONTEXT, value);
  if (typeof claims !== 'object' || claims === null) return { ok: false, reason: 'malformed' };
  const { s, e, x } = claims as Record<string, unknown>;
  if (typeof s !== 'string' || typeof e !== 'string' || typeof x !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  if (e !== scope) return { ok: false, reason: 'wrong-scope' };
  const expiresAt = new Date(x * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, sessionId: s, expiresAt };
}
