import { randomUUID } from 'node:crypto';
import { pingPayload, sendWebhook } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiHarness,
  makeRepository,
  prPayload,
  type PrState,
  sha,
  startApi,
  WEBHOOK_SECRET,
  webhook,
} from '../test-support/api-harness.js';

let api: ApiHarness;
const timings: number[] = [];

beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  if (timings.length > 0) {
    const sorted = [...timings].sort((a, b) => a - b);
    const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    console.info(
      `webhook response time over ${sorted.length} deliveries: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${sorted.at(-1)} ms`,
    );
  }
  await api?.stop();
});

async function send(event: string, payload: unknown, deliveryId?: string) {
  const started = performance.now();
  const response = await webhook(api.url, event, payload, deliveryId);
  timings.push(Math.round(performance.now() - started));
  return response;
}

function newPr(overrides: Partial<PrState> = {}): PrState {
  return { repository: makeRepository(), number: 1, headSha: sha(), labels: [], ...overrides };
}

async function environmentOf(pr: PrState) {
  return api.stores.prisma.environment.findMany({
    where: { repository: { providerId: BigInt(pr.repository.id) }, prNumber: pr.number },
    include: { revisions: { orderBy: { generation: 'asc' } } },
  });
}

async function onlyEnvironment(pr: PrState) {
  const envs = await environmentOf(pr);
  expect(envs).toHaveLength(1);
  return envs[0]!;
}

/** Ids of every job in the lifecycle queue for this environment, sorted. */
async function jobsOf(environmentId: string): Promise<string[]> {
  const jobs = await api.stores.queue.getJobs([
    'waiting',
    'delayed',
    'prioritized',
    'active',
    'completed',
    'failed',
  ]);
  return jobs
    .map((j) => j?.id ?? '')
    .filter((id) => id.startsWith(environmentId))
    .sort();
}

const deliveryCount = (deliveryId: string) =>
  api.stores.prisma.webhookDelivery.count({ where: { deliveryId } });

describe('POST /webhooks/github: authentication and input', () => {
  it('answers 401 to an unsigned delivery and records nothing', async () => {
    const pr = newPr();
    const response = await sendWebhook({
      url: `${api.url}/webhooks/github`,
      event: 'pull_request',
      payload: prPayload(pr, 'opened'),
    });
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.body)).toMatch(/X-Hub-Signature-256 is missing/);
    expect(await deliveryCount(response.deliveryId)).toBe(0);
    expect(await environmentOf(pr)).toHaveLength(0);
  });

  it('answers 401 to a forged signature and records nothing', async () => {
    const pr = newPr();
    for (const signature of [
      `sha256=${'0'.repeat(64)}`,
      'sha256=zz',
      'sha1=0123',
      // A valid signature of a different body.
      (await import('@berth/testing')).signWebhookBody(WEBHOOK_SECRET, '{}'),
    ]) {
      const response = await sendWebhook({
        url: `${api.url}/webhooks/github`,
        event: 'pull_request',
        payload: prPayload(pr, 'opened'),
        signature,
      });
      expect(response.status, signature).toBe(401);
      expect(await deliveryCount(response.deliveryId)).toBe(0);
    }
    expect(await environmentOf(pr)).toHaveLength(0);
    const wrongSecret = await sendWebhook({
      url: `${api.url}/webhooks/github`,
      secret: 'not-the-secret-0123456789',
      event: 'pull_request',
      payload: prPayload(pr, 'opened'),
    });
    expect(wrongSecret.status).toBe(401);
    expect(await environmentOf(pr)).toHaveLength(0);
  });

  it('malformed JSON: 401 unsigned, 400 signed', async () => {
    const unsigned = await sendWebhook({
      url: `${api.url}/webhooks/github`,
      event: 'pull_request',
      rawBody: '{"action": "opened",',
    });
    expect(unsigned.status).toBe(401);
    const signed = await sendWebhook({
      url: `${api.url}/webhooks/github`,
      secret: WEBHOOK_SECRET,
      event: 'pull_request',
      rawBody: '{"action": "opened",',
    });
    expect(signed.status).toBe(400);
    expect(signed.body).toMatchObject({ statusCode: 400 });
    expect(JSON.stringify(signed.body)).toMatch(/not valid JSON/);
  });

  it('names a missing delivery or event header', async () => {
    const noDelivery = await sendWebhook({
      url: `${api.url}/webhooks/github`,
      secret: WEBHOOK_SECRET,
      event: 'ping',
      payload: {},
      headers: { 'x-github-delivery': '' },
    });
    expect(noDelivery.status).toBe(400);
    expect(JSON.stringify(noDelivery.body)).toMatch(/X-GitHub-Delivery/);
    const noEvent = await sendWebhook({
      url: `${api.url}/webhooks/github`,
      secret: WEBHOOK_SECRET,
      event: '',
      payload: {},
    });
    expect(noEvent.status).toBe(400);
    expect(JSON.stringify(noEvent.body)).toMatch(/X-GitHub-Event/);
  });

  it('names a missing payload field with 400', async () => {
    const payload = prPayload(newPr(), 'opened') as Record<string, unknown>;
    delete payload['installation'];
    const response = await send('pull_request', payload);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toMatch(/installation: is required/);
  });

  it('records ping and unknown events as ignored; a replay is a no-op', async () => {
    const ping = await send('ping', pingPayload({ appId: 1, url: api.url }));
    expect(ping.status).toBe(202);
    expect(ping.body).toMatchObject({ status: 'ignored' });
    const unknown = await send('berth_unknown_event', { action: 'whatever' });
    expect(unknown.status).toBe(202);
    expect(unknown.body).toMatchObject({ status: 'ignored' });
    const row = await api.stores.prisma.webhookDelivery.findUnique({
      where: { deliveryId: unknown.deliveryId },
    });
    expect(row).toMatchObject({ event: 'berth_unknown_event', outcome: 'ignored' });
    const replay = await send('ping', {}, ping.deliveryId);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ status: 'duplicate' });
    const unhandled = await send('pull_request', { action: 'assigned' });
    expect(unhandled.body).toMatchObject({ status: 'ignored' });
  });
});

