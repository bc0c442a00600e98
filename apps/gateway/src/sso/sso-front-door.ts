import type { IncomingMessage, ServerResponse } from 'node:http';
import { extractTokens } from '../access/access-policy.js';
import { isSignInNavigation } from '../access/sso-session.js';
import type { GatewayRoute } from '../routes/gateway-route.js';
import { signInHostname } from './sign-in-host.js';

/** What the front door asks of SSO (decision 0014); everything per request is in memory. */
export interface SsoFrontDoor {
  /** auth.<BASE_DOMAIN>: requests for it go to serveSignInHost, never to a route. */
  signInHost: string;
  serveSignInHost: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /** `/.berth/callback` on a preview host. */
  serveCallback: (
    req: IncomingMessage,
    res: ServerResponse,
    route: GatewayRoute,
    hostname: string,
  ) => Promise<void>;
  /** The in-memory revocation list decideAccess checks SSO session cookies against. */
  isRevoked: (sessionId: string) => boolean;
  /**
   * Where a browser navigating without credentials goes to sign in, or undefined (not a
   * navigation, or SSO is not enabled for the route's repository: then 401).
   */
  signInLocation: (
    route: GatewayRoute,
    req: IncomingMessage,
    hostname: string,
    isUpgrade: boolean,
  ) => string | undefined;
}

export interface SsoFrontDoorOptions {
  baseDomain: string;
  scheme: 'http' | 'https';
  isRevoked: (sessionId: string) => boolean;
  /** Whether the route's repository has the `sso` access mode (loaded with the route). */
  ssoEnabled: (route: GatewayRoute) => boolean;
  serveSignInHost: SsoFrontDoor['serveSignInHost'];
  serveCallback: SsoFrontDoor['serveCallback'];
}

export function createSsoFrontDoor(options: SsoFrontDoorOptions): SsoFrontDoor {
  const signInHost = signInHostname(options.baseDomain);
  return {
    signInHost,
    serveSignInHost: options.serveSignInHost,
    serveCallback: options.serveCallback,
    isRevoked: options.isRevoked,
    signInLocation: (route, req, hostname, isUpgrade) => {
      const navigation = isSignInNavigation({
        method: req.method ?? 'GET',
        accept: req.headers.accept,
        isUpgrade,
      });
      if (!navigation || !options.ssoEnabled(route)) return undefined;
      const port = /:(\d+)$/.exec(req.headers.host ?? '')?.[1];
      const query = new URLSearchParams({
        env: route.environmentId,
        host: hostname,
        // Any share token in the URL failed already; it must not travel to the sign-in host.
        path: extractTokens(req.url ?? '/').url,
      });
      return `${options.scheme}://${signInHost}${port ? `:${port}` : ''}/start?${query.toString()}`;
    },
  };
}
