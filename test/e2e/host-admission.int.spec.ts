// Host memory admission through the whole control plane: a worker whose Docker host may promise
// 300 MB runs PR A (200 MB); PR B (200 MB) waits, queued, with a PR comment giving the numbers and
// the setting to raise, and nothing of it on the engine. Closing A frees the memory: B starts by
// itself (no new push), is reachable through the gateway, and once B closes nothing of either is
// left. The worker records its ledger rows under a Docker host name and a subnet pool of its own,
// so other specs' leftovers in the shared test database do not count against its commitment.
// The same control plane shows the `Berth / preview` check run: red with an annotation on the
// line of a broken compose file, green for a ready head, and its Re-run redeploying the head.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import {
  ControlPlane,
  type EnvironmentView,
  httpRequest,
  oneServiceCompose,
  type PullRecord,
  waitFor,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import {
  envUrl,
  PreviewBrowser,
  removeByLabel,
  resourcesOf,
  uniqueRepoName,
} from './preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const repository = `acme/${uniqueRepoName()}`;
const [owner, name] = repository.split('/') as [string, string];
const DOCKER_HOST_NAME = `e2e-admission-${randomBytes(3).toString('hex')}`;
// No other spec uses this range; four /26 networks are plenty for two previews.
const SUBNET_POOL = '10.218.0.0/24';

const FILES = {
  // One 200 MB container per preview: two do not fit in 300 MB.
  'docker-compose.yml': oneServiceCompose().replace('  web:\n', '  web:\n    mem_limit: 200m\n'),
};

let plane: ControlPlane;
let prisma: PrismaClient;
const opened: PullRecord[] = [];

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  prisma = createPrismaClient(databaseUrl);
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    appEnv: {
      worker: {
        HOST_MEMORY_COMMIT_MB: '300',
        DOCKER_HOST_NAME,
        SUBNET_POOL,
        ADMISSION_MAX_WAIT_S: '600',
      },
    },
  });
  await plane.github.createRepository({ owner, name, files: FILES });
}, 120_000);

