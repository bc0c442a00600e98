import type { SsoProvider } from './sign-in-flow.js';
import { signValue, verifyValue } from './signed-value.js';

const CONTEXT = 'berth-sso-sign-in-v1';

/** Who is signed in to the sign-in host: enough to authorise a preview without a lookup. */
export interface SignInIdentity {
  sessionId: string;
  provider: SsoProvider;
  subject: string;
  login: string;
  email?: string;
  emailVerified?: boolean;
  groups?: string[];
  expiresAt: Date;
}

/** The sign-in host's own cookie value (host-only on auth.<BASE_DOMAIN>). */
export function sealSignInSession(secret: string, identity: SignInIdentity): string {
  return signValue(secret, CONTEXT, { ...identity, expiresAt: identity.expiresAt.getTime() });
}

/** The identity when the cookie verifies and has not expired; revocation is the caller's. */
export function openSignInSession(
  secret: string,
  value: string | undefined,
  now: Date,
): SignInIdentity | undefined {
  const raw = value === undefined ? undefined : verifyValue(secret, CONTEXT, value);
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.sessionId !== 'string' || typeof r.subject !== 'string') return undefined;
  if (typeof r.login !== 'string' || typeof r.expiresAt !== 'number') return undefined;
  if (r.provider !== 'github' && r.provider !== 'oidc') return undefined;
  if (r.expiresAt <= now.getTime()) return undefined;
  const groups = Array.isArray(r.groups)
    ? r.groups.filter((g): g is string => typeof g === 'string')
    : undefined;
  return {
    sessionId: r.sessionId,
    provider: r.provider,
    subject: r.subject,
    login: r.login,
    ...(typeof r.email === 'string' ? { email: r.email } : {}),
    ...(typeof r.emailVerified === 'boolean' ? { emailVerified: r.emailVerified } : {}),
    ...(groups ? { groups } : {}),
    expiresAt: new Date(r.expiresAt),
  };
}
