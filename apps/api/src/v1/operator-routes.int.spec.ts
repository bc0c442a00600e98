import { randomBytes, randomUUID } from 'node:crypto';
import { createActionQueue, createLifecycleQueue } from '@berth/queue';
import { Worker } from 'bullmq';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  makeRepository,
  prPayload,
  type RepositoryJson,
  sha,
  startApi,
  webhook,
  seedReadyEnvironment,
} from '../test-support/api-harness.js';

// The REST v1 operator routes (decision 0031) against the real app, Postgres and Redis:
// secrets, costs, deliveries, system, repository enable/disable. Each route's refusals, the
// restriction, a secret value never answered or recorded, a redelivery that acts once, and
// queue depth read from real BullMQ queues. No worker runs here (the inbox processor's side of
// a redelivery is the ordinary delivery path its own specs cover).

let api: ApiHarness;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const repoA = makeRepository();
const repoB = makeRepository();
let envA = '';
let envB = '';
let reader: string;
let writer: string;
let adminA: string;
let readA: string;
const host = `ops-${randomBytes(3).toString('hex')}`;

async function seedRepository(repository: RepositoryJson): Promise<string> {
  const { env } = await seedReadyEnvironment(api.stores.prisma, repository, {
    prNumber: 1,
    dockerHost: host,
  });
  return env.id;
}

async function createToken(body: Record<string, unknown>): Promise<string> {
  const response = await request(api.url).post('/api/v1/tokens').set(admin).send(body);
  expect(response.status).toBe(201);
  return (response.body as { token: string }).token;
}

beforeAll(async () => {
  api = await startApi({ BERTH_MASTER_KEY: randomBytes(32).toString('base64') });
  envA = await seedRepository(repoA);
  envB = await seedRepository(repoB);
  reader = await createToken({ name: 'ops-reader', scope: 'read' });
  writer = await createToken({ name: 'ops-writer', scope: 'write' });
  adminA = await createToken({ name: 'ops-admin-a', scope: 'admin', repository: repoA.full_name });
  readA = await createToken({ name: 'ops-read-a', scope: 'read', repository: repoA.full_name });
});
afterAll(async () => {
  await api?.stop();
});

