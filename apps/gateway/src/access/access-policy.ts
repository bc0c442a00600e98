import { SHARE_TOKEN_PARAM, type ShareTokenVerdict, verifyShareToken } from '@berth/core';
import type { GatewayRoute } from '../routes/gateway-route.js';
import {
  accessCookieName,
  accessSetCookie,
  cookieDomainFor,
  environmentDomainOf,
  type RequestCookies,
} from './access-cookie.js';
import { admittingMode } from './access-modes.js';
import type { Preflight } from './cors-preflight.js';
import { sameHostLocation } from './same-host-location.js';
import { ssoCookieName, ssoSessionAdmits } from './sso-session.js';

export interface AccessRequest {
  method: string;
  /** Path and query as received (req.url). */
  url: string;
  hostname: string;
  /** The Cookie header, parsed once by the front door. */
  cookies: RequestCookies;
  origin: string | undefined;
  /** With Origin, marks a CORS preflight, which browsers send without cookies. */
  accessControlRequestMethod: string | undefined;
  accessControlRequestHeaders: string | undefined;
  isUpgrade: boolean;
  /** X-Berth-Bypass as received (the `token` mode); never forwarded, never logged. */
  bypassToken?: string | string[] | undefined;
  /** The client address the `ip` mode checks (see client-ip.ts). */
  clientIp?: string | undefined;
}

export interface AccessContext {
  secret: string;
  baseDomain: string;
  secure: boolean;
  now: Date;
  /**
   * Whether a share link was revoked: an in-memory lookup the front door passes in (see
   * share-link-revocations.ts), so deciding stays pure and reads no database.
   */
  isRevoked: (linkId: string) => boolean;
  /**
   * SSO (decision 0014): the in-memory list of revoked sessions. Absent: SSO is off on this
   * gateway and SSO cookies count for nothing.
   */
  isSsoSessionRevoked?: (sessionId: string) => boolean;
}

export type DenyReason =
  | 'no-credentials'
  | 'wrong-environment'
  | 'foreign-origin'
  | 'revoked'
  | Extract<ShareTokenVerdict, { ok: false }>['reason'];

export type AccessDecision =
  /** `url` is the request URL with any share token removed: the preview app never sees it. */
  | { action: 'proxy'; url: string }
  | { action: 'redirect'; location: string; setCookie: string }
  /** The gateway answers it itself (see cors-preflight): it carries no credentials to check. */
  | { action: 'preflight'; preflight: Preflight }
  | { action: 'deny'; reason: DenyReason };

/**
 * Private by default: a private route is let in when any enabled way admits it: a share token
 * for its environment (query) or the cookie a token was exchanged for, unrevoked; the bypass
 * header (`token` mode); the client address (`ip` mode). A GET/HEAD with a valid token is
 * redirected to the same URL without it, setting the cookie, so the token leaves the address bar
 * and history; the redirect never leaves the host, whatever the path looks like.
 */
