// The whole lifecycle on the real engine: GitHub emulator → signed webhooks → api → queue →
// worker stages → containers → gateway, with the acceptance scenarios.
import { fileURLToPath } from 'node:url';
import { environmentDomain, environmentIdentity, previewHostname } from '@berth/core';
import {
  ControlPlane,
  type EnvironmentView,
  httpRequest,
  type PullRecord,
  sendWebhook,
  waitFor,
} from '@berth/testing';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import {
  apiUrlFromPage,
  composeVariablesFile,
  envUrl,
  execIn,
  PreviewBrowser,
  removeByLabel,
  resourcesOf,
  serviceContainer,
  uniqueRepoName,
} from './preview-session.js';
import { launchChromium } from './chromium.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
let plane: ControlPlane;
const opened: PullRecord[] = [];
/** PR 1's environment, ready after the first test. */
let envOne: EnvironmentView | undefined;
/** PR 2 of the first test: later pushed to (api only), then closed. */
let prTwo: PullRecord | undefined;

/** Opens a PR through the emulator (which sends the signed `opened` webhook) and remembers it. */
async function openPr(options: Parameters<ControlPlane['github']['openPullRequest']>[0]) {
  const pr = await plane.github.openPullRequest(options);
  opened.push(pr);
  return pr;
}

/** Places an order from the shop's page and finds it in the PR's own database. */
async function placeOrderFromPage(page: Page, prNumber: number, prefix: string): Promise<void> {
  const email = `${prefix}-${Date.now()}@example.test`;
  await page.fill('input[name=email]', email);
  await page.click('button[type=submit]');
  await page.locator('#status', { hasText: /confirmed|Failed/ }).waitFor({ timeout: 45_000 });
  expect(await page.textContent('#status')).toMatch(/^Order #\d+ confirmed\./);
  const db = await serviceContainer(repository, prNumber, 'db');
  const sql = `select count(*) from orders where email = '${email}'`;
  expect((await execIn(db.Id, ['psql', '-U', 'shop', '-d', 'shop', '-Atc', sql])).trim()).toBe('1');
}

beforeAll(async () => {
  const { databaseUrl, redisUrl } = testServices();
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    composeVariablesFile: composeVariablesFile(root),
    logLevel: 'info',
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
  });
  await plane.github.createRepository({ owner, name, fromDirectory: `${root}examples/shop` });
}, 120_000);

afterAll(async () => {
  // Close every PR the tests left open and let Berth tear it down, then sweep by label so a
  // failed test never leaves containers behind.
  for (const pr of opened.filter((p) => p.state === 'open')) {
    await plane.github.closePullRequest(pr, { merged: false }).catch(() => undefined);
  }
  for (const pr of opened) {
    await plane
      .waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 })
      .catch(() => undefined);
  }
  await removeByLabel(`berth.repo=${repository}`);
  await plane?.stop();
}, 600_000);

async function placeOrder(browser: PreviewBrowser, webUrl: string, email: string) {
  const page = await browser.request(webUrl);
  expect(page.status, page.body).toBe(200);
  const apiUrl = apiUrlFromPage(page.body);
  const origin = new URL(webUrl).origin;
  const preflight = await browser.request(`${apiUrl}/orders`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    },
  });
  expect(preflight.status).toBe(204);
  const created = await browser.request(`${apiUrl}/orders`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ item: 'preview-mug', quantity: 2, email }),
  });
  expect(created.status, created.body).toBe(201);
  const order = JSON.parse(created.body) as { id: number | string };
  const confirmed = await waitFor(
    `order ${order.id} to be confirmed`,
    async () => {
      const res = await browser.request(`${apiUrl}/orders/${order.id}`, { headers: { origin } });
      const body = JSON.parse(res.body) as { status: string; confirmationEmailSent?: boolean };
      return body.status === 'confirmed' ? body : undefined;
    },
    30_000,
  );
  return { apiUrl, order, confirmed };
}

