// Real engine + test database + Redis: teardown after a half-finished replicate, with a route,
// rows left planned/failed, and a container nobody recorded.

import {
  LABEL_ENV,
  containerName,
  environmentIdentity,
  networkName,
  parseComposeOrThrow,
  resourceLabels,
} from '@berth/core';
import type { PrismaClient } from '@berth/db';
import type { DockerContainerHost } from '@berth/providers';
import { ROUTES_CHANNEL, createRedis } from '@berth/queue';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresPreviewScopes, ResourceLedger } from '@berth/db';
import { randomBytes } from 'node:crypto';
import { createReplicateHandler } from '../replicate/replicate-handler.js';
import {
  DEBIAN_IMAGE,
  type TestEnvironment,
  createTestEnvironment,
  removeByEnvLabel,
  stageInput,
  testDatabase,
  testHost,
  wiringFor,
} from '../replicate/shop-fixture.int-support.js';
import { createTeardownHandler, type TeardownDetails } from './teardown-handler.js';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
let host: DockerContainerHost;
let prisma: PrismaClient;
let publisher: Redis;
let subscriber: Redis;
let env: TestEnvironment;
let scopes: PostgresPreviewScopes;
const published: string[] = [];

const COMPOSE = `
services:
  app:
    image: x
    command: [sleep, infinity]
    volumes: [data:/data]
  side:
    image: x
    command: [sleep, infinity]
volumes:
  data:
`;

beforeAll(async () => {
  host = await testHost();
  prisma = testDatabase();
  scopes = new PostgresPreviewScopes(prisma, randomBytes(32));
  publisher = createRedis(redisUrl, 'teardown-it-pub');
  subscriber = createRedis(redisUrl, 'teardown-it-sub');
  await subscriber.subscribe(ROUTES_CHANNEL);
  subscriber.on('message', (_channel: string, message: string) => published.push(message));

  const spec = parseComposeOrThrow(COMPOSE);
  const images = Object.fromEntries(
    Object.keys(spec.services).map((s) => [
      s,
      { tag: DEBIAN_IMAGE, source: 'image' as const, durationMs: 0 },
    ]),
  );
  env = await createTestEnvironment(prisma, 5, images, wiringFor(spec, 'td#5', 5));
  await createReplicateHandler({ containerHost: host, prisma }).run(stageInput(env));

  const id = environmentIdentity(env.environment.repository.fullName, 5);
  const ledger = new ResourceLedger(prisma);
  const hostname = `app-pr-5-${env.environment.repository.name}.preview.test`;
  // What expose would leave: a route (ledgered) and one written without a ledger row.
  await prisma.route.create({
    data: {
      hostname,
      environmentId: env.environment.id,
      service: 'app',
      targetHost: '10.0.0.1',
      targetPort: 80,
    },
  });
  await ledger.plan({
    kind: 'route',
    provider: 'gateway',
    name: hostname,
    environmentId: env.environment.id,
  });
  await prisma.route.create({
    data: {
      hostname: `side-${hostname}`,
      environmentId: env.environment.id,
      service: 'side',
      targetHost: '10.0.0.2',
      targetPort: 80,
    },
  });
  // A replicate that crashed halfway: a planned row never created, a failed one.
  await ledger.plan({
    kind: 'container',
    provider: 'docker',
    name: containerName(id, 'never-made'),
    environmentId: env.environment.id,
  });
  const failed = await ledger.plan({
    kind: 'volume',
    provider: 'docker',
    name: `${networkName(id)}-half`,
    environmentId: env.environment.id,
  });
  await ledger.markFailed(failed.id);
  // Something carrying the environment's label that nobody recorded.
  await host.runContainer({
    name: containerName(id, 'ghost'),
    image: DEBIAN_IMAGE,
    command: ['sleep', 'infinity'],
    labels: resourceLabels(id, 'ghost'),
    network: { name: networkName(id) },
  });
});

afterAll(async () => {
  if (env) await removeByEnvLabel(host, env.envLabel).catch(() => undefined);
  await prisma?.$disconnect();
  publisher?.disconnect();
  subscriber?.disconnect();
});

function teardown() {
  return createTeardownHandler({
    containerHost: host,
    prisma,
    publisher,
    secretScopes: { secrets_local: scopes },
  });
}

