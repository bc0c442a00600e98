// Orphans of every kind, through the real api and the worker's maintenance consumer
// (startReconcile) with Route 53 and Secrets Manager emulators behind the real drivers: Docker
// containers, volumes and networks, a subnet row, Route 53 records (one recorded by a teardown
// that crashed, one nobody recorded), Secrets Manager secrets (recorded and not), and base
// states (a copy no row records, one head beyond BASE_STATES_KEPT, a row whose copy is gone),
// each beside look-alikes without Berth's marks. GET (dry run) must list exactly what POST then
// removes, per kind; every orphan goes and every look-alike stays. The worker's clock runs ahead
// of the grace period, so nothing here waits for real time.

import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  ChangeResourceRecordSetsCommand,
  type Change,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { environmentIdentity, LABEL_MANAGED, resourceLabels } from '@berth/core';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import { BASE_STATES_KEPT } from '@berth/lifecycle';
import { AwsPreviewScopes, DockerContainerHost, Route53Dns } from '@berth/providers';
import { closeRedis, createRedis, redisLock } from '@berth/queue';
import {
  type Route53Emulator,
  type SecretsManagerEmulator,
  startRoute53Emulator,
  startSecretsManagerEmulator,
} from '@berth/testing';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';
import { startReconcile } from '../../apps/worker/src/lifecycle/reconcile.js';

const run = `rcall${randomBytes(3).toString('hex')}`;
const prefix = `t-${run}`;
const SCOPE = { 'berth.reconcile-all-it': run };
const ZONE = `${run}.previews.example.com`;
const SECRETS = 'berth/preview/';
const DNS_HOST = `dns-${run}`;
const AWS_HOST = `aws-${run}`;
const NET = `10.251.${randomInt(1, 250)}`;
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const IMAGE = 'berth-fixture/debian:bookworm';

let api: ApiHarness;
let prisma: PrismaClient;
let redis: ReturnType<typeof createRedis>;
let host: DockerContainerHost;
let r53: Route53Emulator;
let sm: SecretsManagerEmulator;
let route53: Route53Client;
let secretsManager: SecretsManagerClient;
let worker: ReturnType<typeof startReconcile>;
let repositoryId: string;
let zoneId: string;

const name = (what: string) => `${run}-${what}`;
const hostOf = (what: string) => `${what}.${ZONE}`;
/** What is expected: `kind:name` of every orphan, and of what must survive (look-alikes, live, kept). */
const orphans = new Set<string>();
const sighted = new Set<string>();
const survivors = new Set<string>();

/** Everything of this run that is on the engine, in Route 53 and in Secrets Manager. */
async function inventory(): Promise<Set<string>> {
  const [containers, volumes, networks] = await Promise.all([
    host.docker.listContainers({
      all: true,
      filters: { label: [`berth.reconcile-all-it=${run}`] },
    }),
    host.docker.listVolumes({ filters: { label: [`berth.reconcile-all-it=${run}`] } }),
    host.docker.listNetworks({ filters: { label: [`berth.reconcile-all-it=${run}`] } }),
  ]);
  return new Set([
    ...containers.flatMap((c) => (c.Names ?? []).map((n) => `container:${n.replace(/^\//, '')}`)),
    ...(volumes.Volumes ?? []).map((v) => `volume:${v.Name}`),
    ...networks.map((n) => `network:${n.Name}`),
    ...r53.records(zoneId).map((r) => `dns:${r.type}:${r.name.replace(/\.$/, '')}`),
    ...sm.secrets().flatMap((s) => (s.deleted ? [] : [`secret:${s.name}`])),
  ]);
}

async function environment(pr: number, state: 'ready' | 'destroyed') {
  return prisma.environment.create({
    data: {
      repositoryId,
      prNumber: pr,
      headSha: 'a'.repeat(40),
      branch: pr === 0 ? 'main' : `b${pr}`,
      baseBranch: 'main',
      state,
    },
  });
}

