import { randomBytes, randomInt } from 'node:crypto';
import {
  createPrismaClient,
  EnvironmentLeases,
  EnvironmentStore,
  type EnvironmentState,
  Outbox,
  type PrismaClient,
  WebhookInbox,
} from '@berth/db';
import { EnvironmentCommands } from '@berth/lifecycle';
import {
  type ActionJobName,
  type ActionQueue,
  closeRedis,
  createActionQueue,
  createRedis,
  requestAction,
  waitForJob,
} from '@berth/queue';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startActions } from './actions.js';

// Operator actions from the REST API (decision 0029): a job on the host's actions queue, run
// by the worker on the command path. Real Postgres and Redis; no Docker (the stages the
// commands queue are only read back from the outbox, never run).

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `actions-${randomBytes(4).toString('hex')}`;
const host = `actions-${randomBytes(3).toString('hex')}`;

let prisma: PrismaClient;
let redis: ReturnType<typeof createRedis>;
let queue: ActionQueue;
let actions: ReturnType<typeof startActions>;
let commands: EnvironmentCommands;

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
  redis = createRedis(redisUrl, 'actions-test');
  queue = createActionQueue(redis, prefix, host);
  commands = new EnvironmentCommands({
    store: new EnvironmentStore(prisma),
    outbox: new Outbox(prisma),
    inbox: new WebhookInbox(prisma),
    leases: new EnvironmentLeases(prisma),
    dockerHost: host,
  });
  actions = startActions({
    config: { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, DOCKER_HOST_NAME: host },
    commands,
    logger: pino({ level: 'silent' }),
  });
});
afterAll(async () => {
  await actions?.close();
  // Nothing relays these outbox rows: remove them so no later file's worker runs them.
  await prisma.outboxJob.deleteMany({ where: { dispatchedAt: null } });
  await queue.obliterate({ force: true });
  await queue.close();
  await closeRedis(redis);
  await prisma.$disconnect();
});

async function seed(state: EnvironmentState, extra: { closedAt?: Date; prNumber?: number } = {}) {
  const suffix = randomBytes(4).toString('hex');
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: `acme/act-${suffix}`,
      owner: 'acme',
      name: `act-${suffix}`,
      installationId: 1n,
      cloneUrl: 'http://127.0.0.1:1/acme/x.git',
    },
  });
  const env = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: extra.prNumber ?? 4,
      headSha: 'b'.repeat(40),
      branch: 'feat',
      baseBranch: 'main',
      state,
      dockerHost: host,
      config: { mode: 'full-stack', database: 'fresh' },
      ...(extra.closedAt ? { closedAt: extra.closedAt } : {}),
    },
  });
  await prisma.revision.create({
    data: { environmentId: env.id, generation: 1, headSha: 'b'.repeat(40), configSnapshot: {} },
  });
  return env;
}

/** Queues the action as the api does and waits for the worker's answer. */
async function act(name: ActionJobName, environmentId: string): Promise<unknown> {
  const jobId = await requestAction(queue, name, { environmentId, requestedBy: 'ci-token' });
  for (;;) {
    const { outcome, final } = await waitForJob(queue, jobId, 60, 25);
    if (!final || !outcome) continue;
    if (outcome.state === 'failed') throw new Error(outcome.job.failedReason);
    return outcome.job.returnvalue;
  }
}

async function outbox(environmentId: string): Promise<string[]> {
  const rows = await prisma.outboxJob.findMany({ where: { dispatchedAt: null } });
  return rows
    .filter((row) => row.jobId.startsWith(environmentId))
    .map((row) => row.jobId)
    .sort();
}

describe('operator actions', () => {
  it('redeploy: the same head as a new generation, its build queued in the same transaction', async () => {
    const env = await seed('ready');
    expect(await act('redeploy', env.id)).toEqual({ status: 'redeploying', generation: 2 });
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(row).toMatchObject({ state: 'building', generation: 2, headSha: 'b'.repeat(40) });
    const revision = await prisma.revision.findUniqueOrThrow({
      where: { environmentId_generation: { environmentId: env.id, generation: 2 } },
    });
    expect(revision.configSnapshot).toMatchObject({
      mode: 'full-stack',
      database: 'fresh',
      rebuild: false,
    });
    expect(await outbox(env.id)).toContain(`${env.id}-2-build`);
    const events = await prisma.lifecycleEvent.findMany({ where: { environmentId: env.id } });
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'requested', detail: 'redeploy requested by ci-token' }),
    );
  });

  it('rebuild: the new generation alone bypasses the build cache', async () => {
    const env = await seed('failed');
    expect(await act('rebuild', env.id)).toEqual({ status: 'redeploying', generation: 2 });
    const revision = await prisma.revision.findUniqueOrThrow({
      where: { environmentId_generation: { environmentId: env.id, generation: 2 } },
    });
    expect(revision.configSnapshot).toMatchObject({ rebuild: true });
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(row.config).toEqual({ mode: 'full-stack', database: 'fresh' });
  });

  it('destroy: torn down like an expiry, the PR stays open; a second destroy is refused', async () => {
    const env = await seed('ready');
    expect(await act('destroy', env.id)).toEqual({ status: 'destroying', generation: 2 });
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(row).toMatchObject({ state: 'destroying', generation: 2, closedAt: null });
    expect(row.expiredAt).not.toBeNull();
    expect(await outbox(env.id)).toContain(`${env.id}-2-teardown`);
    const events = await prisma.lifecycleEvent.findMany({ where: { environmentId: env.id } });
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'expired', detail: 'destroyed on request by ci-token' }),
    );
    expect(await act('destroy', env.id)).toMatchObject({ status: 'refused' });

    // A redeploy brings the destroyed preview back, as a push would.
    await prisma.environment.update({ where: { id: env.id }, data: { state: 'destroyed' } });
    expect(await act('redeploy', env.id)).toEqual({ status: 'redeploying', generation: 3 });
  });

  it('refuses a closed pull request and an unknown environment, writing nothing', async () => {
    const closed = await seed('destroyed', { closedAt: new Date() });
    expect(await act('redeploy', closed.id)).toEqual({
      status: 'refused',
      reason: 'the pull request is closed',
    });
    expect(await act('destroy', closed.id)).toMatchObject({ status: 'refused' });
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: closed.id } });
    expect(row).toMatchObject({ state: 'destroyed', generation: 1 });
    expect(await outbox(closed.id)).toEqual([]);
    expect(await act('redeploy', '00000000-0000-4000-8000-000000000000')).toEqual({
      status: 'gone',
    });
  });
});
