// Real engine + test database: a compose file's hostile resource requests through the stage
// runner and the replicate stage. A 200g limit runs clamped (the container's own HostConfig says
// so) and the PR comment names the clamp; 300 services are refused once, naming the fix; an
// environment over the host's memory commitment is queued with the numbers, starts nothing, and
// runs once another environment frees its memory.

import { randomBytes } from 'node:crypto';
import { parseComposeOrThrow, type RuntimeCeilings } from '@berth/core';
import { EnvironmentLeases, HostMemoryLedger, type PrismaClient, ResourceLedger } from '@berth/db';
import type { DockerContainerHost } from '@berth/providers';
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
import { createReplicateHandler } from './replicate-handler.js';
import { defaultSubnetAllocator } from './subnet-allocator.js';
import {
  DEBIAN_IMAGE,
  type TestEnvironment,
  createTestEnvironment,
  removeByEnvLabel,
  testDatabase,
  testHost,
  wiringFor,
} from './shop-fixture.int-support.js';

const MIB = 1024 * 1024;
const silent = pino({ level: 'silent' });
const CEILINGS: RuntimeCeilings = { memoryBytes: 256 * MIB, cpus: 1, pids: 256, maxServices: 20 };

let host: DockerContainerHost;
let prisma: PrismaClient;
const envs: TestEnvironment[] = [];
const hosts: string[] = [];

beforeAll(async () => {
  host = await testHost();
  prisma = testDatabase();
});

afterAll(async () => {
  for (const env of envs) await removeByEnvLabel(host, env.envLabel).catch(() => undefined);
  const ids = envs.map((e) => e.environment.id);
  // Nothing relays these outbox rows (expose, sinks): remove them so no other worker runs them.
  const rows = await prisma.outboxJob.findMany({ where: { dispatchedAt: null } });
  const mine = rows.filter((r) =>
    ids.includes((r.data as { environmentId?: string }).environmentId ?? ''),
  );
  await prisma.outboxJob.deleteMany({ where: { id: { in: mine.map((r) => r.id) } } });
  await prisma.resource.deleteMany({ where: { host: { in: hosts } } });
  await prisma?.$disconnect();
});

/** An environment in `provisioning` (build and wire done) whose compose file is `compose`. */
async function environmentFor(compose: string, pr: number): Promise<TestEnvironment> {
  const spec = parseComposeOrThrow(compose);
  const images: RevisionImages = Object.fromEntries(
    Object.keys(spec.services).map((s) => [
      s,
      { tag: DEBIAN_IMAGE, source: 'image', durationMs: 0 },
    ]),
  );
  const env = await createTestEnvironment(prisma, pr, images, wiringFor(spec, `mem#${pr}`, pr));
  await prisma.environment.update({
    where: { id: env.environment.id },
    data: { state: 'provisioning' },
  });
  envs.push(env);
  return env;
}

/** A stage runner on a ledger host of its own: only its rows count towards its commitment. */
function runner(capacityMb: number) {
  const HOST = `it-mem-${randomBytes(3).toString('hex')}`;
  hosts.push(HOST);
  const handler = createReplicateHandler({
    containerHost: host,
    prisma,
    ledger: new ResourceLedger(prisma, HOST),
    // Real subnets come from the engine's own ledger host: the networks are real.
    subnets: defaultSubnetAllocator(prisma, 'local'),
    ceilingsFor: async () => CEILINGS,
    hostMemory: {
      ledger: new HostMemoryLedger(prisma, HOST),
      capacityBytes: async () => capacityMb * MIB,
    },
  });
  return new StageRunner({
    prisma,
    commands: commandsOver(prisma),
    leases: new EnvironmentLeases(prisma),
    handlers: [handler],
    logger: silent,
    owner: 'runtime-limits-it',
  });
}

const job = (env: TestEnvironment): StageJobData => ({
  environmentId: env.environment.id,
  generation: 1,
  stage: 'replicate',
});

async function runsOf(env: TestEnvironment) {
  return prisma.stageRun.findMany({
    where: { revisionId: env.revision.id },
    orderBy: { createdAt: 'asc' },
  });
}

const eventsOf = (env: TestEnvironment) => events(prisma, env.environment.id);
const latestComment = (env: TestEnvironment) => renderedComment(prisma, env.environment.id);

const containerOf = (env: TestEnvironment, service: string) =>
  host.listByLabels({ 'berth.env': env.envLabel, 'berth.service': service });

