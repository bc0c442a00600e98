// The sleep and wake commands (decision 0024) on the real state store: decided under the row
// lock and the caller's lease, one `asleep` event however often it runs, the mark cleared by a
// wake of that very sleep, by a redeploy's readiness or failure, never by a stale wake.
import { randomUUID } from 'node:crypto';
import { createPrismaClient, EnvironmentLeases, type PrismaClient } from '@berth/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsOver, seedEnvironment } from './commands.int-support.js';
import type { EnvironmentCommands } from './environment-commands.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;
let commands: EnvironmentCommands;
let leases: EnvironmentLeases;
const seeded: string[] = [];

beforeAll(() => {
  prisma = createPrismaClient(databaseUrl);
  commands = commandsOver(prisma);
  leases = new EnvironmentLeases(prisma);
});
afterAll(async () => {
  // Nothing relays this file's outbox rows: remove them so no later file's worker runs them.
  await prisma.$executeRaw`
    DELETE FROM outbox_jobs WHERE data->>'environmentId' = ANY(${seeded}::text[])`;
  await prisma.$disconnect();
});

async function seed(state: 'ready' | 'provisioning' | 'building' = 'ready', generation = 1) {
  const { env } = await seedEnvironment(prisma, { state, generation });
  seeded.push(env.id);
  return env;
}

async function lease(environmentId: string): Promise<string> {
  const token = randomUUID();
  expect(await leases.acquire(environmentId, 'spec', token, 20_000)).toBe(true);
  return token;
}

const eventsOf = (environmentId: string, kind: string) =>
  prisma.lifecycleEvent.findMany({ where: { environmentId, kind } });

describe('sleep and wake commands', () => {
  it('marks a ready preview asleep once, tells the comment (not the status), and needs the lease', async () => {
    const env = await seed();
    expect(await commands.sleep(env.id, randomUUID(), 'ops', 'asked')).toEqual({
      status: 'refused',
      reason: 'the lease on the environment was lost',
    });
    const token = await lease(env.id);
    const first = await commands.sleep(env.id, token, 'ops', 'asked for by an operator');
    expect(first).toMatchObject({ status: 'asleep', already: false, generation: 1 });
    const again = await commands.sleep(env.id, token, 'ops', 'asked for by an operator');
    expect(again).toMatchObject({ status: 'asleep', already: true });
    if (first.status !== 'asleep' || again.status !== 'asleep') return;
    expect(again.sleptAt.getTime()).toBe(first.sleptAt.getTime());
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(row.state).toBe('ready');
    expect(row.sleptAt?.getTime()).toBe(first.sleptAt.getTime());
    const asleep = await eventsOf(env.id, 'asleep');
    expect(asleep.map((e) => e.detail)).toEqual(['put to sleep by ops: asked for by an operator']);
    const sinks = await prisma.outboxJob.findMany({
      where: { name: 'sink', jobId: { endsWith: `-${asleep[0]!.id}` } },
    });
    // The comment (and chat) tell it; the commit status and the check run stay as they are.
    const names = sinks.map((job) => (job.data as { sink: string }).sink);
    expect(names).toContain('comment');
    expect(names).not.toContain('status');
    expect(names).not.toContain('check');
  });

  it('refuses what is not ready, and a base environment another preview borrows', async () => {
    const building = await seed('building');
    expect(await commands.sleep(building.id, await lease(building.id), 'ops', 'x')).toEqual({
      status: 'refused',
      reason: 'the preview is building: only a ready one sleeps',
    });
    const base = await seed();
    await prisma.environment.update({ where: { id: base.id }, data: { prNumber: 0 } });
    const borrower = await seed();
    await prisma.route.create({
      data: {
        hostname: `api-${randomUUID()}.localhost`,
        environmentId: borrower.id,
        service: 'api',
        targetHost: '10.0.0.2',
        targetPort: 3001,
        borrowedFrom: base.id,
      },
    });
    const refused = await commands.sleep(base.id, await lease(base.id), 'ops', 'x');
    expect(refused).toMatchObject({ status: 'refused', reason: expect.stringMatching(/serves 1/) });
    expect(await eventsOf(base.id, 'asleep')).toEqual([]);
  });

  it('a wake clears only the sleep it woke from, under the lease', async () => {
    const env = await seed();
    const token = await lease(env.id);
    const slept = await commands.sleep(env.id, token, 'idle', 'nobody opened it');
    if (slept.status !== 'asleep') throw new Error(slept.status);
    expect(await commands.woke(env.id, randomUUID(), slept.sleptAt, 'woken')).toEqual({
      status: 'skipped',
      reason: 'the lease on the environment was lost',
    });
    const stale = new Date(slept.sleptAt.getTime() - 1);
    expect(await commands.woke(env.id, token, stale, 'woken')).toEqual({
      status: 'skipped',
      reason: 'already awake',
    });
    expect(await commands.woke(env.id, token, slept.sleptAt, 'woken by gateway in 2.1 s')).toEqual({
      status: 'woken',
      generation: 1,
    });
    const row = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
    expect(row.sleptAt).toBeNull();
    expect(row.wokeAt).toBeInstanceOf(Date);
    expect((await eventsOf(env.id, 'awake')).map((e) => e.detail)).toEqual([
      'woken by gateway in 2.1 s',
    ]);
    expect(await commands.woke(env.id, token, slept.sleptAt, 'again')).toMatchObject({
      status: 'skipped',
    });
  });

  it('a push redeploys a sleeping preview: its readiness clears the mark, so does its failure', async () => {
    for (const outcome of ['ready', 'failed'] as const) {
      const env = await seed('provisioning', 2);
      await prisma.environment.update({ where: { id: env.id }, data: { sleptAt: new Date() } });
      const token = await lease(env.id);
      const job = { environmentId: env.id, generation: 2, stage: 'expose' as const };
      const write =
        outcome === 'ready'
          ? await commands.stageSucceeded(job, token)
          : await commands.stageFailed(job, token, 'the app did not start');
      expect(write).toEqual({ ok: true, state: outcome });
      const row = await prisma.environment.findUniqueOrThrow({ where: { id: env.id } });
      expect(row.state).toBe(outcome);
      expect(row.sleptAt).toBeNull();
    }
  });

  it('unmarks a failed preview still marked asleep (nothing to wake), and nothing else', async () => {
    const failed = await seed();
    await prisma.environment.update({
      where: { id: failed.id },
      data: { state: 'failed', sleptAt: new Date() },
    });
    expect(await commands.unmarkSleep(failed.id)).toBe(true);
    expect((await prisma.environment.findUniqueOrThrow({ where: { id: failed.id } })).sleptAt).toBe(
      null,
    );
    const ready = await seed();
    await prisma.environment.update({ where: { id: ready.id }, data: { sleptAt: new Date() } });
    expect(await commands.unmarkSleep(ready.id)).toBe(false);
  });
});
