import { randomUUID } from 'node:crypto';
import { createPrismaClient, EnvironmentLeases, type PrismaClient } from '@berth/db';
import type { LifecycleStage } from '@berth/queue';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsOver, seedEnvironment } from '../commands/commands.int-support.js';
import type { EnvironmentCommands } from '../commands/environment-commands.js';
import { PermanentStageError, type StageHandler, type StageInput } from './stage-handler.js';
import { StageRunner, type StageRunnerDeps } from './stage-runner.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;
let leases: EnvironmentLeases;
let commands: EnvironmentCommands;

beforeAll(() => {
  // A small pool on purpose: a stage of any length must never pin a connection.
  prisma = createPrismaClient(databaseUrl, { maxConnections: 3 });
  leases = new EnvironmentLeases(prisma);
  commands = commandsOver(prisma);
});
afterAll(async () => {
  // Nothing relays this file's outbox rows: remove them so no later file's worker runs them.
  await prisma.outboxJob.deleteMany({ where: { dispatchedAt: null } });
  await prisma.$disconnect();
});

const environment = async (generation = 1) => (await seedEnvironment(prisma, { generation })).env;

function handler(
  stage: LifecycleStage,
  run: (input: StageInput) => Promise<void> = async () => undefined,
): StageHandler {
  return { stage, run: async (input) => (await run(input), { details: { stage } }) };
}

const logger = pino({ level: 'silent' });
const allStages = (run?: (input: StageInput) => Promise<void>) =>
  (['build', 'wire', 'replicate', 'expose', 'teardown'] as const).map((s) => handler(s, run));

function runner(handlers: StageHandler[], extra: Partial<StageRunnerDeps> = {}) {
  return new StageRunner({ prisma, commands, leases, handlers, logger, owner: 'test', ...extra });
}

async function runsOf(environmentId: string) {
  return prisma.stageRun.findMany({
    where: { revision: { environmentId } },
    orderBy: [{ createdAt: 'asc' }],
  });
}

/** Job ids the command path put in the outbox for this environment. */
async function outboxJobs(environmentId: string): Promise<string[]> {
  const rows = await prisma.outboxJob.findMany({ orderBy: { id: 'asc' } });
  return rows
    .filter((r) => (r.data as { environmentId?: string }).environmentId === environmentId)
    .map((r) => r.jobId);
}

/** The lifecycle event stream of one environment, as `kind[:stage]`. */
async function events(environmentId: string): Promise<string[]> {
  const rows = await prisma.lifecycleEvent.findMany({
    where: { environmentId },
    orderBy: { id: 'asc' },
  });
  return rows.map((e) => (e.stage ? `${e.kind}:${e.stage}` : e.kind));
}

const stateOf = async (id: string) =>
  (await prisma.environment.findUniqueOrThrow({ where: { id } })).state;

