// Stage 1 end to end without Docker: GitHub (the emulator) sends signed webhooks to the real api,
// which only stores them; the worker's inbox processor applies them through the command path,
// and the outbox relay puts the jobs on the queue. Ordering and replay attacks are replayed here
// with captured bodies, exactly as an attacker or a late GitHub delivery would present them.
import { randomInt, randomUUID } from 'node:crypto';
import {
  EnvironmentLeases,
  EnvironmentStore,
  Outbox,
  type PrismaClient,
  RepositorySettingsStore,
  WebhookInbox,
} from '@berth/db';
import { parseAllowlist } from '@berth/core';
import {
  EnvironmentCommands,
  InboxProcessor,
  OutboxRelay,
  RepositoryAdmission,
} from '@berth/lifecycle';
import { OctokitGitHub, type RepositoryCoordinates } from '@berth/providers';
import type { LifecycleQueue } from '@berth/queue';
import { type GitHubEmulator, sendWebhook, startGitHubEmulator } from '@berth/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiHarness,
  startApi,
  WEBHOOK_SECRET,
} from '../../apps/api/src/test-support/api-harness.js';

let gh: GitHubEmulator;
let api: ApiHarness;
let prisma: PrismaClient;
let queue: LifecycleQueue;
let processor: InboxProcessor;
let relay: OutboxRelay;
let github: OctokitGitHub;
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  gh = await startGitHubEmulator({ firstRepositoryId: randomInt(100_000_000, 900_000_000) });
  api = await startApi();
  gh.setWebhookTarget({ url: `${api.url}/webhooks/github`, secret: WEBHOOK_SECRET });
  prisma = api.stores.prisma;
  queue = api.stores.queue;
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
  github = new OctokitGitHub({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    retryBaseMs: 20,
    writeIntervalMs: 0,
    notificationIntervalMs: 0,
  });
  // The operator allows the owner `acme`; every other owner needs a settings row.
  const admission = new RepositoryAdmission(
    parseAllowlist('acme', undefined),
    new RepositorySettingsStore(prisma),
  );
  processor = new InboxProcessor({
    inbox,
    store,
    commands,
    github,
    admission,
    logger,
    checks: github,
  });
  relay = new OutboxRelay({ outbox, queue, logger });
});
afterAll(async () => {
  await api?.stop();
  await gh?.stop();
});

/** What the worker does when notified: apply every waiting delivery, then dispatch the jobs. */
async function work(): Promise<void> {
  await processor.drain();
  await relay.drain();
}

let repoCount = 0;
async function repository(owner = 'acme'): Promise<string> {
  repoCount += 1;
  const name = `trigger${repoCount}-${randomUUID().slice(0, 6)}`;
  await gh.createRepository({ owner, name, files: { 'README.md': '# x\n' } });
  return `${owner}/${name}`;
}

async function environmentOf(repo: string, prNumber = 1) {
  const envs = await prisma.environment.findMany({
    where: { repository: { fullName: repo }, prNumber },
    include: { revisions: { orderBy: { generation: 'asc' } } },
  });
  expect(envs.length).toBeLessThanOrEqual(1);
  return envs[0];
}

async function jobIds(environmentId: string): Promise<string[]> {
  const jobs = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']);
  return jobs
    .map((j) => j?.id ?? '')
    .filter((id) => id.startsWith(environmentId))
    .sort();
}

async function deliveryOutcome(deliveryId: string) {
  return prisma.webhookDelivery.findUniqueOrThrow({ where: { deliveryId } });
}

/** Re-sends a captured body, as an attacker with a copy (or GitHub, late) would. */
async function resend(payload: Record<string, unknown>, deliveryId: string = randomUUID()) {
  const response = await sendWebhook({
    url: `${api.url}/webhooks/github`,
    secret: WEBHOOK_SECRET,
    event: 'pull_request',
    payload,
    deliveryId,
  });
  expect(response.status).toBe(202);
  return deliveryId;
}

