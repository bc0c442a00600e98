// The resync with GitHub (decision 0022) through the whole control plane (real api, worker and
// gateway processes, Postgres, Redis, the Docker engine) with the GitHub emulator as GitHub:
// webhooks that never arrived — delivery broken, a push whose webhook was lost (to a PR, and to
// the default branch), a close while the control plane was down — become the deliveries GitHub
// would have sent, and the inbox, ordering and command path do the rest. Runs are asked for
// through POST /admin/v1/resync, scoped to this file's repository (the state store is shared
// with other planes).
import { fileURLToPath } from 'node:url';
import {
  ControlPlane,
  httpRequest,
  oneServiceCompose,
  type PullRecord,
  waitFor,
} from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeByLabel, resourcesOf, uniqueRepoName } from '../e2e/preview-session.js';
import { testServices } from '../support/test-services.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const repository = `acme/${uniqueRepoName()}`;
const [owner, name] = repository.split('/') as [string, string];
const READY_MS = 180_000;

interface ResyncRun {
  state: string;
  report: {
    repositories: {
      repository: string;
      listing: string;
      open: number;
      fetched: number;
      deliveries: { prNumber: number; action: string; reason: string; stored: string }[];
    }[];
    stored: number;
    duplicates: number;
  };
}

let plane: ControlPlane;
const prs: PullRecord[] = [];

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  plane = await ControlPlane.start({ root, databaseUrl, redisUrl, logLevel: 'info' });
  await plane.github.createRepository({
    owner,
    name,
    files: { 'docker-compose.yml': oneServiceCompose() },
  });
}, 120_000);

afterAll(async () => {
  for (const pr of prs) {
    if (pr.state === 'open') await plane?.github.closePullRequest(pr).catch(() => undefined);
  }
  for (const pr of prs) {
    await plane
      ?.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`);
  await plane?.stop();
}, 300_000);

async function resync(): Promise<ResyncRun> {
  const res = await httpRequest(
    `${plane.apiUrl}/admin/v1/resync?repository=${encodeURIComponent(repository)}&wait=120`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${plane.adminToken}` },
      timeoutMs: 130_000,
    },
  );
  if (res.status !== 200) throw new Error(`POST /admin/v1/resync: ${res.status} ${res.body}`);
  const run = JSON.parse(res.body) as ResyncRun;
  expect(run.state).toBe('completed');
  return run;
}

function ours(run: ResyncRun) {
  const found = run.report.repositories.find((r) => r.repository === repository);
  if (!found) throw new Error(`the run did not cover ${repository}: ${JSON.stringify(run)}`);
  return found;
}

async function open(branch: string, emit = true): Promise<PullRecord> {
  const pr = await plane.github.openPullRequest({ repo: repository, branch, title: branch, emit });
  prs.push(pr);
  return pr;
}

