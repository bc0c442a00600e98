import { signShareToken } from '@berth/core';
import { describe, expect, it } from 'vitest';
import type { GatewayRoute } from '../routes/gateway-route.js';
import { accessCookieName, RequestCookies } from './access-cookie.js';
import { type AccessRequest, decideAccess, extractTokens } from './access-policy.js';

const SECRET = 'gateway-policy-test-secret-0123456789';
const ENV_A = '0f8e2a51-7c1d-4b2e-9a3f-5d6c7b8a9e01';
const ENV_B = '7a7a7a7a-7c1d-4b2e-9a3f-5d6c7b8a9e02';
const NOW = new Date('2026-11-20T12:00:00Z');
const LATER = new Date('2026-11-20T14:00:00Z');
const context = {
  secret: SECRET,
  baseDomain: 'preview.example.com',
  secure: true,
  now: NOW,
  isRevoked: () => false,
};
const LINK = 'a1b2c3d4-0000-4000-8000-000000000001';

const route = (accessMode: 'private' | 'public' = 'private'): GatewayRoute => ({
  hostname: 'web.pr-1-shop-0123456789.preview.example.com',
  environmentId: ENV_A,
  service: 'web',
  targetHost: '10.0.0.2',
  targetPort: 3000,
  accessMode,
});
/** `cookie`: the Cookie header as sent; the front door parses it once. */
type RequestOverrides = Partial<Omit<AccessRequest, 'cookies'>> & { cookie?: string };
const request = ({ cookie, ...overrides }: RequestOverrides = {}): AccessRequest => ({
  method: 'GET',
  url: '/',
  hostname: 'web.pr-1-shop-0123456789.preview.example.com',
  cookies: RequestCookies.parse(cookie),
  origin: undefined,
  accessControlRequestMethod: undefined,
  accessControlRequestHeaders: undefined,
  isUpgrade: false,
  ...overrides,
});
const tokenFor = (environmentId: string, expiresAt = LATER, secret = SECRET) =>
  signShareToken(secret, { environmentId, expiresAt, linkId: LINK });

