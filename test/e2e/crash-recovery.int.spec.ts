// kill -9, as in an OOM kill or a host reboot: the api in the middle of a webhook burst, and the
// worker in the middle of build, replicate and teardown. After each restart the environment must
// converge (ready, or destroyed with nothing left) within two minutes, with no duplicate and no
// orphan. A one-service fixture keeps it quick; its build and its start are slow on purpose so
// the kill lands mid-stage.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import {
  ControlPlane,
  DEBIAN_FIXTURE_IMAGE,
  oneServiceCompose,
  type PullRecord,
  sendWebhook,
  waitFor,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import { removeByLabel, resourcesOf, uniqueRepoName } from './preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const repository = `acme/${uniqueRepoName()}`;
const [owner, name] = repository.split('/') as [string, string];
const CONVERGE_MS = 120_000;
// Each kill waits out the dead worker's lock and the next stalled check (up to twice JOB_LOCK_S)
// while its stage lease lapses too: 4 s halves that wait against 8 s. A live worker keeps both
// on a loaded host: BullMQ renews the lock every 2 s, the stage lease every third of its 4 s.
const JOB_LOCK_S = 4;
const STAGE_LEASE_S = 4;

const FILES = {
  // Slow to start (3 s) and slow to build (6 s), so a kill lands while a stage runs.
  'docker-compose.yml': oneServiceCompose({ buildContext: './web', startDelaySeconds: 3 }),
  'web/Dockerfile': `FROM ${DEBIAN_FIXTURE_IMAGE}\nRUN sleep 6\n`,
};

let plane: ControlPlane;
let prisma: PrismaClient;
let pr: PullRecord;

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    logLevel: 'info',
    // The same recovery path as the defaults (30 s, 20 s: about a minute per kill), shortened.
    appEnv: { worker: { JOB_LOCK_S: String(JOB_LOCK_S), STAGE_LEASE_S: String(STAGE_LEASE_S) } },
  });
  await plane.github.createRepository({ owner, name, files: FILES });
}, 120_000);

afterAll(async () => {
  if (pr?.state === 'open') await plane.github.closePullRequest(pr).catch(() => undefined);
  await plane
    ?.waitForState(repository, 1, 'destroyed', { timeoutMs: 60_000 })
    .catch(() => undefined);
  await removeByLabel(`berth.repo=${repository}`);
  await plane?.stop();
  await prisma?.$disconnect();
}, 300_000);

/**
 * Resolves once a run of `stage` of generation `gen` is in progress (polled every 50 ms; a stage
 * that already finished also resolves it, and the kill then lands just after it).
 */
async function whileRunning(stage: string, gen: number): Promise<void> {
  await waitFor(
    `${stage} to be running`,
    async () => {
      const runs = await prisma.stageRun.findMany({
        where: {
          stage: stage as 'build',
          status: { in: ['running', 'succeeded'] },
          revision: {
            generation: gen,
            environment: { repository: { fullName: repository }, prNumber: 1 },
          },
        },
      });
      return runs.length > 0 ? true : undefined;
    },
    120_000,
    50,
  );
}

async function generation(): Promise<number> {
  return (await plane.environment(repository, 1))?.generation ?? 0;
}

async function crashWorkerAndRecover(
  stage: string,
  until: 'ready' | 'destroyed',
  gen: number,
): Promise<void> {
  await whileRunning(stage, gen);
  await plane.crash('worker');
  await plane.restart('worker');
  await plane.waitForState(repository, 1, until, { generation: gen, timeoutMs: CONVERGE_MS });
}

async function containersOfPr() {
  return (await resourcesOf(repository, 1)).containers;
}

// Each kill waits out the dead worker's job lock and the stalled check (JOB_LOCK_S each), and its
// stage lease (STAGE_LEASE_S), before another run picks the stage up.
describe('crash recovery', { timeout: 600_000 }, () => {
  it('converges after the worker is killed during build, then during replicate', async () => {
    pr = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/crash',
      title: 'Crash',
    });
    await crashWorkerAndRecover('build', 'ready', 1);
    expect(await containersOfPr()).toHaveLength(1);

    // A push that does not touch web/: no rebuild, straight to a new container via replicate.
    await plane.github.pushToPullRequest(pr, { 'README.md': `push ${Date.now()}\n` });
    const gen = (await generation()) + 1;
    await waitFor(
      'the new generation',
      async () => ((await generation()) >= gen ? true : undefined),
      60_000,
    );
    await crashWorkerAndRecover('replicate', 'ready', gen);
    const containers = await containersOfPr();
    expect(containers.map((c) => c.Labels['berth.service'])).toEqual(['web']);
    expect(containers[0]?.State).toBe('running');
  });

  it('loses no delivery when the api is killed in the middle of a burst', async () => {
    const before = await generation();
    const labels = ['ttl:48h', 'ttl:24h', 'ttl:12h'];
    const sends = labels.map(async (label) => {
      await plane.github.addLabel(pr, label);
    });
    await plane.crash('api');
    await Promise.allSettled(sends);
    await plane.restart('api');
    // Deliveries the api answered were stored; the ones it never answered GitHub shows as failed
    // and an operator redelivers them (same id): stored once, applied once.
    for (const delivery of plane.github.deliveries.filter((d) => d.response?.status !== 202)) {
      if (delivery.event !== 'pull_request') continue;
      const response = await sendWebhook({
        url: `${plane.apiUrl}/webhooks/github`,
        secret: plane.webhookSecret,
        event: delivery.event,
        payload: delivery.payload,
        deliveryId: delivery.deliveryId || randomUUID(),
      });
      expect(response.status).toBe(202);
    }
    await waitFor(
      'every stored delivery processed',
      async () =>
        (await prisma.webhookDelivery.count({
          where: { outcome: 'received', payload: { contains: name } },
        })) === 0
          ? true
          : undefined,
      CONVERGE_MS,
    );
    // TTL labels change no build input: same generation, still ready, labels all applied.
    const env = await plane.waitForState(repository, 1, 'ready', { timeoutMs: CONVERGE_MS });
    expect(env.generation).toBe(before);
    expect(await containersOfPr()).toHaveLength(1);
  });

  it('destroys everything when the worker is killed during teardown', async () => {
    const gen = (await generation()) + 1;
    await plane.github.closePullRequest(pr);
    await crashWorkerAndRecover('teardown', 'destroyed', gen);
    await waitFor(
      'no Docker object left',
      async () => {
        const left = await resourcesOf(repository, 1);
        return left.containers.length + left.networks.length + left.volumes.length === 0
          ? true
          : undefined;
      },
      CONVERGE_MS,
    );
    const env = await prisma.environment.findFirstOrThrow({
      where: { repository: { fullName: repository }, prNumber: 1 },
    });
    const live = await prisma.resource.count({
      where: { environmentId: env.id, state: { not: 'deleted' } },
    });
    expect(live).toBe(0);
  });
});