describe('POST /webhooks/github: pull_request lifecycle', () => {
  it('opened → generation 1, a Revision and the build job; a replay is a no-op', async () => {
    const pr = newPr({ labels: ['preview:full-stack'] });
    const first = await send('pull_request', prPayload(pr, 'opened'));
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'processed', generation: 1, state: 'building' });
    const env = await onlyEnvironment(pr);
    expect(env).toMatchObject({ state: 'building', generation: 1, headSha: pr.headSha });
    expect(env.branch).toBe('feat-1');
    expect(env.revisions.map((r) => [r.generation, r.headSha])).toEqual([[1, pr.headSha]]);
    expect(await jobsOf(env.id)).toEqual([`${env.id}-1-build`]);
    const delivery = await api.stores.prisma.webhookDelivery.findUnique({
      where: { deliveryId: first.deliveryId },
    });
    expect(delivery).toMatchObject({ outcome: 'processed', action: 'opened' });

    const replay = await send('pull_request', prPayload(pr, 'opened'), first.deliveryId);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ status: 'duplicate' });
    expect((await onlyEnvironment(pr)).revisions).toHaveLength(1);
    expect(await deliveryCount(first.deliveryId)).toBe(1);
  });

  it('a redelivery of a delivery whose enqueue failed enqueues again', async () => {
    const pr = newPr();
    const first = await send('pull_request', prPayload(pr, 'opened'));
    const env = await onlyEnvironment(pr);
    // What a Redis outage between commit and enqueue leaves: the row, no job, outcome failed.
    await api.stores.queue.remove(`${env.id}-1-build`);
    await api.stores.prisma.webhookDelivery.update({
      where: { deliveryId: first.deliveryId },
      data: { outcome: 'failed' },
    });
    expect(await jobsOf(env.id)).toEqual([]);
    const redelivery = await send('pull_request', prPayload(pr, 'opened'), first.deliveryId);
    expect(redelivery.body).toMatchObject({ status: 'processed', generation: 1 });
    expect(await jobsOf(env.id)).toEqual([`${env.id}-1-build`]);
    expect((await onlyEnvironment(pr)).revisions).toHaveLength(1);
    const delivery = await api.stores.prisma.webhookDelivery.findUnique({
      where: { deliveryId: first.deliveryId },
    });
    expect(delivery?.outcome).toBe('processed');
    const again = await send('pull_request', prPayload(pr, 'opened'), first.deliveryId);
    expect(again.body).toMatchObject({ status: 'duplicate' });
  });

  it('20 concurrent replays of one opened + 5 distinct deliveries → one environment, one build job', async () => {
    const pr = newPr();
    const payload = prPayload(pr, 'opened');
    const deliveryId = randomUUID();
    const responses = await Promise.all([
      ...Array.from({ length: 20 }, () => send('pull_request', payload, deliveryId)),
      ...Array.from({ length: 5 }, () => send('pull_request', payload)),
    ]);
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(202));
    const env = await onlyEnvironment(pr);
    expect(env.generation).toBe(1);
    expect(env.revisions).toHaveLength(1);
    expect(await jobsOf(env.id)).toEqual([`${env.id}-1-build`]);
    expect(
      responses.filter((r) => (r.body as { status: string }).status === 'duplicate'),
    ).toHaveLength(19);
    expect(await deliveryCount(deliveryId)).toBe(1);
  });

  it('concurrent pushes each get their own generation (the row lock serialises the bump)', async () => {
    const pr = newPr();
    await send('pull_request', prPayload(pr, 'opened'));
    const heads = Array.from({ length: 5 }, () => sha());
    const responses = await Promise.all(
      heads.map((headSha) => send('pull_request', prPayload({ ...pr, headSha }, 'synchronize'))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(5).fill(202));
    const env = await onlyEnvironment(pr);
    expect(env.generation).toBe(6);
    expect(env.revisions.map((r) => r.generation)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(env.revisions.slice(1).map((r) => r.headSha))).toEqual(new Set(heads));
    expect(await jobsOf(env.id)).toEqual(
      [1, 2, 3, 4, 5, 6].map((g) => `${env.id}-${g}-build`).sort(),
    );
  });

  it('synchronize with a new SHA → generation 2 and its build job; the same SHA again → nothing', async () => {
    const pr = newPr();
    await send('pull_request', prPayload(pr, 'opened'));
    const before = pr.headSha;
    pr.headSha = sha();
    const pushed = await send('pull_request', prPayload(pr, 'synchronize', { before }));
    expect(pushed.body).toMatchObject({ status: 'processed', generation: 2 });
    const env = await onlyEnvironment(pr);
    expect(env).toMatchObject({ generation: 2, headSha: pr.headSha, state: 'building' });
    expect(env.revisions.at(-1)).toMatchObject({ generation: 2, headSha: pr.headSha });
    expect(await jobsOf(env.id)).toEqual([`${env.id}-1-build`, `${env.id}-2-build`]);
    await send('pull_request', prPayload(pr, 'synchronize', { before }));
    expect((await onlyEnvironment(pr)).generation).toBe(2);
  });

  it('a config-changing label bumps; a TTL label and an unknown label do not, the latter is noted', async () => {
    const pr = newPr();
    await send('pull_request', prPayload(pr, 'opened'));
    pr.labels = ['preview:rebuild'];
    await send('pull_request', prPayload(pr, 'labeled', { label: 'preview:rebuild' }));
    let env = await onlyEnvironment(pr);
    expect(env.generation).toBe(2);
    expect(env.revisions.at(-1)?.configSnapshot).toMatchObject({ rebuild: true });
    expect(await jobsOf(env.id)).toContain(`${env.id}-2-build`);

    pr.labels = ['preview:rebuild', 'ttl:1h', 'preview:foo', 'db:branch'];
    await send('pull_request', prPayload(pr, 'labeled', { label: 'ttl:1h' }));
    await send('pull_request', prPayload(pr, 'labeled', { label: 'preview:foo' }));
    env = await onlyEnvironment(pr);
    expect(env.generation).toBe(2);
    expect(env.config).toMatchObject({ ttlMs: 3_600_000 });
    expect(env.labelNotes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: 'preview:foo', kind: 'problem' }),
        expect.objectContaining({ label: 'db:branch', kind: 'unsupported' }),
      ]),
    );
  });

  it('a fork is held until preview:approved for its head SHA; a later push is held again', async () => {
    const pr = newPr({ fork: true });
    const opened = await send('pull_request', prPayload(pr, 'opened'));
    expect(opened.body).toMatchObject({ state: 'held' });
    let env = await onlyEnvironment(pr);
    expect(env).toMatchObject({ state: 'held', isFork: true, approvedSha: null });
    expect(await jobsOf(env.id)).toEqual([`${env.id}-1-notify-held`]);

    pr.labels = ['preview:approved'];
    await send(
      'pull_request',
      prPayload(pr, 'labeled', { label: 'preview:approved', sender: 'maintainer' }),
    );
    env = await onlyEnvironment(pr);
    expect(env).toMatchObject({ state: 'building', generation: 1, approvedSha: pr.headSha });
    expect(await jobsOf(env.id)).toEqual([`${env.id}-1-build`, `${env.id}-1-notify-held`]);

    pr.headSha = sha();
    await send('pull_request', prPayload(pr, 'synchronize'));
    env = await onlyEnvironment(pr);
    expect(env).toMatchObject({ state: 'held', generation: 2 });
    expect(await jobsOf(env.id)).toEqual([
      `${env.id}-1-build`,
      `${env.id}-1-notify-held`,
      `${env.id}-2-notify-held`,
    ]);
  });

  it('preview:skip tears down and notifies', async () => {
    const pr = newPr();
    await send('pull_request', prPayload(pr, 'opened'));
    pr.labels = ['preview:skip'];
    await send('pull_request', prPayload(pr, 'labeled', { label: 'preview:skip' }));
    const env = await onlyEnvironment(pr);
    expect(env).toMatchObject({ state: 'skipped', generation: 2 });
    expect(await jobsOf(env.id)).toEqual(
      [`${env.id}-1-build`, `${env.id}-2-notify-skipped`, `${env.id}-2-teardown`].sort(),
    );
  });

  it('closed → destroying with a teardown job; later events are ignored; reopened provisions again', async () => {
    const pr = newPr();
    await send('pull_request', prPayload(pr, 'opened'));
    const closed = await send(
      'pull_request',
      prPayload({ ...pr, state: 'closed', merged: true }, 'closed'),
    );
    expect(closed.body).toMatchObject({ status: 'processed', state: 'destroying', generation: 2 });
    let env = await onlyEnvironment(pr);
    expect(env.state).toBe('destroying');
    expect(env.closedAt).toBeInstanceOf(Date);
    expect(await jobsOf(env.id)).toEqual([`${env.id}-1-build`, `${env.id}-2-teardown`]);

    const again = await send('pull_request', prPayload({ ...pr, state: 'closed' }, 'closed'));
    expect(again.body).toMatchObject({ status: 'ignored' });
    const late = await send('pull_request', prPayload({ ...pr, headSha: sha() }, 'synchronize'));
    expect(late.body).toMatchObject({ status: 'ignored' });

    await api.stores.prisma.environment.update({
      where: { id: env.id },
      data: { state: 'destroyed', destroyedAt: new Date() },
    });
    const reopened = await send('pull_request', prPayload(pr, 'reopened'));
    expect(reopened.body).toMatchObject({ status: 'processed', state: 'building', generation: 3 });
    env = await onlyEnvironment(pr);
    expect(env).toMatchObject({ closedAt: null, destroyedAt: null, generation: 3 });
    expect(await jobsOf(env.id)).toContain(`${env.id}-3-build`);
  });

  it('opened for a closed identity (a re-created repository) starts over with a new comment', async () => {
    const pr = newPr();
    await send('pull_request', prPayload(pr, 'opened'));
    const { id } = await onlyEnvironment(pr);
    await api.stores.prisma.environment.update({ where: { id }, data: { commentId: 99n } });
    await send('pull_request', prPayload({ ...pr, state: 'closed' }, 'closed'));
    pr.headSha = sha();
    const again = await send('pull_request', prPayload(pr, 'opened'));
    expect(again.body).toMatchObject({ status: 'processed', state: 'building', generation: 3 });
    const env = await onlyEnvironment(pr);
    expect(env).toMatchObject({ commentId: null, closedAt: null, headSha: pr.headSha });
    expect(await jobsOf(id)).toContain(`${id}-3-build`);
  });

  it('closed for a PR Berth never saw is ignored and creates nothing', async () => {
    const pr = newPr({ state: 'closed' });
    const response = await send('pull_request', prPayload(pr, 'closed'));
    expect(response.body).toMatchObject({ status: 'ignored' });
    expect(await environmentOf(pr)).toHaveLength(0);
  });

  it('edited updates metadata without a new generation', async () => {
    const pr = newPr();
    await send('pull_request', prPayload(pr, 'opened'));
    const edited = await send('pull_request', prPayload(pr, 'edited'));
    expect(edited.body).toMatchObject({ status: 'processed', generation: 1 });
    expect((await onlyEnvironment(pr)).revisions).toHaveLength(1);
  });
});
