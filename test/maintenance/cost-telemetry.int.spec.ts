// Cost telemetry (issue 11 item 4, decision 0025) on the real engine, Postgres and Redis: two
// containers labelled as one preview's services run a fixed load (a busy loop held to half a
// CPU, a process holding ~160 MiB); the real usage sampler reads them, and `docker stats
// --no-stream` samples them independently over the same window. CPU-seconds, memory GB-hours
// and the priced cost must agree within 20 %. Then: several samplers at once count each window
// once, a replayed window counts nothing, a restart is counted from the new start, a stopped
// (sleeping) preview adds nothing, and the api, the PR comment's figure, the metrics and the
// worker's scheduled consumer show the same usage.
// Everything carries berth.cost-it=<run> (the sampler's scope on a shared engine) and lives on
// a Docker host name of its own.

import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { parseRepositoryFullName, priceUsage, resourceLabels } from '@berth/core';
import {
  CostQueries,
  createPrismaClient,
  type PrismaClient,
  ServiceStatusStore,
  UsageStore,
} from '@berth/db';
import { previewCost, UsageSampler, type UsageSampleReport } from '@berth/lifecycle';
import { DockerContainerHost } from '@berth/providers';
import { closeRedis, createRedis, redisLock } from '@berth/queue';
import { waitFor } from '@berth/testing';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';
import { runCli } from '../../apps/cli/src/berth.js';
import { CostMetrics } from '../../apps/worker/src/lifecycle/cost-metrics.js';
import { startCost } from '../../apps/worker/src/lifecycle/cost.js';

const exec = promisify(execFile);
const run = `cost${randomBytes(3).toString('hex')}`;
const dockerHost = `cost-${run}`;
const SCOPE = { 'berth.cost-it': run };
const repository = `acme/${run}`;
const IMAGE = 'berth-fixture/node:24';
const busy = `${run}-busy`;
const hold = `${run}-hold`;
const volume = `${run}-data`;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
// The defaults (decision 0025): what the api prices with when PRICE_* are unset.
const prices = { vcpuHour: 0.04048, memoryGbHour: 0.004445, diskGbMonth: 0.08, networkGb: 0 };
const WINDOW_MS = 16_000;
const identity = { repository: parseRepositoryFullName(repository), pr: 1 };

let prisma: PrismaClient;
let host: DockerContainerHost;
let api: ApiHarness;
let environmentId: string;
let store: UsageStore;

const sampler = (onReport?: (r: UsageSampleReport) => void) =>
  new UsageSampler({
    host,
    store,
    dockerHost,
    diskIntervalMs: 60_000,
    scope: SCOPE,
    logger: pino({ level: 'silent' }),
    statuses: new ServiceStatusStore(prisma),
    ...(onReport ? { onReport } : {}),
  });

async function usage() {
  const row = await prisma.environmentUsage.aggregate({
    where: { environmentId },
    _sum: {
      cpuSeconds: true,
      memoryByteSeconds: true,
      diskByteSeconds: true,
      networkBytes: true,
      awakeSeconds: true,
      containerSeconds: true,
    },
    _max: { diskBytes: true },
  });
  return {
    cpuSeconds: row._sum.cpuSeconds ?? 0,
    memoryByteSeconds: row._sum.memoryByteSeconds ?? 0,
    diskByteSeconds: row._sum.diskByteSeconds ?? 0,
    networkBytes: Number(row._sum.networkBytes ?? 0),
    awakeSeconds: row._sum.awakeSeconds ?? 0,
    containerSeconds: row._sum.containerSeconds ?? 0,
    diskBytes: Number(row._max.diskBytes ?? 0),
  };
}

/** The cursors' cumulative counters: for containers never restarted, all ever counted. */
async function cursorTotals() {
  const rows = await prisma.usageCursor.findMany({
    where: { host: dockerHost, NOT: { key: { startsWith: 'disk:' } } },
  });
  return {
    cpuSeconds: rows.reduce((s, r) => s + Number(r.cpuNs), 0) / 1e9,
    networkBytes: rows.reduce((s, r) => s + Number(r.networkBytes), 0),
  };
}

async function startContainer(name: string, script: string, hostConfig: object) {
  const labels = {
    ...resourceLabels(identity, name.slice(-4)),
    ...SCOPE,
  };
  const container = await host.docker.createContainer({
    name,
    Image: IMAGE,
    Cmd: ['node', '-e', script],
    Labels: labels,
    HostConfig: { NetworkMode: 'none', ...hostConfig },
  });
  await container.start();
}

