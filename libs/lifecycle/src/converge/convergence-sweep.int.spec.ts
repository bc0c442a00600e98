import { randomBytes } from 'node:crypto';
import { ConvergenceQueries, createPrismaClient, type PrismaClient } from '@berth/db';
import {
  closeRedis,
  createLifecycleQueue,
  createRedis,
  LIFECYCLE_QUEUE,
  type LifecycleQueue,
} from '@berth/queue';
import { Worker } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsOver, seedEnvironment } from '../commands/commands.int-support.js';
import { ConvergenceSweep } from './convergence-sweep.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `converge-${randomBytes(4).toString('hex')}`;

let prisma: PrismaClient;
let redis: ReturnType<typeof createRedis>;
let queue: LifecycleQueue;
let sweep: ConvergenceSweep;

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
  redis = createRedis(redisUrl, 'converge-test');
  queue = createLifecycleQueue(redis, prefix);
  const commands = commandsOver(prisma);
  sweep = new ConvergenceSweep({
    queries: new ConvergenceQueries(prisma),
    commands,
    queue,
    logger: pino({ level: 'silent' }),
    quietMs: 0,
  });
});
afterAll(async () => {
  // Nothing relays this file's outbox rows: remove them so no later file's worker runs them.
  await prisma.outboxJob.deleteMany({ where: { dispatchedAt: null } });
  await queue.obliterate({ force: true });
  await queue.close();
  await closeRedis(redis);
  await prisma.$disconnect();
});

const environment = (state: 'building' | 'provisioning' | 'destroyed' | 'ready') =>
  // Quiet for two minutes: the sweep only acts on environments that stopped moving.
  seedEnvironment(prisma, { state, updatedAt: new Date(Date.now() - 120_000) });

async function outboxJobs(environmentId: string): Promise<string[]> {
  const rows = await prisma.outboxJob.findMany({ where: { dispatchedAt: null } });
  return rows
    .filter((r) => (r.data as { environmentId?: string }).environmentId === environmentId)
    .map((r) => r.jobId);
}

async function dispatch(environmentId: string) {
  await prisma.outboxJob.updateMany({
    where: { dispatchedAt: null, jobId: { startsWith: environmentId } },
    data: { dispatchedAt: new Date() },
  });
}

describe('ConvergenceSweep', () => {
  it('requeues the stage an environment waits on when no job exists for it', async () => {
    const building = await environment('building');
    const provisioning = await environment('provisioning');
    for (const stage of ['build', 'wire'] as const) {
      await prisma.stageRun.create({
        data: { revisionId: provisioning.revision.id, stage, status: 'succeeded' },
      });
    }
    await sweep.sweep();
    expect(await outboxJobs(building.env.id)).toEqual([`${building.env.id}-1-build`]);
    expect(await outboxJobs(provisioning.env.id)).toEqual([`${provisioning.env.id}-1-replicate`]);
    // Its job now waits in the outbox: a second sweep leaves it alone.
    await sweep.sweep();
    expect(await outboxJobs(building.env.id)).toHaveLength(1);
  });

  it('drives a destroyed environment whose ledger still holds live resources to teardown', async () => {
    const { env } = await environment('destroyed');
    await prisma.resource.create({
      data: {
        kind: 'container',
        provider: 'docker',
        name: `left-${env.id}`,
        environmentId: env.id,
        state: 'created',
      },
    });
    const clean = await environment('destroyed');
    await sweep.sweep();
    expect(await outboxJobs(env.id)).toEqual([`${env.id}-1-teardown`]);
    expect(await outboxJobs(clean.env.id)).toEqual([]);
  });

  it('leaves alone an environment whose stage holds its lease or whose job is alive', async () => {
    const leased = await environment('building');
    await prisma.$executeRaw`
      UPDATE environments SET lease_token = gen_random_uuid(), lease_owner = 'w',
        lease_expires_at = now() + interval '1 minute'
      WHERE id = ${leased.env.id}::uuid`;
    const queued = await environment('building');
    await queue.add(
      'build',
      { environmentId: queued.env.id, generation: 1, stage: 'build' },
      {
        jobId: `${queued.env.id}-1-build`,
        delay: 60_000,
      },
    );
    await sweep.sweep();
    expect(await outboxJobs(leased.env.id)).toEqual([]);
    expect(await outboxJobs(queued.env.id)).toEqual([]);
  });

  it('fails, with what to do, an environment whose stage job the queue gave up on', async () => {
    const { env } = await environment('building');
    await dispatch(env.id);
    const worker = new Worker(
      LIFECYCLE_QUEUE,
      async () => {
        throw new Error('job stalled more than allowable limit');
      },
      { connection: createRedis(redisUrl, 'converge-test-worker'), prefix },
    );
    const failed = new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await queue.add(
      'build',
      { environmentId: env.id, generation: 1, stage: 'build' },
      {
        jobId: `${env.id}-1-build`,
      },
    );
    await failed;
    await worker.close();
    await sweep.sweep();
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.state).toBe('failed');
    const event = await prisma.lifecycleEvent.findFirstOrThrow({
      where: { environmentId: env.id },
    });
    expect(event).toMatchObject({ kind: 'failed', stage: 'build' });
    expect(event.detail).toMatch(
      /lost by the workers .*stalled.*push a commit or add the preview:rebuild label/,
    );
  });
});
