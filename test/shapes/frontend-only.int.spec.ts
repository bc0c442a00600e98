// preview:frontend-only on the shop, through the whole control plane (issue 10 §7): the PR runs
// only `web`; the api (and everything behind it) is the repository's base environment, reached
// under the PR's own hostnames with the PR's own access, its CORS seeing the base's frontend. The
// choice is labelled and said in the comment; without a base environment it is refused with the
// fix; removing the label brings the PR's own backend back in place.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlane, PullRecord } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiUrlFromPage,
  commentMatching,
  containersOf,
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
let plane: ControlPlane;
const commentOf = (pr: number, pattern: RegExp) => commentMatching(plane, repository, pr, pattern);
let source: string;
const opened: PullRecord[] = [];

beforeAll(async () => {
  plane = await startPlane(root);
  // The shop, declaring its frontend-only shape.
  source = await mkdtemp(join(tmpdir(), 'berth-shop-'));
  await cp(`${root}examples/shop`, source, { recursive: true });
  const compose = await readFile(join(source, 'docker-compose.yml'), 'utf8');
  const shaped = compose.replace(
    '  expose: [web, api]\n',
    '  expose: [web, api]\n  shapes: { frontend-only: [web] }\n',
  );
  expect(shaped).not.toBe(compose);
  await writeFile(join(source, 'docker-compose.yml'), shaped);
  await plane.github.createRepository({ owner, name, fromDirectory: source });
}, 120_000);

afterAll(async () => {
  for (const pr of opened.filter((p) => p.state === 'open')) {
    await plane.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
  }
  for (const pr of opened) {
    await plane
      ?.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 120_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`);
  await plane?.stop();
  if (source) await rm(source, { recursive: true, force: true });
}, 300_000);

async function services(pr: number): Promise<string[]> {
  return (await containersOf(repository, pr)).map((c) => c.Labels['berth.service'] ?? '').sort();
}

async function baseItems(): Promise<string[]> {
  const db = await serviceContainer(repository, 0, 'db');
  const out = await execIn(db.Id, [
    'psql',
    '-h',
    '127.0.0.1',
    '-U',
    'shop',
    '-d',
    'shop',
    '-Atc',
    'SELECT item FROM orders ORDER BY id',
  ]);
  return out.trim() === '' ? [] : out.trim().split('\n');
}

describe('preview:frontend-only', { timeout: 600_000 }, () => {
  let pr: PullRecord;

  it('is refused with the fix while the repository has no base environment', async () => {
    pr = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/button',
      title: 'a new button',
      labels: ['preview:frontend-only'],
    });
    opened.push(pr);
    await plane.waitForState(repository, pr.number, 'failed', { timeoutMs: 300_000 });
    const comment = await commentOf(pr.number, /not running yet/);
    expect(comment).toMatch(/borrows api, .* from the base environment of main/);
    expect(comment).toMatch(/push to main to start it, or remove the label/);
  });

  it('runs only web, and its page talks to the base environment’s api', async () => {
    await plane.github.commitToBranch(repository, 'main', { 'BASE.md': 'base\n' });
    await plane.waitForState(repository, 0, 'ready', { timeoutMs: 300_000 });
    await plane.github.pushToPullRequest(pr, { 'web/NOTE.md': 'button\n' });
    const env = await plane.waitForState(repository, pr.number, 'ready', {
      generation: 2,
      timeoutMs: 300_000,
    });
    expect(await services(pr.number)).toEqual(['web']);

    const browser = new PreviewBrowser(plane, { prNumber: pr.number, repository });
    const webUrl = envUrl(env, 'web');
    const apiUrl = envUrl(env, 'api');
    const page = await browser.request(webUrl);
    expect(page.status).toBe(200);
    // The page's api is the PR's own hostname (its access, its cookie) …
    expect(apiUrlFromPage(page.body)).toBe(apiUrl);
    // … served by the base environment's api, whose CORS answers the PR's frontend.
    const origin = new URL(webUrl).origin;
    const created = await browser.request(`${apiUrl}/orders`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ item: 'from-frontend-only', quantity: 1, email: 'f@x.test' }),
    });
    expect(created.status, created.body).toBe(201);
    expect(created.headers['access-control-allow-origin']).toBe(origin);
    expect(await baseItems()).toContain('from-frontend-only');

    const comment = await commentOf(pr.number, /✅[\s\S]*#### Stack/);
    expect(comment).toMatch(
      /preview:frontend-only: `web` runs in this preview; `api`, .* are the base environment's \(main at [0-9a-f]{7}\)/,
    );
  });

  it('follows the base environment when it is redeployed', async () => {
    const before = await serviceContainer(repository, 0, 'api');
    await plane.github.commitToBranch(repository, 'main', {
      'api/NOTE.md': 'a new api image\n',
    });
    const base = await plane.waitForState(repository, 0, 'ready', {
      generation: 2,
      timeoutMs: 300_000,
    });
    const after = await serviceContainer(repository, 0, 'api');
    expect(after.Id).not.toBe(before.Id);
    expect(base.generation).toBe(2);
    const env = await plane.environment(repository, pr.number);
    if (!env) throw new Error(`#${pr.number} has no environment`);
    const browser = new PreviewBrowser(plane, { prNumber: pr.number, repository });
    const health = await browser.request(`${envUrl(env, 'api')}/healthz`);
    expect(health.status).toBe(200);
  });

  it('brings the PR’s own backend back when the label goes', async () => {
    await plane.github.removeLabel(pr, 'preview:frontend-only');
    await plane.waitForState(repository, pr.number, 'ready', { generation: 3, timeoutMs: 300_000 });
    expect(await services(pr.number)).toEqual(['api', 'db', 'migrate', 'redis', 'web', 'worker']);
    const comment = await commentOf(pr.number, /✅[\s\S]*generation 3 · Berth/);
    expect(comment).not.toMatch(/#### Stack/);
  });
});
