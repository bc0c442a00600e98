// Real engine + test database + Redis: orphans injected by hand (a half-finished teardown, an
// environment whose row is gone, objects nobody owns), a live, a building and a leased
// environment's objects, objects younger than the grace period, and objects without Berth's
// marks. A dry run, then a real run: the same list, zero orphans left, nothing else touched.
// Everything this file makes carries berth.reconcile-it=<run> (the reconciler's scope here, so
// other tests' objects on the shared engine are never looked at) and lives on ledger host <run>.

import { randomBytes, randomUUID } from 'node:crypto';
import { LABEL_ENV, LABEL_MANAGED } from '@berth/core';
import { type PrismaClient, ReconcileQueries, ResourceLedger } from '@berth/db';
import type { DockerContainerHost } from '@berth/providers';
import { closeRedis, createRedis, redisLock } from '@berth/queue';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEnvironment } from '../commands/commands.int-support.js';
import { DEBIAN_IMAGE, testDatabase, testHost } from '../replicate/shop-fixture.int-support.js';
import { Reconciler, type ReconcileReport } from './reconciler.js';

const run = `rcit${randomBytes(3).toString('hex')}`;
const SCOPE = { 'berth.reconcile-it': run };
const GRACE_MS = 3_000;
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// A /24 for this run's subnets, away from the default pool (10.210.0.0/16).
const NET = `10.254.${Math.floor(Math.random() * 250) + 1}`;

let host: DockerContainerHost;
let prisma: PrismaClient;
let redis: Redis;
let ledger: ResourceLedger;
const unlabelled = {
  volumes: [] as string[],
  networks: [] as string[],
  containers: [] as string[],
};