describe('the webhook inbox, processed by the worker', () => {
  it('answers 202 before anything is decided; the worker then creates generation 1 and its build job', async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    const opened = gh.deliveries.at(-1)!;
    expect(opened.response?.status).toBe(202);
    expect(opened.response?.body).toMatchObject({ status: 'queued' });
    expect((await deliveryOutcome(opened.deliveryId)).outcome).toBe('received');
    expect(await environmentOf(repo)).toBeUndefined();

    await work();
    const env = (await environmentOf(repo))!;
    expect(env).toMatchObject({ state: 'building', generation: 1, headSha: pr.headSha });
    expect(env.revisions.map((r) => r.generation)).toEqual([1]);
    expect(await jobIds(env.id)).toEqual([`${env.id}-1-build`]);
    expect((await deliveryOutcome(opened.deliveryId)).outcome).toBe('processed');

    // A replay of the same delivery id is stored once and changes nothing.
    await resend(opened.payload, opened.deliveryId);
    await work();
    expect(await prisma.webhookDelivery.count({ where: { deliveryId: opened.deliveryId } })).toBe(
      1,
    );
    expect((await environmentOf(repo))!.generation).toBe(1);
  });

  it('applies one pull request in order and keeps one environment under concurrent replays', async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat', emit: false });
    const opened = gh.pullRequestEvent('opened', pr);
    const id = randomUUID();
    await Promise.all([
      ...Array.from({ length: 20 }, () => resend(opened, id)),
      ...Array.from({ length: 5 }, () => resend(opened)),
    ]);
    await Promise.all([work(), work(), work()]);
    const env = (await environmentOf(repo))!;
    expect(env.generation).toBe(1);
    expect(await jobIds(env.id)).toEqual([`${env.id}-1-build`]);
  });

  it('a late synchronize for an older head never rewinds the environment', async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    await work();
    gh.advanceTime(2);
    const before = pr.headSha;
    const first = await gh.pushToPullRequest(pr, { 'a.txt': 'a\n' }, { emit: false });
    const late = gh.pullRequestEvent('synchronize', pr, { before, after: first });
    gh.advanceTime(2);
    const second = await gh.pushToPullRequest(pr, { 'b.txt': 'b\n' });
    await work();
    expect(await environmentOf(repo)).toMatchObject({ headSha: second, generation: 2 });

    const id = await resend(late);
    await work();
    expect(await environmentOf(repo)).toMatchObject({ headSha: second, generation: 2 });
    const delivery = await deliveryOutcome(id);
    expect(delivery.outcome).toBe('ignored');
    expect(delivery.detail).toMatch(/stale: updated_at .* is older than the last event applied/);
  });

  it('orders two pushes of the same second by asking GitHub for the current head', async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    await work();
    gh.setTime(new Date(Date.parse(gh.now()) + 5_000));
    try {
      const start = pr.headSha;
      const first = await gh.pushToPullRequest(pr, { 'a.txt': 'a\n' }, { emit: false });
      const firstBody = gh.pullRequestEvent('synchronize', pr, { before: start, after: first });
      const second = await gh.pushToPullRequest(pr, { 'b.txt': 'b\n' }, { emit: false });
      const secondBody = gh.pullRequestEvent('synchronize', pr, { before: first, after: second });
      expect(firstBody['pull_request']).toMatchObject({
        updated_at: (secondBody['pull_request'] as { updated_at: string }).updated_at,
      });
      // GitHub delivers the newer push first.
      await resend(secondBody);
      await work();
      const lateId = await resend(firstBody);
      await work();
      expect(await environmentOf(repo)).toMatchObject({ headSha: second, generation: 2 });
      expect((await deliveryOutcome(lateId)).detail).toMatch(/GitHub says the head is/);
    } finally {
      gh.useRealTime();
    }
  });

  it('a captured closed body re-sent under a fresh delivery id never tears down a reopened PR', async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    await work();
    gh.advanceTime(2);
    await gh.closePullRequest(pr);
    const closed = gh.deliveries.at(-1)!.payload;
    await work();
    expect((await environmentOf(repo))!.state).toBe('destroying');
    gh.advanceTime(2);
    await gh.reopenPullRequest(pr);
    await work();
    const reopened = (await environmentOf(repo))!;
    expect(reopened.state).toBe('building');

    const id = await resend(closed);
    await work();
    expect(await environmentOf(repo)).toMatchObject({
      state: 'building',
      generation: reopened.generation,
      closedAt: null,
    });
    expect((await deliveryOutcome(id)).outcome).toBe('ignored');
    expect(await jobIds(reopened.id)).not.toContain(
      `${reopened.id}-${reopened.generation + 1}-teardown`,
    );
  });

  it('a close and a reopen in the same second: a replayed close is checked with GitHub and dropped', async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    await work();
    gh.setTime(new Date(Date.parse(gh.now()) + 5_000));
    try {
      await gh.closePullRequest(pr);
      const closed = gh.deliveries.at(-1)!.payload;
      await gh.reopenPullRequest(pr);
      await work();
      const reopened = (await environmentOf(repo))!;
      expect(reopened.state).toBe('building');
      const id = await resend(closed);
      await work();
      expect((await environmentOf(repo))!.state).toBe('building');
      expect((await deliveryOutcome(id)).detail).toMatch(/GitHub says the pull request is open/);
    } finally {
      gh.useRealTime();
    }
  });

  it('preview:approved counts only from a user with write access; removing it stops the fork preview', async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat', fork: true });
    await work();
    expect((await environmentOf(repo))!.state).toBe('held');

    gh.advanceTime(1);
    await gh.addLabel(pr, 'preview:approved', { sender: 'drive-by' });
    await work();
    const refused = (await environmentOf(repo))!;
    expect(refused).toMatchObject({ state: 'held', approvedSha: null });
    expect(refused.labelNotes).toContainEqual(
      expect.objectContaining({
        label: 'preview:approved',
        message: expect.stringMatching(/@drive-by/),
      }),
    );

    gh.setPermission(repo, 'maintainer', 'write');
    gh.advanceTime(1);
    await gh.removeLabel(pr, 'preview:approved', { sender: 'maintainer' });
    gh.advanceTime(1);
    await gh.addLabel(pr, 'preview:approved', { sender: 'maintainer' });
    await work();
    const approved = (await environmentOf(repo))!;
    expect(approved).toMatchObject({ state: 'building', approvedSha: pr.headSha });
    expect(await jobIds(approved.id)).toContain(`${approved.id}-${approved.generation}-build`);

    gh.advanceTime(1);
    await gh.removeLabel(pr, 'preview:approved', { sender: 'drive-by' });
    await work();
    const stopped = (await environmentOf(repo))!;
    expect(stopped).toMatchObject({ state: 'held', approvedSha: null });
    expect(stopped.generation).toBe(approved.generation + 1);
    expect(await jobIds(stopped.id)).toContain(`${stopped.id}-${stopped.generation}-teardown`);
  });

  it("Re-run on Berth's check run redeploys the head as a new generation; an older head's or another check's is ignored", async () => {
    const repo = await repository();
    const pr = await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    await work();
    const env = (await environmentOf(repo))!;
    const [owner = '', name = ''] = repo.split('/');
    const at: RepositoryCoordinates = { installationId: gh.installationId, owner, repo: name };
    const failed = {
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Preview failed at replicate', summary: 'web exited 1' },
    } as const;
    const checkId = await github.createCheckRun(at, pr.headSha, 'Berth / preview', {
      ...failed,
      externalId: `berth:${pr.number}:1`,
    });

    const rerun = await gh.rerequestCheckRun(checkId);
    expect(rerun?.response?.body).toMatchObject({ status: 'queued' });
    await work();
    const again = (await environmentOf(repo))!;
    expect(again).toMatchObject({ generation: 2, headSha: pr.headSha, state: 'building' });
    expect(again.revisions.map((r) => [r.generation, r.headSha])).toEqual([
      [1, pr.headSha],
      [2, pr.headSha],
    ]);
    expect(await jobIds(env.id)).toContain(`${env.id}-2-build`);
    expect(await deliveryOutcome(rerun!.deliveryId)).toMatchObject({ outcome: 'processed' });

    // The head moved on: Re-run on the old commit's check is ignored, and the check says why.
    const head = await gh.pushToPullRequest(pr, { 'b.txt': 'b\n' });
    await work();
    const stale = await gh.rerequestCheckRun(checkId);
    await work();
    expect(await deliveryOutcome(stale!.deliveryId)).toMatchObject({
      outcome: 'ignored',
      detail: `this commit is no longer the pull request's head (${head.slice(0, 7)} is)`,
    });
    expect((await environmentOf(repo))!.generation).toBe(3);
    expect(gh.state.checkRuns.get(checkId)).toMatchObject({
      conclusion: 'failure',
      output: { title: 'Re-run ignored' },
    });

    // A check run that is not Berth's: stored as ignored, the environment untouched.
    const otherId = await github.createCheckRun(at, head, 'CI / test', { ...failed });
    const other = await gh.rerequestCheckRun(otherId);
    expect(other?.response?.body).toMatchObject({ status: 'ignored' });
    await work();
    expect((await environmentOf(repo))!.generation).toBe(3);
  });

  it('accepts every GitHub event name and stores unknown ones as ignored', async () => {
    for (const event of ['projects_v2_item', 'security_and_analysis', 'ping']) {
      const deliveryId = randomUUID();
      const response = await sendWebhook({
        url: `${api.url}/webhooks/github`,
        secret: WEBHOOK_SECRET,
        event,
        payload: { action: 'edited', zen: 'x' },
        deliveryId,
      });
      expect(response.status).toBe(202);
      expect(await deliveryOutcome(deliveryId)).toMatchObject({ outcome: 'ignored' });
    }
  });

  it('loses nothing across a crash: stored deliveries wait for a worker, committed jobs for a relay', async () => {
    const repo = await repository();
    await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    // No worker ran: the delivery is safe in the inbox.
    expect(await environmentOf(repo)).toBeUndefined();
    // The worker applies it and dies before the relay runs: the job is safe in the outbox.
    await processor.drain();
    const env = (await environmentOf(repo))!;
    expect(await jobIds(env.id)).toEqual([]);
    const pending = await prisma.outboxJob.findMany({ where: { dispatchedAt: null } });
    expect(pending.map((r) => r.jobId)).toContain(`${env.id}-1-build`);
    // A new worker's relay dispatches it, exactly once however often it runs.
    const fresh = new OutboxRelay({ outbox: new Outbox(prisma), queue, logger });
    await Promise.all([fresh.drain(), fresh.drain(), relay.drain()]);
    expect(await jobIds(env.id)).toEqual([`${env.id}-1-build`]);
  });
});