async function ledgerRow(
  kind: 'volume' | 'subnet' | 'dns_record' | 'secret',
  resourceName: string,
  environmentId: string,
  state: 'created' | 'deleting',
  metadata: object = {},
): Promise<void> {
  const where =
    kind === 'dns_record'
      ? { provider: 'route53' as const, host: DNS_HOST }
      : kind === 'secret'
        ? { provider: 'secrets_aws' as const, host: AWS_HOST }
        : { provider: 'docker' as const, host: run };
  await prisma.resource.create({
    data: { kind, name: resourceName, environmentId, state, metadata, ...where },
  });
}

const record = (Name: string, Type: 'TXT' | 'CNAME' | 'A', Value: string): Change => ({
  Action: 'CREATE',
  ResourceRecordSet: { Name, Type, TTL: 60, ResourceRecords: [{ Value }] },
});

beforeAll(async () => {
  api = await startApi({ QUEUE_PREFIX: prefix });
  prisma = createPrismaClient(process.env['TEST_DATABASE_URL'] ?? '');
  redis = createRedis(redisUrl, 'reconcile-all-it');
  host = new DockerContainerHost();
  r53 = await startRoute53Emulator();
  sm = await startSecretsManagerEmulator();
  route53 = new Route53Client({
    endpoint: r53.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  secretsManager = new SecretsManagerClient({ endpoint: sm.url, region: 'us-east-1', credentials });
  zoneId = r53.createZone(ZONE);
  const dns = new Route53Dns({
    client: route53,
    hostedZoneId: zoneId,
    target: { cname: 'gateway.example.net' },
    batchWindowMs: 10,
    backoff: { baseMs: 10, capMs: 200 },
  });
  const scopes = new AwsPreviewScopes(secretsManager);

  // One repository: its base environment (PR 0, live), a closed PR and a live one.
  const fullName = `acme/${run}`;
  repositoryId = (
    await prisma.repository.create({
      data: {
        providerId: BigInt(randomInt(1, 2 ** 47)),
        fullName,
        owner: 'acme',
        name: run,
        installationId: 1n,
        cloneUrl: `http://127.0.0.1:1/${fullName}.git`,
      },
    })
  ).id;
  const base = await environment(0, 'ready');
  const closed = await environment(1, 'destroyed');
  const live = await environment(2, 'ready');
  const labelsOf = (pr?: number) => ({
    ...SCOPE,
    [LABEL_MANAGED]: 'true',
    ...(pr === undefined ? {} : resourceLabels(environmentIdentity(fullName, pr))),
  });

  // Docker: a closed PR's container and network (on its own subnet, with the subnet's row), a
  // volume nobody owns. Look-alikes: the same, carrying everything but berth.managed=true; a
  // network without the mark on the range of another closed-PR subnet row (held, not released).
  await host.docker.createContainer({
    name: name('c'),
    Image: IMAGE,
    Cmd: ['true'],
    Labels: labelsOf(1),
    HostConfig: { NetworkMode: 'none' },
  });
  await host.ensureNetwork({
    name: name('n'),
    labels: labelsOf(1),
    subnet: { cidr: `${NET}.0/28` },
  });
  await ledgerRow('subnet', `${NET}.0/28`, closed.id, 'created');
  await host.ensureVolume({ name: name('v'), labels: labelsOf() });
  orphans
    .add(`container:${name('c')}`)
    .add(`network:${name('n')}`)
    .add(`volume:${name('v')}`);
  orphans.add(`subnet:${NET}.0/28`);
  const unmarked = { ...SCOPE, ...resourceLabels(environmentIdentity(fullName, 1)) };
  delete (unmarked as Record<string, string>)[LABEL_MANAGED];
  await host.docker.createContainer({
    name: name('plain-c'),
    Image: IMAGE,
    Cmd: ['true'],
    Labels: unmarked,
    HostConfig: { NetworkMode: 'none' },
  });
  await host.docker.createVolume({ Name: name('plain-v'), Labels: unmarked });
  await host.docker.createNetwork({
    Name: name('plain-n'),
    Internal: true,
    Labels: unmarked,
    IPAM: { Config: [{ Subnet: `${NET}.16/28` }] },
  });
  await ledgerRow('subnet', `${NET}.16/28`, closed.id, 'created');
  survivors.add(`container:${name('plain-c')}`).add(`volume:${name('plain-v')}`);
  survivors.add(`network:${name('plain-n')}`);

  // Base states: four complete heads (one beyond BASE_STATES_KEPT), a copy no row records, a
  // row whose copy is gone. Look-alike: a volume labelled as a base state without Berth's mark.
  expect(BASE_STATES_KEPT).toBe(3);
  const baseLabels = { ...labelsOf(0), 'berth.volume': 'base-state' };
  for (const [i, day] of ['01', '02', '03', '04'].entries()) {
    const volume = name(`db-base-${i}`);
    await host.ensureVolume({ name: volume, labels: baseLabels });
    await ledgerRow('volume', volume, base.id, 'created', {
      volume: 'base-state',
      baseState: {
        service: 'db',
        target: '/var/lib/postgresql/data',
        sha: `${i}`.repeat(40),
        generation: i + 1,
        capturedAt: `2026-11-${day}T00:00:00.000Z`,
        bytes: 1,
      },
    });
  }
  orphans.add(`volume:${name('db-base-0')}`);
  await host.ensureVolume({ name: name('db-base-lost'), labels: baseLabels });
  orphans.add(`volume:${name('db-base-lost')}`);
  await ledgerRow('volume', name('db-base-gone'), base.id, 'created', { volume: 'base-state' });
  const plainBase = { ...baseLabels };
  delete (plainBase as Record<string, string>)[LABEL_MANAGED];
  await host.docker.createVolume({ Name: name('plain-base'), Labels: plainBase });
  survivors.add(`volume:${name('plain-base')}`);
  survivors.add(`volume:${name('db-base-1')}`).add(`volume:${name('db-base-3')}`);

  // Route 53: the closed PR's records (its teardown crashed: row deleting), records of an
  // environment nobody recorded (first seen, then removed), the live PR's (kept). Look-alikes
  // in the same zone: a CNAME with no ownership TXT, external-dns' own ownership records.
  const owner = (id: string) => ({ environmentId: id, repository: fullName });
  await dns.publish(owner(closed.id), [hostOf('web-pr-1')]);
  await ledgerRow('dns_record', hostOf('web-pr-1'), closed.id, 'deleting');
  await dns.publish(owner(randomUUID()), [hostOf('web-pr-9')]);
  await dns.publish(owner(live.id), [hostOf('web-pr-2')]);
  await ledgerRow('dns_record', hostOf('web-pr-2'), live.id, 'created');
  orphans.add(`dns_record:${hostOf('web-pr-1')}`);
  sighted.add(`dns_record:${hostOf('web-pr-9')}`);
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [
          record(hostOf('web-pr-7'), 'CNAME', 'gateway.example.net'),
          record(hostOf('app'), 'A', '192.0.2.10'),
          record(hostOf('app'), 'TXT', '"heritage=external-dns,external-dns/owner=default"'),
          record(`_berth.${hostOf('other')}`, 'TXT', '"heritage=someone-else,owner=x"'),
        ],
      },
    }),
  );
  for (const look of [
    `CNAME:${hostOf('web-pr-7')}`,
    `A:${hostOf('app')}`,
    `TXT:${hostOf('app')}`,
    `TXT:_berth.${hostOf('other')}`,
    `CNAME:${hostOf('web-pr-2')}`,
  ]) {
    survivors.add(`dns:${look}`);
  }

  // Secrets Manager: the closed PR's scope (recorded), one tagged for an environment that no
  // longer exists (unrecorded), the live PR's. Look-alikes under the same prefix: untagged, a
  // tag key that only starts like Berth's, berth:managed=false.
  const scope = (pr: number, environmentId: string) => ({
    name: `${SECRETS}acme/${run}/pr-${pr}/g1`,
    environmentId,
    repository: fullName,
  });
  await scopes.write(scope(1, closed.id), { DB_PASSWORD: 'x' });
  await ledgerRow('secret', scope(1, closed.id).name, closed.id, 'created');
  await scopes.write(scope(8, randomUUID()), { DB_PASSWORD: 'y' });
  await scopes.write(scope(2, live.id), { DB_PASSWORD: 'z' });
  await ledgerRow('secret', scope(2, live.id).name, live.id, 'created');
  orphans.add(`secret:${scope(1, closed.id).name}`).add(`secret:${scope(8, '').name}`);
  survivors.add(`secret:${scope(2, live.id).name}`);
  for (const [i, Tags] of [
    [],
    [{ Key: 'berth:managed-by', Value: 'true' }],
    [
      { Key: 'berth:managed', Value: 'false' },
      { Key: 'berth:environment', Value: closed.id },
    ],
  ].entries()) {
    const secretName = `${SECRETS}acme/${run}/look-${i}`;
    await secretsManager.send(
      new CreateSecretCommand({ Name: secretName, SecretString: '{}', Tags }),
    );
    survivors.add(`secret:${secretName}`);
  }

  worker = startReconcile({
    config: {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      DOCKER_HOST_NAME: run,
      RECONCILE_INTERVAL_S: 0,
      RECONCILE_GRACE_S: 1,
      IMAGE_RETENTION_H: 0,
      IMAGE_KEEP_PER_SERVICE: 1,
      IMAGE_BUDGET_MB: 0,
    },
    prisma,
    redis,
    containerHost: host,
    lock: redisLock(redis, prefix),
    logger: pino({ level: 'silent' }),
    scope: SCOPE,
    cloud: {
      dns: { driver: dns, domain: ZONE, ledgerHost: DNS_HOST },
      secrets: { driver: scopes, namePrefix: SECRETS, ledgerHost: AWS_HOST },
    },
    // Everything above is older than the 1 s grace period on this clock.
    now: () => new Date(Date.now() + 10_000),
  });
}, 120_000);

