import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { Agent } from 'undici';
import { previewSetCookies } from './access/preview-set-cookie.js';
import { mapBorrowedOrigin } from './borrowed-origin.js';
import { forwardHttp, UpstreamTimeout } from './http-forward.js';
import type { GatewayRoute } from './routes/gateway-route.js';

export interface PreviewProxyOptions {
  /** TCP connect to the container; a stopped container usually refuses at once anyway. */
  connectTimeoutMs?: number;
  /** Upstream silence (no response bytes) before the request is abandoned with a 504. */
  responseTimeoutMs?: number;
  /** WebSocket handshake only; an established socket may idle as long as both ends like. */
  upgradeTimeoutMs?: number;
  onUpstreamError: (failure: UpstreamFailure) => void;
}

export interface UpstreamFailure {
  route: GatewayRoute;
  req: IncomingMessage;
  /** The response (HTTP) or raw socket (WebSocket) still to answer, when nothing was sent yet. */
  target: { kind: 'http'; res: ServerResponse } | { kind: 'ws'; socket: Duplex };
  error: NodeJS.ErrnoException;
  timedOut: boolean;
  /** Bytes already went to the client (response headers, or the 101 of a WebSocket). */
  started: boolean;
}

export interface PreviewProxy {
  web: (req: IncomingMessage, res: ServerResponse, route: GatewayRoute) => void;
  ws: (req: IncomingMessage, socket: Duplex, head: Buffer, route: GatewayRoute) => void;
  close: () => void;
}

/**
 * HTTP goes through forwardHttp (the hot path), WebSockets through http-proxy-3; both with
 * bounded timeouts, keep-alive to upstreams, and a preview app's cookies kept to its own host:
 * no Domain attribute, no Berth access cookie in any disguise (HTTP responses and WebSocket
 * handshakes alike).
 */
export function createPreviewProxy(options: PreviewProxyOptions): PreviewProxy {
  const responseTimeoutMs = options.responseTimeoutMs ?? 60_000;
  const upgradeTimeoutMs = options.upgradeTimeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
  // Keep-alive pools per container, unbounded, so a burst does not queue behind busy sockets;
  // idle ones are dropped before the upstream's own Keep-Alive hint runs out, so a reused
  // socket is rarely one the app just closed.
  const agent = new Agent({ connect: { timeout: connectTimeoutMs } });
  const proxy = createProxyServer({
    xfwd: false, // the front door sets X-Forwarded-* itself, overwriting client-sent values
    connectTimeout: connectTimeoutMs,
  });

  const upgraded = new WeakSet<IncomingMessage>();
  proxy.on('proxyReqWs', (proxyReq, req) => {
    const timer = setTimeout(() => {
      proxyReq.destroy(new UpstreamTimeout(`no handshake within ${upgradeTimeoutMs} ms`));
    }, upgradeTimeoutMs);
    const clear = () => clearTimeout(timer);
    // Registered before http-proxy-3's own listeners, so the headers are clean when it writes them.
    proxyReq.once('upgrade', (proxyRes: IncomingMessage) => {
      clear();
      restrictSetCookies(proxyRes.headers);
      upgraded.add(req);
    });
    proxyReq.once('response', (proxyRes: IncomingMessage) => {
      clear();
      restrictSetCookies(proxyRes.headers);
    });
    proxyReq.once('close', clear);
  });
  // A client that vanished mid-response is not an upstream failure.
  proxy.on('econnreset', () => undefined);

  const target = (route: GatewayRoute) => ({
    protocol: 'http:',
    host: route.targetHost,
    port: route.targetPort,
  });
  return {
    web: (req, res, route) => {
      const mapBack = route.originMap ? mapBorrowedOrigin(req.headers, route.originMap) : null;
      forwardHttp(req, res, {
        origin: originOf(route),
        dispatcher: agent,
        responseTimeoutMs,
        onResponseHeaders: mapBack
          ? (headers) => {
              mapBack(headers);
              restrictSetCookies(headers);
            }
          : restrictSetCookies,
        onError: (error, timedOut) => {
          options.onUpstreamError({
            route,
            req,
            target: { kind: 'http', res },
            error,
            timedOut,
            started: res.headersSent,
          });
        },
      });
    },
    ws: (req, socket, head, route) => {
      proxy.ws(req, socket, head, { target: target(route) }, (error) => {
        options.onUpstreamError({
          route,
          req,
          target: { kind: 'ws', socket },
          error,
          timedOut: error instanceof UpstreamTimeout,
          started: upgraded.has(req),
        });
      });
    },
    close: () => {
      void agent.destroy().catch(() => undefined);
      proxy.close();
    },
  };
}

/** The container as an origin; an IPv6 address goes in brackets. */
function originOf(route: GatewayRoute): string {
  const host = route.targetHost.includes(':') ? `[${route.targetHost}]` : route.targetHost;
  return `http://${host}:${route.targetPort}`;
}

function restrictSetCookies(headers: IncomingHttpHeaders): void {
  if (headers['set-cookie'] === undefined) return; // the common case stays free
  const kept = previewSetCookies(headers['set-cookie']);
  if (kept) headers['set-cookie'] = kept;
  else delete headers['set-cookie'];
}
