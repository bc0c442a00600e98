import { hashBypassToken, signShareToken } from '@berth/core';
import { describe, expect, it } from 'vitest';
import type { GatewayRoute, RouteAccess } from '../routes/gateway-route.js';
import { accessCookieName, RequestCookies } from './access-cookie.js';
import { type AccessRequest, decideAccess } from './access-policy.js';

// How decideAccess combines the ways in (decision 0013): any enabled one admits.
const SECRET = 'gateway-modes-test-secret-0123456789';
const ENV_A = '0f8e2a51-7c1d-4b2e-9a3f-5d6c7b8a9e01';
const ENV_B = '7a7a7a7a-7c1d-4b2e-9a3f-5d6c7b8a9e02';
const LINK = 'a1b2c3d4-0000-4000-8000-000000000001';
const REVOKED = 'a1b2c3d4-0000-4000-8000-00000000dead';
const NOW = new Date('2026-11-20T12:00:00Z');
const LATER = new Date('2026-11-20T14:00:00Z');
const BYPASS = 'berth_bypass_test-secret-value-0123456789';
const HOST = 'web.pr-1-shop-0123456789.preview.example.com';

const context = {
  secret: SECRET,
  baseDomain: 'preview.example.com',
  secure: true,
  now: NOW,
  isRevoked: (id: string) => id === REVOKED,
};
const route = (access?: Partial<RouteAccess>): GatewayRoute => ({
  hostname: HOST,
  environmentId: ENV_A,
  service: 'web',
  targetHost: '10.0.0.2',
  targetPort: 3000,
  accessMode: 'private',
  access: {
    repository: 'acme/shop',
    modes: [],
    ipAllowlist: [],
    bypassTokenHash: null,
    ...access,
  },
});
/** `cookie`: the Cookie header as sent; the front door parses it once. */
type RequestOverrides = Partial<Omit<AccessRequest, 'cookies'>> & { cookie?: string };
const request = ({ cookie, ...overrides }: RequestOverrides = {}): AccessRequest => ({
  method: 'GET',
  url: '/',
  hostname: HOST,
  cookies: RequestCookies.parse(cookie),
  origin: undefined,
  accessControlRequestMethod: undefined,
  accessControlRequestHeaders: undefined,
  isUpgrade: false,
  clientIp: '198.51.100.7',
  ...overrides,
});
const token = (linkId = LINK, environmentId = ENV_A, expiresAt = LATER) =>
  signShareToken(SECRET, { environmentId, expiresAt, linkId });
const cookie = (value: string) => `${accessCookieName(ENV_A)}=${value}`;
const PROXY = { action: 'proxy', url: '/' };

describe('decideAccess: share links', () => {
  it('refuses a revoked link, and the cookie it was exchanged for', () => {
    const revoked = token(REVOKED);
    expect(decideAccess(route(), request({ url: `/?berth_token=${revoked}` }), context)).toEqual({
      action: 'deny',
      reason: 'revoked',
    });
    expect(decideAccess(route(), request({ cookie: cookie(revoked) }), context)).toEqual({
      action: 'deny',
      reason: 'revoked',
    });
    expect(decideAccess(route(), request({ cookie: cookie(token()) }), context)).toEqual(PROXY);
  });

  it('refuses an expired link and its cookie', () => {
    const expired = token(LINK, ENV_A, new Date('2026-11-20T11:00:00Z'));
    expect(decideAccess(route(), request({ url: `/?berth_token=${expired}` }), context)).toEqual({
      action: 'deny',
      reason: 'expired',
    });
    expect(decideAccess(route(), request({ cookie: cookie(expired) }), context)).toEqual({
      action: 'deny',
      reason: 'expired',
    });
  });

  it('refuses a link minted for another environment, even in this environment’s cookie', () => {
    const other = token(LINK, ENV_B);
    expect(decideAccess(route(), request({ url: `/?berth_token=${other}` }), context)).toEqual({
      action: 'deny',
      reason: 'wrong-environment',
    });
    expect(decideAccess(route(), request({ cookie: cookie(other) }), context)).toEqual({
      action: 'deny',
      reason: 'wrong-environment',
    });
  });

  it('works for a private repository with no mode enabled', () => {
    expect(
      decideAccess(route(), request({ url: `/?berth_token=${token()}` }), context),
    ).toMatchObject({ action: 'redirect', location: '/' });
  });
});

describe('decideAccess: token mode', () => {
  const withToken = route({ modes: ['token'], bypassTokenHash: hashBypassToken(BYPASS) });

  it('admits the bypass header for every method, WebSockets included', () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      expect(decideAccess(withToken, request({ method, bypassToken: BYPASS }), context)).toEqual(
        PROXY,
      );
    }
    expect(
      decideAccess(withToken, request({ isUpgrade: true, bypassToken: BYPASS }), context),
    ).toEqual(PROXY);
  });

  it('refuses a wrong secret, and the right one when the mode is off', () => {
    expect(decideAccess(withToken, request({ bypassToken: `${BYPASS}x` }), context)).toEqual({
      action: 'deny',
      reason: 'no-credentials',
    });
    const off = route({ modes: ['ip'], bypassTokenHash: hashBypassToken(BYPASS) });
    expect(decideAccess(off, request({ bypassToken: BYPASS }), context)).toMatchObject({
      action: 'deny',
    });
  });
});

describe('decideAccess: ip mode', () => {
  const withIp = route({ modes: ['ip'], ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'] });

  it('admits a client inside the allowlist and refuses one outside', () => {
    expect(decideAccess(withIp, request({ clientIp: '203.0.113.9' }), context)).toEqual(PROXY);
    expect(decideAccess(withIp, request({ clientIp: '::ffff:203.0.113.9' }), context)).toEqual(
      PROXY,
    );
    expect(decideAccess(withIp, request({ clientIp: '2001:db8::5' }), context)).toEqual(PROXY);
    expect(decideAccess(withIp, request({ clientIp: '198.51.100.7' }), context)).toEqual({
      action: 'deny',
      reason: 'no-credentials',
    });
  });

  it('admits nothing by address when the mode is off, whatever the list holds', () => {
    const off = route({ modes: [], ipAllowlist: ['0.0.0.0/0'] });
    expect(decideAccess(off, request({ clientIp: '203.0.113.9' }), context)).toMatchObject({
      action: 'deny',
    });
  });

  it('still strips a share token from the URL it lets through', () => {
    expect(
      decideAccess(
        withIp,
        request({ clientIp: '203.0.113.9', url: `/a?berth_token=${token(REVOKED)}` }),
        context,
      ),
    ).toEqual({ action: 'proxy', url: '/a' });
  });

  it('is one way among several: a valid cookie admits from outside the allowlist', () => {
    expect(decideAccess(withIp, request({ cookie: cookie(token()) }), context)).toEqual(PROXY);
  });
});
