// The floor of the gateway bench: the smallest honest Node reverse proxy, run as its own process
// (`node dist/test/bench/support/gateway/floor-proxy.js`) next to the gateway. No access check,
// no route lookup, no Berth code: a node:http server, one `http.request` per request on a
// keep-alive agent configured like the gateway's (preview-proxy.ts), and a pipe each way. What
// it costs is what any Node proxy on this host costs; the gateway's overhead above it is ours.
// It keeps the two things a proxy cannot honestly skip: the app's hop-by-hop response headers
// are dropped (they describe the pooled upstream socket, not the client's), and idle client
// connections stay open as long as the gateway keeps them (65 s), so neither side resets more.
// FLOOR_FORWARD=gateway forwards with the gateway's own forwardHttp instead (its timeouts and
// listeners, no access check, no route lookup): tells the forward's cost from the front door's.
// Env: FLOOR_PORT, FLOOR_UPSTREAM_HOST, FLOOR_UPSTREAM_PORT. Prints `listening` when ready.
import {
  Agent,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
  createServer,
  request,
} from 'node:http';
import { forwardHttp } from '../../../../apps/gateway/src/http-forward.js';

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const port = Number(required('FLOOR_PORT'));
const upstreamHost = required('FLOOR_UPSTREAM_HOST');
const upstreamPort = Number(required('FLOOR_UPSTREAM_PORT'));
const agent = new Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });

function floorForward(req: IncomingMessage, res: ServerResponse): void {
  const proxyReq = request({
    host: upstreamHost,
    port: upstreamPort,
    method: req.method,
    path: req.url,
    headers: req.headers,
    agent,
  });
  proxyReq.on('response', (proxyRes) => {
    const headers: OutgoingHttpHeaders = proxyRes.headers;
    delete headers['transfer-encoding'];
    delete headers['connection'];
    delete headers['keep-alive'];
    res.writeHead(proxyRes.statusCode ?? 502, headers);
    proxyRes.pipe(res);
  });
  // Not to crash on a failed upstream: the bench counts anything but 200 as an error.
  proxyReq.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(proxyReq);
}

/** The gateway's forward with preview-proxy.ts's timeouts; any failure is a 502. */
function gatewayForward(req: IncomingMessage, res: ServerResponse): void {
  forwardHttp(req, res, {
    host: upstreamHost,
    port: upstreamPort,
    agent,
    connectTimeoutMs: 5_000,
    responseTimeoutMs: 60_000,
    onResponseHeaders: () => undefined,
    onError: () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    },
  });
}

const server = createServer(
  process.env['FLOOR_FORWARD'] === 'gateway' ? gatewayForward : floorForward,
);
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, '127.0.0.1', () => console.log('listening'));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  agent.destroy();
});
