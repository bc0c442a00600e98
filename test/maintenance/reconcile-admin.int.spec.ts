// The reconciler on demand, through the real api and the worker's real maintenance consumer
// (startReconcile) over Redis, Postgres and the engine: GET is a dry run that changes nothing,
// POST removes what the dry run listed, runs are listed afterwards, and the worker's /metrics
// counts them. The worker's reconciler is scoped to this file's label (a shared engine).

import { randomBytes } from 'node:crypto';
import { closeRedis, createMaintenanceQueue, createRedis, redisLock } from '@berth/queue';
import { DockerContainerHost } from '@berth/providers';
import { createPrismaClient, type PrismaClient } from '@berth/db';
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

const run = `rcadm${randomBytes(3).toString('hex')}`;
const prefix = `t-${run}`;
const SCOPE = { 'berth.reconcile-admin-it': run };
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const orphan = `${run}-orphan-v`;

let api: ApiHarness;
let prisma: PrismaClient;
let redis: ReturnType<typeof createRedis>;
let host: DockerContainerHost;
let worker: ReturnType<typeof startReconcile>;

beforeAll(async () => {
  api = await startApi({ QUEUE_PREFIX: prefix });
  prisma = createPrismaClient(process.env['TEST_DATABASE_URL'] ?? '');
  redis = createRedis(redisUrl, 'reconcile-admin-it');
  host = new DockerContainerHost();
  worker = startReconcile({
    config: {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      DOCKER_HOST_NAME: run,
      RECONCILE_INTERVAL_S: 0,
      RECONCILE_GRACE_S: 1,
      // Image retention has its own spec (image-retention.int.spec.ts).
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
  });
  await host.ensureVolume({ name: orphan, labels: SCOPE });
  await host.docker.createVolume({ Name: `${run}-plain-v`, Labels: SCOPE });
  await new Promise((r) => setTimeout(r, 1_500)); // older than the 1 s grace
});

afterAll(async () => {
  await worker?.close();
  for (const v of [orphan, `${run}-plain-v`]) await host?.removeVolume(v).catch(() => undefined);
  await api?.stop();
  await closeRedis(redis);
  await prisma?.$disconnect();
});

async function volumes(): Promise<string[]> {
  const { Volumes } = await host.docker.listVolumes({
    filters: { label: [`berth.reconcile-admin-it=${run}`] },
  });
  return (Volumes ?? []).map((v) => v.Name).sort();
}

describe('/admin/v1/reconcile', () => {
  let dryJob: string;
  let realJob: string;

  it('answers 401 without the admin token, 400 for a bad host or wait', async () => {
    expect((await request(api.url).get('/admin/v1/reconcile')).status).toBe(401);
    expect((await request(api.url).post('/admin/v1/reconcile')).status).toBe(401);
    const bad = await request(api.url).get('/admin/v1/reconcile?host=Bad_Host').set(admin);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('DOCKER_HOST_NAME');
    const wait = await request(api.url).get(`/admin/v1/reconcile?host=${run}&wait=x`).set(admin);
    expect(wait.status).toBe(400);
  });

  it('GET is a dry run: it lists the orphan and removes nothing', async () => {
    const response = await request(api.url).get(`/admin/v1/reconcile?host=${run}`).set(admin);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ host: run, dryRun: true, state: 'completed' });
    const report = response.body.report;
    expect(report.removals).toEqual([
      { kind: 'volume', name: orphan, reason: 'unowned', environmentId: null },
    ]);
    expect(report.orphansLeft).toBe(1);
    expect(await volumes()).toEqual([orphan, `${run}-plain-v`].sort());
    dryJob = response.body.jobId;
  });

  it('POST removes exactly what the dry run listed, and leaves the unlabelled volume', async () => {
    const response = await request(api.url).post(`/admin/v1/reconcile?host=${run}`).set(admin);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      dryRun: false,
      state: 'completed',
      requestedBy: 'admin',
    });
    expect(response.body.report.removals.map((r: { name: string }) => r.name)).toEqual([orphan]);
    expect(response.body.report.orphansLeft).toBe(0);
    expect(await volumes()).toEqual([`${run}-plain-v`]);
    realJob = response.body.jobId;
    const row = await prisma.resource.findFirst({ where: { host: run, name: orphan } });
    expect(row).toMatchObject({ kind: 'volume', state: 'deleted', environmentId: null });
  });

  it('lists recent runs, newest first, and shows one by id', async () => {
    const list = await request(api.url).get(`/admin/v1/reconcile/runs?host=${run}`).set(admin);
    expect(list.status).toBe(200);
    expect(list.body.runs.map((r: { jobId: string }) => r.jobId)).toEqual([realJob, dryJob]);
    const one = await request(api.url)
      .get(`/admin/v1/reconcile/runs/${dryJob}?host=${run}`)
      .set(admin);
    expect(one.body).toMatchObject({ jobId: dryJob, dryRun: true, state: 'completed' });
    const none = await request(api.url)
      .get(`/admin/v1/reconcile/runs/999999?host=${run}`)
      .set(admin);
    expect(none.status).toBe(404);
  });

  it('answers 202 with the job when no worker takes the run in time', async () => {
    const idle = `${run}-idle`;
    const response = await request(api.url)
      .post(`/admin/v1/reconcile?host=${idle}&wait=0`)
      .set(admin);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ host: idle, state: 'waiting', report: null });
    const queue = createMaintenanceQueue(redis, prefix, idle);
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it("counts the runs on the worker's /metrics", async () => {
    const registry = new Registry();
    worker.metrics.register(registry);
    const text = await registry.metrics();
    expect(text).toContain('berth_reconcile_runs_total{mode="dry",outcome="ok"} 1');
    expect(text).toContain('berth_reconcile_runs_total{mode="real",outcome="ok"} 1');
    expect(text).toContain('berth_reconcile_removed_total{kind="volume"} 1');
    expect(text).toContain('berth_reconcile_orphans_left 0');
  });
});
