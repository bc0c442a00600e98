// Real engine + test database: more preview networks live at once than Docker's default address
// pools allow (~30), each in its own range of the subnet pool, claimed through the ledger; then
// teardown gives every range back. Also: a full pool, a range another network already holds, and
// the replicate stage recording the subnet. Each block uses its own pool so nothing here collides
// with previews other tests (or other databases) keep on this host.

import { networkName, parseCidr, cidrsOverlap, resourceLabels, subnetPool } from '@berth/core';
import { environmentIdentity, parseComposeOrThrow } from '@berth/core';
import type { PrismaClient } from '@berth/db';
import type { DockerContainerHost } from '@berth/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceLedger } from '@berth/db';
import { SubnetLedger } from '@berth/db';
import { createTeardownHandler, type TeardownDetails } from '../teardown/teardown-handler.js';
import { createReplicateHandler, type ReplicateDetails } from './replicate-handler.js';
import {
  DEBIAN_IMAGE,
  type TestEnvironment,
  createTestEnvironment,
  removeByEnvLabel,
  stageInput,
  testDatabase,
  testHost,
  wiringFor,
} from './shop-fixture.int-support.js';
import { SubnetAllocator, SubnetPoolExhaustedError } from './subnet-allocator.js';
import { ensureSubnetNetwork } from './subnet-network.js';

const MANY = 45;
const HOST = 'subnet-it';
let host: DockerContainerHost;
let prisma: PrismaClient;
let ledger: ResourceLedger;
const envs: TestEnvironment[] = [];
const foreignNetworks: string[] = [];
const publisher = { publish: async () => 0 };

beforeAll(async () => {
  host = await testHost();
  prisma = testDatabase();
  ledger = new ResourceLedger(prisma, HOST);
});

afterAll(async () => {
  for (const env of envs) await removeByEnvLabel(host, env.envLabel).catch(() => undefined);
  for (const name of foreignNetworks) await host.removeNetwork(name).catch(() => undefined);
  await prisma?.$disconnect();
});

function allocator(pool: string, prefix: number): SubnetAllocator {
  return new SubnetAllocator(new SubnetLedger(prisma, HOST), subnetPool(pool, prefix));
}

async function environment(pr: number): Promise<TestEnvironment> {
  const spec = parseComposeOrThrow('services:\n  app:\n    image: x\n');
  const env = await createTestEnvironment(prisma, pr, {}, wiringFor(spec, `subnet#${pr}`, pr));
  envs.push(env);
  return env;
}

/** What replicate does for the network: ledger row, subnet claim, network in that subnet. */
async function network(env: TestEnvironment, subnets: SubnetAllocator) {
  const id = environmentIdentity(env.environment.repository.fullName, env.environment.prNumber);
  const name = networkName(id);
  const row = await ledger.plan({
    kind: 'network',
    provider: 'docker',
    name,
    environmentId: env.environment.id,
  });
  const made = await ensureSubnetNetwork(host, subnets, ledger, env.environment.id, {
    name,
    labels: resourceLabels(id),
  });
  await ledger.markCreated(row.id, made.network.id);
  return { name, ...made };
}

function teardown(env: TestEnvironment): Promise<TeardownDetails> {
  const handler = createTeardownHandler({ containerHost: host, prisma, ledger, publisher });
  return handler
    .run(stageInput(env))
    .then((outcome) => outcome.details as unknown as TeardownDetails);
}

