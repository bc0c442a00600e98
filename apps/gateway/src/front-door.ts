import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { BYPASS_HEADER } from '@berth/core';
import { RequestCookies } from './access/access-cookie.js';
import { type AccessDecision, decideAccess } from './access/access-policy.js';
import { SSO_CALLBACK_PATH } from './access/sso-session.js';
import { clientIp } from './access/client-ip.js';
import type { IpRanges } from './access/ip-ranges.js';
import {
  type Preflight,
  preflightAllowHeaders,
  previewOriginHostname,
} from './access/cors-preflight.js';
import { notFoundPage } from './not-found-page.js';
import { privatePage } from './pages/private-page.js';
import { unavailablePage, upstreamErrorPage } from './pages/upstream-error-page.js';
import type { PreviewProxy, UpstreamFailure } from './preview-proxy.js';
import type { GatewayRoute } from './routes/gateway-route.js';
import type { SsoFrontDoor } from './sso/sso-front-door.js';
import { WAKE_RETRY_S, wakingPage } from './pages/waking-page.js';
import type { WakeDoor } from './wake/wake-door.js';

export interface FrontDoorOptions {
  baseDomain: string;
  /** The scheme browsers use to reach the gateway (TLS may end in front of it). */
  scheme: 'http' | 'https';
  linkSecret: string;
  routes: {
    lookup: (hostname: string) => Promise<GatewayRoute | null>;
    /** What memory alone can answer (RouteTable.cached): undefined means ask `lookup`. */
    cached?: (hostname: string) => GatewayRoute | null | undefined;
  };
  /** Revoked share links, held in memory (share-link-revocations.ts). */
  revocations: { isRevoked: (linkId: string) => boolean };
  /** TRUSTED_PROXIES: peers whose X-Forwarded-For is believed (client-ip.ts). */
  trustedProxies: IpRanges;
  proxy: PreviewProxy;
  /** SSO (decision 0014): the sign-in host, the code callback, session cookies. */
  sso?: SsoFrontDoor;
  /** Called for every request let through to a preview (access telemetry). */
  onAccess?: (route: GatewayRoute) => void;
  /** Sleeping previews (decision 0024): asks for their wake and holds requests a moment. */
  wake?: Pick<WakeDoor, 'ask' | 'hold'>;
  logger?: Pick<Logger, 'warn' | 'error'>;
  now?: () => Date;
}

/** Per request: the client as the `ip` mode and X-Forwarded-For see it, and its cookies. */
interface Caller {
  ip: string | undefined;
  cookies: RequestCookies;
}

/**
 * The public listener: Host → route → access check → proxy (HTTP and WebSocket). Operational
 * endpoints live on a separate port, since every Host here belongs to a preview.
 */