const UNITS: Record<string, number> = {
  B: 1,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  kB: 1e3,
  MB: 1e6,
  GB: 1e9,
};

/** `docker stats --no-stream`: CPU fraction and memory bytes per container, now. */
async function dockerStats(): Promise<Map<string, { cpu: number; memory: number }>> {
  const { stdout } = await exec('docker', [
    'stats',
    '--no-stream',
    '--format',
    '{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}',
    busy,
    hold,
  ]);
  const out = new Map<string, { cpu: number; memory: number }>();
  for (const line of stdout.trim().split('\n')) {
    const [name = '', cpu = '', mem = ''] = line.split('\t');
    const used = /^([\d.]+)\s*([A-Za-z]+)/.exec(mem.split('/')[0]!.trim());
    if (!used) throw new Error(`docker stats: cannot read ${JSON.stringify(mem)}`);
    out.set(name, {
      cpu: Number(cpu.replace('%', '')) / 100,
      memory: Number(used[1]) * (UNITS[used[2]!] ?? Number.NaN),
    });
  }
  return out;
}

const within = (actual: number, expected: number, tolerance = 0.2) =>
  Math.abs(actual - expected) <= tolerance * expected;

beforeAll(async () => {
  prisma = createPrismaClient(process.env['TEST_DATABASE_URL'] ?? '');
  store = new UsageStore(prisma);
  host = new DockerContainerHost();
  api = await startApi();
  const repo = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: repository,
      owner: 'acme',
      name: run,
      installationId: 1n,
      cloneUrl: `http://127.0.0.1:1/${repository}.git`,
    },
  });
  environmentId = (
    await prisma.environment.create({
      data: {
        repositoryId: repo.id,
        prNumber: 1,
        headSha: 'c'.repeat(40),
        branch: 'load',
        baseBranch: 'main',
        state: 'ready',
        readyAt: new Date(),
        dockerHost,
      },
    })
  ).id;
  await host.ensureVolume({
    name: volume,
    labels: {
      ...resourceLabels(identity),
      ...SCOPE,
    },
  });
  // The fixed load: half a CPU, busy; ~160 MiB held (and 8 MiB written to the preview's volume).
  await startContainer(busy, 'for (;;) {}', { NanoCpus: 500_000_000 });
  await startContainer(
    hold,
    "require('fs').writeFileSync('/data/blob', Buffer.alloc(8 << 20, 1));" +
      'const held = Buffer.alloc(160 << 20, 1); setInterval(() => held[0]++, 1000);',
    { Mounts: [{ Type: 'volume', Source: volume, Target: '/data' }] },
  );
  // Until the memory is held (a fixed load, not a start-up).
  await waitFor(
    'the holding container to hold its memory',
    async () => ((await dockerStats()).get(hold)?.memory ?? 0) > 150 * 1024 ** 2 || undefined,
    30_000,
    250,
  );
}, 120_000);

afterAll(async () => {
  for (const name of [busy, hold]) await host?.removeContainer(name).catch(() => undefined);
  await host?.removeVolume(volume).catch(() => undefined);
  await prisma?.usageCursor.deleteMany({ where: { host: dockerHost } }).catch(() => undefined);
  await prisma?.environment.deleteMany({ where: { id: environmentId } }).catch(() => undefined);
  await prisma?.repository.deleteMany({ where: { fullName: repository } }).catch(() => undefined);
  await api?.stop();
  await prisma?.$disconnect();
});