afterAll(async () => {
  await worker?.close();
  const [containers, volumes, networks] = await Promise.all([
    host.docker.listContainers({
      all: true,
      filters: { label: [`berth.reconcile-all-it=${run}`] },
    }),
    host.docker.listVolumes({ filters: { label: [`berth.reconcile-all-it=${run}`] } }),
    host.docker.listNetworks({ filters: { label: [`berth.reconcile-all-it=${run}`] } }),
  ]).catch(() => [[], { Volumes: [] }, []] as const);
  for (const c of containers) await host.removeContainer(c.Id).catch(() => undefined);
  for (const v of volumes.Volumes ?? []) await host.removeVolume(v.Name).catch(() => undefined);
  for (const n of networks) await host.removeNetwork(n.Name).catch(() => undefined);
  await prisma?.resource.deleteMany({ where: { host: { in: [run, DNS_HOST, AWS_HOST] } } });
  await prisma?.environment.deleteMany({ where: { repositoryId } });
  await prisma?.repository.deleteMany({ where: { id: repositoryId } });
  route53?.destroy();
  secretsManager?.destroy();
  await r53?.close();
  await sm?.close();
  await api?.stop();
  await closeRedis(redis);
  await prisma?.$disconnect();
});

type Report = {
  removals: { kind: string; name: string; reason: string }[];
  removalsByKind: Record<string, number>;
  staleRows: { kind: string; name: string; baseState?: boolean }[];
  sightings: { kind: string; name: string }[];
  failures: unknown[];
  orphansLeft: number;
};
const listed = (report: Report) => report.removals.map((r) => `${r.kind}:${r.name}`);

