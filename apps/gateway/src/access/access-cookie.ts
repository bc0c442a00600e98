/** Every Berth access cookie starts with this; none of them ever reaches a preview app. */
export const ACCESS_COOKIE_PREFIX = 'berth_access_';

/**
 * One cookie per environment, so one browser can hold access to several previews at once.
 * 12 hex chars of the id keep names short; the value (a signed token) names the full id.
 */
export function accessCookieName(environmentId: string): string {
  return `${ACCESS_COOKIE_PREFIX}${environmentCookieKey(environmentId)}`;
}

const cookieKeys = new Map<string, string>();

/**
 * The part of a cookie name that names the environment. Asked on every request for the same
 * few environments, so each is worked out once (the map is bounded by the route table's size
 * in practice; the cap only guards against a bug feeding it arbitrary ids).
 */
export function environmentCookieKey(environmentId: string): string {
  let key = cookieKeys.get(environmentId);
  if (key === undefined) {
    key = environmentId.replace(/-/g, '').slice(0, 12).toLowerCase();
    if (cookieKeys.size >= 10_000) cookieKeys.clear();
    cookieKeys.set(environmentId, key);
  }
  return key;
}

interface CookiePair {
  name: string;
  value: string;
  raw: string;
}

/**
 * A request's Cookie header, split once: the front door parses it and hands the result to the
 * access check (access and SSO cookies) and to the forward (which strips Berth's own).
 */
export class RequestCookies {
  private static readonly none = new RequestCookies([]);

  private constructor(private readonly pairs: readonly CookiePair[]) {}

  static parse(header: string | string[] | undefined): RequestCookies {
    const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
    if (text === '') return RequestCookies.none;
    const pairs: CookiePair[] = [];
    for (const part of text.split(';')) {
      const raw = part.trim();
      if (raw === '') continue;
      const eq = raw.indexOf('=');
      const name = (eq === -1 ? raw : raw.slice(0, eq)).trim();
      const value = eq === -1 ? '' : raw.slice(eq + 1).trim();
      pairs.push({ name, value: value.replace(/^"(.*)"$/, '$1'), raw });
    }
    return new RequestCookies(pairs);
  }

  /** All values of one cookie (a browser may send several with the same name from different scopes). */
  values(name: string): string[] {
    const values: string[] = [];
    for (const pair of this.pairs) if (pair.name === name) values.push(pair.value);
    return values;
  }

  /** The Cookie header without any Berth access cookie; undefined when nothing else is left. */
  withoutAccessCookies(): string | undefined {
    // Any case: a server-side cookie parser may well match names case-insensitively.
    const kept = this.pairs.filter(
      (pair) => !pair.name.toLowerCase().startsWith(ACCESS_COOKIE_PREFIX),
    );
    return kept.length === 0 ? undefined : kept.map((pair) => pair.raw).join('; ');
  }
}

export interface AccessCookieOptions {
  environmentId: string;
  token: string;
  expiresAt: Date;
  now: Date;
  /** The environment's domain, so its other service hosts share the cookie (see cookieDomainFor). */
  domain?: string;
  secure: boolean;
}

export function accessSetCookie(options: AccessCookieOptions): string {
  const maxAge = Math.max(
    0,
    Math.floor((options.expiresAt.getTime() - options.now.getTime()) / 1000),
  );
  const parts = [
    `${accessCookieName(options.environmentId)}=${options.token}`,
    `Max-Age=${maxAge}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (options.domain) parts.push(`Domain=${options.domain}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The environment a preview host belongs to, as its cookie domain: `web.pr-7-shop-<h>.<base>` →
 * `pr-7-shop-<h>.<base>`. Undefined for any other shape (the auth host, hosts from before
 * decision 0015, an IP base domain), whose cookies stay host-only.
 */
export function environmentDomainOf(hostname: string, baseDomain: string): string | undefined {
  const base = baseDomain.toLowerCase().replace(/\.$/, '');
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (base === '' || /^[\d.]+$/.test(base) || base.includes(':')) return undefined;
  if (!host.endsWith(`.${base}`)) return undefined;
  const labels = host.slice(0, -(base.length + 1)).split('.');
  const [service, environment] = labels;
  if (labels.length !== 2 || !service || !environment?.startsWith('pr-')) return undefined;
  return `${environment}.${base}`;
}

/**
 * The cookie Domain for a host: its environment's domain, so web.… and api.… of one preview
 * share access and no other preview ever receives it. Never the base domain. Chromium accepts
 * `Domain=pr-….localhost` (checked), so this holds locally as well.
 */
export function cookieDomainFor(hostname: string, baseDomain: string): string | undefined {
  return environmentDomainOf(hostname, baseDomain);
}
