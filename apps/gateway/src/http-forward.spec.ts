import { once } from 'node:events';
import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardHttp } from './http-forward.js';

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let upstream: Server;
let upstreamPort: number;
let gateway: Server;
let gatewayPort: number;
const seen: Seen[] = [];
const failures: Array<{ code?: string; timedOut: boolean }> = [];
const agent = new Agent({ keepAlive: true });
let closedPort: number;

/** /hang never answers; /cut sends headers then drops the connection; anything else echoes. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body });
    if (req.url === '/hang') return;
    if (req.url === '/cut') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
      return;
    }
    res.statusMessage = 'Fine Indeed';
    res.writeHead(201, {
      'content-type': 'text/plain',
      'set-cookie': ['keep=1; Path=/', 'drop=1; Domain=example.test'],
      'x-app': 'yes',
    });
    res.end(`got ${body}`);
  });
}

beforeAll(async () => {
  upstream = createServer(answer);
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamPort = (upstream.address() as AddressInfo).port;
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  closedPort = (closed.address() as AddressInfo).port;
  closed.close(); // nothing listens there any more: connection refused
  gateway = createServer((req, res) => {
    const port = req.headers['x-test-port'] ? Number(req.headers['x-test-port']) : upstreamPort;
    forwardHttp(req, res, {
      host: '127.0.0.1',
      port,
      agent,
      connectTimeoutMs: 2_000,
      responseTimeoutMs: req.url === '/hang' ? 100 : 5_000,
      onResponseHeaders: (headers) => {
        const cookies = headers['set-cookie']?.filter((line) => !/domain=/i.test(line));
        headers['set-cookie'] = cookies;
      },
      onError: (error, timedOut) => {
        failures.push({ code: error.code, timedOut });
        if (res.headersSent) res.destroy();
        else res.writeHead(timedOut ? 504 : 502).end();
      },
    });
  });
  gateway.keepAliveTimeout = 7_000;
  gateway.listen(0, '127.0.0.1');
  await once(gateway, 'listening');
  gatewayPort = (gateway.address() as AddressInfo).port;
});

afterAll(async () => {
  agent.destroy();
  gateway.closeAllConnections();
  upstream.closeAllConnections();
  await Promise.all([gateway, upstream].map((s) => new Promise((r) => s.close(r))));
});

function send(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; message: string; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port: gatewayPort, host: '127.0.0.1', path, method: options.method ?? 'GET' },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            message: res.statusMessage ?? '',
            headers: res.headers,
            body,
          }),
        );
        res.on('error', reject);
      },
    );
    for (const [name, value] of Object.entries(options.headers ?? {})) req.setHeader(name, value);
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('forwardHttp', () => {
  it('sends method, path, headers and body; answers status line, headers and body', async () => {
    const res = await send('/items?page=2', {
      method: 'POST',
      headers: { host: 'web.preview.test', 'x-client': 'c', trailer: 'x-sum' },
      body: 'hello',
    });
    const req = seen.at(-1);
    expect(req).toMatchObject({ method: 'POST', url: '/items?page=2', body: 'hello' });
    expect(req?.headers).toMatchObject({ host: 'web.preview.test', 'x-client': 'c' });
    expect(req?.headers['trailer']).toBeUndefined();
    expect(res).toMatchObject({ status: 201, message: 'Fine Indeed', body: 'got hello' });
    expect(res.headers).toMatchObject({ 'x-app': 'yes', connection: 'keep-alive' });
    // The gateway's own idle timeout, not the app's (5 s, for the gateway's pooled socket).
    expect(res.headers['keep-alive']).toBe('timeout=7');
    expect(res.headers['set-cookie']).toEqual(['keep=1; Path=/']);
  });

  it('reports an upstream that refuses the connection, before anything was sent', async () => {
    const res = await send('/', { headers: { 'x-test-port': String(closedPort) } });
    expect(res.status).toBe(502);
    expect(failures.at(-1)).toEqual({ code: 'ECONNREFUSED', timedOut: false });
  });

  it('reports upstream silence as a timeout', async () => {
    const res = await send('/hang');
    expect(res.status).toBe(504);
    expect(failures.at(-1)).toEqual({ code: 'ETIMEDOUT', timedOut: true });
  });

  it('reports a body cut short, after the headers went out', async () => {
    const before = failures.length;
    await expect(send('/cut')).rejects.toThrow();
    expect(failures.length).toBe(before + 1);
  });
});
