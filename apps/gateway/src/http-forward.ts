import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Dispatcher } from 'undici';

export interface ForwardOptions {
  /** `http://host:port` of the preview container. */
  origin: string;
  /** undici's Agent, whose `connect.timeout` bounds the TCP connect (preview-proxy.ts). */
  dispatcher: Dispatcher;
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
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection, not the request or its
 * answer. `trailer` too: a request announcing trailers wedges some upstreams. undici refuses
 * most of these in a request outright, and Node frames the client's answer itself.
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

/**
 * One HTTP request to a preview container and its answer back: the gateway's hot path, so it
 * does only what a reverse proxy must. undici's dispatch (decision 0012) costs markedly less CPU
 * per request than `http.request` plus a pipe each way, which was most of the gateway's own cost
 * after the socket writes. What the app receives is the headers as the front door left them minus
 * the hop-by-hop ones (and any the client's `Connection` names); what the client receives is
 * the app's status line and headers minus the hop-by-hop ones, which Node sets for the client
 * connection itself, with the gateway's own idle timeout.
 */
export function forwardHttp(req: IncomingMessage, res: ServerResponse, options: ForwardOptions) {
  const headers = requestHeaders(req.headers);
  // A request has a body exactly when it says so (RFC 9112 §6.3). It goes through a PassThrough:
  // undici destroys a failed request's body, and that must not be the client's socket, which
  // still has to carry the 502.
  const hasBody =
    req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  const body = hasBody ? req.pipe(new PassThrough()) : null;

  let failed = false;
  let clientGone = false;
  let abort: ((reason: Error) => void) | undefined;
  const fail = (error: NodeJS.ErrnoException) => {
    if (failed || clientGone) return;
    failed = true;
    options.onError(error, error instanceof UpstreamTimeout);
  };
  // A client that hung up is not an upstream failure: just stop the upstream request.
  res.on('close', () => {
    if (res.writableFinished || failed) return;
    clientGone = true;
    abort?.(new Error('the client went away'));
  });
  req.on('error', () => undefined); // its socket's close reaches `res` too

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart: (controller) => {
      abort = (reason) => controller.abort(reason);
      if (clientGone) controller.abort(new Error('the client went away'));
    },
    onResponseStart: (controller, statusCode, answer, statusMessage) => {
      if (statusCode < 200) return; // 1xx: Node answers `Expect` itself; the rest is not ours
      const out = responseHeaders(answer as IncomingHttpHeaders);
      options.onResponseHeaders(out);
      for (const name in out) if (out[name] === undefined) delete out[name];
      res.writeHead(statusCode, statusMessage || undefined, out);
      res.on('drain', () => controller.resume());
    },
    onResponseData: (controller, chunk) => {
      if (!res.write(chunk)) controller.pause();
    },
    onResponseEnd: () => {
      res.end();
    },
    onResponseError: (_controller, error) => {
      fail(upstreamError(error, options.responseTimeoutMs));
    },
  };
  try {
    options.dispatcher.dispatch(
      {
        origin: options.origin,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers,
        body,
        headersTimeout: options.responseTimeoutMs,
        bodyTimeout: options.responseTimeoutMs,
      },
      handler,
    );
  } catch (error) {
    // A request undici refuses to send (an invalid header) fails like an unreachable upstream.
    fail(error instanceof Error ? error : new Error(String(error)));
  }
}

function requestHeaders(incoming: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = incoming.connection;
  // `Connection: x-foo` makes x-foo hop-by-hop too; usually it says only keep-alive or close.
  const extra =
    typeof named === 'string' && named !== 'keep-alive' && named !== 'close'
      ? new Set(named.split(',').map((name) => name.trim().toLowerCase()))
      : undefined;
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || extra?.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * undici's parsed headers (a fresh object per response, ours to change) in Node's shape:
 * Set-Cookie always a list, no hop-by-hop ones.
 */
function responseHeaders(answer: IncomingHttpHeaders): IncomingHttpHeaders {
  for (const name in answer) if (HOP_BY_HOP.has(name)) delete answer[name];
  const cookies: unknown = answer['set-cookie'];
  if (typeof cookies === 'string') answer['set-cookie'] = [cookies];
  return answer;
}

/** undici's timeouts as the gateway names them: silence → 504, no connection → 502. */
function upstreamError(error: Error, responseTimeoutMs: number): NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return new UpstreamTimeout(`no response within ${responseTimeoutMs} ms`);
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    const timeout: NodeJS.ErrnoException = new Error(error.message);
    timeout.code = 'ECONNECT_TIMEOUT';
    return timeout;
  }
  return error;
}
