import { describe, expect, it } from 'vitest';
import {
  accessCookieName,
  accessSetCookie,
  cookieDomainFor,
  environmentDomainOf,
  RequestCookies,
} from './access-cookie.js';

const cookieValues = (header: string | undefined, name: string) =>
  RequestCookies.parse(header).values(name);
const stripAccessCookies = (header: string | undefined) =>
  RequestCookies.parse(header).withoutAccessCookies();

const ENV = '0f8e2a51-7c1d-4b2e-9a3f-5d6c7b8a9e01';

describe('access cookies', () => {
  it('names one cookie per environment from 12 hex chars of its id', () => {
    expect(accessCookieName(ENV)).toBe('berth_access_0f8e2a517c1d');
  });

  it('reads every value of a cookie, ignoring others', () => {
    const header = `a=1; berth_access_0f8e2a517c1d=tok1; b="2"; berth_access_0f8e2a517c1d=tok2`;
    expect(cookieValues(header, accessCookieName(ENV))).toEqual(['tok1', 'tok2']);
    expect(cookieValues(undefined, 'x')).toEqual([]);
    expect(cookieValues(header, 'b')).toEqual(['2']);
  });

  it('strips every Berth access cookie and keeps the app’s own cookies byte for byte', () => {
    expect(stripAccessCookies('sid=abc; berth_access_0f8e2a517c1d=t; theme="dark"')).toBe(
      'sid=abc; theme="dark"',
    );
    expect(stripAccessCookies('berth_access_aaaaaaaaaaaa=t;berth_access_bbbbbbbbbbbb=u')).toBe(
      undefined,
    );
    expect(stripAccessCookies(undefined)).toBeUndefined();
  });

  it('sets an HttpOnly, SameSite=Lax, Path=/ cookie living until the token expires', () => {
    const now = new Date('2026-11-20T12:00:00Z');
    expect(
      accessSetCookie({
        environmentId: ENV,
        token: 'tok.en',
        expiresAt: new Date('2026-11-20T13:00:00Z'),
        now,
        domain: 'pr-1-shop-0123456789.preview.example.com',
        secure: true,
      }),
    ).toBe(
      'berth_access_0f8e2a517c1d=tok.en; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax; Domain=pr-1-shop-0123456789.preview.example.com; Secure',
    );
    expect(
      accessSetCookie({ environmentId: ENV, token: 't', expiresAt: now, now, secure: false }),
    ).toBe('berth_access_0f8e2a517c1d=t; Max-Age=0; Path=/; HttpOnly; SameSite=Lax');
  });

  it('scopes the cookie to one environment, never to the base domain', () => {
    const base = 'preview.example.com';
    expect(cookieDomainFor('web.pr-1-shop-0123456789.preview.example.com', base)).toBe(
      'pr-1-shop-0123456789.preview.example.com',
    );
    expect(cookieDomainFor('API.PR-1-shop-0123456789.Preview.Example.com', base)).toBe(
      'pr-1-shop-0123456789.preview.example.com',
    );
    // Locally too: Chromium stores and sends Domain=pr-….localhost to its sibling hosts.
    expect(cookieDomainFor('web.pr-1-shop-0123456789.localhost', 'localhost')).toBe(
      'pr-1-shop-0123456789.localhost',
    );
    // Anything else stays host-only: hosts from before environment domains, the auth host,
    // deeper or shallower names, IPs, other domains.
    expect(cookieDomainFor('web-pr-1-shop.preview.example.com', base)).toBeUndefined();
    expect(cookieDomainFor('auth.preview.example.com', base)).toBeUndefined();
    expect(cookieDomainFor('a.b.pr-1-shop-01.preview.example.com', base)).toBeUndefined();
    expect(cookieDomainFor('web.x-1-shop.preview.example.com', base)).toBeUndefined();
    expect(cookieDomainFor('x.pr-1.127.0.0.1', '127.0.0.1')).toBeUndefined();
    expect(cookieDomainFor('web.pr-1-shop.example.org', base)).toBeUndefined();
    expect(environmentDomainOf('web.pr-1-shop-01.localhost', 'localhost')).toBe(
      'pr-1-shop-01.localhost',
    );
  });

  it('strips access cookies whatever the case of their name', () => {
    expect(stripAccessCookies('Berth_Access_0f8e2a517c1d=t; sid=1; BERTH_ACCESS_x=u')).toBe(
      'sid=1',
    );
  });
});
