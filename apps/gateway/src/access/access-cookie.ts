/** Every Berth access cookie starts with this; none of them ever reaches a preview app. */
export const ACCESS_COOKIE_PREFIX = 'berth_access_';

/**
 * One cookie per environment, so one browser can hold access to several previews at once.
 * 12 hex chars of the id keep names short; the value (a signed token) names the full id.
 */
export function accessCookieName(environmentId: string): string {
  return `${ACCESS_COOKIE_PREFIX}${environmentId.replace(/-/g, '').slice(0, 12).toLowerCase()}`;
}

interface CookiePair {
  name: string;
  value: string;
  raw: string;
}

function cookiePairs(header: string | string[] | undefined): CookiePair[] {
  const text = Array.isArray(header) ? header.join('; ') : (header ?? '');
  return text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((raw) => {
      const eq = raw.indexOf('=');
      const name = (eq === -1 ? raw : raw.slice(0, eq)).trim();
      const value = eq === -1 ? '' : raw.slice(eq + 1).trim();
      return { name, value: value.replace(/^"(.*)"$/, '$1'), raw };
    });
}

/** All values of one cookie (a browser may send several with the same name from different scopes). */
export function cookieValues(header: string | string[] | undefined, name: string): string[] {
  return cookiePairs(header)
    .filter((pair) => pair.name === name)
    .map((pair) => pair.value);
}

/** The Cookie header without any Berth access cookie; undefined when nothing else is left. */
export function stripAccessCookies(header: string | string[] | undefined): string | undefined {
  const kept = cookiePairs(header).filter((pair) => !pair.name.startsWith(ACCESS_COOKIE_PREFIX));
  return kept.length === 0 ? undefined : kept.map((pair) => pair.raw).join('; ');
}

export interface AccessCookieOptions {
  environmentId: string;
  token: string;
  expiresAt: Date;
  now: Date;
  /** Set so an environment's other service hosts share the cookie; omitted for localhost. */
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
 * The cookie Domain for a host: the base domain when the host is under it, so web-… and api-…
 * of one preview share access. Browsers refuse Domain=localhost (and IPs), so none there.
 */
export function cookieDomainFor(hostname: string, baseDomain: string): string | undefined {
  const base = baseDomain.toLowerCase();
  if (base === 'localhost' || base.endsWith('.localhost') || /^[\d.]+$/.test(base)) {
    return undefined;
  }
  return hostname.endsWith(`.${base}`) ? base : undefined;
}
