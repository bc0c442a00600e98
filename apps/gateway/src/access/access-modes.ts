import type { RouteAccess } from '../routes/gateway-route.js';
import { bypassTokenMatches } from './bypass-token.js';
import { ipAllowed } from './ip-allowlist.js';

export interface ModeRequest {
  /** The X-Berth-Bypass header as received. */
  bypassToken?: string | string[] | undefined;
  /** See client-ip.ts: the socket peer, or the right-most untrusted X-Forwarded-For hop. */
  clientIp?: string | undefined;
}

/**
 * Which enabled mode (besides cookies) admits a request, if any: `token` (the bypass header
 * matches the repository's secret) or `ip` (the client is inside the allowlist). A mode the
 * operator did not enable admits nothing, whatever the request carries.
 */
export function admittingMode(
  access: RouteAccess | undefined,
  request: ModeRequest,
): 'token' | 'ip' | undefined {
  if (!access) return undefined;
  if (
    access.modes.includes('token') &&
    bypassTokenMatches(request.bypassToken, access.bypassTokenHash)
  ) {
    return 'token';
  }
  if (access.modes.includes('ip') && ipAllowed(access.ipAllowlist, request.clientIp)) return 'ip';
  return undefined;
}
