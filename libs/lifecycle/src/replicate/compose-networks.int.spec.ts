// Real engine + test database: compose networks are real, isolated Docker networks cut from the
// environment's one pool subnet, the host (where the gateway runs) reaches exposed services on
// any of them, repository mounts not declared `rw` are read-only at the mount (EROFS), and
// teardown leaves no network, volume or subnet behind.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cidrContains, parseCidr, parseComposeOrThrow, subnetPool } from '@berth/core';
import { type PrismaClient, ResourceLedger, SubnetLedger } from '@berth/db';
import type { DockerContainerHost, SourceFile } from '@berth/providers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepoMountImages } from '../build/repo-mounts.js';
import type { RevisionImages } from '../pipeline/revision-outputs.js';
import { createTeardownHandler, type TeardownDetails } from '../teardown/teardown-handler.js';
import { createReplicateHandler, type ReplicateDetails } from './replicate-handler.js';
import {
  type TestEnvironment,
  createTestEnvironment,
  execIn,
  removeByEnvLabel,
  stageInput,
  testDatabase,
  testHost,
  updateRevision,
  wiringFor,
} from './shop-fixture.int-support.js';
import { SubnetAllocator } from './subnet-allocator.js';

const NODE_IMAGE = 'berth-fixture/node:24';
const silent = pino({ level: 'silent' });
// A pool and a ledger host no other spec uses: the networks are real, the ranges our own.
const POOL = '10.217.0.0/24';
const HOST = `it-nets-${randomBytes(3).toString('hex')}`;

let host: DockerContainerHost;
let prisma: PrismaClient;
const envs: TestEnvironment[] = [];
const tags: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  host = await testHost();
  prisma = testDatabase();
  if (!(await host.imageExists(NODE_IMAGE))) {
    throw new Error(`${NODE_IMAGE} is missing: run scripts/bootstrap/images.sh first`);
  }
});

afterAll(async () => {
  for (const env of envs) await removeByEnvLabel(host, env.envLabel).catch(() => undefined);
  for (const tag of tags) await host.removeImage(tag).catch(() => undefined);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  await prisma.resource.deleteMany({ where: { host: HOST } });
  await prisma?.$disconnect();
});

const ledger = () => new ResourceLedger(prisma, HOST);
const replicate = () =>
  createReplicateHandler({
    containerHost: host,
    prisma,
    ledger: ledger(),
    subnets: new SubnetAllocator(new SubnetLedger(prisma, HOST), subnetPool(POOL, 26)),
    maxNetworks: 4,
  });
const teardown = () =>
  createTeardownHandler({
    containerHost: host,
    prisma,
    ledger: ledger(),
    publisher: { publish: async () => 0 },
  });

async function runTeardown(env: TestEnvironment): Promise<TeardownDetails> {
  const input = stageInput(env);
  const outcome = await teardown().run({ ...input, job: { ...input.job, stage: 'teardown' } });
  return outcome.details as unknown as TeardownDetails;
}

const listen = (port: number) =>
  `require('net').createServer((s) => { s.on('error', () => {}); s.end('hi'); })` +
  `.listen(${port}); setInterval(() => {}, 1e9)`;

const probe = (port: number) =>
  `require('net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0))` +
  `.on('error', () => process.exit(1))`;

/** A listener with a healthcheck: the stage waits until it accepts connections. */
const listenerOf = (port: number) =>
  [
    `    image: ${NODE_IMAGE}`,
    `    command: [node, -e, ${JSON.stringify(listen(port))}]`,
    '    healthcheck:',
    `      test: [CMD, node, -e, ${JSON.stringify(probe(port))}]`,
    '      interval: 1s',
    '      retries: 60',
  ].join('\n');

/** From inside `container`: can it open a TCP connection to host:port? connected / an error code. */
async function tryConnect(container: string, target: string, port: number): Promise<string> {
  const script =
    "const s = require('net').connect(+process.argv[2], process.argv[1]);" +
    "s.setTimeout(4000, () => { console.log('TIMEOUT'); process.exit(3); });" +
    "s.on('connect', () => { console.log('CONNECTED'); process.exit(0); });" +
    "s.on('error', (e) => { console.log(e.code); process.exit(2); });";
  const { output } = await execIn(host, container, ['node', '-e', script, target, String(port)]);
  return output.trim();
}