describe('runtime limits held to the repository ceilings', () => {
  it('runs a 200g request clamped to the ceiling, and the PR comment names the clamp', async () => {
    const env = await environmentFor(
      `
services:
  hog:
    image: ${DEBIAN_IMAGE}
    command: [sleep, infinity]
    deploy: { resources: { limits: { memory: 200g, cpus: '16' } } }
    pids_limit: 100000
`,
      41,
    );
    expect(await runner(100_000).run(job(env), 1, false)).toBe('succeeded');

    const [hog] = (await containerOf(env, 'hog')).containers;
    const inspected = await host.docker.getContainer(hog?.name ?? '?').inspect();
    expect(inspected.HostConfig.Memory).toBe(256 * MIB);
    expect(inspected.HostConfig.NanoCpus).toBe(1e9);
    expect(inspected.HostConfig.PidsLimit).toBe(256);

    const [run] = await runsOf(env);
    expect((run?.details as { clamped?: string[] }).clamped).toEqual([
      expect.stringMatching(/^services\.hog: memory clamped from 200g to 256m /),
      expect.stringMatching(/^services\.hog: cpus clamped from 16 to 1 /),
      expect.stringMatching(/^services\.hog: pids clamped from 100000 to 256 /),
    ]);
    // The ready event comes after expose; the comment renders the replicate run's clamps.
    await prisma.lifecycleEvent.create({
      data: { environmentId: env.environment.id, generation: 1, kind: 'ready' },
    });
    const comment = await latestComment(env);
    expect(comment).toContain('#### Resource limits');
    expect(comment).toContain('services.hog: memory clamped from 200g to 256m');
  });

  it('refuses 300 services on the first attempt with a message naming services, the limit and the flag', async () => {
    const services = Array.from(
      { length: 300 },
      (_, i) => `  s${i}: { image: ${DEBIAN_IMAGE}, command: [sleep, infinity] }`,
    );
    const env = await environmentFor(`services:\n${services.join('\n')}\n`, 42);
    // Not the final attempt: a permanent problem fails anyway, without a retry.
    expect(await runner(100_000).run(job(env), 1, false)).toBe('failed');

    const failed = (await eventsOf(env)).find((e) => e.kind === 'failed');
    expect(failed?.stage).toBe('replicate');
    expect(failed?.detail).toMatch(
      /^services: 300 services, but this repository may run at most 20/,
    );
    expect(failed?.detail).toContain(
      `berth repo set ${env.environment.repository.fullName} --max-services 300`,
    );
    expect((await host.listByLabels({ 'berth.env': env.envLabel })).containers).toEqual([]);
    expect(await latestComment(env)).toContain('--max-services 300');
  });
});

describe('host memory admission', () => {
  it('queues an environment over the commitment with the numbers, then runs it once memory is freed', async () => {
    const compose = `
services:
  app:
    image: ${DEBIAN_IMAGE}
    command: [sleep, infinity]
    mem_limit: 200m
`;
    const first = await environmentFor(compose, 43);
    const second = await environmentFor(compose, 44);
    const r = runner(300);

    expect(await r.run(job(first), 1, false)).toBe('succeeded');
    // Twice: still waiting, still nothing started, and the PR told only once.
    expect(await r.run(job(second), 1, false)).toBe('queued');
    expect(await r.run(job(second), 1, false)).toBe('queued');

    const [queued] = await runsOf(second);
    expect(queued).toMatchObject({ status: 'queued', attempt: 1 });
    expect(queued?.errorMessage).toMatch(
      /^queued: host memory committed 200 of 300 MB, needs 200 MB; it starts when/,
    );
    expect((await host.listByLabels({ 'berth.env': second.envLabel })).containers).toEqual([]);
    const told = (await eventsOf(second)).filter((e) => e.kind === 'queued');
    expect(told).toHaveLength(1);
    expect(told[0]?.stage).toBe('replicate');
    const stillProvisioning = await prisma.environment.findUniqueOrThrow({
      where: { id: second.environment.id },
    });
    expect(stillProvisioning.state).toBe('provisioning');
    const comment = await latestComment(second);
    expect(comment).toContain('### ⏳ Preview queued');
    expect(comment).toContain('host memory committed 200 of 300 MB, needs 200 MB');

    // The first PR closes: its container and ledger rows go (as teardown leaves them).
    await removeByEnvLabel(host, first.envLabel);
    await prisma.resource.updateMany({
      where: { environmentId: first.environment.id },
      data: { state: 'deleted', deletedAt: new Date() },
    });

    expect(await r.run(job(second), 1, false)).toBe('succeeded');
    const [app] = (await containerOf(second, 'app')).containers;
    const inspected = await host.docker.getContainer(app?.name ?? '?').inspect();
    expect(inspected.HostConfig.Memory).toBe(200 * MIB);
    const [run] = await runsOf(second);
    expect(run?.status).toBe('succeeded');
    expect((run?.details as { admission?: unknown }).admission).toEqual({
      committedMb: 0,
      capacityMb: 300,
      neededMb: 200,
    });
  });
});
