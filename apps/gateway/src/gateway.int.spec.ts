import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { gatewayConfigSchema } from '@berth/config';
import { signShareToken } from '@berth/core';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import { createLogger, type RunningService } from '@berth/observability';
import {
  closeRedis,
  createRedis,
  createSleepQueue,
  ROUTES_CHANNEL,
  type SleepQueue,
} from '@berth/queue';
import { freePort, httpRequest, type HttpResult } from '@berth/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { accessCookieName } from './access/access-cookie.js';
import { startGateway } from './gateway.js';

const SECRET = 'gateway-int-test-link-secret-0123456789abcdef';
const BASE_DOMAIN = 'preview.gateway.test';
const run = randomBytes(3).toString('hex');
/** The environment-level scheme of decision 0015: `{service}.pr-{n}-….{base}`. */
const envDomain = (pr: number) => `pr-${pr}-gw${run}.${BASE_DOMAIN}`;
const host = (service: string, pr: number) => `${service}.${envDomain(pr)}`;
const HOSTS = {
  webA: host('web', 1),
  apiA: host('api', 1),
  webB: host('web', 2),
  publicB: host('docs', 2),
  down: host('down', 1),
  late: host('late', 1),
  sleepy: host('web', 3),
  drowsy: host('web', 4),
};
/** Environments 3 and 4 sleep (decision 0024) on a Docker host of its own: wakes queue up here. */
const SLEEPY_HOST = `gw${run}`;

interface Echo {
  upstream: string;
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}

/** What a hostile preview app sets: Berth's cookie in disguise, and cookies for every preview. */
const HOSTILE_SET_COOKIES = [
  'berth_access_aaaaaaaaaaaa=planted; Path=/',
  '=berth_access_aaaaaaaaaaaa=planted; Path=/',
  'BERTH_ACCESS_aaaaaaaaaaaa=planted; Path=/',
  'berth_access_aaaaaaaaaaaa',
  `wide=1; Path=/; Domain=${BASE_DOMAIN}`,
  'wider=1; domain=.gateway.test; HttpOnly',
];
/** What of HOSTILE_SET_COOKIES may reach a browser. */
const HOST_ONLY_SET_COOKIES = ['wide=1; Path=/', 'wider=1; HttpOnly'];

/**
 * Stands in for a preview container: echoes requests as JSON, echoes WebSocket messages (and
 * refuses upgrades to /refuse), and tries HOSTILE_SET_COOKIES on every response.
 */
