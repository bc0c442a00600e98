// db:branch on the shop, through the whole control plane (issue 10): a push to the default
// branch keeps a base environment, migrated at the base head, whose database is captured while
// stopped; a PR labelled `db:branch` (and one with no db label, whose default is branch once a
// base exists) starts from a copy of it, with the base's database credentials. Writes in a PR
// never reach the base or the other PR; closing a PR removes its volumes; the base states stay
// until the repository is disabled. db:fresh starts empty and seeded; a failed migration fails
// the PR visibly while the last good revision keeps running.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { createPrismaClient, type PrismaClient } from '@berth/db';
import type { ControlPlane, PullRecord } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBerth } from '../support/berth-cli.js';
import { testServices } from '../support/test-services.js';
import {
  commentMatching,
  envUrl,
  execIn,
  PreviewBrowser,
  removeByLabel,
  startPlane,
  serviceContainer,
  uniqueRepoName,
} from '../e2e/preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
const docker = new Docker();
let plane: ControlPlane;
const commentOf = (pr: number, pattern: RegExp) => commentMatching(plane, repository, pr, pattern);
let prisma: PrismaClient;
const opened: PullRecord[] = [];

/** The shop api's own entry point, to put back after a push that broke it. */
const SERVER = readFileSync(`${root}examples/shop/api/src/server.mjs`, 'utf8');

/** What the base holds once captured: its seed, then an order placed on it. */
const BASE = ['seeded-order', 'base-order'];

/** The shop with a seed: one demo order, written only into an empty database. */
const SEED = [
  'node',
  '-e',
  "const { Client } = require('pg'); const c = new Client({ connectionString: process.env.DATABASE_URL });" +
    " c.connect().then(() => c.query(\"INSERT INTO orders (item, quantity, email) SELECT 'seeded-order', 1, 's@x.test'" +
    ' WHERE NOT EXISTS (SELECT 1 FROM orders)")).then(() => c.end()).catch((e) => { console.error(e.message); process.exit(1); })',
];
const seededCompose = readFileSync(`${root}examples/shop/docker-compose.yml`, 'utf8').replace(
  '  database: { service: db }',
  `  database:\n    service: db\n    seed: { service: api, command: ${JSON.stringify(SEED)} }`,
);

beforeAll(async () => {
  prisma = createPrismaClient(testServices().databaseUrl);
  plane = await startPlane(root);
  await plane.github.createRepository({ owner, name, fromDirectory: `${root}examples/shop` });
}, 120_000);

afterAll(async () => {
  for (const pr of opened.filter((p) => p.state === 'open')) {
    await plane.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
  }
  for (const pr of opened) {
    await plane
      ?.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
  }
  // The base environment lives until the repository is disabled: the sweep removes it here.
  await removeByLabel(`berth.repo=${repository}`);
  await plane?.stop();
  await prisma?.$disconnect();
}, 300_000);

/** Runs SQL in a preview's database container (the shop's user and database). */
async function sql(pr: number, query: string): Promise<string> {
  const db = await serviceContainer(repository, pr, 'db');
  return (
    await execIn(db.Id, ['psql', '-h', '127.0.0.1', '-U', 'shop', '-d', 'shop', '-Atc', query])
  ).trim();
}

/** 1 once migration 003 added `orders.total` to the PR's database, else 0. */
const totalColumns = (pr: number) =>
  sql(
    pr,
    "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'total'",
  );

async function items(pr: number): Promise<string[]> {
  const out = await sql(pr, 'SELECT item FROM orders ORDER BY id');
  return out === '' ? [] : out.split('\n');
}

/** The newest successful run's details of a stage of a PR's environment. */
async function stageDetails(pr: number, stage: 'wire' | 'replicate'): Promise<unknown> {
  const run = await prisma.stageRun.findFirst({
    where: {
      stage,
      status: 'succeeded',
      revision: { environment: { repository: { fullName: repository }, prNumber: pr } },
    },
    orderBy: { createdAt: 'desc' },
  });
  return run?.details;
}

async function environmentRow(pr: number) {
  return prisma.environment.findFirstOrThrow({
    where: { repository: { fullName: repository }, prNumber: pr },
  });
}