export function decideAccess(
  route: GatewayRoute,
  request: AccessRequest,
  context: AccessContext,
): AccessDecision {
  const { url: cleanUrl, tokens } = extractTokens(request.url);
  if (route.accessMode === 'public') return { action: 'proxy', url: cleanUrl };
  // Browsers send preflights without cookies, so the app would get them unauthenticated.
  if (
    request.method === 'OPTIONS' &&
    request.origin !== undefined &&
    request.accessControlRequestMethod !== undefined
  ) {
    const { origin, accessControlRequestMethod: method } = request;
    return {
      action: 'preflight',
      preflight: { origin, method, headers: request.accessControlRequestHeaders },
    };
  }

  let firstFailure: DenyReason | undefined;
  const check = (token: string) => {
    const verdict = verifyShareToken(context.secret, token, context.now);
    if (!verdict.ok) return { ok: false as const, reason: verdict.reason };
    if (verdict.environmentId !== route.environmentId) {
      return { ok: false as const, reason: 'wrong-environment' as const };
    }
    if (context.isRevoked(verdict.linkId))
      return { ok: false as const, reason: 'revoked' as const };
    return verdict;
  };

  for (const token of tokens) {
    const verdict = check(token);
    if (!verdict.ok) {
      firstFailure ??= verdict.reason;
      continue;
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && !request.isUpgrade) {
      return {
        action: 'redirect',
        location: sameHostLocation(cleanUrl),
        setCookie: accessSetCookie({
          environmentId: route.environmentId,
          token,
          expiresAt: verdict.expiresAt,
          now: context.now,
          domain: cookieDomainFor(request.hostname, context.baseDomain),
          secure: context.secure,
        }),
      };
    }
    // Other methods (and WebSockets) are authorised by the token itself, without a redirect.
    return { action: 'proxy', url: cleanUrl };
  }

  // The repository's other ways in (decision 0013): explicit, so no ambient-credential check.
  if (admittingMode(route.access, request)) return { action: 'proxy', url: cleanUrl };

  const cookies = request.cookies.values(accessCookieName(route.environmentId));
  const ssoCookies = request.cookies.values(ssoCookieName(route.environmentId));
  if (
    cookies.length + ssoCookies.length > 0 &&
    !ambientCredentialsAllowed(request, context.baseDomain)
  ) {
    return { action: 'deny', reason: 'foreign-origin' };
  }
  for (const value of cookies) {
    const verdict = check(value);
    if (verdict.ok) return { action: 'proxy', url: cleanUrl };
    firstFailure ??= verdict.reason;
  }
  // A signed-in person's session for this environment (sso-session.ts), unrevoked.
  const isSsoSessionRevoked = context.isSsoSessionRevoked;
  if (
    isSsoSessionRevoked &&
    ssoSessionAdmits(route.environmentId, ssoCookies, {
      secret: context.secret,
      now: context.now,
      isRevoked: isSsoSessionRevoked,
    })
  ) {
    return { action: 'proxy', url: cleanUrl };
  }
  return { action: 'deny', reason: firstFailure ?? 'no-credentials' };
}

/**
 * Whether the browser's ambient credentials (cookies) may authorise this request: always for
 * requests without `Origin` (navigations, same-origin GETs), otherwise only when the page that
 * sent it is a host of the same environment. Every Berth cookie is scoped to one environment,
 * but under a real base domain all previews are one *site*, so SameSite=Lax would still send
 * preview B's cookie on a fetch, form POST or WebSocket from preview A's page. Any check of a
 * cookie (share link or SSO session) goes through here.
 */
export function ambientCredentialsAllowed(
  request: Pick<AccessRequest, 'origin' | 'hostname'>,
  baseDomain: string,
): boolean {
  if (request.origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(request.origin).hostname.toLowerCase();
  } catch {
    return false; // `null` (sandboxed frames, cross-site redirects) or garbage
  }
  const host = request.hostname.toLowerCase();
  if (originHost === host) return true;
  const environment = environmentDomainOf(host, baseDomain);
  return environment !== undefined && environmentDomainOf(originHost, baseDomain) === environment;
}

/** Splits `berth_token` parameters out of a URL, keeping every other byte of it as sent. */
export function extractTokens(url: string): { url: string; tokens: string[] } {
  const q = url.indexOf('?');
  if (q === -1) return { url, tokens: [] };
  const path = url.slice(0, q);
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const tokens: string[] = [];
  const kept: string[] = [];
  for (const part of query.split('&')) {
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    if (safeDecode(key) === SHARE_TOKEN_PARAM) {
      tokens.push(safeDecode(eq === -1 ? '' : part.slice(eq + 1)));
    } else {
      kept.push(part);
    }
  }
  if (tokens.length === 0) return { url, tokens };
  const rest = kept.filter((part) => part !== '').join('&');
  return { url: `${path}${rest ? `?${rest}` : ''}${fragment}` || '/', tokens };
}

function safeDecode(text: string): string {
  // Most keys and values are plain: nothing to decode, and decodeURIComponent is not free.
  if (text.indexOf('%') === -1 && text.indexOf('+') === -1) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
