import { randomBytes, randomInt } from 'node:crypto';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import {
  closeRedis,
  createLifecycleQueue,
  createRedis,
  type LifecycleQueue,
  type LifecycleStage,
} from '@berth/queue';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StageHandler, StageInput } from './stage-handler.js';
import { StageRunner } from './stage-runner.js';
import type { ReportedEvent, StatusReporter } from './status-reporter.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let prisma: PrismaClient;
let redis: ReturnType<typeof createRedis>;
let queue: LifecycleQueue;
const prefix = `runner-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  prisma = createPrismaClient(databaseUrl);
  redis = createRedis(redisUrl, 'stage-runner-test');
  queue = createLifecycleQueue(redis, prefix);
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  await closeRedis(redis);
  await prisma.$disconnect();
});

async function environment(generation = 1) {
  const suffix = randomBytes(4).toString('hex');
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(randomInt(1, 2 ** 47)),
      fullName: `acme/runner-${suffix}`,
      owner: 'acme',
      name: `runner-${suffix}`,
      installationId: 1n,
      cloneUrl: 'http://127.0.0.1:1/acme/x.git',
    },
  });
  const env = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: 1,
      generation,
      headSha: 'a'.repeat(40),
      branch: 'feat',
      baseBranch: 'main',
      state: 'building',
    },
  });
  for (let g = 1; g <= generation; g++) {
    await prisma.revision.create({
      data: { environmentId: env.id, generation: g, headSha: 'a'.repeat(40), configSnapshot: {} },
    });
  }
  return env;
}

function recordingReporter() {
  const events: ReportedEvent[] = [];
  const reporter: StatusReporter = {
    report: async (_env, _rev, event) => {
      events.push(event);
    },
  };
  return { events, reporter };
}

function handler(
  stage: LifecycleStage,
  run: (input: StageInput) => Promise<void> = async () => undefined,
): StageHandler {
  return { stage, run: async (input) => (await run(input), { details: { stage } }) };
}

const logger = pino({ level: 'silent' });
const allStages = (run?: (input: StageInput) => Promise<void>) =>
  (['build', 'wire', 'replicate', 'expose', 'teardown'] as const).map((s) => handler(s, run));

async function runsOf(environmentId: string) {
  return prisma.stageRun.findMany({
    where: { revision: { environmentId } },
    orderBy: [{ createdAt: 'asc' }],
  });
}

describe('StageRunner', () => {
  it('records a succeeded run, moves the state and enqueues the next stage under its deterministic id', async () => {
    const env = await environment();
    const { reporter, events } = recordingReporter();
    const runner = new StageRunner({ prisma, queue, handlers: allStages(), reporter, logger });
    expect(
      await runner.run({ environmentId: env.id, generation: 1, stage: 'build' }, 1, false),
    ).toBe('succeeded');
    const [run] = await runsOf(env.id);
    expect(run).toMatchObject({
      stage: 'build',
      status: 'succeeded',
      attempt: 1,
      details: { stage: 'build' },
    });
    expect(run?.durationMs).toBeGreaterThanOrEqual(0);
    expect(await queue.getJob(`${env.id}-1-wire`)).toBeDefined();
    expect(events).toEqual([{ kind: 'started', stage: 'build' }]);
  });

  it('marks the environment ready after expose and reports it', async () => {
    const env = await environment();
    const { reporter, events } = recordingReporter();
    const runner = new StageRunner({ prisma, queue, handlers: allStages(), reporter, logger });
    await runner.run({ environmentId: env.id, generation: 1, stage: 'expose' }, 1, true);
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.state).toBe('ready');
    expect(after.readyAt).toBeInstanceOf(Date);
    expect(events).toEqual([{ kind: 'ready' }]);
  });

  it('drops a job of an older generation without acting and records it as superseded', async () => {
    const env = await environment(2);
    let called = false;
    const runner = new StageRunner({
      prisma,
      queue,
      handlers: allStages(async () => void (called = true)),
      reporter: recordingReporter().reporter,
      logger,
    });
    expect(
      await runner.run({ environmentId: env.id, generation: 1, stage: 'build' }, 1, false),
    ).toBe('superseded');
    expect(called).toBe(false);
    const [run] = await runsOf(env.id);
    expect(run).toMatchObject({ status: 'superseded' });
    expect(run?.errorMessage).toContain('generation 2 superseded generation 1');
    expect(await queue.getJob(`${env.id}-1-wire`)).toBeUndefined();
  });

  it('stops a stale run at its next boundary when a newer generation arrives mid-stage', async () => {
    const env = await environment();
    const runner = new StageRunner({
      prisma,
      queue,
      handlers: allStages(async (input) => {
        await prisma.environment.update({ where: { id: env.id }, data: { generation: 2 } });
        await input.assertCurrent();
        throw new Error('must not get here');
      }),
      reporter: recordingReporter().reporter,
      logger,
    });
    expect(
      await runner.run({ environmentId: env.id, generation: 1, stage: 'build' }, 1, false),
    ).toBe('superseded');
    expect((await runsOf(env.id))[0]?.status).toBe('superseded');
  });

  it('retries a failure, then fails the environment and reports the stage and error on the last attempt', async () => {
    const env = await environment();
    const { reporter, events } = recordingReporter();
    const runner = new StageRunner({
      prisma,
      queue,
      handlers: allStages(async () => {
        throw new Error('api exited with code 3');
      }),
      reporter,
      logger,
    });
    const job = { environmentId: env.id, generation: 1, stage: 'replicate' as const };
    expect(await runner.run(job, 1, false)).toBe('retrying');
    expect((await prisma.environment.findUniqueOrThrow({ where: { id: env.id } })).state).toBe(
      'provisioning',
    );
    expect(await runner.run(job, 2, true)).toBe('failed');
    const runs = await runsOf(env.id);
    expect(runs.map((r) => [r.attempt, r.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(runs[1]?.errorMessage).toBe('api exited with code 3');
    expect((await prisma.environment.findUniqueOrThrow({ where: { id: env.id } })).state).toBe(
      'failed',
    );
    expect(events).toEqual([
      { kind: 'failed', stage: 'replicate', error: 'api exited with code 3' },
    ]);
  });

  it('never overwrites a close that lands while the last stage runs', async () => {
    const env = await environment();
    const { reporter, events } = recordingReporter();
    const runner = new StageRunner({
      prisma,
      queue,
      handlers: allStages(async () => {
        // The API's close commits under its row lock, not under the runner's advisory lock.
        await prisma.environment.update({
          where: { id: env.id },
          data: { state: 'destroying', generation: 2 },
        });
      }),
      reporter,
      logger,
    });
    await runner.run({ environmentId: env.id, generation: 1, stage: 'expose' }, 1, true);
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.state).toBe('destroying');
    expect(after.readyAt).toBeNull();
    expect(events).toEqual([]);
  });

  it('never runs two stages of one environment at once', async () => {
    const env = await environment();
    let inside = 0;
    let overlap = false;
    const runner = new StageRunner({
      prisma,
      queue,
      handlers: allStages(async () => {
        inside++;
        if (inside > 1) overlap = true;
        await new Promise((r) => setTimeout(r, 150));
        inside--;
      }),
      reporter: recordingReporter().reporter,
      logger,
    });
    await Promise.all(
      (['build', 'wire', 'replicate'] as const).map((stage) =>
        runner.run({ environmentId: env.id, generation: 1, stage }, 1, false),
      ),
    );
    expect(overlap).toBe(false);
  });

  it('tears down after a close, ends destroyed and reports it; a run twice is harmless', async () => {
    const env = await environment();
    await prisma.environment.update({ where: { id: env.id }, data: { state: 'destroying' } });
    const { reporter, events } = recordingReporter();
    const runner = new StageRunner({ prisma, queue, handlers: allStages(), reporter, logger });
    const job = { environmentId: env.id, generation: 1, stage: 'teardown' as const };
    expect(await runner.run(job, 1, false)).toBe('succeeded');
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.state).toBe('destroyed');
    expect(after.destroyedAt).toBeInstanceOf(Date);
    expect(events).toEqual([{ kind: 'started', stage: 'teardown' }, { kind: 'destroyed' }]);
    expect(await runner.run(job, 1, false)).toBe('succeeded');
  });
});
