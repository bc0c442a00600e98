// A REST redelivery (decision 0031) end to end without Docker: the real api stores the
// original's body again under a new delivery id, and the worker's inbox processor applies it
// through the command path like any delivery. An event already applied converges (no new
// generation, no second job); an older one is stale against a newer head.
import { randomInt, randomUUID } from 'node:crypto';
import { parseAllowlist } from '@berth/core';
import {
  EnvironmentLeases,
  EnvironmentStore,
  Outbox,
  type PrismaClient,
  RepositorySettingsStore,
  WebhookInbox,
} from '@berth/db';
import {
  EnvironmentCommands,
  InboxProcessor,
  OutboxRelay,
  RepositoryAdmission,
} from '@berth/lifecycle';
import { OctokitGitHub } from '@berth/providers';
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
  WEBHOOK_SECRET,
} from '../../apps/api/src/test-support/api-harness.js';

let gh: GitHubEmulator;
let api: ApiHarness;
let prisma: PrismaClient;
let processor: InboxProcessor;
let relay: OutboxRelay;
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

beforeAll(async () => {
  gh = await startGitHubEmulator({ firstRepositoryId: randomInt(100_000_000, 900_000_000) });
  api = await startApi();
  gh.setWebhookTarget({ url: `${api.url}/webhooks/github`, secret: WEBHOOK_SECRET });
  prisma = api.stores.prisma;
  const logger = pino({ level: 'silent' });
  const store = new EnvironmentStore(prisma);
  const outbox = new Outbox(prisma);
  const inbox = new WebhookInbox(prisma);
  const commands = new EnvironmentCommands({
    store,
    outbox,
    inbox,
    leases: new EnvironmentLeases(prisma),
    dockerHost: 'local',
  });
  const github = new OctokitGitHub({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    retryBaseMs: 20,
    writeIntervalMs: 0,
    notificationIntervalMs: 0,
  });
  processor = new InboxProcessor({
    inbox,
    store,
    commands,
    github,
    admission: new RepositoryAdmission(
      parseAllowlist('redeliver', undefined),
      new RepositorySettingsStore(prisma),
    ),
    logger,
    checks: github,
  });
  relay = new OutboxRelay({ outbox, queue: api.stores.queue, logger });
});
afterAll(async () => {
  await api?.stop();
  await gh?.stop();
});

/** A repository of its own (the test database is shared by the whole run). */
async function repository(): Promise<string> {
  const name = `shop-${randomUUID().slice(0, 8)}`;
  await gh.createRepository({ owner: 'redeliver', name, files: { 'a.txt': 'a\n' } });
  return `redeliver/${name}`;
}

/** What the worker does when notified: apply every waiting delivery, then dispatch the jobs. */
async function work(): Promise<void> {
  await processor.drain();
  await relay.drain();
}

async function environmentOf(repo: string) {
  const envs = await prisma.environment.findMany({
    where: { repository: { fullName: repo }, prNumber: 1 },
    include: { revisions: true },
  });
  expect(envs.length).toBeLessThanOrEqual(1);
  return envs[0];
}

async function buildJobs(environmentId: string): Promise<string[]> {
  const jobs = await api.stores.queue.getJobs(['waiting', 'delayed', 'prioritized', 'active']);
  return jobs
    .map((j) => j?.id ?? '')
    .filter((id) => id.startsWith(environmentId))
    .sort();
}

async function redeliver(deliveryId: string) {
  const answer = await request(api.url)
    .post(`/api/v1/deliveries/${deliveryId}/redeliver`)
    .set(admin);
  expect(answer.status).toBe(202);
  expect(answer.body.status).toBe('queued');
  return answer.body.deliveryId as string;
}

describe('POST /api/v1/deliveries/:id/redeliver, processed by the worker', () => {
  it('converges on an event already applied: one environment, one generation, one build job', async () => {
    const repo = await repository();
    await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    const opened = gh.deliveries.at(-1)!;
    await work();
    const env = (await environmentOf(repo))!;
    expect(env.generation).toBe(1);
    expect(await buildJobs(env.id)).toEqual([`${env.id}-1-build`]);

    const copy = await redeliver(opened.deliveryId);
    await work();
    const stored = await prisma.webhookDelivery.findUniqueOrThrow({ where: { deliveryId: copy } });
    expect(stored.outcome).not.toBe('received');
    const after = (await environmentOf(repo))!;
    expect(after).toMatchObject({ id: env.id, generation: 1, headSha: env.headSha });
    expect(after.revisions).toHaveLength(1);
    expect(await buildJobs(env.id)).toEqual([`${env.id}-1-build`]);
  });

  it('refuses to process a PR comment command that was acted on: it would act twice', async () => {
    const deliveryId = randomUUID();
    await new WebhookInbox(prisma).store({
      deliveryId,
      event: 'issue_comment',
      action: 'created',
      orderingKey: `redeliver/chat-${deliveryId.slice(0, 8)}#1`,
      payload: '{}',
      outcome: 'ignored',
    });
    // As the worker leaves a command it acted on.
    await prisma.webhookDelivery.update({
      where: { deliveryId },
      data: {
        outcome: 'processed',
        detail: '/berth destroy by maintainer: destroying the preview',
      },
    });
    const answer = await request(api.url)
      .post(`/api/v1/deliveries/${deliveryId}/redeliver`)
      .set(admin);
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toBe(
      `delivery ${deliveryId} is a PR comment command that was acted on; a redelivery would run it again`,
    );
    expect(answer.body.fix).toMatch(/POST \/api\/v1\/environments\/\{id\}\/redeploy/);
    const copies = await prisma.webhookDelivery.count({
      where: { deliveryId: { startsWith: deliveryId } },
    });
    expect(copies).toBe(1);
  });

  it('an older event redelivered after a newer head is stale and changes nothing', async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    const opened = gh.deliveries.at(-1)!;
    await work();
    gh.advanceTime(2);
    const head = await gh.pushToPullRequest(pr, { 'b.txt': 'b\n' });
    await work();
    expect(await environmentOf(repo)).toMatchObject({ headSha: head, generation: 2 });

    const copy = await redeliver(opened.deliveryId);
    await work();
    const stored = await prisma.webhookDelivery.findUniqueOrThrow({ where: { deliveryId: copy } });
    expect(stored.outcome).toBe('ignored');
    expect(stored.detail).toMatch(/stale/);
    expect(await environmentOf(repo)).toMatchObject({ headSha: head, generation: 2 });
  });
});