describe('full-stack previews', () => {
  it('gives two concurrent PRs their own ready environments, isolated down to the database, queue and cache', async () => {
    const [pr1, pr2] = await Promise.all([
      openPr({
        repo: repository,
        branch: 'feat/one',
        title: 'One',
        changes: { 'web/NOTE.md': 'one' },
      }),
      openPr({
        repo: repository,
        branch: 'feat/two',
        title: 'Two',
        changes: { 'web/NOTE.md': 'two' },
      }),
    ]);
    const [env1, env2] = await Promise.all([
      plane.waitForState(repository, pr1.number, 'ready'),
      plane.waitForState(repository, pr2.number, 'ready'),
    ]);
    expect(env1.id).not.toBe(env2.id);
    envOne = env1;
    prTwo = pr2;
    const web1 = envUrl(env1, 'web');
    expect(new URL(web1).hostname).toBe(
      previewHostname(environmentIdentity(repository, pr1.number), 'web', 'localhost'),
    );

    // Private by default: no share link, no page.
    const anonymous = await plane.viaGateway(web1);
    expect(anonymous.status).toBe(401);

    const email = `buyer-${Date.now()}@example.test`;
    const browser = new PreviewBrowser(plane, env1);
    const { apiUrl, confirmed } = await placeOrder(browser, web1, email);
    expect(apiUrl).toBe(envUrl(env1, 'api')); // web calls its own PR's api, not a shared one
    expect(confirmed).toMatchObject({ status: 'confirmed' });

    // The order and its email exist in PR 1's database only.
    const db1 = await serviceContainer(repository, pr1.number, 'db');
    const db2 = await serviceContainer(repository, pr2.number, 'db');
    const sql = `select count(*) from orders where email = '${email}'`;
    const psql = (id: string) => execIn(id, ['psql', '-U', 'shop', '-d', 'shop', '-Atc', sql]);
    expect((await psql(db1.Id)).trim()).toBe('1');
    expect((await psql(db2.Id)).trim()).toBe('0');
    // PR 2's queue and cache never saw it.
    const redis2 = await serviceContainer(repository, pr2.number, 'redis');
    const dump = await execIn(redis2.Id, [
      'sh',
      '-c',
      'for k in $(redis-cli --scan); do redis-cli --raw dump "$k"; done',
    ]);
    expect(dump).not.toContain(email);
    const redis1 = await serviceContainer(repository, pr1.number, 'redis');
    const dump1 = await execIn(redis1.Id, [
      'sh',
      '-c',
      'for k in $(redis-cli --scan); do redis-cli --raw dump "$k"; done',
    ]);
    expect(dump1).toContain(email);

    // Separate networks; one sticky comment each, with a green status.
    const res1 = await resourcesOf(repository, pr1.number);
    const res2 = await resourcesOf(repository, pr2.number);
    expect(res1.networks).toHaveLength(1);
    expect(res2.networks).toHaveLength(1);
    expect(res1.networks[0]?.Id).not.toBe(res2.networks[0]?.Id);
    expect(plane.github.comments(repository, pr1.number)).toHaveLength(1);
    // The status is a sink on the event stream: it follows `ready`, it does not come with it.
    const status = await waitFor(
      'the success status on PR 1',
      async () => {
        const last = plane.github.statuses(repository, env1.headSha).at(-1);
        return last?.state === 'success' ? last : undefined;
      },
      30_000,
    );
    expect(status).toMatchObject({ context: 'berth/preview', state: 'success' });
  }, 600_000);

  it('lets a reviewer open the preview once in Chromium and place an order from the page', async () => {
    const env = envOne;
    if (!env) throw new Error('needs PR 1 from the first test');
    const { links } = await plane.mintShareLink(repository, env.prNumber, { note: 'chromium' });
    const link = links['web'];
    expect(link).toBeDefined();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      // One link, opened once: the gateway swaps the token for a cookie on the environment's
      // domain, so the page's own calls to its api (another host) are signed in too.
      const landed = await page.goto(link ?? '');
      expect(landed?.status()).toBe(200);
      expect(new URL(page.url()).searchParams.has('berth_token')).toBe(false);
      const domain = environmentDomain(environmentIdentity(repository, env.prNumber), 'localhost');
      const cookies = await page.context().cookies();
      expect(cookies.map((c) => c.domain)).toEqual([`.${domain}`]);
      await placeOrderFromPage(page, env.prNumber, 'chromium');
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('signs a reviewer in with GitHub in Chromium (sso), once for web and api, and refuses a stranger', async () => {
    const env = envOne;
    if (!env) throw new Error('needs PR 1 from the first test');
    const policy = async (body: Record<string, unknown>) => {
      const res = await httpRequest(`${plane.apiUrl}/admin/v1/repositories/${repository}`, {
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${plane.adminToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      expect(res.status, res.body).toBe(200);
    };
    await policy({ accessModes: ['sso'] });
    plane.github.setPermission(repository, 'reviewer', 'read');
    const web = envUrl(env, 'web');
    const browser = await launchChromium();
    try {
      // A stranger (no access to the repository) is refused by the sign-in host, with no cookie.
      plane.github.signInAs('stranger');
      const strangerPage = await browser.newPage();
      const refused = await strangerPage.goto(web);
      expect(refused?.status()).toBe(403);
      // Only the sign-in host's own flow cookie (host-only on auth.localhost), no access cookie.
      const strangerCookies = await strangerPage.context().cookies();
      expect(strangerCookies.map((c) => [c.name, c.domain])).toEqual([
        ['berth_sso', 'auth.localhost'],
      ]);
      await strangerPage.context().close();

      // The reviewer opens the bare URL: sign-in host → GitHub → back, signed in once for the
      // whole environment, so the page's own calls to its api host carry the session too.
      plane.github.signInAs('reviewer');
      const page = await browser.newPage();
      const landed = await page.goto(web);
      expect(landed?.status()).toBe(200);
      expect(new URL(page.url()).host).toBe(new URL(web).host);
      const domain = environmentDomain(environmentIdentity(repository, env.prNumber), 'localhost');
      // The access cookie is this environment's alone; the sign-in host keeps its own, host-only;
      // nothing lands on the parent domain.
      const cookies = (await page.context().cookies()).map((c) => [
        c.name.replace(/_[0-9a-f]+$/, ''),
        c.domain,
      ]);
      expect(cookies.sort()).toEqual([
        ['berth_access_sso', `.${domain}`],
        ['berth_sso', 'auth.localhost'],
      ]);
      await placeOrderFromPage(page, env.prNumber, 'sso');
    } finally {
      await browser.close();
      plane.github.signInAs(undefined);
      await policy({ accessModes: [] });
    }
  }, 120_000);

  it('collapses 20 replays of one delivery and 5 distinct deliveries into one environment, one comment, one set of containers', async () => {
    const pr = await openPr({
      repo: repository,
      branch: 'feat/replays',
      title: 'Replays',
      changes: { 'NOTES.md': 'replays' },
    });
    const opened = plane.github.deliveries.at(-1);
    expect(opened?.event).toBe('pull_request');
    const target = { url: `${plane.apiUrl}/webhooks/github`, secret: plane.webhookSecret };
    await Promise.all([
      ...Array.from({ length: 20 }, () =>
        sendWebhook({
          ...target,
          event: 'pull_request',
          payload: opened!.payload,
          deliveryId: opened!.deliveryId,
        }),
      ),
      ...Array.from({ length: 5 }, () =>
        sendWebhook({ ...target, event: 'pull_request', payload: opened!.payload }),
      ),
    ]);
    const env = await plane.waitForState(repository, pr.number, 'ready');
    expect(env.generation).toBe(1);
    const { containers } = await resourcesOf(repository, pr.number);
    const services = containers.map((c) => c.Labels['berth.service']).sort();
    expect(services).toEqual(['api', 'db', 'migrate', 'redis', 'web', 'worker']);
    expect(plane.github.comments(repository, pr.number)).toHaveLength(1);
  }, 600_000);

  it('rebuilds only api when a push changes only api, and serves the new revision', async () => {
    const pr = prTwo;
    if (!pr) throw new Error('needs PR 2 from the first test');
    const before = await plane.waitForState(repository, pr.number, 'ready', { generation: 1 });
    const tag = (env: typeof before, svc: string) =>
      env.services?.find((s) => s.name === svc)?.image;
    const apiFile = 'api/src/version.mjs';
    await plane.github.pushToPullRequest(pr, {
      [apiFile]: "export const VERSION = 'api-v2';\n",
    });
    const after = await plane.waitForState(repository, pr.number, 'ready', { generation: 2 });
    expect(tag(after, 'api')).not.toBe(tag(before, 'api'));
    expect(tag(after, 'web')).toBe(tag(before, 'web'));
    expect(tag(after, 'worker')).toBe(tag(before, 'worker'));
    expect(after.services?.find((s) => s.name === 'api')?.source).toBe('built');
    expect(after.services?.find((s) => s.name === 'web')?.source).toBe('cached');
    // The URL now serves the new revision's api container.
    const api = await serviceContainer(repository, pr.number, 'api');
    expect(api.Image).toBe(tag(after, 'api'));
    const browser = new PreviewBrowser(plane, after);
    const health = await browser.request(`${envUrl(after, 'api')}/healthz`);
    expect(health.status).toBe(200);
  }, 600_000);

  it('holds a fork PR until a maintainer approves its head SHA, and holds it again after a new push', async () => {
    const pr = await openPr({
      repo: repository,
      branch: 'fork-feature',
      title: 'From a fork',
      fork: 'outsider',
      changes: { 'NOTES.md': 'fork' },
    });
    await plane.waitForState(repository, pr.number, 'held', { timeoutMs: 30_000 });
    await waitFor(
      'the held comment',
      async () =>
        plane.github.comments(repository, pr.number).some((c) => /preview:approved/.test(c.body))
          ? true
          : undefined,
      30_000,
    );
    expect((await resourcesOf(repository, pr.number)).containers).toHaveLength(0);
    // Approval counts only from someone with write access: say so, rather than rely on a default.
    plane.github.setPermission(repository, 'maintainer', 'write');
    await plane.github.addLabel(pr, 'preview:approved', { sender: 'maintainer' });
    const ready = await plane.waitForState(repository, pr.number, 'ready');
    expect(ready.headSha).toBe(pr.headSha);
    await plane.github.pushToPullRequest(pr, { 'NOTES.md': 'fork v2' });
    await plane.waitForState(repository, pr.number, 'held', {
      generation: ready.generation + 1,
      timeoutMs: 30_000,
    });
  }, 600_000);

  it('destroys everything on close: no container, network or volume with its labels; the comment says so', async () => {
    // PR 2, two generations in (the api-only push): everything both generations made must go.
    const pr = prTwo;
    if (!pr) throw new Error('needs PR 2 from the first test');
    const ready = await plane.waitForState(repository, pr.number, 'ready', { generation: 2 });
    expect((await resourcesOf(repository, pr.number)).containers.length).toBeGreaterThan(0);
    await plane.github.closePullRequest(pr, { merged: true });
    await plane.waitForState(repository, pr.number, 'destroyed', { timeoutMs: 60_000 });
    const left = await resourcesOf(repository, pr.number);
    expect(left).toEqual({ containers: [], networks: [], volumes: [] });
    const comments = plane.github.comments(repository, pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/destroyed/i);
    const gone = await plane.viaGateway(envUrl(ready, 'web'));
    expect(gone.status).toBe(404);
  }, 600_000);
});