describe('the repository allowlist', () => {
  it('records and ignores deliveries of a repository outside it, with the reason; builds after the operator enables it', async () => {
    const repo = await repository('intruder');
    const pr = await gh.openPullRequest({ repo, branch: 'evil', title: 'Mine bitcoin' });
    const opened = gh.deliveries.at(-1)!;
    expect(opened.response?.status).toBe(202);
    await work();
    const stored = await deliveryOutcome(opened.deliveryId);
    expect(stored.outcome).toBe('ignored');
    expect(stored.detail).toContain(`repository ${repo} is not on the allowlist`);
    expect(stored.detail).toContain('ALLOWED_OWNERS');
    expect(await environmentOf(repo)).toBeUndefined();

    // The operator enables this one repository: its next delivery builds.
    await new RepositorySettingsStore(prisma).update(repo, { enabled: true });
    const headSha = await gh.pushToPullRequest(pr, { 'x.txt': 'x\n' });
    await work();
    expect((await deliveryOutcome(gh.deliveries.at(-1)!.deliveryId)).outcome).toBe('processed');
    expect(await environmentOf(repo)).toMatchObject({ state: 'building', headSha });
  });

  it('ignores a repository the operator disabled, even under an allowed owner', async () => {
    const repo = await repository();
    await new RepositorySettingsStore(prisma).update(repo, { enabled: false });
    await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    await work();
    const stored = await deliveryOutcome(gh.deliveries.at(-1)!.deliveryId);
    expect(stored).toMatchObject({ outcome: 'ignored' });
    expect(stored.detail).toContain('disabled by the operator');
    expect(await environmentOf(repo)).toBeUndefined();
  });
});
