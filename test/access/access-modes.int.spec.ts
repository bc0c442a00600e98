// The ip and token access modes and share links (decision 0013) from outside: settings and links
// go through the real admin api, requests through the real gateway to an echoing upstream.
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gatewayConfigSchema } from '@berth/config';
import { environmentIdentity, previewHostname, previewUrl } from '@berth/core';
import { createLogger, type RunningService } from '@berth/observability';
import { freePort, httpRequest, type HttpResult, waitFor } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';
import { startGateway } from '../../apps/gateway/src/gateway.js';

const SECRET = 'access-modes-int-test-link-secret-0123456789';
const BASE_DOMAIN = 'preview.access.test';
const owner = `acc-${randomBytes(3).toString('hex')}`;
const repository = `${owner}/shop`;
const PR = 7;
const HOST = previewHostname(environmentIdentity(repository, PR), 'web', BASE_DOMAIN);

let api: ApiHarness;
let gateway: RunningService;
let gatewayPort: number;
let upstream: Server;

const admin = (method: string, path: string, body?: unknown) =>
  httpRequest(`${api.url}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const settings = (patch: unknown) => admin('PATCH', `/repositories/${repository}`, patch);

/** A request to the preview through the gateway; the test client is the trusted proxy. */
const get = (path = '/', headers: Record<string, string> = {}): Promise<HttpResult> =>
  httpRequest(`http://127.0.0.1:${gatewayPort}${path}`, { headers: { host: HOST, ...headers } });
const echoed = (res: HttpResult) =>
  (JSON.parse(res.body) as { headers: IncomingHttpHeaders }).headers;

/** Gateways learn of a change over Redis, just after the api answers: wait for the status. */
const until = (what: string, status: number, request: () => Promise<HttpResult>) =>
  waitFor(what, async () => ((await request()).status === status ? true : undefined), 5_000, 50);

beforeAll(async () => {
  api = await startApi({ PREVIEW_LINK_SECRET: SECRET });
  const prisma = api.stores.prisma;
  upstream = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ headers: req.headers }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const repo = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: repository,
      owner,
      name: 'shop',
      installationId: 1n,
      cloneUrl: `http://127.0.0.1:1/${repository}.git`,
    },
  });
  const env = await prisma.environment.create({
    data: {
      repositoryId: repo.id,
      prNumber: PR,
      headSha: 'a'.repeat(40),
      branch: 'feature',
      baseBranch: 'main',
      state: 'ready',
    },
  });
  const url = previewUrl(environmentIdentity(repository, PR), 'web', {
    baseDomain: BASE_DOMAIN,
    scheme: 'http',
  });
  await prisma.revision.create({
    data: {
      environmentId: env.id,
      generation: 1,
      headSha: 'a'.repeat(40),
      configSnapshot: {},
      wiring: { urls: { web: url } },
    },
  });
  await prisma.route.create({
    data: {
      hostname: HOST,
      environmentId: env.id,
      service: 'web',
      targetHost: '127.0.0.1',
      targetPort: (upstream.address() as AddressInfo).port,
      accessMode: 'private',
    },
  });
  gatewayPort = await freePort();
  const config = gatewayConfigSchema.parse({
    DATABASE_URL:
      process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test',
    REDIS_URL: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: 'warn',
    GATEWAY_PORT: String(gatewayPort),
    GATEWAY_OPS_PORT: String(await freePort()),
    BASE_DOMAIN,
    PREVIEW_LINK_SECRET: SECRET,
    PREVIEW_URL_SCHEME: 'http',
    TRUSTED_PROXIES: '127.0.0.1/32',
  });
  gateway = await startGateway(config, createLogger('berth-gateway', 'warn'));
});

afterAll(async () => {
  await gateway?.close();
  upstream?.closeAllConnections();
  await new Promise((resolve) => upstream?.close(resolve));
  if (api) {
    await api.stores.prisma.repositorySettings.deleteMany({ where: { fullName: repository } });
    await api.stores.prisma.route.deleteMany({ where: { hostname: HOST } });
    await api.stop();
  }
});

