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
  await api?.stores.prisma.webhookDelivery.deleteMany({
    where: { deliveryId: { in: [...sentIds] } },
  });
  await api?.stop();
});

/** Every delivery id this file stored: removed after, so no worker of another file applies them. */
const sentIds = new Set<string>();

async function send(event: string, payload: unknown, deliveryId?: string) {
  const started = performance.now();
  const response = await webhook(api.url, event, payload, deliveryId);
  sentIds.add(response.deliveryId);
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

describe('POST /webhooks/github: the inbox (the whole request path)', () => {
  it('stores a valid pull_request once, as received under its pull request, and decides nothing', async () => {
    const pr = newPr();
    const payload = prPayload(pr, 'opened');
    const response = await send('pull_request', payload);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'queued', deliveryId: response.deliveryId });
    const row = await api.stores.prisma.webhookDelivery.findUniqueOrThrow({
      where: { deliveryId: response.deliveryId },
    });
    expect(row).toMatchObject({
      event: 'pull_request',
      action: 'opened',
      outcome: 'received',
      orderingKey: `pr:${pr.repository.id}:${pr.number}`,
      payload: response.rawBody,
    });
    // The worker decides (test/trigger); the api never touches environments or the queue.
    expect(await environmentOf(pr)).toHaveLength(0);
    expect(await api.stores.queue.count()).toBe(0);
  });

  it('stores 20 concurrent replays of one delivery once', async () => {
    const payload = prPayload(newPr(), 'opened');
    const id = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send('pull_request', payload, id)),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    expect(answers.filter((a) => (a.body as { status: string }).status === 'queued')).toHaveLength(
      1,
    );
    expect(await deliveryCount(id)).toBe(1);
  });

  it('rejects a pull_request that lacks what Berth needs with 400 naming the field, and keeps it', async () => {
    const payload = prPayload(newPr(), 'synchronize') as { pull_request: Record<string, unknown> };
    delete payload.pull_request['updated_at'];
    const response = await send('pull_request', payload);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toMatch(/pull_request\.updated_at: is required/);
    const row = await api.stores.prisma.webhookDelivery.findUniqueOrThrow({
      where: { deliveryId: response.deliveryId },
    });
    expect(row).toMatchObject({ outcome: 'rejected', payload: response.rawBody });
    expect(row.detail).toMatch(/updated_at/);
  });

  it('queues a push to the default branch under the base environment, ignores other refs, and names a bad field', async () => {
    const repository = makeRepository();
    const push = (ref: string, extra: Record<string, unknown> = {}) => ({
      ref,
      before: sha(),
      after: sha(),
      repository: { ...repository, pushed_at: 1_796_000_000 },
      installation: { id: 1 },
      sender: { login: 'octocat' },
      ...extra,
    });
    const queued = await send('push', push('refs/heads/main'));
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: 'queued' });
    expect(
      await api.stores.prisma.webhookDelivery.findUniqueOrThrow({
        where: { deliveryId: queued.deliveryId },
      }),
    ).toMatchObject({ event: 'push', outcome: 'received', orderingKey: `pr:${repository.id}:0` });

    const other = await send('push', push('refs/heads/feature/x'));
    expect(other.body).toMatchObject({
      status: 'ignored',
      detail: 'push to feature/x: only the default branch (main) keeps a base environment',
    });
    const tag = await send('push', push('refs/tags/v1'));
    expect(tag.body).toMatchObject({
      status: 'ignored',
      detail: 'push to refs/tags/v1: not a branch',
    });

    const bad = await send('push', push('refs/heads/main', { after: 'HEAD' }));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(
      /invalid push payload: after: must be a full 40- or 64-hex commit SHA/,
    );
  });

  it('accepts any event name GitHub sends, digits included, and stores it as ignored', async () => {
    for (const event of ['projects_v2_item', 'projects_v2', 'merge_group']) {
      const response = await send(event, { action: 'edited' });
      expect(response.status, event).toBe(202);
      expect(response.body).toMatchObject({ status: 'ignored' });
      expect(
        await api.stores.prisma.webhookDelivery.findUnique({
          where: { deliveryId: response.deliveryId },
        }),
      ).toMatchObject({ event, outcome: 'ignored', detail: `event ${event} is not handled` });
    }
    for (const bad of ['Pull_Request', '1abc', 'a-b', 'x'.repeat(65)]) {
      const response = await send(bad, {});
      expect(response.status, bad).toBe(400);
    }
  });
});