async function run(): Promise<TeardownDetails> {
  const input = stageInput(env);
  const outcome = await teardown().run({ ...input, job: { ...input.job, stage: 'teardown' } });
  return outcome.details as unknown as TeardownDetails;
}

describe('teardown', () => {
  let details: TeardownDetails;

  beforeAll(async () => {
    expect((await host.listByLabels({ [LABEL_ENV]: env.envLabel })).containers).toHaveLength(3);
    const started = Date.now();
    details = await run();
    console.log(`[teardown-it] teardown took ${Date.now() - started} ms`);
  });

  it('removes everything carrying the environment label', async () => {
    expect(await host.listByLabels({ [LABEL_ENV]: env.envLabel })).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    });
    const id = environmentIdentity(env.environment.repository.fullName, 5);
    expect(details.removed.containers.sort()).toEqual(
      [containerName(id, 'app'), containerName(id, 'never-made'), containerName(id, 'side')].sort(),
    );
    expect(details.removed.networks).toEqual([networkName(id)]);
    expect(details.removed.volumes).toHaveLength(2);
    // The network's range went back to the pool, after the network itself.
    expect(details.removed.subnets).toHaveLength(1);
  });

  it('deletes the routes and tells the gateway', async () => {
    expect(await prisma.route.count({ where: { environmentId: env.environment.id } })).toBe(0);
    expect(details.removed.routes.sort()).toEqual(
      [...published].sort().filter((h) => h.includes(env.environment.repository.name)),
    );
    expect(details.removed.routes).toHaveLength(2);
  });

  it('sweeps the unrecorded container and records it', async () => {
    const id = environmentIdentity(env.environment.repository.fullName, 5);
    const ghost = containerName(id, 'ghost');
    expect(details.swept).toEqual([{ kind: 'container', name: ghost }]);
    const row = await prisma.resource.findFirstOrThrow({ where: { name: ghost } });
    expect(row).toMatchObject({
      state: 'deleted',
      environmentId: env.environment.id,
      metadata: { sweptUnrecorded: true },
    });
  });

  it('leaves every ledger row deleted, and a second run finds nothing to do', async () => {
    const rows = await prisma.resource.findMany({ where: { environmentId: env.environment.id } });
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.filter((r) => r.state !== 'deleted')).toEqual([]);
    const again = await run();
    expect(again).toEqual({
      removed: {
        containers: [],
        volumes: [],
        networks: [],
        routes: [],
        subnets: [],
        secrets: [],
        dns: [],
      },
      swept: [],
      keptShared: [],
    });
  });

  it('removes the secret scope with the driver that wrote it, and names a provider it has no driver for', async () => {
    const name = `berth/preview/teardown-spec/${randomBytes(4).toString('hex')}/g1`;
    const ref = { name, environmentId: env.environment.id, repository: 'acme/teardown' };
    const ledger = new ResourceLedger(prisma);
    const row = await ledger.plan({
      kind: 'secret',
      provider: 'secrets_local',
      name,
      environmentId: env.environment.id,
    });
    await ledger.markCreated(row.id, await scopes.write(ref, { db_password: 'x'.repeat(32) }));
    expect((await run()).removed.secrets).toEqual([name]);
    expect(await scopes.read(ref)).toBeUndefined();

    const aws = await ledger.plan({
      kind: 'secret',
      provider: 'secrets_aws',
      name: `${name}-aws`,
      environmentId: env.environment.id,
    });
    await expect(run()).rejects.toThrow(/secret .*-aws: no driver for secrets_aws on this worker/);
    await prisma.resource.update({ where: { id: aws.id }, data: { state: 'deleted' } });
  });

  it('reports resource kinds it cannot remove instead of pretending', async () => {
    const row = await new ResourceLedger(prisma).plan({
      kind: 'database',
      provider: 'postgres',
      name: `db-${env.environment.id}`,
      environmentId: env.environment.id,
    });
    await expect(run()).rejects.toThrow(
      /database db-.* \(postgres\): Berth cannot remove database resources yet/,
    );
    await prisma.resource.update({ where: { id: row.id }, data: { state: 'deleted' } });
  });
});