describe('secrets', () => {
  const secretsOf = (repo: RepositoryJson) => `/api/v1/repositories/${repo.full_name}/secrets`;

  it('are set with admin, listed by name with read, and the value is never answered or recorded', async () => {
    const value = `s3cr3t-${randomUUID()}`;
    const set = await request(api.url)
      .put(`${secretsOf(repoA)}/repository/stripe_key`)
      .set(admin)
      .set('Idempotency-Key', randomUUID())
      .send({ value });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      repository: repoA.full_name,
      scope: 'repository',
      name: 'stripe_key',
      kind: 'value',
    });
    const pr = await request(api.url)
      .put(`${secretsOf(repoA)}/pr-7/stripe_key`)
      .set(bearer(adminA))
      .send({ value });
    expect(pr.status).toBe(200);

    const list = await request(api.url).get(secretsOf(repoA)).set(bearer(readA));
    expect(list.status).toBe(200);
    expect(list.body.secrets).toEqual([
      expect.objectContaining({ scope: 'pr-7', name: 'stripe_key', kind: 'value' }),
      expect.objectContaining({ scope: 'repository', name: 'stripe_key', kind: 'value' }),
    ]);
    expect(list.body.secrets[0].updatedAt).toEqual(expect.any(String));

    for (const answer of [set, pr, list]) expect(JSON.stringify(answer.body)).not.toContain(value);
    // The whole audit log, every column: the value is in none of it.
    const audit = await api.stores.prisma.apiAuditEntry.findMany();
    const mine = audit.filter((a) => a.target === repoA.full_name.toLowerCase());
    expect(mine.map((a) => a.detail)).toEqual(
      expect.arrayContaining(['set secret repository/stripe_key', 'set secret pr-7/stripe_key']),
    );
    expect(
      JSON.stringify(audit, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}` : v)),
    ).not.toContain(value);
    const auditPage = await request(api.url).get('/api/v1/audit').query({ limit: 200 }).set(admin);
    expect(JSON.stringify(auditPage.body)).not.toContain(value);
    const kept = await api.stores.prisma.apiIdempotencyKey.findMany();
    expect(JSON.stringify(kept)).not.toContain(value);
    const stored = await api.stores.prisma.secret.findMany({ where: { name: 'stripe_key' } });
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(stored.every((row) => !Buffer.from(row.ciphertext).includes(value))).toBe(true);
  });

  it('refuses a read or write token a write, and another repository is a 404', async () => {
    const path = `${secretsOf(repoA)}/repository/api_key`;
    for (const token of [reader, writer]) {
      const refused = await request(api.url).put(path).set(bearer(token)).send({ value: 'x' });
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      const removed = await request(api.url).delete(path).set(bearer(token));
      expect(removed.status).toBe(403);
    }
    const other = await request(api.url).get(secretsOf(repoB)).set(bearer(readA));
    expect(other.status).toBe(404);
    const otherWrite = await request(api.url)
      .put(`${secretsOf(repoB)}/repository/api_key`)
      .set(bearer(adminA))
      .send({ value: 'x' });
    expect(otherWrite.status).toBe(404);
    // The installation scope reaches every repository of the owner: not for a one-repo token.
    const installation = await request(api.url)
      .put(`${secretsOf(repoA)}/installation/api_key`)
      .set(bearer(adminA))
      .send({ value: 'x' });
    expect(installation.status).toBe(403);
    const badScope = await request(api.url)
      .put(`${secretsOf(repoA)}/production/api_key`)
      .set(admin)
      .send({ value: 'x' });
    expect(badScope.status).toBe(400);
    expect(badScope.body.errors).toEqual([expect.objectContaining({ field: 'path.scope' })]);
  });

  it('are deleted, and a second delete is a 404', async () => {
    const path = `${secretsOf(repoA)}/repository/to_remove`;
    expect((await request(api.url).put(path).set(admin).send({ value: 'v-1' })).status).toBe(200);
    const removed = await request(api.url).delete(path).set(admin);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ name: 'to_remove', removed: true });
    expect((await request(api.url).delete(path).set(admin)).status).toBe(404);
  });
});

describe('costs', () => {
  beforeAll(async () => {
    const day = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    for (const environmentId of [envA, envB]) {
      await api.stores.prisma.environmentUsage.create({
        data: {
          environmentId,
          day,
          cpuSeconds: 3_600,
          memoryByteSeconds: 3_600 * 1024 ** 3,
          awakeSeconds: 3_600,
          containerSeconds: 7_200,
          samples: 60,
        },
      });
    }
  });

  it('reports only what a restricted token may see', async () => {
    const all = await request(api.url)
      .get('/api/v1/costs')
      .query({ by: 'repository' })
      .set(bearer(reader));
    expect(all.status).toBe(200);
    const names = all.body.rows.map((r: { repository: string }) => r.repository);
    expect(names).toEqual(expect.arrayContaining([repoA.full_name, repoB.full_name]));

    const mine = await request(api.url)
      .get('/api/v1/costs')
      .query({ by: 'repository' })
      .set(bearer(readA));
    expect(mine.body.rows.map((r: { repository: string }) => r.repository)).toEqual([
      repoA.full_name,
    ]);
    const byDay = await request(api.url)
      .get('/api/v1/costs')
      .query({ by: 'day' })
      .set(bearer(readA));
    expect(byDay.body.rows).toHaveLength(1);
    expect(byDay.body.rows[0].environments).toBe(1);
    expect(byDay.body.total.usage.cpuHours).toBe(1);

    const asked = await request(api.url)
      .get('/api/v1/costs')
      .query({ repository: repoB.full_name })
      .set(bearer(readA));
    expect(asked.body.rows).toEqual([]);
    const bad = await request(api.url)
      .get('/api/v1/costs')
      .query({ by: 'week' })
      .set(bearer(reader));
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
  });

  it("answers one environment's cost, and another repository's is a 404", async () => {
    const own = await request(api.url).get(`/api/v1/environments/${envA}/cost`).set(bearer(readA));
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ environmentId: envA, repository: repoA.full_name });
    expect(own.body.days).toHaveLength(1);
    const other = await request(api.url)
      .get(`/api/v1/environments/${envB}/cost`)
      .set(bearer(readA));
    expect(other.status).toBe(404);
    const unopened = await request(api.url).get('/api/v1/costs/unopened').set(bearer(readA));
    expect(unopened.status).toBe(200);
    const ids = unopened.body.previews.map((p: { environmentId: string }) => p.environmentId);
    expect(ids).toContain(envA);
    expect(ids).not.toContain(envB);
  });
});

describe('deliveries', () => {
  const pr = (repository: RepositoryJson, number = 1) => ({
    repository,
    number,
    headSha: sha(),
    labels: [],
  });
  let deliveryA = '';
  let deliveryB = '';

  beforeAll(async () => {
    deliveryA = randomUUID();
    deliveryB = randomUUID();
    expect(
      (await webhook(api.url, 'pull_request', prPayload(pr(repoA), 'opened'), deliveryA)).status,
    ).toBe(202);
    expect(
      (await webhook(api.url, 'pull_request', prPayload(pr(repoB), 'opened'), deliveryB)).status,
    ).toBe(202);
    // More of repository A's, for the page walk.
    for (const number of [2, 3, 4]) {
      const sent = await webhook(api.url, 'pull_request', prPayload(pr(repoA, number), 'opened'));
      expect(sent.status).toBe(202);
    }
  });

  it('lists deliveries with the environment each touched, within the restriction', async () => {
    const mine = await request(api.url).get('/api/v1/deliveries').set(bearer(readA));
    expect(mine.status).toBe(200);
    const ids = mine.body.deliveries.map((d: { id: string }) => d.id);
    expect(ids).toContain(deliveryA);
    expect(ids).not.toContain(deliveryB);
    const row = mine.body.deliveries.find((d: { id: string }) => d.id === deliveryA);
    expect(row).toMatchObject({
      event: 'pull_request',
      action: 'opened',
      outcome: 'received',
      repository: repoA.full_name,
      prNumber: 1,
      environmentId: envA,
    });

    const filtered = await request(api.url)
      .get('/api/v1/deliveries')
      .query({ repository: repoB.full_name, event: 'pull_request', outcome: 'received' })
      .set(bearer(reader));
    expect(filtered.body.deliveries.map((d: { id: string }) => d.id)).toEqual([deliveryB]);

    // A walk one row a page sees what one big page shows, in the same order, once each.
    const whole = await request(api.url)
      .get('/api/v1/deliveries')
      .query({ limit: 200 })
      .set(bearer(readA));
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { deliveries: { id: string }[]; nextCursor: string | null } } =
        await request(api.url)
          .get('/api/v1/deliveries')
          .query({ limit: 1, ...(cursor ? { cursor } : {}) })
          .set(bearer(readA));
      walked.push(...page.body.deliveries.map((d) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toHaveLength(4);
    expect(walked).toEqual(whole.body.deliveries.map((d: { id: string }) => d.id));
    const forged = await request(api.url)
      .get('/api/v1/deliveries')
      .query({ cursor: Buffer.from('d1').toString('base64url') })
      .set(bearer(reader));
    expect(forged.status).toBe(400);
    const bad = await request(api.url)
      .get('/api/v1/deliveries')
      .query({ outcome: 'lost' })
      .set(bearer(reader));
    expect(bad.status).toBe(400);
  });

  it('redelivers once: a repeat with the key replays, a second ask while it waits adds nothing', async () => {
    const refused = await request(api.url)
      .post(`/api/v1/deliveries/${deliveryA}/redeliver`)
      .set(bearer(reader));
    expect(refused.status).toBe(403);
    const hidden = await request(api.url)
      .post(`/api/v1/deliveries/${deliveryB}/redeliver`)
      .set(bearer(adminA));
    expect(hidden.status).toBe(404);

    // Still in the inbox: nothing to add.
    const waiting = await request(api.url)
      .post(`/api/v1/deliveries/${deliveryA}/redeliver`)
      .set(bearer(writer));
    expect(waiting.status).toBe(202);
    expect(waiting.body).toEqual({
      deliveryId: deliveryA,
      redeliveryOf: deliveryA,
      status: 'already-waiting',
    });

    // What the worker's inbox processor writes when it has applied it.
    await api.stores.prisma.webhookDelivery.update({
      where: { deliveryId: deliveryA },
      data: { outcome: 'processed', processedAt: new Date() },
    });
    const key = randomUUID();
    const ask = () =>
      request(api.url)
        .post(`/api/v1/deliveries/${deliveryA}/redeliver`)
        .set(bearer(writer))
        .set('Idempotency-Key', key);
    const first = await ask();
    expect(first.status).toBe(202);
    expect(first.body).toEqual({
      deliveryId: `${deliveryA}:redeliver:1`,
      redeliveryOf: deliveryA,
      status: 'queued',
    });
    const replay = await ask();
    expect(replay.status).toBe(202);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const again = await request(api.url)
      .post(`/api/v1/deliveries/${deliveryA}/redeliver`)
      .set(bearer(writer));
    expect(again.body).toMatchObject({
      deliveryId: first.body.deliveryId,
      status: 'already-waiting',
    });

    const rows = await api.stores.prisma.webhookDelivery.findMany({
      where: { deliveryId: { startsWith: deliveryA } },
      orderBy: { seq: 'asc' },
    });
    expect(rows.map((r) => [r.deliveryId, r.outcome])).toEqual([
      [deliveryA, 'processed'],
      [`${deliveryA}:redeliver:1`, 'received'],
    ]);
    const [original, copy] = rows;
    expect(copy?.payload).toBe(original?.payload);
    expect(copy?.orderingKey).toBe(original?.orderingKey);

    const audit = await api.stores.prisma.apiAuditEntry.findMany({
      where: { route: '/api/v1/deliveries/:id/redeliver', target: deliveryA },
    });
    expect(audit.map((a) => a.status).sort()).toEqual([202, 202, 202, 202, 403]);
  });
});

describe('system', () => {
  it('is for an unrestricted admin token', async () => {
    expect((await request(api.url).get('/api/v1/system').set(bearer(reader))).status).toBe(403);
    expect((await request(api.url).get('/api/v1/system').set(bearer(adminA))).status).toBe(403);
    const failed = await request(api.url).get('/api/v1/system/failed-jobs').set(bearer(writer));
    expect(failed.status).toBe(403);
  });

  it('shows queue depth from real BullMQ queues, hosts from the ledger, and failed jobs redacted', async () => {
    const lifecycle = createLifecycleQueue(api.stores.redis, api.queuePrefix);
    const actions = createActionQueue(api.stores.redis, api.queuePrefix, host);
    try {
      await lifecycle.add('build', { environmentId: envA, generation: 1 } as never, {
        jobId: `ops-${randomUUID()}`,
      });
      await lifecycle.add('wire', { environmentId: envA, generation: 1 } as never, {
        jobId: `ops-${randomUUID()}`,
        delay: 600_000,
      });
      await api.stores.prisma.resource.create({
        data: {
          kind: 'container',
          provider: 'docker',
          name: `ops-${randomUUID()}`,
          environmentId: envA,
          host,
          state: 'created',
          metadata: { memoryBytes: 256 * 1024 * 1024 },
        },
      });
      // The replicate stage records what admission saw; the api reads the host's ceiling there.
      const revision = await api.stores.prisma.revision.create({
        data: { environmentId: envA, generation: 1, headSha: sha(), configSnapshot: {} },
      });
      await api.stores.prisma.stageRun.create({
        data: {
          revisionId: revision.id,
          stage: 'replicate',
          status: 'succeeded',
          finishedAt: new Date(),
          details: { admission: { committedMb: 0, capacityMb: 2048, neededMb: 256 } },
        },
      });
      // A job that fails for real, on a worker this test runs, with a credential in its error.
      await actions.add('redeploy', { environmentId: envB, requestedBy: 'ops' });
      const connection = api.stores.redis.duplicate();
      const failedOnce = new Promise<void>((resolve) => {
        const worker = new Worker(
          actions.name,
          async () => {
            throw new Error('docker said: DATABASE_PASSWORD=hunter2-topsecret refused');
          },
          { connection, prefix: api.queuePrefix },
        );
        worker.on('failed', () => {
          void worker.close().then(() => resolve());
        });
      });
      await failedOnce;
      await connection.quit();

      const system = await request(api.url).get('/api/v1/system').set(admin);
      expect(system.status).toBe(200);
      const depth = system.body.queues.find((q: { queue: string }) => q.queue === 'lifecycle');
      expect(depth).toMatchObject({ waiting: 1, delayed: 1, active: 0, failed: 0 });
      const actionDepth = system.body.queues.find(
        (q: { queue: string }) => q.queue === `actions-${host}`,
      );
      expect(actionDepth).toMatchObject({ waiting: 0, failed: 1 });
      const hostRow = system.body.hosts.find((h: { name: string }) => h.name === host);
      expect(hostRow).toMatchObject({ environments: 2, containers: 1, waiting: 0 });
      expect(hostRow.memory.committedBytes).toBe(256 * 1024 * 1024);
      expect(hostRow.memory.capacityBytes).toBe(2048 * 1024 * 1024);
      expect(hostRow.memory.capacityMeasuredAt).toEqual(expect.any(String));
      expect(hostRow.cpuSecondsToday).toBe(7_200);
      expect(system.body.inbox.waiting).toBeGreaterThanOrEqual(1);

      const failed = await request(api.url).get('/api/v1/system/failed-jobs').set(admin);
      expect(failed.status).toBe(200);
      const job = failed.body.jobs.find((j: { queue: string }) => j.queue === `actions-${host}`);
      expect(job).toMatchObject({ name: 'redeploy', environmentId: envB, attempts: 1 });
      expect(job.failedReason).toContain('DATABASE_PASSWORD=');
      expect(JSON.stringify(failed.body)).not.toContain('hunter2-topsecret');
    } finally {
      await lifecycle.obliterate({ force: true }).catch(() => undefined);
      await actions.obliterate({ force: true }).catch(() => undefined);
      await Promise.all([lifecycle.close(), actions.close()]);
    }
  });
});

describe('repository enable and disable', () => {
  it('need admin, act like `berth repo set --disable/--enable`, and are audited', async () => {
    const path = `/api/v1/repositories/${repoA.full_name}`;
    expect((await request(api.url).post(`${path}/disable`).set(bearer(writer))).status).toBe(403);
    expect(
      (
        await request(api.url)
          .post(`/api/v1/repositories/${repoB.full_name}/disable`)
          .set(bearer(adminA))
      ).status,
    ).toBe(404);

    const disabled = await request(api.url)
      .post(`${path}/disable`)
      .set(bearer(adminA))
      .set('Idempotency-Key', randomUUID());
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, configured: true });
    const admission = await request(api.url)
      .get(`/admin/v1/repositories/${repoA.full_name}`)
      .set(admin);
    expect(admission.body.enabled).toBe(false);

    const enabled = await request(api.url).post(`${path}/enable`).set(bearer(adminA));
    expect(enabled.status).toBe(200);
    expect(enabled.body.enabled).toBe(true);

    const audit = await api.stores.prisma.apiAuditEntry.findMany({
      where: {
        route: {
          in: [
            '/api/v1/repositories/:owner/:name/disable',
            '/api/v1/repositories/:owner/:name/enable',
          ],
        },
        actorName: 'ops-admin-a',
      },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.detail, a.status])).toEqual([
      ['no repository ' + repoB.full_name, 404],
      ['disabled', 200],
      ['enabled', 200],
    ]);
  });
});
