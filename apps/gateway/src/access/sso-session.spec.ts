import { signSsoSession } from '@berth/core';
import { describe, expect, it } from 'vitest';
import type { GatewayRoute } from '../routes/gateway-route.js';
import { RequestCookies } from './access-cookie.js';
import { type AccessRequest, decideAccess } from './access-policy.js';
import { isSignInNavigation, ssoCookieName, ssoSetCookie } from './sso-session.js';

const SECRET = 'gateway-sso-test-secret-0123456789';
const ENV_A = '0f8e2a51-7c1d-4b2e-9a3f-5d6c7b8a9e01';
const ENV_B = '7a7a7a7a-7c1d-4b2e-9a3f-5d6c7b8a9e02';
const NOW = new Date('2026-12-02T12:00:00Z');
const LATER = new Date('2026-12-02T14:00:00Z');
const BASE = 'preview.example.com';
const HOST = `web.pr-1-shop-0123456789.${BASE}`;

const route: GatewayRoute = {
  hostname: HOST,
  environmentId: ENV_A,
  service: 'web',
  targetHost: '10.0.0.2',
  targetPort: 3000,
  accessMode: 'private',
};
/** `cookie`: the Cookie header as sent; the front door parses it once. */
type RequestOverrides = Partial<Omit<AccessRequest, 'cookies'>> & { cookie?: string };
const request = ({ cookie, ...overrides }: RequestOverrides = {}): AccessRequest => ({
  method: 'GET',
  url: '/cart',
  hostname: HOST,
  cookies: RequestCookies.parse(cookie),
  origin: undefined,
  accessControlRequestMethod: undefined,
  accessControlRequestHeaders: undefined,
  isUpgrade: false,
  ...overrides,
});
const revoked = new Set<string>();
const context = {
  secret: SECRET,
  baseDomain: BASE,
  secure: true,
  now: NOW,
  isRevoked: () => false,
  isSsoSessionRevoked: (id: string) => revoked.has(id),
};
const cookie = (environmentId: string, sessionId = 's-1', expiresAt = LATER) =>
  `${ssoCookieName(environmentId)}=${signSsoSession(SECRET, { sessionId, scope: environmentId, expiresAt })}`;

describe('decideAccess: SSO session cookies', () => {
  it('lets a valid session of the environment in, on any method and on WebSockets', () => {
    for (const overrides of [{}, { method: 'POST' }, { isUpgrade: true }]) {
      expect(
        decideAccess(route, request({ cookie: cookie(ENV_A), ...overrides }), context),
      ).toEqual({ action: 'proxy', url: '/cart' });
    }
  });

  it('refuses another environment’s session, an expired one and a revoked one', () => {
    const deny = { action: 'deny', reason: 'no-credentials' };
    expect(decideAccess(route, request({ cookie: cookie(ENV_B) }), context)).toEqual(deny);
    // ENV_B's cookie renamed to ENV_A's name: the signed scope still says ENV_B.
    const renamed = cookie(ENV_B).replace(ssoCookieName(ENV_B), ssoCookieName(ENV_A));
    expect(decideAccess(route, request({ cookie: renamed }), context)).toEqual(deny);
    expect(decideAccess(route, request({ cookie: cookie(ENV_A, 's-1', NOW) }), context)).toEqual(
      deny,
    );
    revoked.add('s-2');
    expect(decideAccess(route, request({ cookie: cookie(ENV_A, 's-2') }), context)).toEqual(deny);
  });

  it('counts for nothing on a gateway without SSO', () => {
    const { isSsoSessionRevoked: _off, ...withoutSso } = context;
    expect(decideAccess(route, request({ cookie: cookie(ENV_A) }), withoutSso).action).toBe('deny');
  });

  it('is not honoured on requests from another preview’s page', () => {
    const origin = `https://web.pr-2-other-9876543210.${BASE}`;
    expect(decideAccess(route, request({ cookie: cookie(ENV_A), origin }), context)).toEqual({
      action: 'deny',
      reason: 'foreign-origin',
    });
    const own = `https://api.pr-1-shop-0123456789.${BASE}`;
    expect(
      decideAccess(route, request({ cookie: cookie(ENV_A), origin: own }), context).action,
    ).toBe('proxy');
  });
});

describe('isSignInNavigation', () => {
  it.each([
    ['GET', 'text/html,application/xhtml+xml', false, true],
    ['HEAD', 'text/html', false, true],
    ['GET', 'application/json', false, false],
    ['GET', undefined, false, false],
    ['GET', 'text/html', true, false],
    ['POST', 'text/html', false, false],
    ['OPTIONS', 'text/html', false, false],
  ] as const)('%s Accept %s upgrade %s → %s', (method, accept, isUpgrade, expected) => {
    expect(isSignInNavigation({ method, accept, isUpgrade })).toBe(expected);
  });
});

describe('ssoSetCookie', () => {
  it('is HttpOnly, Lax, Secure under https, scoped by cookieDomainFor', () => {
    const line = ssoSetCookie({
      environmentId: ENV_A,
      value: 'v',
      hostname: HOST,
      baseDomain: BASE,
      maxAgeSeconds: 60,
      secure: true,
    });
    expect(line).toMatch(
      /^berth_access_sso_0f8e2a517c1d=v; Max-Age=60; Path=\/; HttpOnly; SameSite=Lax/,
    );
    expect(line).toContain('; Secure');
    expect(line).not.toContain(`Domain=${BASE};`);
    expect(line).not.toMatch(new RegExp(`Domain=${BASE.replace(/\./g, '\\.')}$`));
  });
});