const name = (what: string) => `${run}-${what}`;
const envLabelOf = (e: { fullName: string }) => `${e.fullName}#1`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function reconciler(options: Partial<ConstructorParameters<typeof Reconciler>[0]> = {}) {
  return new Reconciler({
    host,
    queries: new ReconcileQueries(prisma, run),
    graceMs: GRACE_MS,
    scope: SCOPE,
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

async function environment(
  state: 'ready' | 'building' | 'destroyed' | 'destroying',
  leased = false,
): Promise<{ id: string; fullName: string; label: string }> {
  const { env } = await seedEnvironment(prisma, { state });
  if (leased) {
    await prisma.environment.update({
      where: { id: env.id },
      data: {
        leaseToken: randomUUID(),
        leaseOwner: 'reconciler-it',
        leaseExpiresAt: new Date(Date.now() + 10 * 60_000),
      },
    });
  }
  const repo = await prisma.repository.findUniqueOrThrow({ where: { id: env.repositoryId } });
  return { id: env.id, fullName: repo.fullName, label: envLabelOf(repo) };
}

const labels = (envLabel?: string) => ({
  ...SCOPE,
  [LABEL_MANAGED]: 'true',
  ...(envLabel ? { [LABEL_ENV]: envLabel } : {}),
});

async function volume(what: string, envLabel?: string): Promise<string> {
  await host.ensureVolume({ name: name(what), labels: labels(envLabel) });
  return name(what);
}

async function network(what: string, envLabel: string | undefined, cidr?: string) {
  await host.ensureNetwork({
    name: name(what),
    labels: labels(envLabel),
    ...(cidr ? { subnet: { cidr } } : {}),
  });
  return name(what);
}

/** Created, never started: as cheap as a container gets. */
async function container(what: string, envLabel?: string): Promise<string> {
  await host.docker.createContainer({
    name: name(what),
    Image: DEBIAN_IMAGE,
    Cmd: ['true'],
    Labels: labels(envLabel),
    HostConfig: { NetworkMode: 'none' },
  });
  return name(what);
}

async function row(
  kind: 'container' | 'volume' | 'network' | 'subnet',
  resourceName: string,
  environmentId: string | null,
  state: 'planned' | 'created' | 'deleting' = 'created',
): Promise<string> {
  const planned = await ledger.plan({
    kind,
    provider: 'docker',
    name: resourceName,
    environmentId,
  });
  if (state === 'created' || state === 'deleting') await ledger.markCreated(planned.id);
  if (state === 'deleting') await ledger.markDeleting(planned.id);
  return planned.id;
}

async function onEngine(): Promise<Set<string>> {
  const found = await host.listByLabels(SCOPE);
  return new Set([
    ...found.containers.map((c) => `container:${c.name}`),
    ...found.volumes.map((v) => `volume:${v.name}`),
    ...found.networks.map((n) => `network:${n.name}`),
  ]);
}

const listed = (report: ReconcileReport) => report.removals.map((r) => `${r.kind}:${r.name}`);

beforeAll(async () => {
  host = await testHost();
  prisma = testDatabase();
  redis = createRedis(redisUrl, 'reconciler-it');
  ledger = new ResourceLedger(prisma, run);
});

afterAll(async () => {
  const left = await host.listByLabels(SCOPE).catch(() => undefined);
  for (const c of [...(left?.containers ?? []).map((c) => c.name), ...unlabelled.containers]) {
    await host.removeContainer(c).catch(() => undefined);
  }
  for (const v of [...(left?.volumes ?? []).map((v) => v.name), ...unlabelled.volumes]) {
    await host.removeVolume(v).catch(() => undefined);
  }
  for (const n of [...(left?.networks ?? []).map((n) => n.name), ...unlabelled.networks]) {
    await host.removeNetwork(n).catch(() => undefined);
  }
  await closeRedis(redis);
  await prisma.$disconnect();
});

describe('Reconciler', () => {
  // What each part of the scenario expects, filled in as it is built.
  const removed = new Set<string>();
  const kept = new Set<string>();
  const stale = new Set<string>();
  let dry: ReconcileReport;
  let real: ReconcileReport;
  let live: { id: string; label: string };
  let closed: { id: string; label: string };
  let gone: { id: string; label: string };

  beforeAll(async () => {
    live = await environment('ready');
    const building = await environment('building');
    const leased = await environment('destroying', true);
    closed = await environment('destroyed');
    gone = await environment('destroyed');

    // A live environment: recorded and unrecorded objects, its subnet.
    await row('container', await container('live-c', live.label), live.id);
    await row('volume', await volume('live-v', live.label), live.id);
    await row('network', await network('live-n', live.label, `${NET}.0/26`), live.id);
    await row('subnet', `${NET}.0/26`, live.id);
    kept.add(`container:${name('live-c')}`).add(`volume:${name('live-v')}`);
    kept.add(`network:${name('live-n')}`).add(`volume:${await volume('live-u', live.label)}`);
    // A building environment's planned volume, and a closed one whose teardown holds the lease.
    await row('volume', await volume('busy-v', building.label), building.id, 'planned');
    await row('volume', await volume('leased-v', leased.label), leased.id, 'deleting');
    kept.add(`volume:${name('busy-v')}`).add(`volume:${name('leased-v')}`);

    // A teardown that crashed halfway: rows created and deleting, objects still there, its
    // subnet held by its network, and a row whose container is already gone.
    await row('container', await container('closed-c', closed.label), closed.id);
    await row('volume', await volume('closed-v', closed.label), closed.id, 'deleting');
    await row('network', await network('closed-n', closed.label, `${NET}.64/26`), closed.id);
    await row('subnet', `${NET}.64/26`, closed.id);
    await row('container', name('closed-gone'), closed.id);
    removed.add(`container:${name('closed-c')}`).add(`volume:${name('closed-v')}`);
    removed.add(`network:${name('closed-n')}`).add(`subnet:${NET}.64/26`);
    stale.add(name('closed-gone'));

    // An environment whose row was deleted while its objects stayed (rows lose their owner).
    await row('volume', await volume('gone-v', gone.label), gone.id, 'deleting');
    await row('subnet', `${NET}.128/26`, gone.id);
    removed.add(`volume:${name('gone-v')}`).add(`subnet:${NET}.128/26`);
    removed.add(`container:${await container('gone-c', gone.label)}`); // never recorded
    await prisma.revision.deleteMany({ where: { environmentId: gone.id } });
    await prisma.environment.delete({ where: { id: gone.id } });

    // Berth's marks and nothing else: no owner at all.
    removed
      .add(`volume:${await volume('bare-v')}`)
      .add(`network:${await network('bare-n', undefined)}`);

    // Without Berth's marks: never touched, even with a stale ledger row of the same name.
    for (const what of ['plain-v', 'closed-stale-v']) {
      await host.docker.createVolume({ Name: name(what), Labels: SCOPE });
      unlabelled.volumes.push(name(what));
    }
    await row('volume', name('closed-stale-v'), closed.id);
    stale.add(name('closed-stale-v'));
    await host.docker.createNetwork({ Name: name('plain-n'), Internal: true, Labels: SCOPE });
    unlabelled.networks.push(name('plain-n'));
    await host.docker.createContainer({
      name: name('plain-c'),
      Image: DEBIAN_IMAGE,
      Labels: SCOPE,
    });
    unlabelled.containers.push(name('plain-c'));

    // Younger than the grace period: orphans, but not yet. Both runs look at the clock the
    // young objects were made by: on a loaded machine the runs may start seconds later, and
    // the young would have aged into orphans between the dry run and the real one.
    await sleep(GRACE_MS + 1_200);
    const youngAt = Date.now();
    kept.add(`volume:${await volume('young-v', closed.label)}`);
    kept.add(`container:${await container('young-c')}`);
    const clock = () => new Date(youngAt + 1_000);

    dry = await reconciler({ now: clock }).dryRun();
    real = await reconciler({ now: clock }).run();
  }, 120_000);

  it('the dry run lists exactly what the real run removes, and changes nothing', () => {
    expect(listed(dry).sort()).toEqual([...removed].sort());
    expect(listed(real)).toEqual(listed(dry));
    expect(real.staleRows).toEqual(dry.staleRows);
    expect(dry.staleRows.map((s) => s.name).sort()).toEqual([...stale].sort());
    expect(real.failures).toEqual([]);
    expect(real.deferred).toEqual([]);
    expect(dry.orphansLeft).toBe(removed.size);
    expect(real.orphansLeft).toBe(0);
    expect(dry.kept).toMatchObject({ busy: 2, young: 2 });
    expect(dry.unrecorded).toBe(1);
    expect(dry.kept.live).toBe(5);
    expect(dry.inventory).toMatchObject({ containers: 4, volumes: 8, networks: 3, subnets: 3 });
  });

  it('leaves zero orphans, and what is live, busy, young or unlabelled on the engine', async () => {
    const now = await onEngine();
    for (const object of removed) {
      if (!object.startsWith('subnet:')) expect(now.has(object), object).toBe(false);
    }
    for (const object of kept) expect(now.has(object), object).toBe(true);
    for (const v of unlabelled.volumes) {
      expect(now.has(`volume:${v}`), v).toBe(true);
    }
    expect(now.has(`network:${name('plain-n')}`)).toBe(true);
    expect(now.has(`container:${name('plain-c')}`)).toBe(true);

    // (A long grace from here on: the young objects above must not age into these checks.)
    const again = await reconciler({ graceMs: 60_000 }).dryRun();
    expect(again.removals).toEqual([]);
    expect(again.staleRows).toEqual([]);
    expect(again.orphansLeft).toBe(0);
  });

  it('records every removal and stale row in the ledger', async () => {
    const rows = await prisma.resource.findMany({ where: { host: run } });
    const byName = new Map(rows.map((r) => [`${r.kind}:${r.name}`, r]));
    for (const object of removed) {
      const r = byName.get(object);
      expect(r?.state, object).toBe('deleted');
      expect(r?.deletedAt, object).not.toBeNull();
      expect(r?.metadata, object).toMatchObject({ reconciler: { note: expect.any(String) } });
    }
    // The teardown's rows keep their owner; the unrecorded container has a row with none.
    expect(byName.get(`container:${name('closed-c')}`)?.environmentId).toBe(closed.id);
    expect(byName.get(`container:${name('gone-c')}`)).toMatchObject({
      environmentId: null,
      state: 'deleted',
      metadata: { reconciler: { envLabel: gone.label } },
    });
    for (const s of stale) {
      expect(byName.get(`container:${s}`) ?? byName.get(`volume:${s}`)).toMatchObject({
        state: 'deleted',
        metadata: { reconciler: { note: 'object gone from the host' } },
      });
    }
    expect(byName.get(`subnet:${NET}.0/26`)?.state).toBe('created');
    expect(byName.get(`container:${name('live-c')}`)?.state).toBe('created');
  });

  it('runs once at a time per host, and is idempotent', async () => {
    const lock = redisLock(redis, `rcit-${run}`);
    const token = await lock.acquire(`reconcile-${run}`, 60_000);
    expect(token).toBeDefined();
    const blocked = await reconciler({ lock, graceMs: 60_000 }).run();
    expect(blocked.skipped).toContain('another worker');
    await lock.release(`reconcile-${run}`, token!);
    const second = await reconciler({ lock, graceMs: 60_000 }).run();
    expect(second.skipped).toBeUndefined();
    expect(second.removals).toEqual([]);
    expect(second.staleRows).toEqual([]);
  });

  it('is safe when two workers without a lock sweep at once: each orphan goes exactly once', async () => {
    const batch: string[] = [];
    for (let i = 0; i < 6; i++) batch.push(`volume:${await volume(`race-v${i}`, closed.label)}`);
    batch.push(`container:${await container('race-c', closed.label)}`);
    await sleep(GRACE_MS + 200);
    const [a, b] = await Promise.all([reconciler().run(), reconciler().run()]);
    expect([...a.failures, ...b.failures]).toEqual([]);
    const both = [...listed(a), ...listed(b)].filter((o) => o.includes('race-'));
    expect(both.sort()).toEqual(batch.sort());
    const now = await onEngine();
    for (const object of batch) expect(now.has(object), object).toBe(false);
  });
});