export function createFrontDoor(options: FrontDoorOptions): Server {
  const now = options.now ?? (() => new Date());
  const context = {
    secret: options.linkSecret,
    baseDomain: options.baseDomain,
    secure: options.scheme === 'https',
    isRevoked: (linkId: string) => options.revocations.isRevoked(linkId),
    ...(options.sso ? { isSsoSessionRevoked: options.sso.isRevoked } : {}),
  };
  /** What the access check and the forward both read, worked out once per request. */
  const callerOf = (req: IncomingMessage): Caller => ({
    ip: clientIp(req.socket.remoteAddress, req.headers['x-forwarded-for'], options.trustedProxies),
    cookies: RequestCookies.parse(req.headers.cookie),
  });
  const decide = (
    route: GatewayRoute,
    req: IncomingMessage,
    host: string,
    isUpgrade: boolean,
    caller: Caller,
  ) =>
    decideAccess(
      route,
      {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        hostname: host,
        cookies: caller.cookies,
        origin: header(req, 'origin'),
        accessControlRequestMethod: header(req, 'access-control-request-method'),
        accessControlRequestHeaders: header(req, 'access-control-request-headers'),
        isUpgrade,
        bypassToken: req.headers[BYPASS_HEADER],
        clientIp: caller.ip,
      },
      { ...context, now: now() },
    );

  const lookup = async (host: string): Promise<GatewayRoute | null | Error> => {
    try {
      return await options.routes.lookup(host);
    } catch (error) {
      options.logger?.error({ err: error, host }, 'cannot read the route table');
      return error instanceof Error ? error : new Error(String(error));
    }
  };

  /**
   * Allowed only from a preview host of the same environment (its web page calling its api):
   * the route table says which environment the Origin's host belongs to.
   */
  const answerPreflight = async (
    req: IncomingMessage,
    res: ServerResponse,
    route: GatewayRoute,
    preflight: Preflight,
  ) => {
    const host = hostOf(req);
    const originHost = previewOriginHostname(preflight.origin, req.headers.host ?? '');
    const originRoute = originHost === undefined ? null : await lookup(originHost);
    if (originRoute instanceof Error)
      return sendPage(req, res, 503, unavailablePage(host), 'error');
    const allow =
      originRoute?.environmentId === route.environmentId
        ? preflightAllowHeaders(preflight)
        : undefined;
    if (!allow) return sendPage(req, res, 401, privatePage(host, 'foreign-origin'), 'private');
    res.writeHead(204, { ...allow, 'x-berth-gateway': 'preflight', 'content-length': 0 });
    res.end();
  };

  /** Everything after the route is known; synchronous unless the answer needs to wait. */
  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    host: string,
    found: GatewayRoute | null | Error,
  ): void | Promise<void> => {
    if (found instanceof Error) return sendPage(req, res, 503, unavailablePage(host), 'error');
    if (!found) return sendPage(req, res, 404, notFoundPage(host, options.baseDomain), 'no-route');
    const route = found;
    if (
      options.sso &&
      route.accessMode === 'private' &&
      (req.url ?? '').split('?', 1)[0] === SSO_CALLBACK_PATH
    ) {
      return options.sso.serveCallback(req, res, route, host);
    }
    const caller = callerOf(req);
    const decision = decide(route, req, host, false, caller);
    const signIn =
      decision.action === 'deny' ? options.sso?.signInLocation(route, req, host, false) : undefined;
    if (signIn !== undefined) {
      res.writeHead(302, {
        location: signIn,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'content-length': 0,
        'x-berth-gateway': 'sign-in',
      });
      return void res.end();
    }
    if (decision.action === 'deny') {
      return sendPage(req, res, 401, privatePage(host, decision.reason), 'private');
    }
    if (decision.action === 'preflight') {
      return answerPreflight(req, res, route, decision.preflight);
    }
    if (decision.action === 'redirect') {
      res.writeHead(302, {
        location: decision.location,
        'set-cookie': decision.setCookie,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'content-length': 0,
      });
      return void res.end();
    }
    // Asleep (decision 0024): only now, past access control, is a wake asked for.
    if (route.asleep) return answerAsleep(req, res, host, route, caller);
    proxyWeb(req, res, route, decision, caller);
  };

  const proxyWeb = (
    req: IncomingMessage,
    res: ServerResponse,
    route: GatewayRoute,
    decision: Extract<AccessDecision, { action: 'proxy' }>,
    caller: Caller,
  ) => {
    prepareUpstreamRequest(req, decision, options.scheme, caller);
    options.onAccess?.(route);
    options.proxy.web(req, res, route);
  };

  const answerAsleep = async (
    req: IncomingMessage,
    res: ServerResponse,
    host: string,
    route: GatewayRoute,
    caller: Caller,
  ) => {
    const awake = await options.wake?.hold(route, host);
    const again = awake ? decide(awake, req, host, false, caller) : undefined;
    if (!awake || again?.action !== 'proxy') return answerWaking(req, res, host);
    proxyWeb(req, res, awake, again, caller);
  };

  const failed = (res: ServerResponse) => (error: unknown) => {
    options.logger?.error({ err: error }, 'front door failed to answer');
    if (!res.headersSent) res.writeHead(500);
    res.end();
  };

  const server = createServer((req, res) => {
    try {
      const host = hostOf(req);
      if (options.sso && host === options.sso.signInHost) {
        return void options.sso.serveSignInHost(req, res).catch(failed(res));
      }
      // The hot path stays synchronous: a route in memory is answered without a promise.
      const cached = options.routes.cached?.(host);
      const pending =
        cached === undefined
          ? lookup(host).then((route) => answer(req, res, host, route))
          : answer(req, res, host, cached);
      if (pending) pending.catch(failed(res));
    } catch (error) {
      failed(res)(error);
    }
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined); // a client hanging up is not our error
    void (async () => {
      const host = hostOf(req);
      const route = await lookup(host);
      if (route instanceof Error) return rejectUpgrade(socket, 503, 'Service Unavailable');
      if (!route) return rejectUpgrade(socket, 404, 'Not Found');
      const caller = callerOf(req);
      const decision = decide(route, req, host, true, caller);
      if (decision.action !== 'proxy') return rejectUpgrade(socket, 401, 'Unauthorized');
      if (route.asleep) {
        // A socket is not held: the page that opens it is, and reconnects once it is awake.
        options.wake?.ask(route.asleep);
        return rejectUpgrade(socket, 503, 'Service Unavailable');
      }
      prepareUpstreamRequest(req, decision, options.scheme, caller);
      options.onAccess?.(route);
      options.proxy.ws(req, socket, head, route);
    })().catch((error: unknown) => {
      options.logger?.error({ err: error }, 'front door failed to answer an upgrade');
      socket.destroy();
    });
  });
  // Idle client connections stay open past any TLS terminator's or load balancer's own idle
  // timeout (often 60 s): if the gateway closed first, a request racing the close would be
  // reset, and every reconnect costs a handshake on the latency tail.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/** Answers an upstream failure with a page naming the service, unless bytes already went out. */
