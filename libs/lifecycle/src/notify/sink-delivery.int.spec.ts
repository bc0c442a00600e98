import { randomBytes, randomInt } from 'node:crypto';
import { createPrismaClient, type LifecycleEvent, type PrismaClient } from '@berth/db';
import type { ShortLock, SinkJobData, SinkName } from '@berth/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusReporter } from '../pipeline/status-reporter.js';
import { SinkDelivery } from './sink-delivery.js';

const databaseUrl =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://berth:berth@127.0.0.1:5432/berth_test';

let prisma: PrismaClient;
beforeAll(() => {
  prisma = createPrismaClient(databaseUrl, { maxConnections: 2 });
});
afterAll(async () => {
  await prisma.$disconnect();
});

const sha = () => randomBytes(20).toString('hex');

/** An environment at generation 2 with events: started(g1), ready(g1), started(g2), asleep(g2). */
async function seed() {
  const providerId = randomInt(1, 2 ** 47);
  const repository = await prisma.repository.create({
    data: {
      providerId: BigInt(providerId),
      fullName: `acme/sink-${providerId}`,
      owner: 'acme',
      name: `sink-${providerId}`,
      installationId: BigInt(1),
      cloneUrl: 'http://127.0.0.1:9/acme/sink.git',
    },
  });
  const env = await prisma.environment.create({
    data: {
      repositoryId: repository.id,
      prNumber: 7,
      headSha: sha(),
      branch: 'feat',
      baseBranch: 'main',
      state: 'building',
      generation: 2,
    },
  });
  const revisions = [];
  for (const generation of [1, 2]) {
    revisions.push(
      await prisma.revision.create({
        data: { environmentId: env.id, generation, headSha: sha(), configSnapshot: {} },
      }),
    );
  }
  const first = revisions[0]!;
  const older = new Date(Date.now() - 60_000);
  await prisma.stageRun.create({
    data: { revisionId: first.id, stage: 'wire', status: 'succeeded', createdAt: new Date() },
  });
  await prisma.stageRun.create({
    data: { revisionId: first.id, stage: 'build', status: 'succeeded', createdAt: older },
  });
  const event = (generation: number, kind: string, stage?: string) =>
    prisma.lifecycleEvent.create({
      data: { environmentId: env.id, generation, kind, ...(stage ? { stage } : {}) },
    });
  const started1 = await event(1, 'started', 'build');
  const ready1 = await event(1, 'ready');
  const started2 = await event(2, 'started', 'build');
  // A kind no sink renders (an event of a later Berth, say).
  // A kind no sink renders (one a later Berth writes, say).
  const unrendered2 = await event(2, 'unrendered');
  return { env, first, started1, ready1, started2, unrendered2 };
}

const job = (event: LifecycleEvent, sink: SinkName): SinkJobData => ({
  environmentId: event.environmentId,
  eventId: String(event.id),
  sink,
});

function harness(held = false) {
  const reports: Parameters<StatusReporter['report']>[] = [];
  const reporter: StatusReporter = {
    report: async (...args) => void reports.push(args),
  };
  const lock: ShortLock = {
    acquire: async () => (held ? undefined : 'token'),
    release: async () => undefined,
  };
  return { reports, sinks: new SinkDelivery({ prisma, reporter, lock }) };
}