afterAll(async () => {
  for (const pr of opened.filter((p) => p.state === 'open')) {
    await plane.github.closePullRequest(pr).catch(() => undefined);
  }
  for (const pr of opened) {
    await plane
      ?.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`);
  await plane?.stop();
  await prisma?.$disconnect();
}, 180_000);

async function openPr(branch: string): Promise<PullRecord> {
  const pr = await plane.github.openPullRequest({ repo: repository, branch, title: branch });
  opened.push(pr);
  return pr;
}

const replicateOf = (env: EnvironmentView | undefined) =>
  env?.stages?.find((s) => s.stage === 'replicate');

async function metric(line: RegExp): Promise<number> {
  const res = await httpRequest(`${plane.opsUrl('worker')}/metrics`);
  expect(res.status).toBe(200);
  const found = res.body.split('\n').find((l) => line.test(l));
  if (!found) throw new Error(`no ${line} in /metrics:\n${res.body}`);
  return Number(found.split(' ').at(-1));
}

async function reachable(env: EnvironmentView): Promise<void> {
  const browser = new PreviewBrowser(plane, env);
  const page = await browser.request(envUrl(env, 'web'));
  expect(page.status, page.body).toBe(200);
  expect(page.body).toBe('ok\n');
}

/** The head's check runs (oldest first) once `count` of them have completed. */
async function checkRuns(sha: string, count: number) {
  await waitFor(
    `${count} completed check run(s) on ${sha.slice(0, 7)}`,
    async () =>
      plane.github.checkRuns(repository, sha).filter((r) => r.status === 'completed').length >=
        count || undefined,
    30_000,
    250,
  );
  return plane.github.checkRuns(repository, sha).sort((a, b) => a.id - b.id);
}

describe('check runs', { timeout: 150_000 }, () => {
  it('fails the head of a broken compose file with an annotation on the offending line', async () => {
    const broken = FILES['docker-compose.yml'].replace(
      '  web:\n',
      '  web:\n    privileged: true\n',
    );
    const pr = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/broken',
      title: 'broken',
      changes: { 'docker-compose.yml': broken },
    });
    opened.push(pr);
    const [check, ...more] = await checkRuns(pr.headSha, 1);
    expect(more).toEqual([]);
    expect(check).toMatchObject({ name: 'Berth / preview', conclusion: 'failure' });
    expect(check?.annotations).toEqual([
      expect.objectContaining({
        path: 'docker-compose.yml',
        startLine: 3,
        endLine: 3,
        level: 'failure',
        title: 'services.web.privileged',
      }),
    ]);
    expect((await plane.environment(repository, pr.number))?.state).toBe('failed');
    await plane.github.closePullRequest(pr);
  });
});

describe('host memory admission', { timeout: 150_000 }, () => {
  it('queues the PR that does not fit, tells the PR why, and starts it by itself once memory is freed', async () => {
    const prA = await openPr('feat/a');
    const envA = await plane.waitForState(repository, prA.number, 'ready', { timeoutMs: 60_000 });
    await reachable(envA);
    // The head's one `Berth / preview` check run ends green.
    const [checkA, ...moreA] = await checkRuns(prA.headSha, 1);
    expect(moreA).toEqual([]);
    expect(checkA).toMatchObject({ name: 'Berth / preview', conclusion: 'success' });

    const prB = await openPr('feat/b');
    const queued = await waitFor(
      'PR B queued for host memory',
      async () => {
        const env = await plane.environment(repository, prB.number);
        return replicateOf(env)?.status === 'queued' ? env : undefined;
      },
      60_000,
      250,
    );
    expect(queued.state).toBe('provisioning');
    expect(replicateOf(queued)?.error).toMatch(
      /^queued: host memory committed 200 of 300 MB, needs 200 MB; it starts when other previews free memory \(closed or expired\), or when an operator raises HOST_MEMORY_COMMIT_MB; it gives up after 10 min, ADMISSION_MAX_WAIT_S$/,
    );
    // The sticky comment says so, with the numbers and the setting an operator raises.
    const comment = await waitFor(
      'the queued comment on PR B',
      async () =>
        plane.github.comments(repository, prB.number).find((c) => c.body.includes('Preview queued'))
          ?.body,
      30_000,
    );
    expect(comment).toContain('### ⏳ Preview queued');
    expect(comment).toContain('host memory committed 200 of 300 MB, needs 200 MB');
    expect(comment).toContain('HOST_MEMORY_COMMIT_MB');
    expect(comment).toContain('ADMISSION_MAX_WAIT_S');
    const status = await waitFor(
      'the queued commit status on PR B',
      async () =>
        plane.github
          .statuses(repository, prB.headSha)
          .find((st) => st.description?.startsWith('Queued:')),
      30_000,
    );
    expect(status.state).toBe('pending');
    expect(status.description).toBe('Queued: host memory committed 200 of 300 MB, needs 200 MB');
    // Nothing of B exists while it waits; the worker counts it on /metrics.
    const waiting = await resourcesOf(repository, prB.number);
    expect(waiting.containers.length + waiting.networks.length + waiting.volumes.length).toBe(0);
    expect(
      await metric(new RegExp(`^berth_admission_queued\\{host="${DOCKER_HOST_NAME}"[,}]`)),
    ).toBe(1);

    // A closes: its teardown frees 200 MB and wakes B, with no push to B.
    await plane.github.closePullRequest(prA);
    await plane.waitForState(repository, prA.number, 'destroyed', { timeoutMs: 60_000 });
    const envB = await plane.waitForState(repository, prB.number, 'ready', { timeoutMs: 60_000 });
    expect(envB.generation).toBe(1);
    expect(replicateOf(envB)?.status).toBe('succeeded');
    await reachable(envB);
    // The comment is a sink on the event stream: it follows `ready`, it does not come with it.
    await waitFor(
      'the ready comment on PR B',
      async () =>
        plane.github
          .comments(repository, prB.number)
          .find((c) => c.body.includes('### ✅ Preview ready')),
      30_000,
    );
    expect(
      await metric(new RegExp(`^berth_admission_queued\\{host="${DOCKER_HOST_NAME}"[,}]`)),
    ).toBe(0);

    // "Re-run" on B's check run redeploys its head as generation 2, with a check run of its own.
    const [checkB] = await checkRuns(prB.headSha, 1);
    const rerun = await plane.github.rerequestCheckRun(checkB!.id);
    expect(rerun?.response?.body).toMatchObject({ status: 'queued' });
    const again = await plane.waitForState(repository, prB.number, 'ready', {
      generation: 2,
      timeoutMs: 60_000,
    });
    expect(again.headSha).toBe(prB.headSha);
    const reruns = await checkRuns(prB.headSha, 2);
    expect(reruns.map((r) => r.conclusion)).toEqual(['success', 'success']);
    await reachable(again);

    // B closes: nothing labelled for either PR is left, and the ledger holds nothing live.
    await plane.github.closePullRequest(prB);
    await plane.waitForState(repository, prB.number, 'destroyed', { timeoutMs: 60_000 });
    for (const pr of [prA, prB]) {
      const left = await resourcesOf(repository, pr.number);
      expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
    }
    const live = await prisma.resource.count({
      where: { host: DOCKER_HOST_NAME, state: { not: 'deleted' } },
    });
    expect(live).toBe(0);
    expect(await prisma.admissionWait.count({ where: { host: DOCKER_HOST_NAME } })).toBe(0);
  });
});