describe('resync with GitHub', { timeout: 600_000 }, () => {
  it('gives a PR opened while webhook delivery was broken its environment', async () => {
    // Berth learns the repository from a first, normally delivered PR.
    const first = await open('feat/first');
    await plane.waitForState(repository, first.number, 'ready', { timeoutMs: READY_MS });

    const target = plane.github.webhookTarget!;
    plane.github.setWebhookTarget({ url: 'http://127.0.0.1:9/webhooks/github', secret: 'x' });
    const lost = await open('feat/lost');
    plane.github.setWebhookTarget(target);
    expect(plane.github.deliveries.at(-1)?.error).toBeDefined();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await plane.environment(repository, lost.number)).toBeUndefined();

    const run = await resync();
    expect(ours(run).deliveries).toEqual([
      {
        prNumber: lost.number,
        action: 'opened',
        reason: 'missing',
        stored: 'stored',
        deliveryId: expect.any(String),
      },
    ]);
    const env = await plane.waitForState(repository, lost.number, 'ready', { timeoutMs: READY_MS });
    expect(env.headSha).toBe(lost.headSha);
  });

  it('turns a push whose webhook was lost into a new generation', async () => {
    const [first] = prs as [PullRecord];
    const before = (await plane.environment(repository, first.number))!;
    const sha = await plane.github.pushToPullRequest(
      first,
      { 'README.md': `lost push ${Date.now()}\n` },
      { emit: false },
    );
    const run = await resync();
    expect(ours(run).deliveries).toMatchObject([
      { prNumber: first.number, action: 'synchronize', reason: 'head', stored: 'stored' },
    ]);
    const env = await plane.waitForState(repository, first.number, 'ready', {
      generation: before.generation + 1,
      timeoutMs: READY_MS,
    });
    expect(env.headSha).toBe(sha);
    expect(env.generation).toBe(before.generation + 1);
  });

  it('catches the base environment up with a push to the default branch that was lost', async () => {
    // Berth holds a base environment once a push to main was delivered.
    await plane.github.commitToBranch(repository, 'main', { 'BASE.md': 'one\n' });
    const base = await plane.waitForState(repository, 0, 'ready', { timeoutMs: READY_MS });

    const target = plane.github.webhookTarget!;
    plane.github.setWebhookTarget({ url: 'http://127.0.0.1:9/webhooks/github', secret: 'x' });
    const head = await plane.github.commitToBranch(repository, 'main', { 'BASE.md': 'two\n' });
    plane.github.setWebhookTarget(target);
    expect(plane.github.deliveries.at(-1)?.error).toBeDefined();

    const run = await resync();
    expect(ours(run)).toMatchObject({ base: 'modified' });
    expect(ours(run).deliveries).toMatchObject([
      { prNumber: 0, action: 'push', reason: 'push', stored: 'stored' },
    ]);
    const env = await plane.waitForState(repository, 0, 'ready', {
      generation: base.generation + 1,
      timeoutMs: READY_MS,
    });
    expect(env.headSha).toBe(head);
  });

  it('changes nothing when run again, and asks GitHub conditionally (304) once nothing changed', async () => {
    const generations = async () =>
      Promise.all(
        prs.map(async (pr) => (await plane.environment(repository, pr.number))!.generation),
      );
    const before = [...(await generations()), (await plane.environment(repository, 0))!.generation];
    plane.github.clearRequests();
    const again = await resync();
    expect(ours(again).deliveries).toEqual([]);
    const third = await resync();
    expect(ours(third)).toMatchObject({
      listing: 'not-modified',
      base: 'not-modified',
      deliveries: [],
      open: 2,
    });
    const lists = plane.github.requests.filter(
      (r) => r.method === 'GET' && r.path === `/repos/${repository}/pulls`,
    );
    expect(lists.at(-1)?.status).toBe(304);
    expect(lists.at(-1)?.headers['if-none-match']).toBeDefined();
    await new Promise((r) => setTimeout(r, 2_000));
    expect([
      ...(await generations()),
      (await plane.environment(repository, 0))!.generation,
    ]).toEqual(before);
  });

  it('tears down a PR closed while the control plane was down', async () => {
    const lost = prs[1]!;
    await plane.crash('worker');
    await plane.crash('api');
    await plane.github.closePullRequest(lost);
    expect(plane.github.deliveries.at(-1)?.error).toBeDefined();
    await plane.restart('api');
    await plane.restart('worker');
    // Nothing arrived: the preview is still up until the resync notices.
    expect((await plane.environment(repository, lost.number))?.state).toBe('ready');

    const run = await resync();
    expect(ours(run)).toMatchObject({ fetched: 1, open: 1 });
    expect(ours(run).deliveries).toMatchObject([
      { prNumber: lost.number, action: 'closed', reason: 'closed', stored: 'stored' },
    ]);
    await plane.waitForState(repository, lost.number, 'destroyed', { timeoutMs: READY_MS });
    await waitFor(
      'the closed PR to hold no containers',
      async () =>
        (await resourcesOf(repository, lost.number)).containers.length === 0 ? true : undefined,
      60_000,
    );
    // The other PR is untouched, and a second run finds nothing to do.
    expect((await plane.environment(repository, prs[0]!.number))?.state).toBe('ready');
    expect(ours(await resync()).deliveries).toEqual([]);
  });
});