describe('SinkDelivery', () => {
  it('renders an event from the rows as they are now: environment, its revision, runs oldest first', async () => {
    const { env, first, ready1 } = await seed();
    const { reports, sinks } = harness();
    expect(await sinks.deliver(job(ready1, 'status'))).toBe('delivered');
    expect(reports).toHaveLength(1);
    const [environment, revision, event, runs, only] = reports[0]!;
    expect(environment.id).toBe(env.id);
    expect(environment.repository.fullName).toMatch(/^acme\/sink-/);
    expect(revision.id).toBe(first.id);
    expect(event).toEqual({ kind: 'ready' });
    expect(runs.map((r) => r.stage)).toEqual(['build', 'wire']);
    expect(only).toBe('status');
  });

  it('skips an event a newer one supersedes: any newer for the comment, same generation for the status', async () => {
    const { ready1, started1, started2 } = await seed();
    const { reports, sinks } = harness();
    expect(await sinks.deliver(job(ready1, 'comment'))).toBe('superseded');
    expect(await sinks.deliver(job(started1, 'status'))).toBe('superseded');
    expect(await sinks.deliver(job(started2, 'comment'))).toBe('superseded');
    expect(reports).toEqual([]);
  });

  it("a check-only event (requested) never hides the comment's or the status's newest event", async () => {
    const { env, unrendered2, started2 } = await seed();
    await prisma.lifecycleEvent.delete({ where: { id: unrendered2.id } });
    await prisma.lifecycleEvent.create({
      data: { environmentId: env.id, generation: 2, kind: 'requested' },
    });
    const { reports, sinks } = harness();
    expect(await sinks.deliver(job(started2, 'comment'))).toBe('delivered');
    expect(await sinks.deliver(job(started2, 'status'))).toBe('delivered');
    expect(reports).toHaveLength(2);
    // Without a check run sink configured, check jobs are dropped.
    expect(await sinks.deliver(job(started2, 'check'))).toBe('gone');
  });

  it('answers gone for an unknown event or one with no PR rendering, busy while the comment is locked', async () => {
    const { unrendered2, started2 } = await seed();
    expect(
      await harness().sinks.deliver({ ...job(started2, 'comment'), eventId: '999999999999' }),
    ).toBe('gone');
    expect(await harness().sinks.deliver(job(unrendered2, 'comment'))).toBe('gone');
    // With unrendered(g2) gone, started(g2) is the newest event: only the comment lock stops it.
    await prisma.lifecycleEvent.delete({ where: { id: unrendered2.id } });
    expect(await harness(true).sinks.deliver(job(started2, 'comment'))).toBe('busy');
  });

  it('a TTL event (decision 0020) re-renders the comment only, and never hides a status', async () => {
    const { env, unrendered2, started2 } = await seed();
    await prisma.lifecycleEvent.delete({ where: { id: unrendered2.id } });
    const expiring2 = await prisma.lifecycleEvent.create({
      data: { environmentId: env.id, generation: 2, kind: 'expiring', detail: 'expires at …' },
    });
    const { reports, sinks } = harness();
    expect(await sinks.deliver(job(expiring2, 'comment'))).toBe('delivered');
    expect(reports[0]?.[2]).toEqual({ kind: 'ttl', change: 'expiring' });
    expect(await sinks.deliver(job(expiring2, 'status'))).toBe('gone');
    expect(await sinks.deliver(job(expiring2, 'check'))).toBe('gone');
    // The older started(g2) still reaches the status; for the comment the warning is newer.
    expect(await sinks.deliver(job(started2, 'status'))).toBe('delivered');
    expect(await sinks.deliver(job(started2, 'comment'))).toBe('superseded');
    expect(reports).toHaveLength(2);
  });

  it('a sleep event (decision 0024) re-renders the comment only, and never hides a status', async () => {
    const { env, unrendered2, started2 } = await seed();
    await prisma.lifecycleEvent.delete({ where: { id: unrendered2.id } });
    const asleep2 = await prisma.lifecycleEvent.create({
      data: { environmentId: env.id, generation: 2, kind: 'asleep', detail: 'put to sleep' },
    });
    const { reports, sinks } = harness();
    expect(await sinks.deliver(job(asleep2, 'comment'))).toBe('delivered');
    expect(reports[0]?.[2]).toEqual({ kind: 'sleep', change: 'asleep' });
    expect(await sinks.deliver(job(asleep2, 'status'))).toBe('gone');
    expect(await sinks.deliver(job(asleep2, 'check'))).toBe('gone');
    expect(await sinks.deliver(job(started2, 'status'))).toBe('delivered');
    expect(await sinks.deliver(job(started2, 'comment'))).toBe('superseded');
    const awake2 = await prisma.lifecycleEvent.create({
      data: { environmentId: env.id, generation: 2, kind: 'awake', detail: 'woken' },
    });
    expect(await sinks.deliver(job(asleep2, 'comment'))).toBe('superseded');
    expect(await sinks.deliver(job(awake2, 'comment'))).toBe('delivered');
    expect(reports.at(-1)?.[2]).toEqual({ kind: 'sleep', change: 'awake' });
  });
});