async function startUpstream(name: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': req.headers.origin ?? '',
        'access-control-allow-credentials': 'true',
        'x-upstream': name,
      });
      return res.end();
    }
    const body = JSON.stringify({
      upstream: name,
      method: req.method,
      url: req.url,
      headers: req.headers,
    } satisfies Echo);
    res.writeHead(200, {
      'content-type': 'application/json',
      'set-cookie': [`app_session=${name}; Path=/`, ...HOSTILE_SET_COOKIES],
    });
    res.end(body);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url !== '/refuse') {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      return;
    }
    const cookies = HOSTILE_SET_COOKIES.map((line) => `set-cookie: ${line}`);
    socket.end(['HTTP/1.1 403 Forbidden', ...cookies, 'content-length: 0', '', ''].join('\r\n'));
  });
  wss.on('headers', (headers) => {
    headers.push(...HOSTILE_SET_COOKIES.map((line) => `Set-Cookie: ${line}`));
  });
  wss.on('connection', (socket, req) => {
    socket.send(JSON.stringify({ upstream: name, url: req.url, headers: req.headers }));
    socket.on('message', (data) => socket.send(`${name}:${data.toString()}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

let prisma: PrismaClient;
let publisher: Redis;
let gateway: RunningService;
let gatewayPort: number;
let upstreams: Array<{ server: Server; port: number }>;
let envA: string;
let envB: string;
let envC: string;
let envD: string;
let wakeQueue: SleepQueue;
let downPort: number;

const inAnHour = () => new Date(Date.now() + 3_600_000);
const token = (environmentId: string, expiresAt = inAnHour(), secret = SECRET) =>
  // A link id no share_links row names is not revoked: the gateway admits it (minting and
  // revocation through the api: test/access/access-modes.int.spec.ts).
  signShareToken(secret, { environmentId, expiresAt, linkId: randomUUID() });
const cookieFor = (environmentId: string) =>
  `${accessCookieName(environmentId)}=${token(environmentId)}`;

function get(
  hostname: string,
  path = '/',
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  return httpRequest(`http://127.0.0.1:${gatewayPort}${path}`, {
    ...options,
    headers: { host: `${hostname}:${gatewayPort}`, ...options.headers },
  });
}

const echoOf = (res: HttpResult) => JSON.parse(res.body) as Echo;

/** A GET whose request target goes out exactly as written (a URL would normalise it). */
function rawGet(hostname: string, rawPath: string): Promise<HttpResult> {
  return httpRequest(`http://127.0.0.1:${gatewayPort}/`, { headers: { host: hostname }, rawPath });
}

async function publish(hostname: string): Promise<void> {
  const receivers = await publisher.publish(ROUTES_CHANNEL, hostname);
  expect(receivers).toBeGreaterThanOrEqual(1);
}

/**
 * The answer once it has `status`, or the last one after `withinMs`. Redis writes a published
 * message to its subscribers and its reply to the publisher without ordering them, so the
 * gateway may read the invalidation a moment after the test's next request arrives: the
 * contract is "within a moment", bounded here at one second, not "before the reply".
 */
async function untilStatus(
  hostname: string,
  headers: Record<string, string>,
  status: number,
  withinMs = 1_000,
): Promise<HttpResult> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await get(hostname, '/', { headers });
    if (res.status === status || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function addRoute(
  hostname: string,
  environmentId: string,
  service: string,
  port: number,
  accessMode: 'private' | 'public' = 'private',
) {
  await prisma.route.create({
    data: {
      hostname,
      environmentId,
      service,
      targetHost: '127.0.0.1',
      targetPort: port,
      accessMode,
    },
  });
}

/**
 * Opens a WebSocket through the gateway; resolves with the first message or the HTTP refusal,
 * and the Set-Cookie lines of either response.
 */
function openSocket(
  hostname: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<
  | { socket: WebSocket; first: string; setCookie?: string[] }
  | { status: number; setCookie?: string[] }
> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${gatewayPort}${path}`, {
      headers: { host: hostname, ...headers },
      handshakeTimeout: 5_000,
    });
    let setCookie: string[] | undefined;
    socket.once('upgrade', (res) => (setCookie = res.headers['set-cookie']));
    socket.once('message', (data) => resolve({ socket, first: data.toString(), setCookie }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie'] });
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

beforeAll(async () => {
  const databaseUrl =
    process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  prisma = createPrismaClient(databaseUrl);
  publisher = createRedis(redisUrl, 'gateway-int-test');
  upstreams = [await startUpstream('one'), await startUpstream('two')];
  downPort = await freePort(); // nothing listens here: a container that is not up

  const repo = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: `acme/gw${run}`,
      owner: 'acme',
      name: `gw${run}`,
      installationId: 1n,
      cloneUrl: `http://127.0.0.1:1/acme/gw${run}.git`,
    },
  });
  const env = (prNumber: number) =>
    prisma.environment.create({
      data: {
        repositoryId: repo.id,
        prNumber,
        headSha: 'a'.repeat(40),
        branch: `feature-${prNumber}`,
        baseBranch: 'main',
      },
    });
  envA = (await env(1)).id;
  envB = (await env(2)).id;
  const sleeping = (prNumber: number) =>
    prisma.environment.create({
      data: {
        repositoryId: repo.id,
        prNumber,
        headSha: 'a'.repeat(40),
        branch: `feature-${prNumber}`,
        baseBranch: 'main',
        state: 'ready',
        dockerHost: SLEEPY_HOST,
        sleptAt: new Date(),
      },
    });
  envC = (await sleeping(3)).id;
  envD = (await sleeping(4)).id;
  wakeQueue = createSleepQueue(publisher, 'berth', SLEEPY_HOST);
  const [one, two] = [upstreams[0]!, upstreams[1]!];
  await addRoute(HOSTS.webA, envA, 'web', one.port);
  await addRoute(HOSTS.apiA, envA, 'api', two.port);
  await addRoute(HOSTS.webB, envB, 'web', two.port);
  await addRoute(HOSTS.publicB, envB, 'docs', one.port, 'public');
  await addRoute(HOSTS.down, envA, 'worker-ui', downPort);
  await addRoute(HOSTS.sleepy, envC, 'web', one.port);
  await addRoute(HOSTS.drowsy, envD, 'web', one.port);

  gatewayPort = await freePort();
  const config = gatewayConfigSchema.parse({
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_OPS_PORT: String(await freePort()),
    BASE_DOMAIN,
    PREVIEW_LINK_SECRET: SECRET,
    PREVIEW_URL_SCHEME: 'http',
    // A request to a sleeping preview is held this long for its wake (decision 0024).
    WAKE_HOLD_MS: '1500',
  });
  gateway = await startGateway(config, createLogger('berth-gateway', 'warn'));
});