export function answerUpstreamFailure(
  failure: UpstreamFailure,
  logger?: Pick<Logger, 'warn'>,
): void {
  const { route, req, target, error, timedOut, started } = failure;
  logger?.warn(
    { host: route.hostname, previewService: route.service, code: error.code, timedOut, started },
    `upstream ${route.service} failed: ${error.message}`,
  );
  const status = timedOut ? 504 : 502;
  if (target.kind === 'ws') {
    if (started) target.socket.destroy();
    else rejectUpgrade(target.socket, status, timedOut ? 'Gateway Timeout' : 'Bad Gateway');
    return;
  }
  if (started) {
    target.res.destroy();
    return;
  }
  const page = upstreamErrorPage(hostOf(req), route.service, timedOut);
  sendPage(req, target.res, status, page, 'upstream-error');
}

/**
 * What the preview app receives: the original Host (so it can build its own URLs), our own
 * X-Forwarded-* (client-sent ones are overwritten: this is the edge), no Berth token, cookie
 * or bypass header. X-Forwarded-For is the client as the `ip` mode sees it: behind a trusted
 * proxy, the first untrusted hop, not the proxy's own address.
 */
function prepareUpstreamRequest(
  req: IncomingMessage,
  decision: Extract<AccessDecision, { action: 'proxy' }>,
  scheme: 'http' | 'https',
  caller: Caller,
): void {
  const client = caller.ip ?? req.socket.remoteAddress ?? '';
  req.url = decision.url;
  const cookie = caller.cookies.withoutAccessCookies();
  if (cookie === undefined) delete req.headers.cookie;
  else req.headers.cookie = cookie;
  delete req.headers[BYPASS_HEADER];
  delete req.headers.forwarded;
  req.headers['x-forwarded-host'] = req.headers.host ?? '';
  req.headers['x-forwarded-proto'] = scheme;
  req.headers['x-forwarded-for'] = client;
}

/**
 * 503 while a preview wakes: a page that reloads itself for a browser, a short text with
 * Retry-After for anything else (an API call, a script).
 */
function answerWaking(req: IncomingMessage, res: ServerResponse, host: string): void {
  const accept = header(req, 'accept') ?? '';
  if (/\btext\/html\b/i.test(accept)) {
    res.setHeader('retry-after', String(WAKE_RETRY_S));
    return sendPage(req, res, 503, wakingPage(host), 'waking');
  }
  const body = `This preview is waking up: retry in ${WAKE_RETRY_S} s.\n`;
  res.writeHead(503, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'retry-after': String(WAKE_RETRY_S),
    'x-berth-gateway': 'waking',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendPage(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string,
  marker: string,
): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-berth-gateway': marker,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function rejectUpgrade(socket: Duplex, status: number, text: string): void {
  if (socket.writable) {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  } else {
    socket.destroy();
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Host without port, lower-cased; browsers may send either. */
export function hostOf(req: IncomingMessage): string {
  return (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
}