describe('decideAccess', () => {
  it('lets public routes through with no check, still removing any token', () => {
    expect(
      decideAccess(route('public'), request({ url: '/a?berth_token=x&b=1' }), context),
    ).toEqual({ action: 'proxy', url: '/a?b=1' });
  });

  it('denies a private route without credentials', () => {
    expect(decideAccess(route(), request(), context)).toEqual({
      action: 'deny',
      reason: 'no-credentials',
    });
  });

  it('exchanges a valid token for a cookie and redirects to the same URL without it', () => {
    const token = tokenFor(ENV_A);
    const decision = decideAccess(
      route(),
      request({ url: `/cart?x=1&berth_token=${token}#top` }),
      context,
    );
    expect(decision).toEqual({
      action: 'redirect',
      location: '/cart?x=1#top',
      setCookie: `${accessCookieName(ENV_A)}=${token}; Max-Age=7200; Path=/; HttpOnly; SameSite=Lax; Domain=pr-1-shop-0123456789.preview.example.com; Secure`,
    });
  });

  it('never redirects off the preview host, whatever the path (no open redirect)', () => {
    const token = tokenFor(ENV_A);
    const paths: Array<[string, string]> = [
      ['//evil.example/', '/evil.example/'],
      ['/\\evil.example/', '/evil.example/'],
      ['///evil.example/x?y=1', '/evil.example/x?y=1'],
      ['http://evil.example/', '/http://evil.example/'],
    ];
    for (const [path, location] of paths) {
      const separator = path.includes('?') ? '&' : '?';
      const decision = decideAccess(
        route(),
        request({ url: `${path}${separator}berth_token=${token}` }),
        context,
      );
      expect(decision).toMatchObject({ action: 'redirect', location });
    }
  });

  it('authorises a non-GET or WebSocket request by its token, without a redirect', () => {
    const token = tokenFor(ENV_A);
    for (const extra of [{ method: 'POST' }, { isUpgrade: true }]) {
      expect(
        decideAccess(route(), request({ url: `/ws?berth_token=${token}`, ...extra }), context),
      ).toEqual({ action: 'proxy', url: '/ws' });
    }
  });

  it('lets a valid cookie through', () => {
    const cookie = `other=1; ${accessCookieName(ENV_A)}=${tokenFor(ENV_A)}`;
    expect(decideAccess(route(), request({ cookie, url: '/p?q=1' }), context)).toEqual({
      action: 'proxy',
      url: '/p?q=1',
    });
  });

  it('never opens environment A with a token or cookie of environment B', () => {
    const tokenB = tokenFor(ENV_B);
    expect(decideAccess(route(), request({ url: `/?berth_token=${tokenB}` }), context)).toEqual({
      action: 'deny',
      reason: 'wrong-environment',
    });
    // B's cookie under its own name is not even looked at; placed under A's name it fails.
    expect(
      decideAccess(route(), request({ cookie: `${accessCookieName(ENV_B)}=${tokenB}` }), context),
    ).toEqual({ action: 'deny', reason: 'no-credentials' });
    expect(
      decideAccess(route(), request({ cookie: `${accessCookieName(ENV_A)}=${tokenB}` }), context),
    ).toEqual({ action: 'deny', reason: 'wrong-environment' });
  });

  it('refuses expired and forged tokens, naming why', () => {
    const expired = tokenFor(ENV_A, new Date('2026-11-20T11:00:00Z'));
    const forged = tokenFor(ENV_A, LATER, 'another-secret-entirely-0123456789');
    expect(decideAccess(route(), request({ url: `/?berth_token=${expired}` }), context)).toEqual({
      action: 'deny',
      reason: 'expired',
    });
    expect(decideAccess(route(), request({ url: `/?berth_token=${forged}` }), context)).toEqual({
      action: 'deny',
      reason: 'bad-signature',
    });
  });

  it('falls back to a valid cookie when the link in the URL is stale', () => {
    const expired = tokenFor(ENV_A, new Date('2026-11-20T11:00:00Z'));
    const cookie = `${accessCookieName(ENV_A)}=${tokenFor(ENV_A)}`;
    expect(
      decideAccess(route(), request({ url: `/x?berth_token=${expired}`, cookie }), context),
    ).toEqual({ action: 'proxy', url: '/x' });
  });

  it('lets a cookie authorise only requests from pages of the same environment', () => {
    const cookie = `${accessCookieName(ENV_A)}=${tokenFor(ENV_A)}`;
    const from = (origin: string | undefined) =>
      decideAccess(route(), request({ method: 'POST', url: '/orders', cookie, origin }), context);
    const ok = { action: 'proxy', url: '/orders' };
    expect(from(undefined)).toEqual(ok);
    expect(from('https://web.pr-1-shop-0123456789.preview.example.com')).toEqual(ok);
    // The same environment's other service (its web page calling its api), any port.
    expect(from('https://api.pr-1-shop-0123456789.preview.example.com:8443')).toEqual(ok);
    const foreign = { action: 'deny', reason: 'foreign-origin' };
    // Another preview is the same *site* under a real domain; its page gets no signed-in calls.
    expect(from('https://web.pr-2-shop-0123456789.preview.example.com')).toEqual(foreign);
    expect(from('https://web.pr-1-shop-9876543210.preview.example.com')).toEqual(foreign);
    expect(from('https://auth.preview.example.com')).toEqual(foreign);
    expect(from('https://evil.example')).toEqual(foreign);
    expect(from('null')).toEqual(foreign);
    // WebSocket handshakes carry Origin too (cross-site WebSocket hijacking).
    expect(
      decideAccess(
        route(),
        request({ isUpgrade: true, cookie, origin: 'https://web.pr-2-x-01.preview.example.com' }),
        context,
      ),
    ).toEqual(foreign);
  });

  const preflight = (overrides: RequestOverrides = {}) =>
    request({
      method: 'OPTIONS',
      url: '/orders',
      origin: 'https://web.pr-1-shop-0123456789.preview.example.com',
      accessControlRequestMethod: 'POST',
      accessControlRequestHeaders: 'content-type',
      ...overrides,
    });

  it('leaves a CORS preflight to the gateway, never to the app, credentials or not', () => {
    const answer = {
      action: 'preflight',
      preflight: {
        origin: 'https://web.pr-1-shop-0123456789.preview.example.com',
        method: 'POST',
        headers: 'content-type',
      },
    };
    expect(decideAccess(route(), preflight(), context)).toEqual(answer);
    const cookie = `${accessCookieName(ENV_A)}=${tokenFor(ENV_A)}`;
    expect(decideAccess(route(), preflight({ cookie }), context)).toEqual(answer);
    const url = `/orders?berth_token=${tokenFor(ENV_A)}`;
    expect(decideAccess(route(), preflight({ url }), context)).toEqual(answer);
  });

  it('puts every other OPTIONS through access control', () => {
    const deny = { action: 'deny', reason: 'no-credentials' };
    expect(decideAccess(route(), request({ method: 'OPTIONS' }), context)).toEqual(deny);
    // Half a preflight is no preflight.
    expect(decideAccess(route(), preflight({ origin: undefined }), context)).toEqual(deny);
    expect(
      decideAccess(route(), preflight({ accessControlRequestMethod: undefined }), context),
    ).toEqual(deny);
    const cookie = `${accessCookieName(ENV_A)}=${tokenFor(ENV_A)}`;
    expect(decideAccess(route(), request({ method: 'OPTIONS', cookie }), context)).toEqual({
      action: 'proxy',
      url: '/',
    });
    const url = `/x?berth_token=${tokenFor(ENV_A)}`;
    expect(decideAccess(route(), request({ method: 'OPTIONS', url }), context)).toEqual({
      action: 'proxy',
      url: '/x',
    });
  });

  it('leaves preflights on a public route to the app, like everything else there', () => {
    expect(decideAccess(route('public'), preflight(), context)).toEqual({
      action: 'proxy',
      url: '/orders',
    });
  });
});

describe('extractTokens', () => {
  it.each([
    ['/', '/', []],
    ['/a?b=1', '/a?b=1', []],
    ['/a?berth_token=t', '/a', ['t']],
    ['/?berth_token=t', '/', ['t']],
    ['/a?x=1&berth_token=t&y=%20', '/a?x=1&y=%20', ['t']],
    ['/a?berth%5Ftoken=t%2E1', '/a', ['t.1']],
    ['/a?berth_token=1&berth_token=2', '/a', ['1', '2']],
    ['/a?berth_token', '/a', ['']],
  ])('%s → %s', (url, clean, tokens) => {
    expect(extractTokens(url)).toEqual({ url: clean, tokens });
  });
});
