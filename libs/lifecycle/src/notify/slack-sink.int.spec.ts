// The Slack sink against the Slack Web API emulator (through the real `@slack/web-api` driver),
// the test database and Redis: one message per pull request, edited in place; details in its
// thread, each posted once however often its job runs; edits spaced with the last state
// landing; a 429's Retry-After and a 5xx handled without holding anything of a stage; secrets
// masked; a deleted message posted again; no channel, no message.
import { randomBytes } from 'node:crypto';
import {
  createPrismaClient,
  EnvironmentLeases,
  type LifecycleEvent,
  type PrismaClient,
  RepositorySettingsStore,
} from '@berth/db';
import { type ChatApiError, SlackChat } from '@berth/providers';
import { closeRedis, createRedis, redisLock, type SinkJobData } from '@berth/queue';
import { type SlackEmulator, startSlackEmulator } from '@berth/testing';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsOver, seedEnvironment } from '../commands/commands.int-support.js';
import { StageRunner } from '../pipeline/stage-runner.js';
import { environmentSecretValues } from '../secrets/environment-secret-values.js';
import { SinkDelivery } from './sink-delivery.js';
import { SlackSink } from './slack-sink.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SECRET = 'Db-pa55word/for+slack&sink';

let prisma: PrismaClient;
let redis: Redis;
let slack: SlackEmulator;
let channel: string;
const environments: string[] = [];

beforeAll(async () => {
  prisma = createPrismaClient(databaseUrl, { maxConnections: 4 });
  redis = createRedis(redisUrl, 'slack-sink-spec');
  slack = await startSlackEmulator();
  channel = slack.createChannel('shop-previews');
});

afterAll(async () => {
  // The stage runner below queued outbox rows nothing relays here: no later file may run them.
  await prisma?.outboxJob.deleteMany({
    where: {
      dispatchedAt: null,
      OR: environments.map((id) => ({ data: { path: ['environmentId'], equals: id } })),
    },
  });
  await slack?.close();
  await closeRedis(redis);
  await prisma?.$disconnect();
});

function harness(options: { editIntervalMs?: number; defaultChannel?: string } = {}) {
  const refused: ChatApiError[] = [];
  const lock = redisLock(redis, `berth-spec-${randomBytes(4).toString('hex')}`);
  const sink = new SlackSink({
    prisma,
    chat: new SlackChat({ token: slack.token, apiUrl: slack.apiUrl, retryMinMs: 1 }),
    lock,
    editIntervalMs: options.editIntervalMs ?? 0,
    ...(options.defaultChannel ? { defaultChannel: options.defaultChannel } : {}),
    consoleUrl: 'https://berth.example/',
    secrets: (environment) => environmentSecretValues({ prisma }, environment),
    cost: async () => ({ total: 0.5, measured: true }),
    onRefused: (error) => refused.push(error),
  });
  // The comment and status sinks are not under test here.
  const sinks = new SinkDelivery({
    prisma,
    lock,
    reporter: { report: async () => undefined },
    slack: sink,
  });
  return { sinks, refused };
}

