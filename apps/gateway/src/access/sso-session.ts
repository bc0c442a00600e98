import { verifySsoSession } from '@berth/core';
import { ACCESS_COOKIE_PREFIX, cookieDomainFor, environmentCookieKey } from './access-cookie.js';

/** The reserved path on every preview host where the sign-in host's one-time code arrives. */
export const SSO_CALLBACK_PATH = '/.berth/callback';

/**
 * The SSO session cookie of one environment. It starts with the access-cookie prefix, so it
 * is stripped before any request reaches a preview and a preview can never plant one.
 */
export function ssoCookieName(environmentId: string): string {
  return `${ACCESS_COOKIE_PREFIX}sso_${environmentCookieKey(environmentId)}`;
}

export interface SsoSessionCheck {
  secret: string;
  now: Date;
  /** The gateway's in-memory revocation list (session ids). */
  isRevoked: (sessionId: string) => boolean;
}

/**
 * Whether any of a request's SSO session cookies for this environment (the values of its
 * `ssoCookieName`) is valid and unrevoked.
 */
export function ssoSessionAdmits(
  environmentId: string,
  values: readonly string[],
  check: SsoSessionCheck,
): boolean {
  return values.some((value) => {
    const verdict = verifySsoSession(check.secret, value, environmentId, check.now);
    return verdict.ok && !check.isRevoked(verdict.sessionId);
  });
}

/**
 * Only a browser navigating gets sent to sign in: a GET/HEAD asking for HTML that is not a
 * WebSocket upgrade. API calls, form posts, preflights and sockets get a 401: a redirect to a
 * login page is useless to them and would hide the reason.
 */
export function isSignInNavigation(request: {
  method: string;
  accept: string | undefined;
  isUpgrade: boolean;
}): boolean {
  if (request.isUpgrade || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
  return (request.accept ?? '').toLowerCase().includes('text/html');
}

/** The preview's SSO cookie: scoped by cookieDomainFor, HttpOnly, Lax, Secure under https. */
export function ssoSetCookie(options: {
  environmentId: string;
  value: string;
  hostname: string;
  baseDomain: string;
  maxAgeSeconds: number;
  secure: boolean;
}): string {
  const domain = cookieDomainFor(options.hostname, options.baseDomain);
  return [
    `${ssoCookieName(options.environmentId)}=${options.value}`,
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(domain ? [`Domain=${domain}`] : []),
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}
