// The check run sink against the GitHub emulator (through the real Octokit driver) and the test
// database and Redis: one check run per head, edited in place; edits spaced by the interval with
// the last state landing; a 429's retry-after and a 5xx handled without a stage lock; the head a
// push replaced is cancelled; a closed PR's unfinished check is cancelled.
import { randomBytes } from 'node:crypto';
import { createPrismaClient, type LifecycleEvent, type PrismaClient } from '@berth/db';
import { OctokitGitHub } from '@berth/providers';
import { closeRedis, createRedis, redisLock, type SinkJobData } from '@berth/queue';
import { type GitHubEmulator, startGitHubEmulator } from '@berth/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckRunSink } from './check-run-sink.js';
import { SinkDelivery } from './sink-delivery.js';
import { seedPullRequestRows } from '../commands/commands.int-support.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const PASSWORD = 'Pg-pa55word-for-check-runs';
const NAME = 'Berth / preview';

let prisma: PrismaClient;
let redis: Redis;
let gh: GitHubEmulator;
const repoName = `checks-${randomBytes(4).toString('hex')}`;
const fullName = `acme/${repoName}`;

beforeAll(async () => {
  prisma = createPrismaClient(databaseUrl, { maxConnections: 4 });
  redis = createRedis(redisUrl, 'check-run-sink-spec');
  gh = await startGitHubEmulator();
  await gh.createRepository({ owner: 'acme', name: repoName, files: { 'README.md': '# x\n' } });
});

afterAll(async () => {
  await gh?.stop();
  await closeRedis(redis);
  await prisma?.$disconnect();
});