afterAll(async () => {
  await gateway?.close();
  for (const upstream of upstreams ?? []) upstream.server.closeAllConnections();
  await Promise.all(
    (upstreams ?? []).map((u) => new Promise((resolve) => u.server.close(resolve))),
  );
  if (wakeQueue) {
    await wakeQueue.obliterate({ force: true }).catch(() => undefined);
    await wakeQueue.close();
  }
  if (prisma) {
    await prisma.route.deleteMany({
      where: { environmentId: { in: [envA, envB, envC, envD] } },
    });
    await prisma.$disconnect();
  }
  if (publisher) await closeRedis(publisher);
});

describe('gateway: routing', () => {
  it('routes by Host to the right upstream; unknown hosts get the 404 page', async () => {
    const cookie = cookieFor(envA);
    expect(echoOf(await get(HOSTS.webA, '/', { headers: { cookie } })).upstream).toBe('one');
    expect(echoOf(await get(HOSTS.apiA, '/', { headers: { cookie } })).upstream).toBe('two');
    const unknown = await get(host('nope', 9));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('No preview at this address');
  });

  it('sends the original Host and its own X-Forwarded-*, and never forwards Berth credentials', async () => {
    const t = token(envA);
    const res = await get(HOSTS.webA, `/orders?x=1&berth_token=${t}&y=2`, {
      method: 'POST',
      headers: {
        cookie: `app=1; ${accessCookieName(envA)}=${t}; berth_access_bbbbbbbbbbbb=other`,
        'x-forwarded-for': '6.6.6.6',
        'x-forwarded-host': 'spoofed.example',
      },
    });
    expect(res.status).toBe(200);
    const echo = echoOf(res);
    expect(echo.method).toBe('POST');
    expect(echo.url).toBe('/orders?x=1&y=2');
    expect(echo.headers.host).toBe(`${HOSTS.webA}:${gatewayPort}`);
    expect(echo.headers['x-forwarded-host']).toBe(`${HOSTS.webA}:${gatewayPort}`);
    expect(echo.headers['x-forwarded-proto']).toBe('http');
    expect(echo.headers['x-forwarded-for']).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(echo.headers.cookie).toBe('app=1');
    expect(res.body).not.toContain(t);
    // The app may set its own host-only cookies, never Berth's, never for the parent domain.
    expect(res.headers['set-cookie']).toEqual([
      'app_session=one; Path=/',
      ...HOST_ONLY_SET_COOKIES,
    ]);
  });

  it('serves a route right after expose publishes it, though "no route" was just cached', async () => {
    const cookie = cookieFor(envA);
    expect((await get(HOSTS.late, '/', { headers: { cookie } })).status).toBe(404);
    await addRoute(HOSTS.late, envA, 'late', upstreams[0]!.port);
    await publish(HOSTS.late);
    const res = await untilStatus(HOSTS.late, { cookie }, 200);
    expect(res.status).toBe(200);
    expect(echoOf(res).upstream).toBe('one');
  });

  it('404s a destroyed environment’s host right after teardown publishes', async () => {
    const hostname = host('gone', 1);
    const cookie = cookieFor(envA);
    await addRoute(hostname, envA, 'gone', upstreams[0]!.port);
    await publish(hostname);
    expect((await untilStatus(hostname, { cookie }, 200)).status).toBe(200);
    await prisma.route.delete({ where: { hostname } });
    await publish(hostname);
    const res = await untilStatus(hostname, { cookie }, 404);
    expect(res.status).toBe(404);
    expect(res.body).toContain('No preview at this address');
  });

  it('answers a 502 page naming the service when its container is not answering', async () => {
    const res = await get(HOSTS.down, '/', { headers: { cookie: cookieFor(envA) } });
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<code>worker-ui</code> service is not answering');
    expect(res.body).toContain('may be starting');
    expect(await openSocket(HOSTS.down, '/', { cookie: cookieFor(envA) })).toEqual({
      status: 502,
    });
  });

  it('records access telemetry (lastAccessAt) without being asked twice a minute', async () => {
    await get(HOSTS.webB, '/', { headers: { cookie: cookieFor(envB) } });
    let seen: Date | null = null;
    for (let i = 0; i < 50 && !seen; i += 1) {
      seen = (await prisma.environment.findUniqueOrThrow({ where: { id: envB } })).lastAccessAt;
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBeInstanceOf(Date);
    await get(HOSTS.webB, '/', { headers: { cookie: cookieFor(envB) } });
    await new Promise((r) => setTimeout(r, 300));
    const again = await prisma.environment.findUniqueOrThrow({ where: { id: envB } });
    expect(again.lastAccessAt?.getTime()).toBe(seen?.getTime());
  });
});

describe('gateway: WebSockets', () => {
  it('proxies a WebSocket both ways, with Berth credentials stripped', async () => {
    const opened = await openSocket(HOSTS.webA, '/live?room=1', {
      cookie: `theme=dark; ${cookieFor(envA)}`,
    });
    if (!('socket' in opened)) throw new Error(`upgrade refused: ${opened.status}`);
    const hello = JSON.parse(opened.first) as Echo;
    expect(hello.upstream).toBe('one');
    expect(hello.url).toBe('/live?room=1');
    expect(hello.headers.cookie).toBe('theme=dark');
    expect(hello.headers['x-forwarded-host']).toBe(HOSTS.webA);
    const reply = new Promise<string>((resolve) =>
      opened.socket.once('message', (data) => resolve(data.toString())),
    );
    opened.socket.send('ping');
    expect(await reply).toBe('one:ping');
    opened.socket.close();
  });

  it('lets no Berth cookie and no parent-domain cookie through an upgrade, accepted or refused', async () => {
    const cookie = cookieFor(envA);
    const opened = await openSocket(HOSTS.webA, '/live', { cookie });
    if (!('socket' in opened)) throw new Error(`upgrade refused: ${opened.status}`);
    opened.socket.close();
    expect(opened.setCookie).toEqual(HOST_ONLY_SET_COOKIES);
    expect(await openSocket(HOSTS.webA, '/refuse', { cookie })).toEqual({
      status: 403,
      setCookie: HOST_ONLY_SET_COOKIES,
    });
  });

  it('accepts a share token on the upgrade URL, and refuses none or another environment’s', async () => {
    const withToken = await openSocket(HOSTS.webA, `/live?berth_token=${token(envA)}`);
    if (!('socket' in withToken)) throw new Error(`upgrade refused: ${withToken.status}`);
    expect((JSON.parse(withToken.first) as Echo).url).toBe('/live');
    withToken.socket.close();
    expect(await openSocket(HOSTS.webA, '/live')).toEqual({ status: 401 });
    expect(await openSocket(HOSTS.webA, `/live?berth_token=${token(envB)}`)).toEqual({
      status: 401,
    });
  });
});

describe('gateway: private by default', () => {
  it('shows the private page without credentials', async () => {
    const res = await get(HOSTS.webA, '/');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('This preview is private');
    expect(res.body).toContain('ask an operator of this Berth for a share link');
  });

  it('exchanges a share link for a cookie, redirects without the token, then proxies', async () => {
    const t = token(envA);
    const res = await get(HOSTS.webA, `/cart?x=1&berth_token=${t}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/cart?x=1');
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(
      new RegExp(
        `^${accessCookieName(envA)}=${t.replace(/[.]/g, '\\.')}; Max-Age=(3599|3600); Path=/; HttpOnly; SameSite=Lax; Domain=${envDomain(1).replace(/[.]/g, '\\.')}$`,
      ),
    );
    const cookie = setCookie.split(';')[0] ?? '';
    // The same cookie opens the environment's other service host (its api, called by its web).
    for (const [hostname, upstream] of [
      [HOSTS.webA, 'one'],
      [HOSTS.apiA, 'two'],
    ] as const) {
      const followed = await get(hostname, '/cart?x=1', { headers: { cookie } });
      expect(followed.status).toBe(200);
      expect(echoOf(followed)).toMatchObject({ upstream, url: '/cart?x=1' });
      expect(echoOf(followed).headers.cookie).toBeUndefined();
    }
    // A page of another preview (the same site under a real domain) cannot use it: not by
    // fetch or form POST, not by WebSocket.
    const foreign = `http://${HOSTS.webB}:${gatewayPort}`;
    const posted = await get(HOSTS.apiA, '/orders', {
      method: 'POST',
      headers: { cookie, origin: foreign },
    });
    expect(posted.status).toBe(401);
    expect(posted.headers['x-upstream']).toBeUndefined();
    const own = await get(HOSTS.apiA, '/orders', {
      method: 'POST',
      headers: { cookie, origin: `http://${HOSTS.webA}:${gatewayPort}` },
    });
    expect(own.status).toBe(200);
  });

  it('keeps the token-stripping redirect on the preview host, whatever the path', async () => {
    const t = token(envA);
    const paths: Array<[string, string]> = [
      [`//evil.example/?berth_token=${t}`, '/evil.example/'],
      [`/\\evil.example/?berth_token=${t}`, '/evil.example/'],
      [`/\\/evil.example?berth_token=${t}`, '/evil.example'],
      [`////evil.example/a?b=1&berth_token=${t}`, '/evil.example/a?b=1'],
      [`http://evil.example/x?berth_token=${t}`, '/http://evil.example/x'],
    ];
    for (const [path, location] of paths) {
      const res = await rawGet(HOSTS.webA, path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location, path).toBe(location);
      const lands = new URL(res.headers.location ?? '', `http://${HOSTS.webA}/`);
      expect(lands.host, path).toBe(HOSTS.webA);
    }
  });

  it('never opens environment A with environment B’s token or cookie', async () => {
    expect((await get(HOSTS.webA, `/?berth_token=${token(envB)}`)).status).toBe(401);
    expect((await get(HOSTS.webA, '/', { headers: { cookie: cookieFor(envB) } })).status).toBe(401);
    const planted = `${accessCookieName(envA)}=${token(envB)}`;
    expect((await get(HOSTS.webA, '/', { headers: { cookie: planted } })).status).toBe(401);
    // … while B's own host accepts B's link.
    expect((await get(HOSTS.webB, `/?berth_token=${token(envB)}`)).status).toBe(302);
  });

  it('refuses expired and forged links', async () => {
    const expired = token(envA, new Date(Date.now() - 1_000));
    const forged = token(envA, inAnHour(), 'not-the-gateway-secret-0123456789abcdef');
    for (const t of [expired, forged, 'garbage']) {
      const res = await get(HOSTS.webA, `/?berth_token=${t}`);
      expect(res.status).toBe(401);
      expect(res.body).toContain('This preview is private');
    }
    const expiredCookie = `${accessCookieName(envA)}=${expired}`;
    expect((await get(HOSTS.webA, '/', { headers: { cookie: expiredCookie } })).status).toBe(401);
  });

  it('refuses OPTIONS without credentials, like any other method', async () => {
    const cases: Array<Record<string, string>> = [
      {},
      // Half a preflight (no Origin) is no preflight.
      { 'access-control-request-method': 'POST' },
    ];
    for (const headers of cases) {
      const res = await get(HOSTS.apiA, '/orders', { method: 'OPTIONS', headers });
      expect(res.status).toBe(401);
      expect(res.headers['x-upstream']).toBeUndefined();
      expect(res.body).toContain('This preview is private');
    }
  });

  it('proxies an OPTIONS that is not a preflight when it carries access', async () => {
    const res = await get(HOSTS.apiA, '/orders', {
      method: 'OPTIONS',
      headers: { cookie: cookieFor(envA) },
    });
    expect(res.status).toBe(204);
    expect(res.headers['x-upstream']).toBe('two');
  });

  const preflight = (target: string, origin: string, cookie?: string) =>
    get(target, '/orders', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
        ...(cookie ? { cookie } : {}),
      },
    });
  const originOf = (hostname: string) => `http://${hostname}:${gatewayPort}`;

  it('answers a preflight from a page of the same environment itself, never asking the app', async () => {
    for (const origin of [
      originOf(HOSTS.webA),
      originOf(HOSTS.apiA),
      // The scheme is not compared: TLS may end in front of the gateway (see cors-preflight).
      `https://${HOSTS.webA}:${gatewayPort}`,
    ]) {
      const res = await preflight(HOSTS.apiA, origin);
      expect(res.status).toBe(204);
      expect(res.headers['x-upstream']).toBeUndefined();
      expect(res.headers['x-berth-gateway']).toBe('preflight');
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-allow-methods']).toBe('POST');
      expect(res.headers['access-control-allow-headers']).toBe('content-type');
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers.vary).toMatch(/^Origin\b/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // Even with credentials, the app never sees a preflight.
    const credentialed = await preflight(HOSTS.apiA, originOf(HOSTS.webA), cookieFor(envA));
    expect(credentialed.status).toBe(204);
    expect(credentialed.headers['x-upstream']).toBeUndefined();
  });

  it('refuses a preflight from any other origin', async () => {
    for (const origin of [
      originOf(HOSTS.webB), // another environment's preview
      originOf(HOSTS.publicB), // … even its public one
      originOf(host('nope', 9)), // no preview at all
      'http://evil.example',
      `http://evil.example:${gatewayPort}`,
      `http://${HOSTS.webA}`, // right host, wrong port
      'null',
    ]) {
      const res = await preflight(HOSTS.apiA, origin, cookieFor(envA));
      expect(res.status, origin).toBe(401);
      expect(res.headers['x-upstream'], origin).toBeUndefined();
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });

  it('leaves preflights on a public route to its app', async () => {
    const res = await preflight(HOSTS.publicB, 'http://anywhere.example');
    expect(res.status).toBe(204);
    expect(res.headers['x-upstream']).toBe('one');
  });

  it('needs no credentials on a public route', async () => {
    const res = await get(HOSTS.publicB, '/docs');
    expect(res.status).toBe(200);
    expect(echoOf(res)).toMatchObject({ upstream: 'one', url: '/docs' });
  });
});

describe('gateway: sleeping previews (decision 0024)', () => {
  const wakesOf = async (environmentId: string) =>
    (await wakeQueue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed'])).filter(
      (job) =>
        job.name === 'wake' &&
        'environmentId' in job.data &&
        job.data.environmentId === environmentId,
    );

  it('answers a request without access as ever (401), and asks for no wake', async () => {
    const res = await get(HOSTS.drowsy, '/', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(401);
    expect(res.body).toContain('This preview is private');
    expect(await openSocket(HOSTS.drowsy, '/live')).toEqual({ status: 401 });
    expect(await wakesOf(envD)).toEqual([]);
  });

  it('asks for one wake, then answers a browser "waking up" and an API call 503 + Retry-After', async () => {
    const cookie = cookieFor(envD);
    const page = await get(HOSTS.drowsy, '/orders', {
      headers: { cookie, accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.status).toBe(503);
    expect(page.headers['x-berth-gateway']).toBe('waking');
    expect(page.headers['retry-after']).toBe('2');
    expect(page.body).toContain('This preview is waking up');
    expect(page.body).toContain('<meta http-equiv="refresh" content="2">');
    const api = await get(HOSTS.drowsy, '/orders', {
      headers: { cookie, accept: 'application/json' },
    });
    expect(api.status).toBe(503);
    expect(api.headers['retry-after']).toBe('2');
    expect(api.headers['content-type']).toContain('text/plain');
    expect(await openSocket(HOSTS.drowsy, '/live', { cookie })).toEqual({ status: 503 });
    // Three requests, one wake: the same sleep is asked for once per window.
    const asked = await wakesOf(envD);
    expect(asked).toHaveLength(1);
    expect(asked[0]?.data).toEqual({ environmentId: envD, requestedBy: 'gateway' });
    // Nothing reached the app, so nothing counts as an access.
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: envD } });
    expect(row.accessCount).toBe(0);
    expect(row.lastAccessAt).toBeNull();
  });

  it('holds a request while the preview wakes, and lets it through once the wake is announced', async () => {
    const cookie = cookieFor(envC);
    const held = get(HOSTS.sleepy, '/cart', { headers: { cookie, accept: 'text/html' } });
    // The request is held once its wake is asked for; then a worker wakes the preview.
    await waitFor(async () => (await wakesOf(envC)).length === 1);
    await prisma.environment.update({ where: { id: envC }, data: { sleptAt: null } });
    await publish(HOSTS.sleepy);
    const res = await held;
    expect(res.status).toBe(200);
    expect(echoOf(res)).toMatchObject({ upstream: 'one', url: '/cart' });
    // The request that got through counts: at once, being the first of its interval.
    await waitFor(
      async () =>
        (await prisma.environment.findUniqueOrThrow({ where: { id: envC } })).accessCount === 1,
    );
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: envC } });
    expect(row.lastAccessAt).toBeInstanceOf(Date);
  });
});

