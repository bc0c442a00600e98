// The worker's side of per-service logs (decision 0030) on real Redis, Postgres and Docker: one
// worker of the host claims a request, lines are redacted, and the follow ends by itself when
// nobody listens any more (the api died without saying stop) or its bound passes.
import { randomBytes, randomInt } from 'node:crypto';
import { containerName } from '@berth/core';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import { DockerContainerHost } from '@berth/providers';
import {
  logActiveKey,
  type LogMessage,
  type LogRequest,
  logRequestChannel,
  logStreamChannel,
} from '@berth/queue';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityOf } from '../compose/revision-source.js';
import { LogRelay } from './log-relay.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const IMAGE = 'berth-fixture/debian:bookworm';
const SECRET = `s3cret-${randomBytes(6).toString('hex')}`;
const prefix = `test-logs-${randomBytes(3).toString('hex')}`;

let prisma: PrismaClient;
let redis: Redis;
let host: DockerContainerHost;
let environmentId: string;
let container: string;
const relays: { relay: LogRelay; subscriber: Redis }[] = [];

async function startRelay(options: { pingMs?: number; maxFollowMs?: number } = {}) {
  const subscriber = new Redis(redisUrl);
  const relay = new LogRelay({
    subscriber,
    publisher: redis,
    prefix,
    dockerHost: 'local',
    containerHost: host,
    prisma,
    secrets: async () => [SECRET],
    owner: `worker-${relays.length}`,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  await relay.start();
  relays.push({ relay, subscriber });
  return relay;
}

/** Every worker of the host goes: the next test's relay is the only one. */
async function closeRelays() {
  for (const { relay, subscriber } of relays.splice(0)) {
    await relay.close();
    subscriber.disconnect();
  }
}

/** Acts as the api: subscribes to a request's channel, then asks the host's workers. */
async function ask(request: Omit<Extract<LogRequest, { type: 'start' }>, 'type' | 'requestId'>) {
  const requestId = randomBytes(8).toString('hex');
  const listener = new Redis(redisUrl);
  const messages: LogMessage[] = [];
  listener.on('message', (_channel: string, raw: string) =>
    messages.push(JSON.parse(raw) as LogMessage),
  );
  await listener.subscribe(logStreamChannel(prefix, requestId));
  const start: LogRequest = { type: 'start', requestId, ...request };
  const workers = await redis.publish(logRequestChannel(prefix, 'local'), JSON.stringify(start));
  return { requestId, listener, messages, workers };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  for (let i = 0; i < 300; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never saw ${what}`);
}

beforeAll(async () => {
  prisma = createPrismaClient(databaseUrl, { maxConnections: 2 });
  redis = new Redis(redisUrl);
  host = new DockerContainerHost();
  const suffix = randomBytes(4).toString('hex');
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: `acme/logs-${suffix}`,
      owner: 'acme',
      name: `logs-${suffix}`,
      installationId: 1n,
      cloneUrl: 'http://127.0.0.1:1/acme/x.git',
    },
  });
  const env = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: 1,
      headSha: 'a'.repeat(40),
      branch: 'feat',
      baseBranch: 'main',
      state: 'ready',
    },
    include: { repository: true },
  });
  environmentId = env.id;
  container = containerName(identityOf(env), 'app');
  await host.docker
    .createContainer({
      name: container,
      Image: IMAGE,
      Cmd: ['sh', '-c', `echo "booting"; echo "password is ${SECRET}" >&2; exec sleep 600`],
      Labels: { 'berth.test': 'log-relay' },
    })
    .then((c) => c.start());
});

afterAll(async () => {
  await closeRelays();
  await host?.docker
    .getContainer(container)
    .remove({ force: true })
    .catch(() => undefined);
  redis?.disconnect();
  await prisma?.$disconnect();
});

describe('LogRelay', { timeout: 60_000 }, () => {
  it('one worker of the host streams the tail, stdout and stderr apart, secrets redacted', async () => {
    await startRelay();
    await startRelay();
    const asked = await ask({ environmentId, service: 'app', tail: 10, follow: false });
    expect(asked.workers).toBe(2);
    const end = await until('the end', () => asked.messages.find((m) => m.type === 'end'));
    expect(end).toEqual({ type: 'end', reason: 'the tail was sent' });
    const lines = asked.messages.filter((m) => m.type === 'line');
    // Two streams, each in order; between them Docker's order is not promised.
    expect(lines.map((l) => [l.stream, l.line]).sort()).toEqual([
      ['stderr', 'password is ***'],
      ['stdout', 'booting'],
    ]);
    // Claimed once: one worker streamed it.
    expect(asked.messages.filter((m) => m.type === 'started')).toHaveLength(1);
    asked.listener.disconnect();
  });

  it('stops following when nobody listens any more, without being told', async () => {
    await closeRelays();
    const relay = await startRelay({ pingMs: 100 });
    const asked = await ask({ environmentId, service: 'app', tail: 0, follow: true });
    await until('the worker to attach', () => asked.messages.find((m) => m.type === 'started'));
    expect(await redis.hexists(logActiveKey(prefix), asked.requestId)).toBe(1);
    // The api died: its subscription is gone and no `stop` comes.
    asked.listener.disconnect();
    await until('the follow to end', async () =>
      (await redis.hexists(logActiveKey(prefix), asked.requestId)) === 0 ? true : undefined,
    );
    await until('the relay to let it go', () => (relay.active === 0 ? true : undefined));
  });

  it('ends a follow at its bound, and a missing container is an error message', async () => {
    await closeRelays();
    await startRelay({ maxFollowMs: 300 });
    const bounded = await ask({ environmentId, service: 'app', tail: 0, follow: true });
    const end = await until('the bound', () => bounded.messages.find((m) => m.type === 'end'));
    expect(end).toMatchObject({ type: 'end', reason: expect.stringMatching(/^followed for/) });
    bounded.listener.disconnect();

    const missing = await ask({ environmentId, service: 'nope', tail: 5, follow: false });
    const error = await until('the error', () => missing.messages.find((m) => m.type === 'error'));
    expect(error).toMatchObject({ message: expect.stringContaining('No container named') });
    missing.listener.disconnect();
  });
});