async function baseStateVolumes(): Promise<string[]> {
  const rows = await prisma.resource.findMany({
    where: {
      kind: 'volume',
      state: 'created',
      environment: { repository: { fullName: repository }, prNumber: 0 },
    },
  });
  return rows
    .filter((r) => (r.metadata as { baseState?: unknown }).baseState !== undefined)
    .map((r) => r.name);
}

async function containerNamesOf(pr: number): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`berth.repo=${repository}`, `berth.pr=${pr}`] }),
  });
  return list.map((c) => (c.Names[0] ?? '').replace(/^\//, ''));
}

async function networksOf(pr: number): Promise<string[]> {
  const list = await docker.listNetworks({
    filters: JSON.stringify({ label: [`berth.repo=${repository}`, `berth.pr=${pr}`] }),
  });
  return list.map((n) => n.Name);
}

async function volumesOf(pr: number): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({
    filters: JSON.stringify({ label: [`berth.repo=${repository}`, `berth.pr=${pr}`] }),
  });
  return (Volumes ?? []).map((v) => v.Name);
}

describe('db:branch', { timeout: 600_000 }, () => {
  let prOne: PullRecord;
  let prTwo: PullRecord;
  let fresh: PullRecord;

  it('keeps a base environment at the default branch head and captures its database', async () => {
    expect(seededCompose).toContain('seed: { service: api');
    await plane.github.commitToBranch(repository, 'main', {
      'BASE.md': 'one\n',
      'docker-compose.yml': seededCompose,
    });
    const first = await plane.waitForState(repository, 0, 'ready', { timeoutMs: 300_000 });
    expect(first.prNumber).toBe(0);
    expect(await stageDetails(0, 'wire')).toMatchObject({
      database: { service: 'db', mode: 'fresh', action: 'created' },
    });
    expect(await stageDetails(0, 'replicate')).toMatchObject({
      database: { action: 'created', seeded: { service: 'api' }, captured: { sha: first.headSha } },
    });
    expect(await items(0)).toEqual(['seeded-order']);
    // Data the base has at its head: an order placed on it, captured by the next push.
    await sql(0, "INSERT INTO orders (item, quantity, email) VALUES ('base-order', 1, 'b@x.test')");
    const head = await plane.github.commitToBranch(repository, 'main', { 'BASE.md': 'two\n' });
    const second = await plane.waitForState(repository, 0, 'ready', {
      generation: first.generation + 1,
      timeoutMs: 300_000,
    });
    expect(second.headSha).toBe(head);
    // The base keeps its own data across pushes (migrations run on top, no second seed), and
    // one capture per head.
    expect(await items(0)).toEqual(['seeded-order', 'base-order']);
    expect((await baseStateVolumes()).length).toBe(2);
  });

  it('starts a db:branch PR from a copy of the base, with the base’s credentials', async () => {
    prOne = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/one',
      title: 'one',
      labels: ['db:branch'],
    });
    opened.push(prOne);
    // No db label: branch is the default once the repository has a base state.
    prTwo = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/two',
      title: 'two',
    });
    opened.push(prTwo);
    // Opened now so the three provision side by side (checked in its own test below).
    fresh = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/fresh',
      title: 'fresh',
      labels: ['db:fresh'],
    });
    opened.push(fresh);
    await plane.waitForState(repository, prOne.number, 'ready', { timeoutMs: 300_000 });
    await plane.waitForState(repository, prTwo.number, 'ready', { timeoutMs: 300_000 });

    // Ready means the migrate job and the api connected: the copy's password is the PR's own.
    expect(await items(prOne.number)).toEqual([...BASE]);
    expect(await items(prTwo.number)).toEqual([...BASE]);
    const comment = await commentOf(prOne.number, /✅/);
    expect(comment).toMatch(/#### Data/);
    // Cut from the newest head, which has a base state: that copy, and the comment says so.
    expect(comment).toMatch(
      /a copy of main at [0-9a-f]{7}, where this PR was cut from \(db:branch\)/,
    );
    // The base environment speaks on no pull request.
    expect(plane.github.comments(repository, 0)).toEqual([]);
  });

  it('keeps every PR’s writes its own: the base and the other PR never see them', async () => {
    await sql(
      prOne.number,
      "INSERT INTO orders (item, quantity, email) VALUES ('pr-one', 2, 'a@x.test')",
    );
    await sql(
      prTwo.number,
      "INSERT INTO orders (item, quantity, email) VALUES ('pr-two', 3, 'c@x.test')",
    );
    expect(await items(prOne.number)).toEqual([...BASE, 'pr-one']);
    expect(await items(prTwo.number)).toEqual([...BASE, 'pr-two']);
    expect(await items(0)).toEqual([...BASE]);
  });

  it('starts a db:fresh PR empty, migrated and seeded, even with a base to branch from', async () => {
    await plane.waitForState(repository, fresh.number, 'ready', { timeoutMs: 300_000 });
    expect(await items(fresh.number)).toEqual(['seeded-order']);
    expect(await stageDetails(fresh.number, 'replicate')).toMatchObject({
      database: { mode: 'fresh', action: 'created', seeded: { service: 'api' } },
    });
    await plane.github.closePullRequest(fresh, { merged: false });
    await plane.waitForState(repository, fresh.number, 'destroyed', { timeoutMs: 120_000 });
  });

  it('keeps the PR’s data across a push', async () => {
    const pushed = await plane.github.pushToPullRequest(prOne, { 'changes/more.md': 'more\n' });
    const env = await plane.waitForState(repository, prOne.number, 'ready', {
      generation: 2,
      timeoutMs: 300_000,
    });
    expect(env.headSha).toBe(pushed);
    expect(await items(prOne.number)).toEqual([...BASE, 'pr-one']);
    const comment = await commentOf(prOne.number, /✅[\s\S]*generation 2 · Berth/);
    expect(comment).toMatch(/data kept \(db:branch, branched from main at [0-9a-f]{7}\)/);
  });

  it('fails a migration visibly and leaves the last good revision serving', async () => {
    const api = await serviceContainer(repository, prTwo.number, 'api');
    const good = await environmentRow(prTwo.number);
    expect(good).toMatchObject({ servingSha: good.headSha, servingRevision: good.generation });
    await plane.github.pushToPullRequest(prTwo, {
      'migrate/migrations/003_broken.sql':
        'ALTER TABLE orders ADD COLUMN total numeric;\nSELECT 1 / 0;\n',
    });
    const failed = await plane.waitForState(repository, prTwo.number, 'failed', {
      generation: 2,
      timeoutMs: 300_000,
    });
    expect(failed.generation).toBe(2);
    const comment = await commentOf(prTwo.number, /did not become/);
    expect(comment).toMatch(/one-shot service migrate did not become exited-0/);
    expect(comment).toMatch(/division by zero/);
    // It ran beside the serving revision, on a copy, and exited non-zero: a fresh copy would
    // fail the same, so it is not retried.
    expect(
      await prisma.stageRun.count({
        where: { stage: 'replicate', revision: { environmentId: good.id, generation: 2 } },
      }),
    ).toBe(1);
    // The PR is told which commit still answers, and where (decision 0038).
    expect(comment).toContain(
      `The links below still serve an older commit, \`${good.headSha.slice(0, 7)}\` (generation ${good.generation}), as the last good revision.`,
    );
    expect(comment).toMatch(/#### URLs[\s\S]*\| `api` \| http/);
    // The api of generation 1 was never replaced: same container, still up, same data, and the
    // broken migration's transaction left no column behind.
    const still = await serviceContainer(repository, prTwo.number, 'api');
    expect(still.Id).toBe(api.Id);
    expect(still.State).toBe('running');
    expect(await items(prTwo.number)).toEqual([...BASE, 'pr-two']);
    expect(await totalColumns(prTwo.number)).toBe('0');

    // A push that brings a migration and an api that cannot start: it starts beside the serving
    // revision, in the environment's other slot, on a copy of its data (decision 0040). The
    // migration runs on the copy; the new api never comes up, so the routes never move, the new
    // slot is removed, and generation 1 keeps serving on a database no migration touched.
    await plane.github.pushToPullRequest(prTwo, {
      'migrate/migrations/003_broken.sql': 'ALTER TABLE orders ADD COLUMN total numeric;\n',
      'api/src/server.mjs': "console.error('cannot start'); process.exit(3);\n",
    });
    await plane.waitForState(repository, prTwo.number, 'failed', {
      generation: good.generation + 2,
      timeoutMs: 300_000,
    });
    const kept = await commentOf(prTwo.number, /service api did not become/);
    expect(kept).toContain(
      `The links below still serve an older commit, \`${good.headSha.slice(0, 7)}\` (generation ${good.generation}), as the last good revision.`,
    );
    expect(kept).toMatch(/#### URLs[\s\S]*\| `api` \| http/);
    expect(await environmentRow(prTwo.number)).toMatchObject({
      servingSha: good.headSha,
      servingRevision: good.generation,
      slot: 0,
    });
    const besideFailed = await serviceContainer(repository, prTwo.number, 'api');
    expect(besideFailed.Id).toBe(api.Id);
    expect(besideFailed.State).toBe('running');
    expect(await items(prTwo.number)).toEqual([...BASE, 'pr-two']);
    expect(await totalColumns(prTwo.number)).toBe('0');
    // Nothing of the other slot is left: no container, network or volume named in it.
    const slotB = (names: string[]) => names.filter((n) => n.includes('--b'));
    expect(slotB(await containerNamesOf(prTwo.number))).toEqual([]);
    expect(slotB(await volumesOf(prTwo.number))).toEqual([]);
    expect(slotB(await networksOf(prTwo.number))).toEqual([]);
    const view = await plane.environment(repository, prTwo.number);
    if (!view) throw new Error(`no view of ${repository}#${prTwo.number}`);
    const viewer = new PreviewBrowser(plane, view);
    const served = await viewer.request(`${envUrl(view, 'api')}/healthz`);
    expect(served.status).toBe(200);

    // Fixed: ready again, and the preview answered all the way through: generation 1 until the
    // routes moved, the new revision after. Every request reached a running api and web, never
    // a gateway error page (a route to a container that was gone). The api's health check may
    // report its database slow while the copy pauses it (its own 2 s timeout), nothing else.
    // Then a push that only breaks the api (no migration, data kept): its api is put back as
    // the serving revision ran it.
    const answers: { service: string; status: number; gateway: unknown; body: string }[] = [];
    let rolling = true;
    const probing = (async () => {
      while (rolling) {
        for (const [service, path] of [
          ['api', '/healthz'],
          ['web', '/'],
        ] as const) {
          const res = await viewer.request(`${envUrl(view, service)}${path}`);
          answers.push({
            service,
            status: res.status,
            gateway: res.headers['x-berth-gateway'],
            body: res.status === 200 ? '' : res.body.slice(0, 300),
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    await plane.github.pushToPullRequest(prTwo, { 'api/src/server.mjs': SERVER });
    const fixed = await plane.waitForState(repository, prTwo.number, 'ready', {
      generation: good.generation + 3,
      timeoutMs: 300_000,
    });
    rolling = false;
    await probing;
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.gateway !== undefined)).toEqual([]);
    expect(answers.filter((a) => a.service === 'web' && a.status !== 200)).toEqual([]);
    const unhealthy = answers.filter((a) => a.service === 'api' && a.status !== 200);
    for (const answer of unhealthy) {
      expect(answer).toMatchObject({ status: 503 });
      const { db, redis } = JSON.parse(answer.body) as { db: string; redis: string };
      for (const check of [db, redis]) {
        expect(check).toMatch(/^(ok|(postgres|redis) did not answer within 2000 ms)$/);
      }
    }
    // It brought the migration, so it started beside generation 1 in the other slot and the
    // routes moved once it was ready: the data came along, the new column is there, and the
    // slot the routes left is gone.
    expect(await environmentRow(prTwo.number)).toMatchObject({ slot: 1 });
    expect(await stageDetails(prTwo.number, 'replicate')).toMatchObject({
      slot: 1,
      besideServing: { revision: good.generation, oneShots: ['migrate'] },
    });
    expect(await items(prTwo.number)).toEqual([...BASE, 'pr-two']);
    expect(await totalColumns(prTwo.number)).toBe('1');
    const inA = (names: string[]) => names.filter((n) => !n.includes('--b'));
    expect(inA(await containerNamesOf(prTwo.number))).toEqual([]);
    expect(inA(await volumesOf(prTwo.number))).toEqual([]);
    expect(inA(await networksOf(prTwo.number))).toEqual([]);
    const fixedBrowser = new PreviewBrowser(plane, fixed);
    expect((await fixedBrowser.request(`${envUrl(fixed, 'api')}/healthz`)).status).toBe(200);
    const fixedApi = await serviceContainer(repository, prTwo.number, 'api');
    await plane.github.pushToPullRequest(prTwo, {
      'api/src/server.mjs': "console.error('cannot start'); process.exit(3);\n",
    });
    await plane.waitForState(repository, prTwo.number, 'failed', {
      generation: fixed.generation + 1,
      timeoutMs: 300_000,
    });
    const back = await commentOf(prTwo.number, /as the last good revision/);
    expect(back).toMatch(/service api did not become/);
    expect(back).toContain(`older commit, \`${fixed.headSha.slice(0, 7)}\``);
    expect(await environmentRow(prTwo.number)).toMatchObject({
      servingSha: fixed.headSha,
      servingRevision: fixed.generation,
    });
    const restored = await serviceContainer(repository, prTwo.number, 'api');
    expect(restored.Id).not.toBe(fixedApi.Id);
    expect(restored.Image).toBe(fixedApi.Image);
    expect(restored.State).toBe('running');
    const browser = new PreviewBrowser(plane, fixed);
    const health = await browser.request(`${envUrl(fixed, 'api')}/healthz`);
    expect(health.status).toBe(200);
    // Not retried: the failure is final, so the serving revision stays up.
    const attempts = await prisma.stageRun.count({
      where: {
        stage: 'replicate',
        revision: { environmentId: fixed.id, generation: fixed.generation + 1 },
      },
    });
    expect(attempts).toBe(1);
  });

  it('removes a closed PR’s volumes and keeps the base states', async () => {
    expect((await volumesOf(prOne.number)).length).toBeGreaterThan(0);
    await plane.github.closePullRequest(prOne, { merged: true });
    await plane.waitForState(repository, prOne.number, 'destroyed', { timeoutMs: 120_000 });
    expect(await volumesOf(prOne.number)).toEqual([]);
    const states = await baseStateVolumes();
    expect(states.length).toBe(2);
    const { Volumes } = await docker.listVolumes();
    const names = new Set((Volumes ?? []).map((v) => v.Name));
    for (const state of states) expect(names.has(state)).toBe(true);
  });

  it('refreshes the base on demand: `berth env redeploy <repo>#base` captures a new base state', async () => {
    const before = await plane.waitForState(repository, 0, 'ready');
    const run = await runBerth(['env', 'redeploy', `${repository}#base`], {
      BERTH_API_URL: plane.apiUrl,
      BERTH_ADMIN_TOKEN: plane.adminToken,
    });
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain(`${repository}#base`);
    // The CLI followed it to ready: a new generation at the same head, captured once more.
    const after = await plane.waitForState(repository, 0, 'ready', {
      generation: before.generation + 1,
    });
    expect(after.headSha).toBe(before.headSha);
    expect(await stageDetails(0, 'replicate')).toMatchObject({
      database: { captured: { sha: before.headSha } },
    });
    expect((await baseStateVolumes()).length).toBe(3);
  });

  it('removes the base environment and its base states once the repository is disabled', async () => {
    const states = await baseStateVolumes();
    const res = await fetch(`${plane.apiUrl}/admin/v1/repositories/${repository}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${plane.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(res.status, await res.text()).toBe(200);
    await plane.github.commitToBranch(repository, 'main', { 'BASE.md': 'three\n' });
    await plane.waitForState(repository, 0, 'destroyed', { timeoutMs: 120_000 });
    expect(await baseStateVolumes()).toEqual([]);
    const { Volumes } = await docker.listVolumes();
    const names = new Set((Volumes ?? []).map((v) => v.Name));
    for (const state of states) expect(names.has(state)).toBe(false);
    expect(await volumesOf(0)).toEqual([]);
  });
});