function sinks(editIntervalMs: number) {
  const github = new OctokitGitHub({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    writeIntervalMs: 0,
    notificationIntervalMs: 0,
    retryBaseMs: 20,
    // The 429 and 5xx below are provoked on purpose.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });
  const lock = redisLock(redis, `berth-spec-${randomBytes(4).toString('hex')}`);
  const checks = new CheckRunSink({
    github,
    lock,
    editIntervalMs,
    consoleUrl: 'https://berth.example/',
    secrets: async () => [PASSWORD],
  });
  return new SinkDelivery({
    prisma,
    lock,
    checks,
    reporter: { report: async () => undefined },
  });
}

/** A PR on the emulator and its environment at generation 1 (head = the PR's head). */
async function environment() {
  const pr = await gh.openPullRequest({
    repo: fullName,
    branch: `feat/${randomBytes(3).toString('hex')}`,
    title: 'x',
    changes: { 'x.txt': randomBytes(4).toString('hex') },
  });
  const env = await seedPullRequestRows(prisma, gh, {
    fullName,
    number: pr.number,
    headSha: pr.headSha,
    branch: pr.headRef,
    state: 'building',
    generation: 1,
  });
  const revision = await prisma.revision.create({
    data: {
      environmentId: env.id,
      generation: 1,
      headSha: pr.headSha,
      configSnapshot: {},
      images: { web: { tag: 'berth/acme--x-web:abc', source: 'built', durationMs: 3_000 } },
      wiring: {
        urls: { web: `http://web-pr-${pr.number}.localhost` },
        hostnames: { web: `web-pr-${pr.number}.localhost` },
        environment: {},
        ports: { web: 3000 },
        public: false,
      },
    },
  });
  const event = (
    kind: string,
    extra: { stage?: string; detail?: string; generation?: number } = {},
  ) =>
    prisma.lifecycleEvent.create({
      data: { environmentId: env.id, generation: extra.generation ?? 1, kind, ...extra },
    });
  return { pr, env, revision, event };
}

const job = (event: LifecycleEvent): SinkJobData => ({
  environmentId: event.environmentId,
  eventId: String(event.id),
  sink: 'check',
});

describe('the Berth / preview check run sink', () => {
  it('creates one check run when the head is seen and edits it in place to success', async () => {
    const { pr, env, revision, event } = await environment();
    const delivery = sinks(0);
    expect(await delivery.deliver(job(await event('requested')))).toBe('delivered');
    let runs = gh.checkRuns(fullName, pr.headSha);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      name: NAME,
      status: 'queued',
      externalId: `berth:${pr.number}:1`,
    });
    expect(await delivery.deliver(job(await event('started', { stage: 'build' })))).toBe(
      'delivered',
    );
    expect(gh.checkRuns(fullName, pr.headSha)[0]?.status).toBe('in_progress');
    await prisma.stageRun.create({
      data: { revisionId: revision.id, stage: 'build', status: 'succeeded', durationMs: 3_000 },
    });
    expect(await delivery.deliver(job(await event('ready')))).toBe('delivered');
    runs = gh.checkRuns(fullName, pr.headSha);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(runs[0]?.output.title).toBe('Preview ready');
    expect(runs[0]?.output.summary).toContain(`\`web-pr-${pr.number}.localhost\``);
    expect(runs[0]?.output.summary).toContain('rebuilt (3.0 s)');
    expect(runs[0]?.output.summary).toContain(
      `[Open in the Berth console](https://berth.example/environments/${env.id})`,
    );
  });

  it('spaces edits of one check run and lands the last state; an older event is then superseded', async () => {
    const { pr, event } = await environment();
    const delivery = sinks(60_000);
    expect(await delivery.deliver(job(await event('requested')))).toBe('delivered');
    const started = await event('started', { stage: 'build' });
    // Edited less than the interval ago: the job waits (the worker delays it, no attempt spent).
    expect(await delivery.deliver(job(started))).toEqual({ laterMs: 60_000 });
    const failed = await event('failed', {
      stage: 'replicate',
      detail: `web exited 1; log: postgres://app:${PASSWORD}@db/app`,
    });
    expect(await delivery.deliver(job(started))).toBe('superseded');
    expect(gh.checkRuns(fullName, pr.headSha)[0]?.status).toBe('queued');
    // Its slot has passed (a 1 ms interval here): the newest state lands, redacted.
    expect(await sinks(1).deliver(job(failed))).toBe('delivered');
    const run = gh.checkRuns(fullName, pr.headSha)[0];
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run?.output.text).toContain('postgres://app:***@db/app');
    expect(JSON.stringify(run)).not.toContain(PASSWORD);
  });

  it("waits out a 429 by its retry-after and rides out a 5xx, holding no stage's lease", async () => {
    const { pr, event } = await environment();
    const delivery = sinks(0);
    expect(await delivery.deliver(job(await event('requested')))).toBe('delivered');
    const ready = await event('ready');
    gh.failNext('PATCH /repos/:o/:r/check-runs/:id', 429, 1, { retryAfterSeconds: 5 });
    expect(await delivery.deliver(job(ready))).toEqual({ laterMs: 5_000 });
    gh.failNext('PATCH /repos/:o/:r/check-runs/:id', 502, 2);
    expect(await delivery.deliver(job(ready))).toBe('delivered');
    expect(gh.checkRuns(fullName, pr.headSha)[0]).toMatchObject({ conclusion: 'success' });
  });

  it('cancels the check run of a head a push replaced, and an unfinished one when the PR closes', async () => {
    const { pr, env, event } = await environment();
    const delivery = sinks(0);
    expect(await delivery.deliver(job(await event('requested')))).toBe('delivered');
    const oldHead = pr.headSha;
    const newHead = await gh.pushToPullRequest(pr, { 'y.txt': 'y\n' }, { emit: false });
    await prisma.environment.update({
      where: { id: env.id },
      data: { generation: 2, headSha: newHead },
    });
    await prisma.revision.create({
      data: { environmentId: env.id, generation: 2, headSha: newHead, configSnapshot: {} },
    });
    expect(await delivery.deliver(job(await event('requested', { generation: 2 })))).toBe(
      'delivered',
    );
    expect(gh.checkRuns(fullName, oldHead)[0]).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
    });
    expect(gh.checkRuns(fullName, oldHead)[0]?.output.title).toBe(
      `Superseded by ${newHead.slice(0, 7)}`,
    );
    expect(gh.checkRuns(fullName, newHead)[0]).toMatchObject({ status: 'queued' });

    // Closed while building: the close's generation has the same head.
    await prisma.revision.create({
      data: { environmentId: env.id, generation: 3, headSha: newHead, configSnapshot: {} },
    });
    await prisma.environment.update({ where: { id: env.id }, data: { generation: 3 } });
    expect(await delivery.deliver(job(await event('destroyed', { generation: 3 })))).toBe(
      'delivered',
    );
    expect(gh.checkRuns(fullName, newHead)).toEqual([
      expect.objectContaining({ status: 'completed', conclusion: 'cancelled' }),
    ]);
  });
});
