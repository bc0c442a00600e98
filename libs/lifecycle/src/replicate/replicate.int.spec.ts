// Real engine + test database: the shop's whole stack as one environment, re-runs that reuse or
// replace only what changed, two environments side by side, failing services, then teardown.

import { get } from 'node:http';
import { parseComposeOrThrow } from '@berth/core';
import type { PrismaClient } from '@berth/db';
import type { DockerContainerHost } from '@berth/providers';
import { createRedis } from '@berth/queue';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceLedger } from '@berth/db';
import type { RevisionImages } from '../pipeline/revision-outputs.js';
import { SupersededError } from '../pipeline/stage-handler.js';
import { createTeardownHandler } from '../teardown/teardown-handler.js';
import { containerEndpoint } from './container-endpoint.js';
import { createReplicateHandler, type ReplicateDetails } from './replicate-handler.js';
import {
  DEBIAN_IMAGE,
  type TestEnvironment,
  createTestEnvironment,
  execIn,
  fixtureVariables,
  removeByEnvLabel,
  shopImages,
  shopSpec,
  stageInput,
  testDatabase,
  testHost,
  updateRevision,
  wiringFor,
} from './shop-fixture.int-support.js';

let host: DockerContainerHost;
let prisma: PrismaClient;
let redis: Redis;
let images: RevisionImages;
let variables: Record<string, string>;
const envs: TestEnvironment[] = [];
const extraTags: string[] = [];
const PORTS = { web: 3000, api: 3001 };

beforeAll(async () => {
  host = await testHost();
  prisma = testDatabase();
  redis = createRedis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', 'replicate-it');
  variables = await fixtureVariables();
  const started = Date.now();
  images = await shopImages(host, await shopSpec(variables));
  console.log(`[replicate-it] shop images ready in ${Date.now() - started} ms`);
});

afterAll(async () => {
  for (const env of envs) await removeByEnvLabel(host, env.envLabel).catch(() => undefined);
  for (const tag of extraTags) await host.removeImage(tag).catch(() => undefined);
  await prisma?.$disconnect();
  redis?.disconnect();
});

function replicate() {
  return createReplicateHandler({ containerHost: host, prisma });
}

async function shopEnvironment(pr: number, password: string): Promise<TestEnvironment> {
  const spec = await shopSpec({
    ...variables,
    SHOP_DB_PASSWORD: password,
    SHOP_QUEUE_PREFIX: `pr${pr}`,
  });
  const env = await createTestEnvironment(
    prisma,
    pr,
    images,
    wiringFor(spec, `pr#${pr}`, pr, PORTS),
  );
  envs.push(env);
  return env;
}

async function run(env: TestEnvironment): Promise<ReplicateDetails> {
  const revision = await prisma.revision.findUniqueOrThrow({ where: { id: env.revision.id } });
  const started = Date.now();
  const outcome = await replicate().run(stageInput(env, revision));
  console.log(`[replicate-it] replicate ${env.envLabel} took ${Date.now() - started} ms`);
  return outcome.details as unknown as ReplicateDetails;
}

function actions(details: ReplicateDetails): Record<string, string> {
  return Object.fromEntries(Object.entries(details.services).map(([s, o]) => [s, o.action]));
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
  });
}