/** From the test process, on the host, as the gateway connects. */
function hostConnects(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, address);
    socket.setTimeout(2000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('compose networks on the real engine', () => {
  const compose = `
services:
  proxy:
${listenerOf(8080)}
    networks: [frontend]
  app:
${listenerOf(3000)}
    networks:
      frontend: { aliases: [www] }
      backend: { aliases: [api] }
  db:
${listenerOf(5432)}
    networks: [backend]
  tool:
    image: ${NODE_IMAGE}
    command: [sleep, infinity]
networks:
  frontend: {}
  backend: { internal: true }
`;
  let env: TestEnvironment;
  let details: ReplicateDetails;
  const c = (service: string) => details.services[service]?.container ?? `no ${service}`;

  it('creates one network per compose network, each in its own slice of the subnet', async () => {
    const spec = parseComposeOrThrow(compose);
    const images: RevisionImages = Object.fromEntries(
      Object.keys(spec.services).map((s) => [
        s,
        { tag: NODE_IMAGE, source: 'image', durationMs: 0 },
      ]),
    );
    env = await createTestEnvironment(
      prisma,
      71,
      images,
      wiringFor(spec, 'nets#71', 71, { proxy: 8080, db: 5432 }),
    );
    envs.push(env);
    const started = Date.now();
    details = (await replicate().run(stageInput(env))).details as unknown as ReplicateDetails;
    console.log(`replicate with 3 networks: ${Date.now() - started} ms`);

    expect(Object.keys(details.networks)).toEqual(['default', 'backend', 'frontend']);
    const block = parseCidr(details.subnet);
    expect(cidrContains(parseCidr(POOL), block)).toBe(true);
    for (const net of Object.values(details.networks)) {
      expect(cidrContains(block, parseCidr(net.subnet))).toBe(true);
    }
    const onHost = (await host.listByLabels({ 'berth.env': env.envLabel })).networks;
    expect(onHost.map((n) => n.name).sort()).toEqual(
      Object.values(details.networks)
        .map((n) => n.name)
        .sort(),
    );
    for (const n of onHost) {
      const key = n.labels['berth.network'] as string;
      expect(n.subnets).toEqual([details.networks[key]?.subnet]);
    }
    const rows = (await ledger().live(env.environment.id)).filter((r) => r.kind === 'network');
    expect(rows.map((r) => r.name).sort()).toEqual(onHost.map((n) => n.name).sort());
    expect(rows.every((r) => r.state === 'created')).toBe(true);
    const backend = await host.docker
      .getNetwork(details.networks['backend']?.name ?? '?')
      .inspect();
    expect(backend.Internal).toBe(true);
  }, 120_000);

  it('isolates networks: frontend-only cannot reach backend-only; a service on both reaches both', async () => {
    // Names resolve only on shared networks, with each network's own aliases (an unknown name
    // on an internal network waits for an upstream resolver it cannot reach: a timeout).
    const unreachable = /^(ENOTFOUND|EAI_AGAIN|TIMEOUT|ENETUNREACH|EHOSTUNREACH)$/;
    const dbState = await host.inspectContainer(c('db'));
    const dbIp = dbState?.networks[details.networks['backend']?.name ?? '?'] as string;
    expect(dbIp).toBeTruthy();
    // [from, to, port, expected]: probed at once, since each refusal waits out a timeout.
    const probes: [string, string, number, RegExp][] = [
      ['proxy', 'db', 5432, unreachable],
      ['proxy', 'api', 3000, unreachable],
      ['proxy', 'www', 3000, /^CONNECTED$/],
      ['proxy', 'app', 3000, /^CONNECTED$/],
      ['tool', 'app', 3000, unreachable],
      // By address too: the bridges are isolated from one another.
      ['proxy', dbIp, 5432, unreachable],
      ['tool', dbIp, 5432, unreachable],
      ['app', dbIp, 5432, /^CONNECTED$/],
      // The service on both networks reaches both sides.
      ['app', 'db', 5432, /^CONNECTED$/],
      ['app', 'proxy', 8080, /^CONNECTED$/],
      ['db', 'api', 3000, /^CONNECTED$/],
    ];
    const outcomes = await Promise.all(
      probes.map(([from, to, port]) => tryConnect(c(from), to, port)),
    );
    const wrong = probes
      .map(([from, to, port, expected], i) => ({
        probe: `${from} → ${to}:${port}`,
        expected,
        got: outcomes[i] ?? '',
      }))
      .filter(({ expected, got }) => !expected.test(got))
      .map(({ probe, expected, got }) => `${probe}: got ${got}, expected ${expected.source}`);
    expect(wrong).toEqual([]);
    const app = await host.inspectContainer(c('app'));
    expect(Object.keys(app?.networks ?? {}).sort()).toEqual(
      [details.networks['backend']?.name, details.networks['frontend']?.name].sort(),
    );
  }, 180_000);

  it('lets the host (the gateway) reach exposed services on any network, internal ones too', async () => {
    expect(details.endpoints['proxy']).toBeDefined();
    expect(details.endpoints['db']).toBeDefined();
    const frontend = parseCidr(details.networks['frontend']?.subnet ?? '');
    const backend = parseCidr(details.networks['backend']?.subnet ?? '');
    expect(cidrContains(frontend, parseCidr(`${details.endpoints['proxy']?.host}/32`))).toBe(true);
    expect(cidrContains(backend, parseCidr(`${details.endpoints['db']?.host}/32`))).toBe(true);
    expect(await hostConnects(details.endpoints['proxy']?.host ?? '', 8080)).toBe(true);
    expect(await hostConnects(details.endpoints['db']?.host ?? '', 5432)).toBe(true);
  });

  it('is safe to run again: same networks, containers reused', async () => {
    const again = (await replicate().run(stageInput(env))).details as unknown as ReplicateDetails;
    expect(again.networks).toEqual(details.networks);
    expect(Object.values(again.services).map((s) => s.action)).toEqual(
      Object.values(again.services).map(() => 'reused'),
    );
    expect(again.removed).toEqual([]);
  }, 60_000);

  it('tears down to zero networks, containers and subnets', async () => {
    const started = Date.now();
    const removed = await runTeardown(env);
    console.log(`teardown with 3 networks: ${Date.now() - started} ms`);
    expect(removed.removed.networks.sort()).toEqual(
      Object.values(details.networks)
        .map((n) => n.name)
        .sort(),
    );
    expect(removed.removed.subnets).toEqual([details.subnet]);
    const left = await host.listByLabels({ 'berth.env': env.envLabel });
    expect(left).toEqual({ containers: [], networks: [], volumes: [] });
    const names = new Set(Object.values(details.networks).map((n) => n.name));
    expect((await host.listNetworks()).filter((n) => names.has(n.name))).toEqual([]);
    expect(await ledger().live(env.environment.id)).toEqual([]);
  }, 60_000);
});

describe('a push that changes the set of networks', () => {
  it('cuts the subnet again, moves the containers and keeps them talking', async () => {
    const first = parseComposeOrThrow(`
services:
  a:
${listenerOf(3000)}
  b:
${listenerOf(4000)}
`);
    const second = parseComposeOrThrow(`
services:
  a:
${listenerOf(3000)}
    networks: [default, backend]
  b:
${listenerOf(4000)}
    networks: [backend]
networks:
  backend: {}
`);
    const images: RevisionImages = {
      a: { tag: NODE_IMAGE, source: 'image', durationMs: 0 },
      b: { tag: NODE_IMAGE, source: 'image', durationMs: 0 },
    };
    const env = await createTestEnvironment(prisma, 73, images, wiringFor(first, 'nets#73', 73));
    envs.push(env);
    const before = (await replicate().run(stageInput(env))).details as unknown as ReplicateDetails;
    expect(Object.keys(before.networks)).toEqual(['default']);
    expect(before.networks['default']?.subnet).toBe(before.subnet);

    const revision = await updateRevision(prisma, env.revision, {
      wiring: wiringFor(second, 'nets#73', 73),
    });
    const after = (await replicate().run(stageInput(env, revision)))
      .details as unknown as ReplicateDetails;
    expect(after.subnet).toBe(before.subnet);
    expect(Object.keys(after.networks)).toEqual(['default', 'backend']);
    expect(after.networks['default']?.subnet).not.toBe(before.subnet);
    // The default network was re-cut: removed with what was on it, then made again.
    expect(after.removed).toContain(before.network);
    const onHost = (await host.listByLabels({ 'berth.env': env.envLabel })).networks;
    expect(onHost.map((n) => [n.name, n.subnets]).sort()).toEqual(
      Object.values(after.networks)
        .map((n) => [n.name, [n.subnet]])
        .sort(),
    );
    const a = after.services['a']?.container ?? '?';
    expect(await tryConnect(a, 'b', 4000)).toBe('CONNECTED');
    expect(after.services['b']?.state).toBe('healthy');

    await runTeardown(env);
    expect(await host.listByLabels({ 'berth.env': env.envLabel })).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    });
  }, 180_000);
});

