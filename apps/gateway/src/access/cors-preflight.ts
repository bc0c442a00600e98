import type { OutgoingHttpHeaders } from 'node:http';

/** A CORS preflight: what a browser asks before a cross-origin request it must not send blind. */
export interface Preflight {
  origin: string;
  method: string;
  /** Access-Control-Request-Headers as sent, when there is one. */
  headers: string | undefined;
}

/** Short, so a route that changes hands stops being trusted soon; browsers cap it anyway. */
export const PREFLIGHT_MAX_AGE_S = 600;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The hostname of an Origin that could be a page this gateway served to the same browser: a
 * serialised http(s) origin on the port the request came in on. Whether that host is a preview
 * of the right environment is the route table's answer.
 *
 * The scheme is not compared: with TLS ending in front, the gateway cannot tell which one the
 * browser used (and test setups reach an https-configured gateway over http). Nothing is lost:
 * under https the access cookie is Secure, and browsers treat http and https as different
 * sites, so a plain-http page's requests never carry it.
 */
export function previewOriginHostname(origin: string, requestHost: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return undefined;
  }
  if (url.origin !== origin) return undefined; // "null", paths, credentials, odd spellings
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  return url.port === portOf(requestHost, scheme) ? url.hostname : undefined;
}

/**
 * The answer to a preflight the gateway allows: that origin, with credentials, for what was
 * asked. Undefined when the method or header names are not HTTP tokens (not a real browser).
 */
export function preflightAllowHeaders(preflight: Preflight): OutgoingHttpHeaders | undefined {
  if (!TOKEN.test(preflight.method)) return undefined;
  const requested = (preflight.headers ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (!requested.every((name) => TOKEN.test(name))) return undefined;
  return {
    'access-control-allow-origin': preflight.origin,
    'access-control-allow-credentials': 'true',
    'access-control-allow-methods': preflight.method,
    ...(requested.length > 0 ? { 'access-control-allow-headers': requested.join(', ') } : {}),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  };
}

/** The port of a Host header as URL.port spells it: empty for the scheme's default. */
function portOf(host: string, scheme: 'http' | 'https'): string {
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port === undefined) return '';
  const normalised = String(Number(port));
  return normalised === (scheme === 'https' ? '443' : '80') ? '' : normalised;
}