describe('the shop as one environment', () => {
  let a: TestEnvironment;
  let first: ReplicateDetails;

  beforeAll(async () => {
    a = await shopEnvironment(1, 'pw-a');
    first = await run(a);
  });

  it('creates every service, migrate exiting 0 before api and worker start, api healthy', async () => {
    expect(actions(first)).toEqual({
      api: 'created',
      db: 'created',
      migrate: 'created',
      redis: 'created',
      web: 'created',
      worker: 'created',
    });
    expect(first.services['api']).toMatchObject({ healthy: true, image: images['api']?.tag });
    expect(first.services['db']?.healthy).toBe(true);
    expect(first.services['migrate']?.state).toBe('completed');
    expect(first.services['worker']).toMatchObject({ state: 'running', healthy: null });
    const inspect = (svc: string) =>
      host.docker.getContainer(first.services[svc]?.container as string).inspect();
    const migrate = await inspect('migrate');
    expect(migrate.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    for (const svc of ['api', 'worker']) {
      const state = (await inspect(svc)).State;
      expect(Date.parse(state.StartedAt)).toBeGreaterThanOrEqual(
        Date.parse(migrate.State.FinishedAt),
      );
      expect(state.Running).toBe(true);
    }
    // Ready by Berth's own probe, typically before Docker's first check (5 s interval); Docker's
    // own verdict, once it has one, agrees.
    let health = (await inspect('api')).State.Health?.Status;
    while (health === 'starting') {
      await new Promise((r) => setTimeout(r, 200));
      health = (await inspect('api')).State.Health?.Status;
    }
    expect(health).toBe('healthy');
  });

  it('locks every container down, labels it, publishes no port', async () => {
    const { containers, networks, volumes } = await host.listByLabels({ 'berth.env': a.envLabel });
    expect(containers.map((c) => c.labels['berth.service']).sort()).toEqual([
      'api',
      'db',
      'migrate',
      'redis',
      'web',
      'worker',
    ]);
    expect(networks.map((n) => n.name)).toEqual([first.network]);
    expect(volumes.map((v) => v.name)).toEqual(first.volumes);
    for (const c of containers) {
      const info = await host.docker.getContainer(c.id).inspect();
      expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
      expect(info.HostConfig.CapDrop).toEqual(['ALL']);
      expect(info.HostConfig.Memory).toBeGreaterThan(0);
      expect(info.HostConfig.PidsLimit).toBeGreaterThan(0);
      expect(info.HostConfig.NanoCpus).toBeGreaterThan(0);
      expect(info.HostConfig.Privileged).toBe(false);
      expect(Object.values(info.HostConfig.PortBindings ?? {}).flat()).toEqual([]);
      expect(Object.values(info.NetworkSettings.Ports ?? {}).filter((b) => b?.length)).toEqual([]);
      expect(info.Config.Labels).toMatchObject({
        'berth.managed': 'true',
        'berth.env': a.envLabel,
        'berth.repo': a.environment.repository.fullName,
        'berth.pr': '1',
        'berth.service': c.labels['berth.service'],
      });
      expect(Object.keys(info.NetworkSettings.Networks)).toEqual([first.network]);
    }
  });

  it('records everything in the ledger and publishes reachable endpoints', async () => {
    const rows = await new ResourceLedger(prisma).live(a.environment.id);
    expect(rows.map((r) => `${r.kind}:${r.state}`).sort()).toEqual([
      ...Array(6).fill('container:created'),
      'network:created',
      'subnet:created',
      'volume:created',
    ]);
    expect(Object.keys(first.endpoints).sort()).toEqual(['api', 'web']);
    const api = await containerEndpoint(host, a.environment, 'api', 3001);
    expect(api).toEqual(first.endpoints['api']);
    // The host reaches a container on the internal env network by IP: what the gateway does.
    expect(await httpStatus(`http://${api.host}:${api.port}/healthz`)).toBe(200);
    await expect(containerEndpoint(host, a.environment, 'nope', 1)).rejects.toThrow(
      /service nope has no container .*run the replicate stage/,
    );
  });

  it('reuses everything when run again', async () => {
    const again = await run(a);
    expect(new Set(Object.values(actions(again)))).toEqual(new Set(['reused']));
    expect(again.removed).toEqual([]);
  });

  it('replaces only api when only its image changed', async () => {
    const apiTag = images['api']?.tag as string;
    const newTag = `${apiTag.split(':')[0]}:changed-${Date.now()}`;
    const [repo, tag] = newTag.split(':') as [string, string];
    await host.docker.getImage(apiTag).tag({ repo, tag });
    extraTags.push(newTag);
    await updateRevision(prisma, a.revision, {
      images: { ...images, api: { tag: newTag, source: 'built', durationMs: 1 } },
    });
    const next = await run(a);
    expect(actions(next)).toEqual({
      api: 'replaced',
      db: 'reused',
      migrate: 'reused',
      redis: 'reused',
      web: 'reused',
      worker: 'reused',
    });
    expect(next.services['api']).toMatchObject({ image: newTag, healthy: true });
  });

  describe('next to a second environment', () => {
    let b: TestEnvironment;
    let second: ReplicateDetails;

    beforeAll(async () => {
      b = await shopEnvironment(2, 'pw-b');
      second = await run(b);
    });

    it('has its own network, database and cache, and no DNS across networks', async () => {
      expect(second.network).not.toBe(first.network);
      expect(second.services['db']?.container).not.toBe(first.services['db']?.container);
      expect(second.services['redis']?.container).not.toBe(first.services['redis']?.container);
      const ipOn = async (env: TestEnvironment, details: ReplicateDetails, svc: string) =>
        (await host.inspectContainer(details.services[svc]?.container as string))?.networks[
          details.network
        ];
      const aDb = await ipOn(a, first, 'db');
      const bDb = await ipOn(b, second, 'db');
      expect(aDb).toBeTruthy();
      expect(bDb).toBeTruthy();
      expect(aDb).not.toBe(bDb);

      const apiA = first.services['api']?.container as string;
      const resolved = await execIn(host, apiA, ['getent', 'hosts', 'db']);
      expect(resolved.exitCode).toBe(0);
      expect(resolved.output.trim().split(/\s+/)[0]).toBe(aDb);
      // B's containers are unknown inside A's network, by container name or otherwise.
      // Names Docker's DNS does not know are forwarded upstream, unreachable from an internal
      // network: glibc would retry for ~20 s, so shorten its resolver timeout.
      const across = await execIn(
        host,
        apiA,
        ['getent', 'hosts', second.services['db']?.container as string],
        ['RES_OPTIONS=timeout:1 attempts:1'],
      );
      expect(across.exitCode).not.toBe(0);
      expect(across.output).not.toContain(bDb as string);
    });

    it('tears both down to nothing: routes, containers, volumes, networks, ledger', async () => {
      const teardown = createTeardownHandler({ containerHost: host, prisma, publisher: redis });
      for (const env of [a, b]) {
        const started = Date.now();
        const outcome = await teardown.run({
          ...stageInput(env),
          job: { ...stageInput(env).job, stage: 'teardown' },
        });
        console.log(`[replicate-it] teardown ${env.envLabel} took ${Date.now() - started} ms`);
        expect(outcome.details).toMatchObject({ swept: [] });
        const left = await host.listByLabels({ 'berth.env': env.envLabel });
        expect(left).toEqual({ containers: [], networks: [], volumes: [] });
        const rows = await prisma.resource.findMany({
          where: { environmentId: env.environment.id },
        });
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.filter((r) => r.state !== 'deleted')).toEqual([]);
      }
    });
  });
});