describe('cost telemetry', { timeout: 180_000 }, () => {
  it('matches `docker stats` sampled independently within 20 % under a fixed load', async () => {
    const sample = sampler();
    const first = await sample.sample();
    expect(first).toMatchObject({ environments: 1, containers: 2, unreadable: 0 });
    expect(first.recorded).toBe(3); // two containers and the environment's disk
    const before = await usage();
    const readAt = async () =>
      new Map(
        (await prisma.usageCursor.findMany({ where: { host: dockerHost } })).map((c) => [
          c.key,
          c.sampledAt.getTime(),
        ]),
      );
    const from = await readAt();
    const t0 = Date.now();
    // Independently, over the same window: `docker stats` as often as it answers (~2 s each).
    const readings: Map<string, { cpu: number; memory: number }>[] = [];
    while (Date.now() - t0 < WINDOW_MS) readings.push(await dockerStats());
    const second = await sample.sample();
    const seconds = (Date.now() - t0) / 1000;
    expect(second.recorded).toBe(3);
    const after = await usage();
    const to = await readAt();
    const measured = {
      cpuSeconds: after.cpuSeconds - before.cpuSeconds,
      memoryByteSeconds: after.memoryByteSeconds - before.memoryByteSeconds,
    };
    // docker stats gives rates (CPU share, bytes in use): integrated over each container's
    // window, from the sampler's reading before to its reading after.
    const independent = { cpuSeconds: 0, memoryByteSeconds: 0 };
    for (const name of [busy, hold]) {
      const id = (await host.docker.getContainer(name).inspect()).Id;
      const window = ((to.get(id) ?? 0) - (from.get(id) ?? 0)) / 1000;
      expect(window).toBeGreaterThan(WINDOW_MS / 1000);
      const mean = (key: 'cpu' | 'memory') =>
        readings.reduce((sum, r) => sum + (r.get(name)?.[key] ?? Number.NaN), 0) / readings.length;
      independent.cpuSeconds += mean('cpu') * window;
      independent.memoryByteSeconds += mean('memory') * window;
    }
    const figures = { readings: readings.length, seconds, measured, independent };
    expect(readings.length, JSON.stringify(figures)).toBeGreaterThanOrEqual(4);
    // A load worth comparing (half a CPU at most; less when the host is busy), 160 MiB held.
    expect(independent.cpuSeconds, JSON.stringify(figures)).toBeGreaterThan(1);
    expect(independent.memoryByteSeconds / seconds, JSON.stringify(figures)).toBeGreaterThan(
      150 * 1024 ** 2,
    );
    expect(within(measured.cpuSeconds, independent.cpuSeconds), JSON.stringify(figures)).toBe(true);
    expect(
      within(measured.memoryByteSeconds, independent.memoryByteSeconds),
      JSON.stringify(figures),
    ).toBe(true);
    const cost = (u: typeof measured) =>
      priceUsage({ ...u, diskByteSeconds: 0, networkBytes: 0 }, prices).total;
    expect(within(cost(measured), cost(independent)), JSON.stringify(figures)).toBe(true);

    // The console's per-service snapshot (issue 13): the same window, as a rate and a level.
    const statuses = new Map(
      (await new ServiceStatusStore(prisma).forEnvironment(environmentId)).map((r) => [
        r.service,
        r,
      ]),
    );
    const busyCpu = readings.reduce((sum, r) => sum + (r.get(busy)?.cpu ?? 0), 0) / readings.length;
    expect(statuses.get('busy')).toMatchObject({ container: busy, state: 'running', restarts: 0 });
    expect(
      within((statuses.get('busy')?.cpuPercent ?? 0) / 100, busyCpu),
      JSON.stringify({ busyCpu, status: statuses.get('busy') }),
    ).toBe(true);
    expect(statuses.get('hold')?.memoryBytes ?? 0).toBeGreaterThan(150 * 1024 ** 2);
    const limit = (await host.docker.getContainer(hold).inspect()).HostConfig.Memory;
    expect(statuses.get('hold')?.memoryLimitBytes ?? 0).toBe(limit || 0);

    // Disk: the volume's 8 MiB and the containers' share of their image, while awake.
    expect(after.diskBytes).toBeGreaterThan(8 << 20);
    expect(after.diskByteSeconds).toBeGreaterThan(0);
    expect(after.awakeSeconds).toBeGreaterThan(seconds * 0.9);
  });

  it('counts each window once with several samplers at once, and a replayed window not at all', async () => {
    // Four unlocked passes at once (four workers): every window is counted by one of them, so
    // what was counted is still exactly what the engine's counters say since each start.
    const reports = await Promise.all(
      [sampler(), sampler(), sampler(), sampler()].map((s) => s.sample()),
    );
    expect(reports.every((r) => r.unreadable === 0)).toBe(true);
    const counted = await usage();
    const cursors = await cursorTotals();
    expect(counted.cpuSeconds).toBeCloseTo(cursors.cpuSeconds, 6);
    expect(counted.networkBytes).toBe(cursors.networkBytes);

    // A window replayed (a job run twice with the same reading): the baseline has moved on.
    const { key } = await prisma.usageCursor.findFirstOrThrow({
      where: { host: dockerHost, NOT: { key: { startsWith: 'disk:' } } },
    });
    const baseline = (await store.baselines(dockerHost, [key])).get(key)!;
    const advance = {
      key,
      environmentId,
      expected: baseline.sampledAt,
      startedAt: baseline.startedAt,
      sampledAt: new Date(baseline.sampledAt.getTime() + 1_000),
      cpuNs: baseline.cpuNs + 1e9,
      memoryBytes: 0,
      networkBytes: baseline.networkBytes,
    };
    const addition = {
      key,
      environmentId,
      day: advance.sampledAt.toISOString().slice(0, 10),
      cpuSeconds: 1,
      memoryByteSeconds: 0,
      diskByteSeconds: 0,
      networkBytes: 0,
      awakeSeconds: 0,
      containerSeconds: 1,
      diskBytes: 0,
      samples: 1,
    };
    expect(await store.record(dockerHost, [advance], [addition])).toEqual([key]);
    expect(await store.record(dockerHost, [advance], [addition])).toEqual([]);
    expect((await usage()).cpuSeconds).toBeCloseTo(counted.cpuSeconds + 1, 6);
  });

  it('counts a restarted container from its new start, and nothing while stopped', async () => {
    const sample = sampler();
    await sample.sample();
    await exec('docker', ['restart', '-t', '0', busy]);
    const restarted = await host.inspectContainer(busy);
    expect(restarted?.running).toBe(true);
    const before = await usage();
    await sample.sample();
    const after = await usage();
    const cursor = await prisma.usageCursor.findFirstOrThrow({
      where: { host: dockerHost, key: (await host.docker.getContainer(busy).inspect()).Id },
    });
    // The busy loop's window is its new run, whole: never a negative CPU delta.
    expect(after.cpuSeconds - before.cpuSeconds).toBeGreaterThanOrEqual(
      Number(cursor.cpuNs) / 1e9 - 1e-6,
    );

    // Asleep: both stopped. A pass reads nothing and adds nothing, disk included.
    await host.stopContainer(busy, 0);
    await host.stopContainer(hold, 0);
    const asleep = await usage();
    const report = await sample.sample();
    expect(report).toMatchObject({ containers: 0, environments: 1 });
    expect(await usage()).toEqual(asleep);
    // Woken: counted from the new start, not over the time asleep.
    await host.startContainer(busy);
    const woke = await host.docker.getContainer(busy).inspect();
    await sample.sample();
    const awake = await usage();
    const gap = (Date.now() - Date.parse(woke.State.StartedAt)) / 1000;
    expect(awake.awakeSeconds - asleep.awakeSeconds).toBeLessThanOrEqual(gap + 1);
  });

  it('shows the same figures in the api, the PR comment, the metrics and the worker', async () => {
    const counted = await usage();
    const expected = priceUsage(counted, prices).total;
    expect(expected).toBeGreaterThan(0);

    const one = await request(api.url)
      .get(`/admin/v1/repositories/${repository}/pulls/1/cost`)
      .set(admin);
    expect(one.status).toBe(200);
    expect(one.body.usage.cpuSeconds).toBeCloseTo(counted.cpuSeconds, 2);
    expect(one.body.cost.total).toBeCloseTo(expected, 5);
    // Day by day (one day, or two when the spec runs over midnight UTC), adding up to the total.
    const dayTotal = (one.body.days as { cost: { total: number } }[]).reduce(
      (sum, d) => sum + d.cost.total,
      0,
    );
    expect(dayTotal).toBeCloseTo(expected, 5);
    expect(one.body.prices).toEqual({ currency: 'USD', ...prices });

    const byRepo = await request(api.url)
      .get('/admin/v1/costs')
      .query({ by: 'repository', repository })
      .set(admin);
    expect(byRepo.status).toBe(200);
    expect(byRepo.body.rows).toEqual([expect.objectContaining({ repository, environments: 1 })]);
    expect(byRepo.body.total.cost.total).toBeCloseTo(expected, 5);
    const byDay = await request(api.url)
      .get('/admin/v1/costs')
      .query({ by: 'day', days: 2, repository })
      .set(admin);
    expect(byDay.body.rows.length).toBeGreaterThanOrEqual(1);
    expect(byDay.body.total.cost.total).toBeCloseTo(expected, 5);
    expect((await request(api.url).get('/admin/v1/costs?by=week').set(admin)).status).toBe(400);
    expect((await request(api.url).get('/admin/v1/costs')).status).toBe(401);

    // `berth cost`, with the api's answer as is (--json) and for people.
    const lines: string[] = [];
    let token: string | undefined;
    const cli = (...argv: string[]) =>
      runCli(
        argv,
        { BERTH_API_URL: api.url, BERTH_ADMIN_TOKEN: ADMIN_TOKEN, BERTH_TOKEN: token },
        { out: (line) => lines.push(line), err: (line) => lines.push(line) },
      );
    expect(await cli('cost', `${repository}#1`, '--json')).toBe(0);
    expect(JSON.parse(lines.join('\n')).cost.total).toBeCloseTo(expected, 5);
    lines.length = 0;
    expect(await cli('cost', '--by', 'repository', '--repo', repository, '--days', '2')).toBe(0);
    expect(lines[1]).toMatch(new RegExp(`^  ${repository} \\(1 preview\\)  cpu [\\d.]+ h  mem`));
    // Through the REST API v1 (BERTH_TOKEN): a token limited to another repository sees none of
    // it — no such preview (exit 3), nothing in the totals.
    lines.length = 0;
    expect(
      await cli(
        'token',
        'create',
        'cost-other',
        '--scope',
        'read',
        '--repo',
        'else/where',
        '--json',
      ),
    ).toBe(0);
    token = (JSON.parse(lines.join('\n')) as { token: string }).token;
    lines.length = 0;
    expect(await cli('cost', `${repository}#1`)).toBe(3);
    expect(lines.join('\n')).toContain(`no environment for ${repository}#1`);
    lines.length = 0;
    expect(await cli('cost', 'unopened', '--json')).toBe(0);
    expect(JSON.parse(lines.join('\n'))).toMatchObject({
      previews: [],
      total: { cost: { total: 0 } },
    });
    token = undefined;

    // Ready, and nobody ever opened it: on the report of previews that ran unopened.
    const unopened = await request(api.url)
      .get('/admin/v1/costs/unopened')
      .query({ repository })
      .set(admin);
    expect(unopened.body.previews).toEqual([
      expect.objectContaining({ repository, pr: 1, accessCount: 0, lastAccessAt: null }),
    ]);
    await prisma.environment.update({
      where: { id: environmentId },
      data: { lastAccessAt: new Date(), accessCount: 3 },
    });
    const opened = await request(api.url)
      .get('/admin/v1/costs/unopened')
      .query({ repository })
      .set(admin);
    expect(opened.body.previews).toEqual([]);

    // The PR comment's figure.
    const figure = await previewCost(new CostQueries(prisma), prices)(environmentId);
    expect(figure.measured).toBe(true);
    expect(figure.total).toBeCloseTo(expected, 8);

    // Metrics: what a pass counted, and the live preview's cost read when scraped.
    const metrics = new CostMetrics(prices, new CostQueries(prisma), dockerHost);
    const registry = new Registry();
    metrics.register(registry);
    await host.startContainer(hold);
    await sampler((r) => metrics.record(r)).sample();
    const text = await registry.metrics();
    expect(text).toContain('berth_cost_sample_runs_total{outcome="ok"} 1');
    expect(text).toMatch(
      new RegExp(`berth_cost_dollars_total\\{repository="${repository}"\\} \\d`),
    );
    expect(text).toMatch(
      new RegExp(`berth_preview_cost_dollars\\{repository="${repository}",pr="1"\\} 0\\.\\d+`),
    );
  });

  it('runs on the worker: its job scheduler enqueues passes on the host’s cost queue', async () => {
    const redis = createRedis(redisUrl, 'cost-it');
    const prefix = `t-${run}`;
    const worker = startCost({
      config: {
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: prefix,
        DOCKER_HOST_NAME: dockerHost,
        COST_SAMPLE_INTERVAL_S: 5,
        COST_DISK_INTERVAL_S: 60,
        PRICE_VCPU_HOUR: prices.vcpuHour,
        PRICE_GB_HOUR: prices.memoryGbHour,
        PRICE_GB_MONTH: prices.diskGbMonth,
        PRICE_NETWORK_GB: prices.networkGb,
      },
      prisma,
      redis,
      containerHost: host,
      lock: redisLock(redis, prefix),
      logger: pino({ level: 'silent' }),
      scope: SCOPE,
    });
    try {
      const registry = new Registry();
      worker.metrics.register(registry);
      const before = await usage();
      await waitFor(
        'a scheduled pass',
        async () =>
          /berth_cost_sample_runs_total\{outcome="ok"\} [1-9]/.test(await registry.metrics()) ||
          undefined,
        30_000,
        250,
      );
      expect((await usage()).cpuSeconds).toBeGreaterThan(before.cpuSeconds);
    } finally {
      await worker.close();
      await closeRedis(redis);
    }
  });
});