describe('StageRunner', () => {
  it('records a succeeded run, moves the state and puts the next stage in the outbox under its deterministic id', async () => {
    const env = await environment();
    expect(
      await runner(allStages()).run(
        { environmentId: env.id, generation: 1, stage: 'build' },
        1,
        false,
      ),
    ).toBe('succeeded');
    const [run] = await runsOf(env.id);
    expect(run).toMatchObject({
      stage: 'build',
      status: 'succeeded',
      attempt: 1,
      details: { stage: 'build' },
    });
    expect(run?.durationMs).toBeGreaterThanOrEqual(0);
    expect(await outboxJobs(env.id)).toContain(`${env.id}-1-wire`);
    expect(await events(env.id)).toEqual(['started:build']);
    expect(await stateOf(env.id)).toBe('provisioning');
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.leaseToken).toBeNull();
  });

  it('marks the environment ready after expose and emits ready', async () => {
    const env = await environment();
    await prisma.environment.update({ where: { id: env.id }, data: { state: 'provisioning' } });
    await runner(allStages()).run(
      { environmentId: env.id, generation: 1, stage: 'expose' },
      1,
      true,
    );
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.state).toBe('ready');
    expect(after.readyAt).toBeInstanceOf(Date);
    // A stage the PR is not told about is an event for the change feed only (decision 0030).
    expect(await events(env.id)).toEqual(['stage:expose', 'ready']);
    // Every event goes to every sink, each its own job: comment, status, check run, Slack and
    // the change feed; the feed-only event to the feed alone.
    const sinkJobs = (await outboxJobs(env.id)).filter((id) => id.startsWith('sink-'));
    expect(sinkJobs.map((id) => id.split('-')[1]).sort()).toEqual([
      'check',
      'comment',
      'feed',
      'feed',
      'slack',
      'status',
    ]);
  });

  it('drops a job of an older generation without acting and records it as superseded', async () => {
    const env = await environment(2);
    let called = false;
    const r = runner(allStages(async () => void (called = true)));
    expect(await r.run({ environmentId: env.id, generation: 1, stage: 'build' }, 1, false)).toBe(
      'superseded',
    );
    expect(called).toBe(false);
    const [run] = await runsOf(env.id);
    expect(run).toMatchObject({ status: 'superseded' });
    expect(run?.errorMessage).toContain('generation 2 superseded generation 1');
    expect(await outboxJobs(env.id)).toEqual([]);
  });

  it('stops a stale run at its next boundary when a newer generation arrives mid-stage', async () => {
    const env = await environment();
    const r = runner(
      allStages(async (input) => {
        await prisma.environment.update({ where: { id: env.id }, data: { generation: 2 } });
        await input.assertCurrent();
        throw new Error('must not get here');
      }),
    );
    expect(await r.run({ environmentId: env.id, generation: 1, stage: 'build' }, 1, false)).toBe(
      'superseded',
    );
    expect((await runsOf(env.id))[0]?.status).toBe('superseded');
  });

  it('retries a failure, then fails the environment and emits the stage and error on the last attempt', async () => {
    const env = await environment();
    const r = runner(
      allStages(async () => {
        throw new Error('api exited with code 3');
      }),
    );
    const job = { environmentId: env.id, generation: 1, stage: 'replicate' as const };
    expect(await r.run(job, 1, false)).toBe('retrying');
    expect(await stateOf(env.id)).toBe('provisioning');
    expect(await r.run(job, 2, true)).toBe('failed');
    const runs = await runsOf(env.id);
    expect(runs.map((x) => [x.attempt, x.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(runs[1]?.errorMessage).toBe('api exited with code 3');
    expect(await stateOf(env.id)).toBe('failed');
    expect(await events(env.id)).toEqual([
      'stage:replicate',
      'stage:replicate',
      'failed:replicate',
    ]);
    const failed = await prisma.lifecycleEvent.findFirstOrThrow({
      where: { environmentId: env.id, kind: 'failed' },
    });
    expect(failed.detail).toBe('api exited with code 3');
  });

  it("stores and logs a failure with the environment's secret values masked, encoded ones too", async () => {
    const env = await environment();
    const password = 'Gen3rated-pa55word-0123456789abc';
    const token = 'operator "token"/with+specials';
    await prisma.revision.updateMany({
      where: { environmentId: env.id },
      data: {
        wiring: {
          secrets: { db_password: password },
          environment: { api: { DATABASE_URL: `postgres://shop:${password}@db/shop` } },
        },
      },
    });
    const lines: string[] = [];
    const captured = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const basic = Buffer.from(`shop:${password}`).toString('base64');
    const r = runner(
      allStages(async () => {
        throw new Error(
          `api exited 1\n--- last log lines ---\nAuthorization: Basic ${basic}\n` +
            `sync?token=${encodeURIComponent(token)} db=${JSON.stringify(password)}`,
        );
      }),
      {
        logger: captured,
        secretSources: { operatorVariables: async () => ({ SYNC_API_TOKEN: token }) },
      },
    );
    const job = { environmentId: env.id, generation: 1, stage: 'replicate' as const };
    expect(await r.run(job, 1, false)).toBe('retrying');
    expect(await r.run(job, 2, true)).toBe('failed');
    const failed = await prisma.lifecycleEvent.findFirstOrThrow({
      where: { environmentId: env.id, kind: 'failed' },
    });
    const stored = (await runsOf(env.id)).map((run) => run.errorMessage ?? '');
    for (const text of [failed.detail ?? '', ...stored]) {
      expect(text).toBe(
        'api exited 1\n--- last log lines ---\nAuthorization: Basic c2hvcD***\nsync?token=*** db="***"',
      );
    }
    const logged = lines.join('');
    expect(logged).toContain('stage failed; it will be retried');
    expect(logged).toContain('stage failed on its last attempt');
    for (const form of [password, basic, encodeURIComponent(token), JSON.stringify(password)]) {
      expect(logged).not.toContain(form);
    }
  });

  it('fails a permanent error (an invalid compose file) on its first attempt, not retried', async () => {
    const env = await environment();
    const message = 'compose.yaml has 2 problems:\n- services.a.ports[0]: x\n- services.b.image: y';
    const r = runner(
      allStages(async () => {
        throw new PermanentStageError(message);
      }),
    );
    const job = { environmentId: env.id, generation: 1, stage: 'build' as const };
    expect(await r.run(job, 1, false)).toBe('failed');
    expect((await runsOf(env.id)).map((x) => [x.attempt, x.status])).toEqual([[1, 'failed']]);
    expect(await stateOf(env.id)).toBe('failed');
    expect(await events(env.id)).toEqual(['started:build', 'failed:build']);
    const failed = await prisma.lifecycleEvent.findFirstOrThrow({
      where: { environmentId: env.id, kind: 'failed' },
    });
    expect(failed.detail).toBe(message);
  });

  it('never overwrites a close that lands while the last stage runs', async () => {
    const env = await environment();
    const r = runner(
      allStages(async () => {
        // The close commits through the command path under the row lock, not under the lease.
        await prisma.environment.update({
          where: { id: env.id },
          data: { state: 'destroying', generation: 2 },
        });
      }),
    );
    await r.run({ environmentId: env.id, generation: 1, stage: 'expose' }, 1, true);
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.state).toBe('destroying');
    expect(after.readyAt).toBeNull();
    expect(await events(env.id)).toEqual(['stage:expose']);
  });

  it('never runs two stages of one environment at once: the others find the lease taken', async () => {
    const env = await environment();
    let inside = 0;
    let overlap = false;
    const r = runner(
      allStages(async () => {
        inside++;
        if (inside > 1) overlap = true;
        await new Promise((resolve) => setTimeout(resolve, 150));
        inside--;
      }),
    );
    const results = await Promise.all(
      (['build', 'wire', 'replicate'] as const).map((stage) =>
        r.run({ environmentId: env.id, generation: 1, stage }, 1, false),
      ),
    );
    expect(overlap).toBe(false);
    expect(results.filter((x) => x === 'locked')).toHaveLength(2);
  });

  it('holds no pooled connection while a stage runs: more long stages than connections all finish', async () => {
    const envs = await Promise.all([1, 2, 3, 4, 5].map(() => environment()));
    const r = runner(
      allStages(async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
      }),
    );
    const results = await Promise.all(
      envs.map((env) => r.run({ environmentId: env.id, generation: 1, stage: 'build' }, 1, false)),
    );
    expect(results).toEqual(envs.map(() => 'succeeded'));
  });

  it('a stage that outlives its lease is detected and cannot write', async () => {
    const env = await environment();
    const r = runner(
      allStages(async (input) => {
        // The lease lapses (a long stall) and another worker takes it.
        await prisma.$executeRaw`
          UPDATE environments SET lease_expires_at = now() - interval '1 second'
          WHERE id = ${env.id}::uuid`;
        expect(await leases.acquire(env.id, 'other-worker', randomUUID(), 60_000)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 200)); // a heartbeat notices
        await input.assertCurrent();
        throw new Error('must not get here');
      }),
      { leaseTtlMs: 300 },
    );
    expect(await r.run({ environmentId: env.id, generation: 1, stage: 'build' }, 1, false)).toBe(
      'superseded',
    );
    expect((await runsOf(env.id))[0]?.errorMessage).toMatch(/lease expired/);
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.leaseOwner).toBe('other-worker');
    // It announced its start while it held the lease; after losing it, nothing: no next stage.
    expect(await events(env.id)).toEqual(['started:build']);
    expect((await outboxJobs(env.id)).filter((id) => !id.startsWith('sink-'))).toEqual([]);
  });

  it('tears down after a close, ends destroyed and emits it; a run twice is harmless', async () => {
    const env = await environment();
    await prisma.environment.update({ where: { id: env.id }, data: { state: 'destroying' } });
    const r = runner(allStages());
    const job = { environmentId: env.id, generation: 1, stage: 'teardown' as const };
    expect(await r.run(job, 1, false)).toBe('succeeded');
    const after = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(after.state).toBe('destroyed');
    expect(after.destroyedAt).toBeInstanceOf(Date);
    expect(await events(env.id)).toEqual(['started:teardown', 'destroyed']);
    expect(await r.run(job, 1, false)).toBe('succeeded');
  });

  it('a failing teardown is never failed for good: it keeps retrying', async () => {
    const env = await environment();
    await prisma.environment.update({ where: { id: env.id }, data: { state: 'destroying' } });
    const r = runner(
      allStages(async () => {
        throw new Error('Docker is restarting');
      }),
    );
    const job = { environmentId: env.id, generation: 1, stage: 'teardown' as const };
    expect(await r.run(job, 7, false)).toBe('retrying');
    expect(await stateOf(env.id)).toBe('destroying');
  });
});