describe('repository mounts on the real engine', () => {
  const compose = `
services:
  app:
    image: ${NODE_IMAGE}
    command: [sleep, infinity]
    volumes:
      - ./conf:/etc/app
      - ./nginx.conf:/etc/nginx/nginx.conf:ro
      - ./data:/srv/data:rw
    configs: [app_config]
    secrets: [token]
configs:
  app_config: { file: ./config.json }
secrets:
  token: { file: ./token.txt }
`;
  const files: Record<string, string> = {
    'conf/app.conf': 'setting = 1\n',
    'nginx.conf': 'events {}\n',
    'data/seed.txt': 'seed\n',
    'config.json': '{"a":1}\n',
    'token.txt': 'not-really-secret\n',
  };
  let env: TestEnvironment;
  let container: string;

  /** Writes `path` inside the container with node: WROTE, or the error code (EROFS). */
  async function write(path: string): Promise<string> {
    const script =
      'try { require("fs").appendFileSync(process.argv[1], "x"); console.log("WROTE"); }' +
      ' catch (e) { console.log(e.code); }';
    return (await execIn(host, container, ['node', '-e', script, path])).output.trim();
  }

  it('mounts repository files read-only unless rw, configs and file secrets always read-only', async () => {
    const checkout = await mkdtemp(join(tmpdir(), 'berth-ro-mounts-'));
    dirs.push(checkout);
    const repoFiles: SourceFile[] = [];
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(checkout, path)), { recursive: true });
      await writeFile(join(checkout, path), text);
      const blobSha = createHash('sha1').update(`blob ${text.length}\0${text}`).digest('hex');
      repoFiles.push({ path, blobSha, mode: 0o100644 });
    }
    const spec = parseComposeOrThrow(compose, { readFile: (path) => files[path] ?? null });
    const images: RevisionImages = {
      app: { tag: NODE_IMAGE, source: 'image', durationMs: 0 },
    };
    const repoName = `ro-${randomBytes(3).toString('hex')}`;
    const started = Date.now();
    const derived = await buildRepoMountImages({
      containerHost: host,
      ledger: ledger(),
      spec,
      images,
      repoFiles,
      checkoutDir: checkout,
      repository: { owner: 'berth-it', name: repoName, fullName: `berth-it/${repoName}` },
      rebuild: false,
      logger: silent,
    });
    tags.push(derived['app']?.tag ?? '');
    expect(images['app']?.readOnlyMounts?.map((m) => [m.target, m.kind])).toEqual([
      ['/etc/app', 'dir'],
      ['/etc/nginx/nginx.conf', 'file'],
      ['/app_config', 'file'],
      ['/run/secrets/token', 'file'],
    ]);
    env = await createTestEnvironment(prisma, 72, images, wiringFor(spec, 'ro#72', 72));
    envs.push(env);
    const details = (await replicate().run(stageInput(env))).details as unknown as ReplicateDetails;
    console.log(`derived image + replicate with 4 read-only mounts: ${Date.now() - started} ms`);
    container = details.services['app']?.container ?? '?';

    // Readable, with the checkout's content.
    const cat = await execIn(host, container, [
      'cat',
      '/etc/app/app.conf',
      '/etc/nginx/nginx.conf',
      '/app_config',
      '/run/secrets/token',
      '/srv/data/seed.txt',
    ]);
    expect(cat.output).toBe(
      files['conf/app.conf']! +
        files['nginx.conf']! +
        files['config.json']! +
        files['token.txt']! +
        files['data/seed.txt']!,
    );
    // Read-only at the mount, as under compose: the write fails with EROFS, root or not.
    expect(await write('/etc/app/app.conf')).toBe('EROFS');
    expect(await write('/etc/app/new-file')).toBe('EROFS');
    expect(await write('/etc/nginx/nginx.conf')).toBe('EROFS');
    expect(await write('/app_config')).toBe('EROFS');
    expect(await write('/run/secrets/token')).toBe('EROFS');
    // Declared rw: writable.
    expect(await write('/srv/data/seed.txt')).toBe('WROTE');
    expect(await write('/srv/data/new-file')).toBe('WROTE');
    const mounts = (await host.docker.getContainer(container).inspect()).Mounts;
    expect(
      mounts
        .filter((m) => !m.RW)
        .map((m) => m.Destination)
        .sort(),
    ).toEqual(['/app_config', '/etc/app', '/etc/nginx/nginx.conf', '/run/secrets/token']);
  }, 180_000);

  it('tears down to zero volumes, networks and containers', async () => {
    await runTeardown(env);
    expect(await host.listByLabels({ 'berth.env': env.envLabel })).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    });
  }, 60_000);
});
