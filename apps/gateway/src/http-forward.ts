import {
  type Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  request,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';

export interface ForwardOptions {
  host: string;
  port: number;
  agent: Agent;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  /** Rewrites the upstream's response headers in place before any of them is sent. */
  onResponseHeaders: (headers: IncomingHttpHeaders) => void;
  /** Once per request, for anything that fails between us and the upstream. */
  onError: (error: NodeJS.ErrnoException, timedOut: boolean) => void;
}

export class UpstreamTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

/**
 * One HTTP request to a preview container and its answer back, on a keep-alive agent: the
 * hot path of the gateway, so it does only what a reverse proxy must (this replaced http-proxy-3
 * for plain HTTP: its generic passes cost about a quarter of the gateway's CPU per request).
 * What the app receives and answers is what http-proxy-3 (xfwd off) sent before: the headers as
 * the front door left them minus `trailer`, the status line, and the answer's headers minus the
 * hop-by-hop ones Node sets for the client connection itself (`transfer-encoding`,
 * `connection`, `keep-alive`).
 */
export function forwardHttp(req: IncomingMessage, res: ServerResponse, options: ForwardOptions) {
  const headers: OutgoingHttpHeaders = { ...req.headers };
  delete headers['trailer']; // a request announcing trailers wedges some upstreams
  const proxyReq = request({
    host: options.host,
    port: options.port,
    method: req.method,
    path: req.url,
    headers,
    agent: options.agent,
  });

  let failed = false;
  const fail = (error: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    proxyReq.destroy();
    options.onError(error, error instanceof UpstreamTimeout);
  };
  /** A client that hung up is not an upstream failure: just stop the upstream request. */
  const clientGone = (error: NodeJS.ErrnoException) =>
    req.socket.destroyed && error.code === 'ECONNRESET';

  proxyReq.on('socket', (socket: Socket) => {
    if (socket.connecting) connectTimeout(socket, options.connectTimeoutMs);
  });
  // Upstream silence, headers or body alike (a socket idle timeout, as before).
  proxyReq.setTimeout(options.responseTimeoutMs, () => {
    fail(new UpstreamTimeout(`no response within ${options.responseTimeoutMs} ms`));
  });
  proxyReq.on('error', (error: NodeJS.ErrnoException) => {
    if (clientGone(error)) proxyReq.destroy();
    else fail(error);
  });
  req.on('error', (error: NodeJS.ErrnoException) => {
    if (clientGone(error)) proxyReq.destroy();
    else fail(error);
  });
  res.on('close', () => {
    if (!res.writableFinished) proxyReq.destroy();
  });

  proxyReq.on('response', (proxyRes: IncomingMessage) => {
    const answer = proxyRes.headers;
    options.onResponseHeaders(answer);
    delete answer['transfer-encoding']; // Node frames the body for this client itself
    // Hop-by-hop: the app's Connection and Keep-Alive are about our pooled socket, not the
    // client's. Node decides the client connection's fate and announces the gateway's own idle
    // timeout (an app closing its socket no longer closes the browser's).
    delete answer['connection'];
    delete answer['keep-alive'];
    for (const name in answer) {
      const value = answer[name];
      if (value !== undefined) res.setHeader(name, value);
    }
    res.statusCode = proxyRes.statusCode ?? 502;
    if (proxyRes.statusMessage) res.statusMessage = proxyRes.statusMessage;
    proxyRes.on('error', fail); // cut mid-body: onError sees headers already sent
    proxyRes.pipe(res);
  });
  req.pipe(proxyReq);
}

/** Bounds the TCP connect only; a reused keep-alive socket is already connected. */
function connectTimeout(socket: Socket, ms: number): void {
  const timer = setTimeout(() => {
    const error: NodeJS.ErrnoException = new Error(`no connection within ${ms} ms`);
    error.code = 'ECONNECT_TIMEOUT';
    socket.destroy(error);
  }, ms);
  timer.unref();
  const clear = () => clearTimeout(timer);
  socket.once('connect', clear);
  socket.once('close', clear);
}