describe(`${MANY} environment networks live at once`, () => {
  const POOL = '10.212.0.0/20'; // 64 /26s
  const subnets = () => allocator(POOL, 26);
  let made: { env: TestEnvironment; name: string; subnet: string; id: string }[] = [];

  beforeAll(async () => {
    const batch = await Promise.all(Array.from({ length: MANY }, (_, i) => environment(i + 1)));
    // All at once: claims race each other through the unique constraint.
    made = await Promise.all(
      batch.map(async (env) => {
        const { name, subnet, network: ref } = await network(env, subnets());
        return { env, name, subnet, id: ref.id };
      }),
    );
  });

  it('gives each a distinct subnet from the pool, the lowest indexes first', () => {
    const cidrs = made.map((m) => m.subnet);
    expect(new Set(cidrs).size).toBe(MANY);
    const pool = subnetPool(POOL, 26);
    expect(cidrs.map((c) => pool.indexOf(c)).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: MANY }, (_, i) => i),
    );
  });

  it('has every network live on the engine in its recorded subnet', async () => {
    const all = await host.listNetworks();
    for (const m of made) {
      const live = all.find((n) => n.name === m.name);
      expect(live?.subnets).toEqual([m.subnet]);
      expect(live?.labels['berth.managed']).toBe('true');
    }
    const rows = await prisma.resource.findMany({
      where: { kind: 'subnet', host: HOST, state: { not: 'deleted' } },
    });
    expect(rows).toHaveLength(MANY);
    expect(rows.every((r) => r.state === 'created' && r.provider === 'docker')).toBe(true);
    for (const m of made) {
      expect(rows.find((r) => r.name === m.subnet)?.environmentId).toBe(m.env.environment.id);
    }
  });

  it('is safe to run twice: an environment keeps its subnet and network', async () => {
    const first = made[7] as (typeof made)[number];
    const again = await network(first.env, subnets());
    expect(again).toMatchObject({ name: first.name, subnet: first.subnet });
    expect(again.network).toEqual({ id: first.id, name: first.name, created: false });
    expect(
      await prisma.resource.count({
        where: { environmentId: first.env.environment.id, kind: 'subnet' },
      }),
    ).toBe(1);
  });

  it('tears them all down: networks gone, every subnet row deleted, ranges reusable', async () => {
    const details = await Promise.all(made.map((m) => teardown(m.env)));
    for (const [i, m] of made.entries()) {
      expect(details[i]?.removed.networks).toEqual([m.name]);
      expect(details[i]?.removed.subnets).toEqual([m.subnet]);
    }
    const names = new Set((await host.listNetworks()).map((n) => n.name));
    expect(made.filter((m) => names.has(m.name))).toEqual([]);
    const rows = await prisma.resource.findMany({ where: { kind: 'subnet', host: HOST } });
    expect(rows).toHaveLength(MANY);
    expect(rows.filter((r) => r.state !== 'deleted')).toEqual([]);
    // A freed range goes to the next environment (its row is taken over, not duplicated).
    const next = await network(await environment(100), subnets());
    expect(next.subnet).toBe('10.212.0.0/26');
    await teardown(envs[envs.length - 1] as TestEnvironment);
  });
});

describe('a full pool', () => {
  it('fails with how many are in use and how to make room', async () => {
    const subnets = allocator('10.213.0.0/24', 26); // 4 subnets
    for (let pr = 1; pr <= 4; pr++) await network(await environment(200 + pr), subnets);
    const fifth = await environment(205);
    const error = await network(fifth, subnets).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubnetPoolExhaustedError);
    expect((error as Error).message).toContain(
      `4 environment network(s) on Docker host ${HOST} hold all 4 /26 subnet(s) of SUBNET_POOL ` +
        '10.213.0.0/24',
    );
    expect((error as Error).message).toMatch(/larger range.*larger SUBNET_PREFIX_LENGTH/);
  });
});

describe('a range another network already holds', () => {
  it('skips it and records only the range it got', async () => {
    const foreign = `berth-it-foreign-${Date.now()}`;
    // Not Berth's: no berth labels, not in this ledger.
    await host.docker.createNetwork({
      Name: foreign,
      Internal: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: '10.214.0.0/26' }] },
    });
    foreignNetworks.push(foreign);
    const env = await environment(300);
    const made = await network(env, allocator('10.214.0.0/24', 26));
    expect(made.subnet).toBe('10.214.0.64/26');
    const rows = await prisma.resource.findMany({
      where: { environmentId: env.environment.id, kind: 'subnet' },
      orderBy: { name: 'asc' },
    });
    // The refused range was claimed, then let go: its row is deleted, so it holds nothing.
    expect(rows.map((r) => [r.name, r.state])).toEqual([
      ['10.214.0.0/26', 'deleted'],
      ['10.214.0.64/26', 'created'],
    ]);
  });
});

describe('the replicate stage', () => {
  it('runs the service in the allocated subnet and reports it', async () => {
    const spec = parseComposeOrThrow(
      'services:\n  app:\n    image: x\n    command: [sleep, infinity]\n',
    );
    const images = { app: { tag: DEBIAN_IMAGE, source: 'image' as const, durationMs: 0 } };
    const env = await createTestEnvironment(
      prisma,
      400,
      images,
      wiringFor(spec, 'subnet#400', 400),
    );
    envs.push(env);
    const replicate = createReplicateHandler({
      containerHost: host,
      prisma,
      ledger,
      subnets: allocator('10.215.0.0/24', 26),
    });
    const details = (await replicate.run(stageInput(env))).details as unknown as ReplicateDetails;
    expect(details.subnet).toBe('10.215.0.0/26');
    const state = await host.inspectContainer(details.services['app']?.container as string);
    const ip = Object.values(state?.networks ?? {})[0] as string;
    expect(cidrsOverlap(parseCidr(`${ip}/32`), parseCidr('10.215.0.0/26'))).toBe(true);
    const torn = await teardown(env);
    expect(torn.removed.subnets).toEqual(['10.215.0.0/26']);
  });
});
