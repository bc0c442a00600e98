// The host memory line on the test database (no engine: nothing here is admitted far enough to
// reach Docker). First come, first served: a later, smaller preview does not take the room an
// earlier one waits for. Waiting longer than ADMISSION_MAX_WAIT_S fails the stage with a PR
// message naming the setting; a new push queues the environment again, at the back.

import { randomBytes } from 'node:crypto';
import { parseComposeOrThrow } from '@berth/core';
import { EnvironmentLeases, HostMemoryLedger, type PrismaClient, ResourceLedger } from '@berth/db';
import type { ContainerHost } from '@berth/providers';
import type { StageJobData } from '@berth/queue';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsOver } from '../commands/commands.int-support.js';
import {
  eventsOf as events,
  latestComment as renderedComment,
} from '../notify/comment-sink.int-support.js';
import { StageRunner } from '../pipeline/stage-runner.js';
import type { RevisionImages } from '../pipeline/revision-outputs.js';
import { StageQueuedError } from '../pipeline/stage-handler.js';
import type { ReplicatePlan } from './container-plan.js';
import { admitToHost } from './memory-admission.js';
import { createReplicateHandler } from './replicate-handler.js';
import {
  DEBIAN_IMAGE,
  type TestEnvironment,
  createTestEnvironment,
  testDatabase,
  wiringFor,
} from './shop-fixture.int-support.js';

const MIB = 1024 * 1024;
const silent = pino({ level: 'silent' });
const HOST = `it-line-${randomBytes(3).toString('hex')}`;
const CAPACITY = 300 * MIB;

/** Every call fails the test: admission decides before anything reaches the engine. */
const noEngine = new Proxy({} as ContainerHost, {
  get: (_, name) => () => Promise.reject(new Error(`the engine was asked to ${String(name)}`)),
});

let prisma: PrismaClient;
let memory: HostMemoryLedger;
const envs: TestEnvironment[] = [];

beforeAll(() => {
  prisma = testDatabase();
  memory = new HostMemoryLedger(prisma, HOST);
});

afterAll(async () => {
  const ids = envs.map((e) => e.environment.id);
  const rows = await prisma.outboxJob.findMany({ where: { dispatchedAt: null } });
  const mine = rows.filter((r) =>
    ids.includes((r.data as { environmentId?: string }).environmentId ?? ''),
  );
  await prisma.outboxJob.deleteMany({ where: { id: { in: mine.map((r) => r.id) } } });
  await prisma.resource.deleteMany({ where: { host: HOST } });
  await prisma.admissionWait.deleteMany({ where: { host: HOST } });
  await prisma?.$disconnect();
});

/** A `provisioning` environment (build and wire done) running one container of `memory`. */
async function environment(pr: number, mem: string): Promise<TestEnvironment> {
  const spec = parseComposeOrThrow(`
services:
  app:
    image: ${DEBIAN_IMAGE}
    command: [sleep, infinity]
    mem_limit: ${mem}
`);
  const images: RevisionImages = {
    app: { tag: DEBIAN_IMAGE, source: 'image', durationMs: 0 },
  };
  const env = await createTestEnvironment(prisma, pr, images, wiringFor(spec, `line#${pr}`, pr));
  await prisma.environment.update({
    where: { id: env.environment.id },
    data: { state: 'provisioning' },
  });
  envs.push(env);
  return env;
}

/** What the replicate plan gives admission: one container per service with its limit. */
const planOf = (env: TestEnvironment, mb: number) =>
  ({
    services: {
      app: {
        service: 'app',
        container: {
          name: `line-${env.environment.id}`,
          image: DEBIAN_IMAGE,
          limits: { memoryBytes: mb * MIB },
        },
      },
    },
  }) as unknown as ReplicatePlan;

const admission = (maxWaitMs = 3_600_000) => ({
  ledger: memory,
  capacityBytes: async () => CAPACITY,
  maxWaitMs,
});

async function admitOrReason(env: TestEnvironment, mb: number, generation = 1) {
  try {
    return await admitToHost(admission(), { id: env.environment.id, generation }, planOf(env, mb));
  } catch (error) {
    if (error instanceof StageQueuedError) return error.message;
    throw error;
  }
}

/** Another environment's running 200 MB container on the host. */
async function occupy(): Promise<TestEnvironment> {
  const holder = await environment(90, '200m');
  await new ResourceLedger(prisma, HOST).plan({
    provider: 'docker',
    environmentId: holder.environment.id,
    kind: 'container',
    name: `holder-${holder.environment.id}`,
    metadata: { memoryBytes: 200 * MIB },
  });
  return holder;
}

async function free(holder: TestEnvironment): Promise<void> {
  await prisma.resource.updateMany({
    where: { environmentId: holder.environment.id },
    data: { state: 'deleted', deletedAt: new Date() },
  });
}