describe('failing services', () => {
  let c: TestEnvironment;
  const imgs = (names: string[]): RevisionImages =>
    Object.fromEntries(
      names.map((n) => [n, { tag: DEBIAN_IMAGE, source: 'image', durationMs: 0 }]),
    );
  const stage = async (compose: string) => {
    const spec = parseComposeOrThrow(compose);
    const names = Object.keys(spec.services);
    const wiring = wiringFor(spec, 'broken#3', 3);
    if (!c) {
      c = await createTestEnvironment(prisma, 3, imgs(names), wiring);
      envs.push(c);
    } else {
      await updateRevision(prisma, c.revision, { images: imgs(names), wiring });
    }
    const revision = await prisma.revision.findUniqueOrThrow({ where: { id: c.revision.id } });
    return stageInput(c, revision);
  };

  it('a one-shot that exits non-zero stops the start, naming it, its exit code and its logs', async () => {
    const input = await stage(`
services:
  job:
    image: x
    command: [sh, -c, 'echo "migration 0002 failed: relation orders exists" >&2; exit 4']
  app:
    image: x
    command: [sleep, infinity]
    depends_on: { job: { condition: service_completed_successfully } }
`);
    const error = await replicate()
      .run(input)
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^one-shot service job did not become exited-0: /);
    expect((error as Error).message).toMatch(/exited with code 4/);
    expect((error as Error).message).toContain('migration 0002 failed: relation orders exists');
    // app waits for job: it was never created.
    const left = await host.listByLabels({ 'berth.env': c.envLabel });
    expect(left.containers.map((x) => x.labels['berth.service'])).toEqual(['job']);
  });

  it('a long-running service that crashes is reported with its logs; dropped services are removed', async () => {
    const input = await stage(`
services:
  broken:
    image: x
    command: [sh, -c, 'echo "cannot reach the payment provider" >&2; exit 3']
`);
    const started = Date.now();
    const error = await replicate()
      .run(input)
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/^service broken did not become running: /);
    expect((error as Error).message).toContain('cannot reach the payment provider');
    expect(Date.now() - started).toBeLessThan(20_000);
    // job and app are no longer in the spec: their containers went first.
    const left = await host.listByLabels({ 'berth.env': c.envLabel });
    expect(left.containers.map((x) => x.labels['berth.service'])).toEqual(['broken']);
  });

  it('stops between layers when superseded', async () => {
    const input = await stage(`
services:
  a: { image: x, command: [sleep, infinity] }
  b: { image: x, command: [sleep, infinity], depends_on: [a] }
`);
    let calls = 0;
    const error = await replicate()
      .run({
        ...input,
        assertCurrent: async () => {
          if (++calls > 1) throw new SupersededError(1, 2);
        },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SupersededError);
    const left = await host.listByLabels({ 'berth.env': c.envLabel });
    expect(left.containers.map((x) => x.labels['berth.service'])).toEqual(['a']);
  });
});
