import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashOneTimeCode } from '@berth/core';
import type { RedeemedCode } from '@berth/db';
import { sameHostLocation } from '../access/same-host-location.js';
import { ssoSetCookie } from '../access/sso-session.js';
import { signInProblemPage } from '../pages/sign-in-pages.js';
import type { GatewayRoute } from '../routes/gateway-route.js';
import { previewSessionValue } from './sign-in-host.js';

export interface PreviewCallbackOptions {
  baseDomain: string;
  secure: boolean;
  secret: string;
  /** Consumes the code atomically (SsoStore.redeemCode). */
  redeem: (codeHash: string, hostname: string, now: Date) => Promise<RedeemedCode | null>;
  now?: () => Date;
}

/**
 * `GET /.berth/callback?code=…` on a preview host: the one-time code from the sign-in host
 * becomes this environment's session cookie, then the browser goes back to where it was, on
 * this host only. A code works once, for the host it was issued to, for a minute.
 */
export function createPreviewCallback(options: PreviewCallbackOptions) {
  const now = options.now ?? (() => new Date());
  return async function servePreviewCallback(
    req: IncomingMessage,
    res: ServerResponse,
    route: GatewayRoute,
    hostname: string,
  ): Promise<void> {
    const code = new URL(req.url ?? '/', 'http://preview.invalid').searchParams.get('code');
    const at = now();
    const redeemed =
      req.method === 'GET' && code
        ? await options.redeem(hashOneTimeCode(code), hostname, at)
        : null;
    if (!redeemed || redeemed.session.environmentId !== route.environmentId) {
      const body = signInProblemPage(
        'Sign-in link used up',
        'This sign-in link was already used, has expired, or belongs to another preview. Reload the preview to sign in again.',
      );
      res.writeHead(400, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
        'x-berth-gateway': 'sso-callback',
      });
      res.end(body);
      return;
    }
    const { session, returnPath } = redeemed;
    res.writeHead(302, {
      location: sameHostLocation(returnPath),
      'set-cookie': ssoSetCookie({
        environmentId: route.environmentId,
        value: previewSessionValue(options.secret, session),
        hostname,
        baseDomain: options.baseDomain,
        maxAgeSeconds: (session.expiresAt.getTime() - at.getTime()) / 1000,
        secure: options.secure,
      }),
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-length': 0,
      'x-berth-gateway': 'sso-callback',
    });
    res.end();
  };
}
