// The floor of the gateway bench: the smallest honest Node reverse proxy, run as its own process
// (`node dist/test/bench/support/gateway/floor-proxy.js`) next to the gateway. No access check,
// no route lookup, no Berth code: a node:http server and one undici dispatch per request on a
// keep-alive pool, the client the gateway forwards with (decision 0012). What it costs is what
// any Node proxy on this host costs; the gateway's overhead above it is ours.
// It keeps the two things a proxy cannot honestly skip: hop-by-hop headers are dropped both ways
// (they describe one connection, and undici refuses most of them in a request), and idle client
// connections stay open as long as the gateway keeps them (65 s), so neither side resets more.
// FLOOR_FORWARD=gateway forwards with the gateway's own forwardHttp instead (its timeouts and
// listeners, no access check, no route lookup): tells the forward's cost from the front door's.
// FLOOR_FORWARD=http: node:http's `http.request` and a pipe each way, the floor before 0012's
// switch to undici. Env: FLOOR_PORT, FLOOR_UPSTREAM_HOST, FLOOR_UPSTREAM_PORT. Prints
// `listening` when ready.
import {
  Agent as HttpAgent,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
  createServer,
  request,
} from 'node:http';
import { Agent } from 'undici';
import { forwardHttp } from '../../../../apps/gateway/src/http-forward.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const port = Number(required('FLOOR_PORT'));
const origin = `http://${required('FLOOR_UPSTREAM_HOST')}:${Number(required('FLOOR_UPSTREAM_PORT'))}`;
const dispatcher = new Agent({ connect: { timeout: 5_000 } });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);

/** Not to crash on a failed upstream: the bench counts anything but 200 as an error. */
function badGateway(res: ServerResponse): void {
  if (!res.headersSent) res.writeHead(502);
  res.end();
}

function floorForward(req: IncomingMessage, res: ServerResponse): void {
  const headers: OutgoingHttpHeaders = {};
  for (const name in req.headers) {
    if (!HOP_BY_HOP.has(name)) headers[name] = req.headers[name];
  }
  const hasBody =
    req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  dispatcher.dispatch(
    {
      origin,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers,
      body: hasBody ? req : null,
    },
    {
      onRequestStart: () => undefined, // undici requires it
      onResponseStart: (controller, statusCode, answer) => {
        for (const name in answer) if (HOP_BY_HOP.has(name)) delete answer[name];
        res.writeHead(statusCode, answer as OutgoingHttpHeaders);
        res.on('drain', () => controller.resume());
      },
      onResponseData: (controller, chunk) => {
        if (!res.write(chunk)) controller.pause();
      },
      onResponseEnd: () => res.end(),
      onResponseError: () => badGateway(res),
    },
  );
}

function gatewayForward(req: IncomingMessage, res: ServerResponse): void {
  forwardHttp(req, res, {
    origin,
    dispatcher,
    responseTimeoutMs: 60_000,
    onResponseHeaders: () => undefined,
    onError: () => badGateway(res),
  });
}

const httpAgent = new HttpAgent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });
const { hostname, port: upstreamPort } = new URL(origin);
function httpForward(req: IncomingMessage, res: ServerResponse): void {
  const proxyReq = request({
    host: hostname,
    port: upstreamPort,
    method: req.method,
    path: req.url,
    headers: req.headers,
    agent: httpAgent,
  });
  proxyReq.on('response', (proxyRes) => {
    const headers: OutgoingHttpHeaders = proxyRes.headers;
    for (const name of HOP_BY_HOP) delete headers[name];
    res.writeHead(proxyRes.statusCode ?? 502, headers);
    proxyRes.pipe(res);
  });
  proxyReq.on('error', () => badGateway(res));
  req.pipe(proxyReq);
}

const forwards = { floor: floorForward, gateway: gatewayForward, http: httpForward };
const mode = (process.env['FLOOR_FORWARD'] ?? 'floor') as keyof typeof forwards;
const server = createServer(forwards[mode] ?? floorForward);
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  httpAgent.destroy();
  void dispatcher.destroy();
});