/** Polls `check` every 20 ms; a bounded wait for something another process does. */
async function waitFor(check: () => Promise<boolean>, withinMs = 5_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('gateway: overhead', () => {
  it('reports median latency of 200 sequential requests, direct vs through the gateway', async () => {
    const cookie = cookieFor(envA);
    const direct = `http://127.0.0.1:${upstreams[0]!.port}/`;
    const time = async (call: () => Promise<HttpResult>) => {
      const samples: number[] = [];
      for (let i = 0; i < 200; i += 1) {
        const started = performance.now();
        const res = await call();
        samples.push(performance.now() - started);
        expect(res.status).toBe(200);
      }
      samples.sort((a, b) => a - b);
      return {
        median: samples[100]!,
        p95: samples[190]!,
      };
    };
    const viaDirect = await time(() => httpRequest(direct));
    const viaGateway = await time(() => get(HOSTS.webA, '/', { headers: { cookie } }));
    console.log(
      `[gateway overhead] 200 sequential GETs: direct median ${viaDirect.median.toFixed(2)} ms ` +
        `(p95 ${viaDirect.p95.toFixed(2)}), through gateway median ${viaGateway.median.toFixed(2)} ms ` +
        `(p95 ${viaGateway.p95.toFixed(2)}), overhead ≈ ${(viaGateway.median - viaDirect.median).toFixed(2)} ms`,
    );
  });
});
