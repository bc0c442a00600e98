import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
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
const agent = new Agent({ connect: { timeout: 2_000 } });
let closedPort: number;

/** Upstream requests whose answer the client abandoned: their `res` closed unfinished. */
const abandoned: string[] = [];

/**
 * /hang never answers; /cut sends headers then drops the connection; /drip sends its body in
 * pieces over time and never ends unless asked; /big answers 4 MiB; anything else echoes.
 */
function answer(req: IncomingMessage, res: ServerResponse): void {
  res.on('close', () => {
    if (!res.writableFinished) abandoned.push(req.url ?? '');
  });
  if (req.url === '/big') {
    let received = 0;
    req.on('data', (chunk: Buffer) => (received += chunk.length));
    req.on('end', () => {
      const body = Buffer.alloc(4 * 1024 * 1024, 'b');
      res.writeHead(200, { 'x-received': String(received), 'content-length': body.length });
      res.end(body);
    });
    return;
  }
  if (req.url?.startsWith('/drip')) {
    res.writeHead(200, { 'content-type': 'text/plain' }); // no length: chunked
    res.write('first;');
    const timer = setTimeout(() => {
      if (req.url === '/drip?end') res.end('second');
      else res.write('second;');
    }, 50);
    res.on('close', () => clearTimeout(timer));
    return;
  }
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
      origin: `http://127.0.0.1:${port}`,
      dispatcher: agent,
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
  await agent.destroy();
  gateway.closeAllConnections();
  upstream.closeAllConnections();
  await Promise.all([gateway, upstream].map((s) => new Promise((r) => s.close(r))));
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 20));
  expect(condition()).toBe(true);
}

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

  it('drops hop-by-hop request headers, those the client names in Connection too', async () => {
    await send('/', {
      headers: { connection: 'x-hop, keep-alive', 'x-hop': 'no', 'x-kept': 'yes', te: 'trailers' },
    });
    const headers = seen.at(-1)?.headers ?? {};
    expect(headers['x-kept']).toBe('yes');
    expect(headers['x-hop']).toBeUndefined();
    expect(headers['te']).toBeUndefined();
  });

  it('streams large bodies both ways', async () => {
    const body = 'a'.repeat(3 * 1024 * 1024);
    const res = await send('/big', { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(res.headers['x-received']).toBe(String(body.length));
    expect(res.body.length).toBe(4 * 1024 * 1024);
  });

  it('passes a body on as it arrives, without waiting for its end', async () => {
    const res = await send('/drip?end');
    expect(res).toMatchObject({ status: 200, body: 'first;second' });
    expect(res.headers['transfer-encoding']).toBe('chunked');
  });

  it('stops the upstream request when the client goes away', async () => {
    const before = failures.length;
    await new Promise<void>((resolve, reject) => {
      const req = request({ port: gatewayPort, host: '127.0.0.1', path: '/drip' }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
      req.end();
      setTimeout(() => reject(new Error('no first piece')), 3_000);
    });
    await waitUntil(() => abandoned.includes('/drip'));
    expect(failures.length).toBe(before); // the client leaving is not an upstream failure
  });

  it('answers 502 for a request with a body the upstream never takes', async () => {
    const res = await send('/', {
      method: 'POST',
      headers: { 'x-test-port': String(closedPort) },
      body: 'payload',
    });
    expect(res.status).toBe(502);
    expect(failures.at(-1)).toEqual({ code: 'ECONNREFUSED', timedOut: false });
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