/** PR #1 of a repository of its own, at generation 1, with the operator's Slack channel. */
async function preview(slackChannel: string | null = '#shop-previews') {
  const { env, revision } = await seedEnvironment(prisma, { state: 'building' });
  environments.push(env.id);
  const repository = await prisma.repository.findUniqueOrThrow({ where: { id: env.repositoryId } });
  if (slackChannel) {
    await new RepositorySettingsStore(prisma).update(repository.fullName, { slackChannel });
  }
  await prisma.revision.update({
    where: { id: revision.id },
    data: {
      wiring: {
        urls: { web: 'http://web-pr-1-seed.localhost:8080/' },
        hostnames: { web: 'web-pr-1-seed.localhost' },
        environment: { web: {} },
        ports: { web: 8080 },
        public: false,
        secrets: { DB_PASSWORD: SECRET },
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
  return { env, revision, repository, event };
}

const job = (event: LifecycleEvent): SinkJobData => ({
  environmentId: event.environmentId,
  eventId: String(event.id),
  sink: 'slack',
});

/** The one top-level message of the environment's PR (its text names the repository). */
function messagesOf(fullName: string) {
  return slack.messages(channel).filter((m) => m.text.startsWith(`${fullName}#1:`));
}

describe('the Slack sink (decision 0028)', () => {
  it('posts one message when the preview starts and edits it in place through ready (its URL) to destroyed (its cost)', async () => {
    const { repository, event } = await preview();
    const { sinks } = harness();
    expect(await sinks.deliver(job(await event('requested')))).toBe('delivered');
    const [posted] = messagesOf(repository.fullName);
    expect(posted?.text).toBe(`${repository.fullName}#1: Preview queued`);
    for (const [kind, stage] of [
      ['started', 'build'],
      ['started', 'replicate'],
      ['ready', undefined],
      ['started', 'teardown'],
      ['destroyed', undefined],
    ] as const) {
      expect(await sinks.deliver(job(await event(kind, stage ? { stage } : {})))).toBe('delivered');
    }
    const messages = messagesOf(repository.fullName);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.ts).toBe(posted?.ts);
    expect(message?.versions.map((v) => v.replace(`${repository.fullName}#1: `, ''))).toEqual([
      'Preview queued',
      'Building the preview',
      'Starting the preview',
      'Preview ready',
      'Tearing down the preview',
      'Preview destroyed',
    ]);
    expect(message?.replies).toEqual([]);
    const update = slack.requestLog.filter(
      (e) => e.method === 'chat.update' && e.args['ts'] === posted?.ts,
    );
    expect(update).toHaveLength(5);
    // The ready edit linked the URL; the last one says what the preview cost.
    expect(JSON.stringify(update[2]?.args['blocks'])).toContain(
      '<http://web-pr-1-seed.localhost:8080/|web-pr-1-seed.localhost:8080>',
    );
    expect(JSON.stringify(message?.blocks)).toContain('It cost $0.50 in all.');
  });

  it('never rewinds: an older event, or the same one again, changes nothing', async () => {
    const { repository, event } = await preview();
    const { sinks } = harness();
    const started = await event('started', { stage: 'build' });
    const ready = await event('ready');
    expect(await sinks.deliver(job(ready))).toBe('delivered');
    expect(await sinks.deliver(job(started))).toBe('superseded');
    expect(await sinks.deliver(job(ready))).toBe('superseded');
    expect(messagesOf(repository.fullName)[0]?.versions).toHaveLength(1);
  });

  it("keeps details in the thread: a failure's log tail and a redeploy, each posted once however often its job runs", async () => {
    const { env, repository, event } = await preview();
    const { sinks } = harness();
    expect(await sinks.deliver(job(await event('started', { stage: 'build' })))).toBe('delivered');
    const failed = await event('failed', {
      stage: 'build',
      detail: 'step 3/7: npm ci exited 1\nnpm ERR! network timeout',
    });
    expect(await sinks.deliver(job(failed))).toBe('delivered');
    expect(await sinks.deliver(job(failed))).toBe('delivered');
    let [message] = messagesOf(repository.fullName);
    expect(message?.text).toBe(`${repository.fullName}#1: Preview failed at build`);
    expect(message?.replies.map((r) => r.text.split('\n')[0])).toEqual([
      '❌ *build* failed (generation 1, `aaaaaaa`):',
    ]);

    // A push: generation 2 on a new head.
    await prisma.environment.update({
      where: { id: env.id },
      data: { generation: 2, headSha: 'b'.repeat(40), state: 'building' },
    });
    await prisma.revision.create({
      data: { environmentId: env.id, generation: 2, headSha: 'b'.repeat(40), configSnapshot: {} },
    });
    const requested = await event('requested', { generation: 2 });
    const started = await event('started', { stage: 'build', generation: 2 });
    // The start ran first (the request's job was busy, say): the redeploy is told once.
    expect(await sinks.deliver(job(started))).toBe('delivered');
    expect(await sinks.deliver(job(requested))).toBe('superseded');
    [message] = messagesOf(repository.fullName);
    expect(message?.replies.map((r) => r.text.split('\n')[0])).toEqual([
      '❌ *build* failed (generation 1, `aaaaaaa`):',
      '🔁 Generation 2: redeploying: new commit `bbbbbbb` (was `aaaaaaa`).',
    ]);
    expect(message?.text).toBe(`${repository.fullName}#1: Building the preview`);
  });

  it('spaces edits of one message and lands the last state', async () => {
    const { repository, event } = await preview();
    const slow = harness({ editIntervalMs: 60_000 });
    expect(await slow.sinks.deliver(job(await event('requested')))).toBe('delivered');
    // Written less than the interval ago: the jobs wait (the worker delays them, no attempt spent).
    const started = await event('started', { stage: 'build' });
    expect(await slow.sinks.deliver(job(started))).toEqual({ laterMs: 60_000 });
    const ready = await event('ready');
    expect(await slow.sinks.deliver(job(ready))).toEqual({ laterMs: 60_000 });
    expect(messagesOf(repository.fullName)[0]?.versions).toHaveLength(1);
    // Their turn came (another lock prefix here): the older is superseded, the newest lands.
    const later = harness({ editIntervalMs: 1 });
    expect(await later.sinks.deliver(job(started))).toBe('superseded');
    expect(await later.sinks.deliver(job(ready))).toBe('delivered');
    expect(messagesOf(repository.fullName)[0]?.versions.map((v) => v.split(': ')[1])).toEqual([
      'Preview queued',
      'Preview ready',
    ]);
  });

  it('waits out a 429 by its Retry-After (no attempt spent, nothing held) and rides out a 5xx', async () => {
    const { repository, event } = await preview();
    const { sinks } = harness();
    expect(await sinks.deliver(job(await event('requested')))).toBe('delivered');
    const ready = await event('ready');
    slack.faults.add('chat.update', 'ratelimited', 1, { retryAfterSeconds: 4 });
    expect(await sinks.deliver(job(ready))).toEqual({ laterMs: 4_000 });
    slack.faults.add('chat.update', 503, 2);
    expect(await sinks.deliver(job(ready))).toBe('delivered');
    const [message] = messagesOf(repository.fullName);
    expect(message?.versions).toHaveLength(2);
    expect(message?.text).toMatch(/Preview ready$/);
    const updates = slack.requestLog.filter(
      (e) => e.method === 'chat.update' && e.args['ts'] === message?.ts,
    );
    expect(updates.map((e) => e.status)).toEqual([429, 503, 503, 200]);
  });

  it('masks every secret value of the environment in what reaches Slack: the stored error and older rows alike', async () => {
    const { env, repository, event } = await preview();
    await prisma.environment.update({ where: { id: env.id }, data: { state: 'provisioning' } });
    const { sinks } = harness();
    expect(await sinks.deliver(job(await event('requested')))).toBe('delivered');
    const basic = Buffer.from(`app:${SECRET}`).toString('base64');
    // The app's log tail, as a crashing app prints its credentials.
    const crash = [
      `connecting to postgres://app:${encodeURIComponent(SECRET)}@db:5432/app`,
      `Authorization: Basic ${basic}`,
      JSON.stringify({ config: { password: SECRET } }),
      `password=${SECRET}`,
    ].join('\n');
    const runner = new StageRunner({
      prisma,
      commands: commandsOver(prisma),
      leases: new EnvironmentLeases(prisma),
      handlers: [
        {
          stage: 'replicate',
          run: async () => {
            throw new Error(`web exited 1 while starting:\n${crash}`);
          },
        },
      ],
      logger: pino({ level: 'silent' }),
      owner: 'slack-sink-spec',
    });
    expect(
      await runner.run({ environmentId: env.id, generation: 1, stage: 'replicate' }, 1, true),
    ).toBe('failed');
    // The command path queued the failure for every sink: deliver Slack's, as the relay would.
    const queued = await prisma.outboxJob.findMany({
      where: { jobId: { startsWith: 'sink-slack-' }, dispatchedAt: null },
      orderBy: { id: 'asc' },
    });
    const ours = queued.filter(
      (row) => (row.data as { environmentId?: string }).environmentId === env.id,
    );
    expect(ours.length).toBeGreaterThan(0);
    for (const row of ours) {
      expect(await sinks.deliver(row.data as unknown as SinkJobData)).toBe('delivered');
    }
    // A row stored before redaction existed (an older Berth): masked by the sink itself.
    expect(
      await sinks.deliver(job(await event('failed', { stage: 'replicate', detail: crash }))),
    ).toBe('delivered');
    const [message] = messagesOf(repository.fullName);
    expect(message?.text).toMatch(/Preview failed at replicate$/);
    expect(message?.replies).toHaveLength(2);
    expect(message?.replies[0]?.text).toContain('web exited 1 while starting');
    const sent = JSON.stringify(slack.requestLog);
    for (const form of [
      SECRET,
      encodeURIComponent(SECRET),
      JSON.stringify(SECRET).slice(1, -1),
      basic,
      Buffer.from(SECRET).toString('base64'),
    ]) {
      expect(sent).not.toContain(form);
    }
  });

  it('posts a new message when the old one was deleted in Slack', async () => {
    const { repository, event } = await preview();
    const { sinks } = harness();
    expect(await sinks.deliver(job(await event('requested')))).toBe('delivered');
    const [first] = messagesOf(repository.fullName);
    slack.deleteMessage(channel, first!.ts);
    expect(await sinks.deliver(job(await event('ready')))).toBe('delivered');
    const [second, ...others] = messagesOf(repository.fullName);
    expect(others).toEqual([]);
    expect(second?.ts).not.toBe(first?.ts);
    expect(second?.text).toMatch(/Preview ready$/);
    // Later edits go to the new one.
    expect(await sinks.deliver(job(await event('started', { stage: 'teardown' })))).toBe(
      'delivered',
    );
    expect(messagesOf(repository.fullName).map((m) => m.ts)).toEqual([second?.ts]);
  });

  it("posts nothing without a channel; a channel Slack refuses is reported once, not retried; a PR's end alone starts no message", async () => {
    const none = await preview(null);
    expect(await harness().sinks.deliver(job(await none.event('requested')))).toBe('gone');
    const fallback = await preview(null);
    expect(
      await harness({ defaultChannel: '#shop-previews' }).sinks.deliver(
        job(await fallback.event('requested')),
      ),
    ).toBe('delivered');
    expect(messagesOf(fallback.repository.fullName)).toHaveLength(1);

    const missing = await preview('#nowhere');
    const { sinks, refused } = harness();
    expect(await sinks.deliver(job(await missing.event('requested')))).toBe('gone');
    expect(refused.map((e) => e.code)).toEqual(['channel_not_found']);

    const ended = await preview();
    expect(await harness().sinks.deliver(job(await ended.event('destroyed')))).toBe('superseded');
    expect(messagesOf(ended.repository.fullName)).toEqual([]);
  });
});