describe('ip mode', () => {
  it('refuses a client outside the allowlist, lets one inside in, and believes only the trusted hop', async () => {
    const inside = { 'x-forwarded-for': '203.0.113.9' };
    expect((await get('/', inside)).status).toBe(401); // cached without the ip mode
    const bad = await settings({
      accessModes: ['ip'],
      ipAllowlist: ['203.0.113.0/24', '10.1.2.3/8'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('ipAllowlist.1');
    expect(bad.body).toContain('\\"10.1.2.3/8\\" is not a CIDR such as 203.0.113.0/24');
    const unknown = await settings({ accessModes: ['vpn'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('valid: sso, ip, token');

    expect((await settings({ accessModes: ['ip'], ipAllowlist: ['203.0.113.0/24'] })).status).toBe(
      200,
    );
    await until('the allowlist to reach the gateway', 200, () => get('/', inside));
    expect((await get('/', { 'x-forwarded-for': '198.51.100.7' })).status).toBe(401);
    // The client wrote the left hop; the trusted proxy (this test) appended the real one.
    expect((await get('/', { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' })).status).toBe(401);
    expect((await get('/', { 'x-forwarded-for': '::ffff:203.0.113.77' })).status).toBe(200);
    // The app sees the client the allowlist judged, not the trusted proxy's address, and never
    // the hops the client wrote itself.
    const admitted = await get('/', { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' });
    expect(admitted.status).toBe(200);
    expect(echoed(admitted)['x-forwarded-for']).toBe('203.0.113.9');

    expect((await settings({ accessModes: [] })).status).toBe(200);
    await until('the mode switched off to reach the gateway', 401, () => get('/', inside));
  });
});

describe('token mode', () => {
  it('admits the bypass header without forwarding it, and the old secret stops at rotation', async () => {
    expect((await settings({ accessModes: ['token'] })).status).toBe(200);
    const first = await admin('POST', `/repositories/${repository}/bypass-token`);
    expect(first.status).toBe(200);
    const { secret } = JSON.parse(first.body) as { secret: string };
    const shown = await admin('GET', `/repositories/${repository}`);
    expect(shown.body).not.toContain(secret);
    expect(JSON.parse(shown.body)).toMatchObject({ accessModes: ['token'], bypassTokenSet: true });

    const res = await until('the secret to reach the gateway', 200, () =>
      get('/', { 'x-berth-bypass': secret }),
    );
    expect(res).toBe(true);
    const admitted = await get('/', { 'x-berth-bypass': secret, 'x-other': '1' });
    expect(admitted.status).toBe(200);
    expect(echoed(admitted)['x-berth-bypass']).toBeUndefined();
    expect(echoed(admitted)['x-other']).toBe('1');
    expect(admitted.body).not.toContain(secret);
    expect((await get('/', { 'x-berth-bypass': `${secret}x` })).status).toBe(401);

    const second = JSON.parse(
      (await admin('POST', `/repositories/${repository}/bypass-token`)).body,
    ) as {
      secret: string;
    };
    await until('the old secret to stop working', 401, () =>
      get('/', { 'x-berth-bypass': secret }),
    );
    expect((await get('/', { 'x-berth-bypass': second.secret })).status).toBe(200);
    expect((await settings({ accessModes: [] })).status).toBe(200);
  });
});

describe('share links', () => {
  it('mint a working link that is refused, with its cookie, once revoked', async () => {
    const created = await admin('POST', `/repositories/${repository}/pulls/${PR}/share-links`, {
      ttlSeconds: 3600,
      note: 'for the designer',
    });
    expect(created.status).toBe(201);
    const link = JSON.parse(created.body) as { id: string; links: Record<string, string> };
    const target = new URL(link.links['web'] ?? '');
    expect(target.hostname).toBe(HOST);

    const login = await get(`${target.pathname}${target.search}`);
    expect(login.status).toBe(302);
    const cookie = String([login.headers['set-cookie'] ?? []].flat()[0]).split(';')[0] ?? '';
    expect((await get('/', { cookie })).status).toBe(200);

    const listed = await admin('GET', `/repositories/${repository}/pulls/${PR}/share-links`);
    expect(JSON.parse(listed.body)).toMatchObject({
      shareLinks: [{ id: link.id, status: 'active', note: 'for the designer' }],
    });
    expect(listed.body).not.toContain(target.searchParams.get('berth_token') ?? '');

    const revoked = await admin('DELETE', `/share-links/${link.id}`);
    expect(revoked.status).toBe(200);
    await until('the revocation to reach the gateway', 401, () => get('/', { cookie }));
    const refused = await get('/', { cookie });
    expect(refused.body).toContain('revoked');
    expect((await get(`${target.pathname}${target.search}`)).status).toBe(401);

    const tooLong = await admin('POST', `/repositories/${repository}/pulls/${PR}/share-links`, {
      ttlSeconds: 8 * 86_400,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toContain('ttlSeconds: must be at most 604800 (7d)');
  });
});