async function reconcile(method: 'get' | 'post'): Promise<Report> {
  const response = await request(api.url)[method](`/admin/v1/reconcile?host=${run}`).set(admin);
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ dryRun: method === 'get', state: 'completed' });
  return response.body.report as Report;
}

describe('the reconciler, every kind of orphan', () => {
  let dry: Report;
  let real: Report;

  it('GET lists every orphan, POST removes exactly those, per kind', async () => {
    const before = await inventory();
    dry = await reconcile('get');
    expect(await inventory()).toEqual(before); // a dry run changes nothing
    real = await reconcile('post');

    expect(listed(dry).sort()).toEqual([...orphans].sort());
    expect(listed(real)).toEqual(listed(dry));
    expect(real.removalsByKind).toEqual(dry.removalsByKind);
    expect(dry.removalsByKind).toEqual({
      container: 1,
      volume: 3,
      network: 1,
      subnet: 1,
      dns_record: 1,
      secret: 2,
    });
    expect(Object.fromEntries(real.removals.map((r) => [r.name, r.reason]))).toMatchObject({
      [name('db-base-0')]: 'base-state-surplus',
      [name('db-base-lost')]: 'base-state-untracked',
    });
    expect(real.staleRows).toEqual(dry.staleRows);
    expect(dry.staleRows.map((s) => `${s.kind}:${s.name}`)).toEqual([
      `volume:${name('db-base-gone')}`,
    ]);
    expect(real.sightings).toEqual(dry.sightings);
    expect(dry.sightings.map((s) => `${s.kind}:${s.name}`)).toEqual([...sighted]);
    expect(real.failures).toEqual([]);
    expect(real.orphansLeft).toBe(0);
  });

  it('removed every orphan, and left every look-alike', async () => {
    const now = await inventory();
    for (const orphan of orphans) {
      const [kind, ...rest] = orphan.split(':');
      const what = rest.join(':');
      if (kind === 'dns_record') {
        expect(now.has(`dns:CNAME:${what}`), orphan).toBe(false);
        expect(now.has(`dns:TXT:_berth.${what}`), orphan).toBe(false);
      } else if (kind !== 'subnet') {
        expect(now.has(orphan), orphan).toBe(false);
      }
    }
    for (const look of survivors) expect(now.has(look), look).toBe(true);
    const subnets = await prisma.resource.findMany({ where: { host: run, kind: 'subnet' } });
    expect(Object.fromEntries(subnets.map((s) => [s.name, s.state]))).toEqual({
      [`${NET}.0/28`]: 'deleted',
      [`${NET}.16/28`]: 'created', // its range is used by a network without Berth's mark
    });
  });

  it('removes a record first seen a grace period ago, and then finds nothing', async () => {
    const [recordHost] = [...sighted].map((s) => s.split(':')[1]);
    const row = await prisma.resource.findFirst({ where: { host: DNS_HOST, name: recordHost } });
    expect(row).toMatchObject({ state: 'created', environmentId: null });

    const again = await reconcile('get');
    expect(listed(again)).toEqual([...sighted]);
    const second = await reconcile('post');
    expect(listed(second)).toEqual(listed(again));
    expect(second.orphansLeft).toBe(0);
    const now = await inventory();
    expect(now.has(`dns:CNAME:${recordHost}`)).toBe(false);
    expect(now.has(`dns:TXT:_berth.${recordHost}`)).toBe(false);
    for (const look of survivors) expect(now.has(look), look).toBe(true);

    const last = await reconcile('get');
    expect(last.removals).toEqual([]);
    expect(last.staleRows).toEqual([]);
    expect(last.sightings).toEqual([]);
  });

  it("counts removals per kind on the worker's /metrics", async () => {
    const registry = new Registry();
    worker.metrics.register(registry);
    const text = await registry.metrics();
    expect(text).toContain('berth_reconcile_removed_total{kind="dns_record"} 2');
    expect(text).toContain('berth_reconcile_removed_total{kind="secret"} 2');
    expect(text).toContain('berth_reconcile_removed_total{kind="volume"} 3');
    expect(text).toContain('berth_reconcile_sightings_total 1');
    // The last run (a dry one) found the live PR's secret and record only.
    expect(text).toContain('berth_reconcile_inventory{kind="secret"} 1');
    expect(text).toContain('berth_reconcile_inventory{kind="dns_record"} 1');
    expect(text).toContain('berth_reconcile_orphans_left 0');
  });
});