describe('the host memory line', () => {
  it('serves environments in the order they queued', async () => {
    const holder = await occupy();
    const first = await environment(91, '200m');
    const later = await environment(92, '150m');

    expect(await admitOrReason(first, 200)).toMatch(
      /^queued: host memory committed 200 of 300 MB, needs 200 MB; it starts when/,
    );
    expect(await admitOrReason(later, 150)).toMatch(
      /^queued: host memory committed 200 of 300 MB, needs 150 MB, behind 1 preview queued before it \(200 MB\);/,
    );
    expect((await memory.waiting()).map((w) => w.environmentId)).toEqual([
      first.environment.id,
      later.environment.id,
    ]);

    // 300 MB free: the later one alone would fit, but the first is owed 200 of it.
    await free(holder);
    expect(await admitOrReason(later, 150)).toMatch(/behind 1 preview queued before it/);
    expect(await admitOrReason(first, 200)).toEqual({
      committedMb: 0,
      capacityMb: 300,
      neededMb: 200,
    });
    // Admitted: out of the line, its container reserved in the ledger (planned, 200 MB).
    expect((await memory.waiting()).map((w) => w.environmentId)).toEqual([later.environment.id]);
    expect(await memory.committedBytes(null)).toBe(200 * MIB);
    expect(await admitOrReason(later, 150)).toMatch(
      /^queued: host memory committed 200 of 300 MB, needs 150 MB; it starts when/,
    );
    // Leave the host empty for the next test.
    await free(first);
    await prisma.admissionWait.deleteMany({ where: { host: HOST } });
  });

  it('fails an environment that waited longer than ADMISSION_MAX_WAIT_S, and a new push queues it again', async () => {
    const holder = await occupy();
    const env = await environment(93, '200m');
    const runner = new StageRunner({
      prisma,
      commands: commandsOver(prisma),
      leases: new EnvironmentLeases(prisma),
      handlers: [
        createReplicateHandler({
          containerHost: noEngine,
          prisma,
          ledger: new ResourceLedger(prisma, HOST),
          hostMemory: admission(60_000),
        }),
      ],
      logger: silent,
      owner: 'admission-line-it',
    });
    const job = (generation: number): StageJobData => ({
      environmentId: env.environment.id,
      generation,
      stage: 'replicate',
    });

    expect(await runner.run(job(1), 1, false)).toBe('queued');
    const [wait] = await prisma.admissionWait.findMany({
      where: { environmentId: env.environment.id },
    });
    expect(wait).toMatchObject({ host: HOST, generation: 1, neededBytes: BigInt(200 * MIB) });

    // Two minutes in line, one allowed: the next look gives up, naming the setting.
    await prisma.admissionWait.update({
      where: { environmentId: env.environment.id },
      data: { queuedAt: new Date(Date.now() - 120_000) },
    });
    // Not the final attempt: waiting longer does not help, so it fails at once.
    expect(await runner.run(job(1), 1, false)).toBe('failed');
    const failedEnv = await prisma.environment.findUniqueOrThrow({
      where: { id: env.environment.id },
    });
    expect(failedEnv.state).toBe('failed');
    const failed = (await eventsOf(env)).find((e) => e.kind === 'failed');
    expect(failed?.stage).toBe('replicate');
    expect(failed?.detail).toMatch(
      /^gave up waiting for host memory after 2 min \(at most 60 s, ADMISSION_MAX_WAIT_S\): host memory committed 200 of 300 MB, needs 200 MB\. A new push or the preview:rebuild label queues it again/,
    );
    expect(await prisma.admissionWait.count({ where: { environmentId: env.environment.id } })).toBe(
      0,
    );
    const comment = await latestComment(env);
    expect(comment).toContain('### ❌ Preview failed at **replicate**');
    expect(comment).toContain('ADMISSION_MAX_WAIT_S');

    // A new push: generation 2 queues again with a fresh place and a fresh clock.
    await prisma.revision.create({
      data: {
        environmentId: env.environment.id,
        generation: 2,
        headSha: 'b'.repeat(40),
        configSnapshot: {},
        images: env.revision.images as object,
        wiring: env.revision.wiring as object,
      },
    });
    await prisma.environment.update({
      where: { id: env.environment.id },
      data: { generation: 2, state: 'provisioning' },
    });
    expect(await runner.run(job(2), 1, false)).toBe('queued');
    const again = await prisma.admissionWait.findUniqueOrThrow({
      where: { environmentId: env.environment.id },
    });
    expect(again.generation).toBe(2);
    expect(Date.now() - again.queuedAt.getTime()).toBeLessThan(30_000);

    // Room again: admitted (here, short of the engine, straight from the ledger).
    await free(holder);
    expect(await admitOrReason(env, 200, 2)).toMatchObject({ committedMb: 0, neededMb: 200 });
  });
});

const eventsOf = (env: TestEnvironment) => events(prisma, env.environment.id);
const latestComment = (env: TestEnvironment) => renderedComment(prisma, env.environment.id);
