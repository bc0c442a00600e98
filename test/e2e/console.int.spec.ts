// The admin console (decision 0033) in Debian's Chromium against the whole control plane: a
// person signs in with a token, watches the shop's preview go from building to ready without
// reloading, opens it, extends it, reads its service's log, visits the operator pages
// (repositories, costs, deliveries and audit, system), reads a failed preview's reason and destroys
// the ready one; at 1280 px and 375 px, each checked by axe, and never shown a secret value.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { ControlPlane, type PullRecord, sendWebhook } from '@berth/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import { launchChromium } from './chromium.js';
import { composeVariablesFile, removeByLabel, uniqueRepoName } from './preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The console's page size for deliveries and audit entries (DeliveriesPage's PAGE). */
const DELIVERIES_PAGE = 25;
const artifacts = `${root}test-results/console`;
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
/** Seeded as the shop's `db_password`: it must appear in no page and no answer the console got. */
const SECRET = `console-secret-${Math.random().toString(36).slice(2)}-do-not-show`;
/** The worker's own Docker host: the System page shows it, and usage sampling counts only ours. */
const DOCKER_HOST_NAME = `e2e-console-${randomBytes(3).toString('hex')}`;

let plane: ControlPlane;
let browser: Browser;
let page: Page;
const opened: PullRecord[] = [];
/** Every body the console's page received from the api, to search for the secret. */
const answers: string[] = [];
/** Every page's text as shown, likewise. */
const shown: string[] = [];
/** How the console's polling went: answers by status (304 = unchanged, ETag revalidation). */
const statuses = new Map<number, number>();
let ready: PullRecord;
let readyId = '';

async function admin(method: string, path: string, body?: object): Promise<unknown> {
  const res = await fetch(`${plane.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${plane.adminToken}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  expect(res.status, text).toBeLessThan(300);
  return text ? JSON.parse(text) : undefined;
}

/** No serious or critical accessibility violation on the page as it is now. */
async function expectAccessible(what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target).join(' ')}`),
  ).toEqual([]);
}

async function remember(): Promise<void> {
  shown.push(await page.content(), await page.innerText('body'));
}

async function noHorizontalScroll(): Promise<void> {
  // A string, evaluated in the page: this file is typed for Node, not the DOM.
  const { scroll, client } = (await page.evaluate(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  )) as { scroll: number; client: number };
  expect(scroll, 'page wider than the viewport').toBeLessThanOrEqual(client);
}

/** Opens a page from the navigation, checks it at 1280 and 375 px, and keeps its text. */
async function visit(
  label: string,
  heading: string,
  slug: string,
  ready: () => Promise<unknown>,
): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('link', { name: label })
    .click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  await ready();
  await expectAccessible(`${slug} at 1280 px`);
  await page.screenshot({ path: `${artifacts}/${slug}-1280.png`, fullPage: true });
  await remember();
  // At phone width the same markup reflows: contrast and target sizes are judged again there.
  await page.setViewportSize({ width: 375, height: 812 });
  await noHorizontalScroll();
  await expectAccessible(`${slug} at 375 px`);
  await page.screenshot({ path: `${artifacts}/${slug}-375.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
}

const row = (pr: number) =>
  page
    .locator('li.env-row')
    .filter({ has: page.getByRole('link', { name: `${repository} #${pr}`, exact: true }) });

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  const { databaseUrl, redisUrl } = testServices();
  plane = await ControlPlane.start({
    root,
    databaseUrl,
    redisUrl,
    composeVariablesFile: composeVariablesFile(root),
    echoLogs: process.env['BERTH_E2E_LOGS'] === '1',
    // Usage sampled every 5 s (decision 0025) on a host of this spec's own, so the Costs page
    // has a day to chart for the repository; other runs' containers are on other hosts.
    appEnv: { worker: { DOCKER_HOST_NAME, COST_SAMPLE_INTERVAL_S: '5' } },
  });
  await plane.github.createRepository({ owner, name, fromDirectory: `${root}examples/shop` });
  await admin('PUT', `/admin/v1/secrets/repositories/${owner}/${name}/db_password`, {
    value: SECRET,
  });
  browser = await launchChromium();
  // A context of our own: axe opens a page in it to run its checks.
  // A zone that is not the machine's: the console shows times in the viewer's zone.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    timezoneId: 'America/New_York',
  });
  page = await context.newPage();
  // Room for every poll's timing entry: the last test reads how the polling was answered.
  await page.addInitScript('performance.setResourceTimingBufferSize(100000)');
  page.on('response', async (response) => {
    if (!response.url().includes('/api/')) return;
    statuses.set(response.status(), (statuses.get(response.status()) ?? 0) + 1);
    // A 304 has no body of its own: the 200 it revalidated was read when it came.
    answers.push(await response.text().catch(() => ''));
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
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
}, 300_000);

describe('admin console', { timeout: 400_000 }, () => {
  it('signs in with a token into a session cookie the page cannot read', async () => {
    const { token } = (await admin('POST', '/api/v1/tokens', {
      name: 'console e2e',
      scope: 'write',
      repository,
    })) as { token: string };
    await page.goto(`${plane.apiUrl}/console/`);
    await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor();
    await expectAccessible('sign-in');
    await page.setViewportSize({ width: 375, height: 812 });
    await noHorizontalScroll();
    await expectAccessible('sign-in at 375 px');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor();
    // The token sees only its repository, which has no preview yet: the empty state says so.
    await page.getByText(/No previews yet/).waitFor();
    const stored = (await page.evaluate(
      '({ cookie: document.cookie, local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage) })',
    )) as { cookie: string; local: string; session: string };
    expect(stored.cookie).not.toContain('berth_console');
    expect(stored.local + stored.session).not.toContain(token);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'berth_console', httpOnly: true, sameSite: 'Strict' });
    await remember();
  });

  it('shows the shop’s preview go from building to ready without a reload', async () => {
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) navigations.push(frame.url());
    });
    ready = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/console',
      title: 'Console',
      changes: { 'web/NOTE.md': 'console' },
    });
    opened.push(ready);
    const item = row(ready.number);
    await item
      .and(page.locator('[data-state=pending], [data-state=building], [data-state=provisioning]'))
      .waitFor({ timeout: 120_000 });
    const before = await item.getAttribute('data-state');
    await item.and(page.locator('[data-state=ready]')).waitFor({ timeout: 300_000 });
    expect(before).not.toBe('ready');
    expect(navigations).toEqual([]);
    readyId = (await item.getAttribute('data-environment')) ?? '';
    expect(readyId).not.toBe('');
    await expectAccessible('environments');
    await page.screenshot({ path: `${artifacts}/environments-1280.png`, fullPage: true });
    await remember();
  });

  it('opens the preview and extends it, after a confirmation', async () => {
    await row(ready.number).getByRole('link').click();
    await page.getByRole('heading', { name: new RegExp(`#${ready.number}`) }).waitFor();
    await page.getByRole('heading', { name: /Stages of generation/ }).waitFor();
    expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Services' }).waitFor();
    // New York in December: EST, whatever the machine's zone is.
    expect(await page.getByTestId('created').innerText()).toMatch(/ EST \(/);
    // Its pull request on GitHub (the emulator's web root here), and its cost so far.
    expect(
      await page
        .getByRole('link', { name: `${repository} #${ready.number} on GitHub` })
        .getAttribute('href'),
    ).toBe(`${plane.github.url}/${repository}/pull/${ready.number}`);
    await page.getByTestId('cost').filter({ hasText: /\$\d/ }).waitFor({ timeout: 30_000 });
    // Each service's container as the worker sampled it: the database healthy, with its memory
    // against its limit and a CPU figure once two readings exist.
    const db = page.locator('li[data-service=db]');
    await db.filter({ hasText: 'healthy' }).waitFor({ timeout: 30_000 });
    await db
      .getByTestId('service-use')
      .filter({ hasText: /^CPU \d+\.\d % · memory [\d.]+ MiB of [\d.]+ (MiB|GiB)/ })
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('services-sampled').innerText()).toMatch(
      /^State and use as of \d\d:\d\d:\d\d\.$/,
    );
    // Its `Berth / preview` check run, green, linked to the run on GitHub.
    const check = page
      .getByTestId('checks')
      .locator('li')
      .filter({ hasText: 'Berth / preview' })
      .filter({ hasText: 'success' });
    await check.waitFor({ timeout: 30_000 });
    expect(await check.getByRole('link', { name: 'on GitHub' }).getAttribute('href')).toMatch(
      new RegExp(`^${plane.github.url}/${repository}/runs/\\d+$`),
    );
    const expiresBefore = await page.getByTestId('expires').innerText();
    await page.getByRole('button', { name: 'Extend' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible('confirm extend');
    await dialog.getByLabel('Extend by').selectOption('7d');
    await dialog.getByRole('button', { name: 'Extend' }).click();
    await expect(await page.getByTestId('action-outcome').innerText({ timeout: 60_000 })).toMatch(
      /^extend: extended, now expires/,
    );
    await page
      .getByTestId('expires')
      .filter({ hasNotText: expiresBefore })
      .waitFor({ timeout: 30_000 });
    await expectAccessible('environment');
    await page.screenshot({ path: `${artifacts}/environment-1280.png`, fullPage: true });
    await remember();
  });

  it('streams a service’s log live, and pauses it', async () => {
    const logs = page.getByRole('region', { name: 'Logs' });
    await logs.getByLabel('Service').selectOption('api');
    // The shop's api prints this when it starts: the tail brings it, the stream follows on.
    await logs
      .getByTestId('log-lines')
      .filter({ hasText: '"msg":"listening"' })
      .waitFor({ timeout: 30_000 });
    expect(await logs.getByTestId('log-state').innerText()).toMatch(/^Following api/);
    const pause = logs.getByRole('button', { name: 'Pause' });
    await pause.click();
    await logs.getByRole('button', { name: /^Resume/ }).waitFor();
    expect(await logs.getByTestId('log-state').innerText()).toMatch(/^Paused/);
    await logs.getByRole('button', { name: /^Resume/ }).click();
    await logs.getByRole('button', { name: 'Pause' }).waitFor();
    await expectAccessible('environment logs');
    await remember();
  });

  it('fits a 375 px phone without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await noHorizontalScroll();
    await expectAccessible('environment at 375 px');
    await page.screenshot({ path: `${artifacts}/environment-375.png`, fullPage: true });
    await page.getByRole('link', { name: '← All environments' }).click();
    await row(ready.number).waitFor();
    await noHorizontalScroll();
    await expectAccessible('environments at 375 px');
    await page.screenshot({ path: `${artifacts}/environments-375.png`, fullPage: true });
    await remember();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows the repository, its settings and secret names, read-only for a write token', async () => {
    await visit('Repositories', 'Repositories', 'repositories', () =>
      page.locator(`li.card[data-repository="${repository}"]`).waitFor(),
    );
    await page.getByRole('link', { name: repository, exact: true }).click();
    await page.getByRole('heading', { name: repository, level: 1 }).waitFor();
    await page.locator('li.card[data-secret=db_password]').waitFor();
    // Not an admin: the settings are shown, no form or switch offers to change them.
    expect(await page.getByRole('button', { name: /Save settings|previews$/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    await expectAccessible('repository (read-only)');
    await remember();
  });

  it('charts the repository’s cost per day and lists the previews nobody opened', async () => {
    // The sampler's first pass is a baseline: wait for a day that cost something.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const report = (await admin(
        'GET',
        `/api/v1/costs?by=day&days=7&repository=${repository}`,
      )) as { total: { cost: { total: number } } };
      if (report.total.cost.total > 0) break;
      expect(Date.now(), 'no cost sampled for the repository').toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    await visit('Costs', 'Costs', 'costs', async () => {
      const chart = page.getByTestId('cost-chart');
      await chart
        .locator('svg .recharts-bar-rectangle path, svg path.recharts-rectangle')
        .first()
        .waitFor();
      expect(await chart.locator('.recharts-legend-item').allInnerTexts()).toEqual([repository]);
      // The ready preview was never opened through its URL.
      await page
        .getByTestId('unopened')
        .getByRole('link', { name: `${repository} #${ready.number}` })
        .waitFor();
    });
  });

  it('redelivers a webhook from the deliveries page; the audit log needs an operator', async () => {
    await visit('Deliveries & audit', 'Deliveries & audit', 'deliveries', () =>
      page.locator('li.card[data-delivery]').first().waitFor(),
    );
    const id = await page
      .locator('li.card[data-outcome=processed]')
      .filter({ hasText: 'pull_request · opened' })
      .filter({ hasText: `${repository} #${ready.number}` })
      .getAttribute('data-delivery');
    // By its id: the redelivery's own row says the same words.
    const opening = page.locator(`li.card[data-delivery="${id}"]`);
    await opening.getByRole('button', { name: /^Redeliver/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Redeliver' }).click();
    const outcome = opening.getByTestId('redeliver-outcome').or(opening.getByRole('alert'));
    await outcome.filter({ hasText: /\S/ }).first().waitFor({ timeout: 30_000 });
    expect(await outcome.filter({ hasText: /\S/ }).first().innerText()).toMatch(
      new RegExp(`^(Queued|Already waiting) as ${id}:redeliver:1`),
    );
    // The list is polled: the redelivery shows up as its own row.
    await page.locator(`li.card[data-delivery="${id}:redeliver:1"]`).waitFor({ timeout: 30_000 });
    await page.getByText(/The audit log covers every repository/).waitFor();
    await remember();
  });

  it('tells a restricted token the system view is not its to see', async () => {
    await visit('System', 'System', 'system-refused', () =>
      page.getByText(/needs an unrestricted/).waitFor(),
    );
    await page.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('heading', { name: 'Environments', level: 1 }).waitFor();
  });

  it('shows an operator the system view and the audit log, and lets an admin change settings', async () => {
    // An operator signs in instead: the bootstrap admin token, unrestricted.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').fill(plane.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Environments', level: 1 }).waitFor();
    await visit('System', 'System', 'system', async () => {
      const host = page.locator(`li.card[data-host="${DOCKER_HOST_NAME}"]`);
      await host.waitFor();
      expect(await host.innerText()).toMatch(/Committed/);
      await page.getByRole('region', { name: 'Queues' }).waitFor();
    });
    // More deliveries than a page: `ping`s from GitHub, stored and ignored like any event.
    for (let i = 0; i <= DELIVERIES_PAGE; i++) {
      const sent = await sendWebhook({
        url: `${plane.apiUrl}/webhooks/github`,
        secret: plane.webhookSecret,
        event: 'ping',
        payload: { zen: `page filler ${i}`, hook_id: i },
      });
      expect(sent.status).toBeLessThan(300);
    }
    await visit('Deliveries & audit', 'Deliveries & audit', 'audit', () =>
      page
        .getByTestId('audit-log')
        .locator('li')
        .filter({ hasText: 'POST /api/v1/deliveries/:id/redeliver' })
        .first()
        .waitFor(),
    );
    // A page at a time, older ones on demand, none twice.
    const deliveries = page.getByTestId('deliveries').locator('li.card[data-delivery]');
    expect(await deliveries.count()).toBe(DELIVERIES_PAGE);
    await page.getByRole('button', { name: 'Load older deliveries' }).click();
    await deliveries.nth(DELIVERIES_PAGE).waitFor();
    const ids = await Promise.all(
      (await deliveries.all()).map((row) => row.getAttribute('data-delivery')),
    );
    expect(new Set(ids).size).toBe(ids.length);
    await expectAccessible('deliveries, two pages');
    // A repository's settings, changed from its page, and a secret set write-only.
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Repositories' })
      .click();
    await page.getByLabel('Open a repository').fill(repository);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: repository, level: 1 }).waitFor();
    await page.getByLabel('TTL (hours)').fill('72');
    await page.getByRole('button', { name: 'Save settings' }).click();
    const saved = page.getByTestId('settings-outcome').or(page.getByRole('alert'));
    await saved.filter({ hasText: /\S/ }).first().waitFor({ timeout: 30_000 });
    expect(await saved.filter({ hasText: /\S/ }).first().innerText()).toBe(
      'Saved: defaultTtlHours.',
    );
    const stored = (await admin('GET', `/api/v1/repositories/${owner}/${name}/settings`)) as {
      defaultTtlHours?: number;
    };
    expect(stored.defaultTtlHours).toBe(72);
    await page.getByLabel('Name', { exact: true }).fill('console_token');
    await page.getByLabel('Value (write-only)').fill(SECRET);
    await page.getByRole('button', { name: 'Set secret' }).click();
    await page
      .getByTestId('secret-outcome')
      .filter({ hasText: 'Set repository/console_token' })
      .waitFor();
    await page.locator('li.card[data-secret=console_token]').waitFor();
    expect(await page.getByLabel('Value (write-only)').inputValue()).toBe('');
    await expectAccessible('repository (admin)');
    await page.screenshot({ path: `${artifacts}/repository-1280.png`, fullPage: true });
    await remember();
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Environments' })
      .click();
    await page.getByRole('heading', { name: 'Environments', level: 1 }).waitFor();
  });

  it('says why a failed preview failed, and destroys it from its page', async () => {
    const compose = readFileSync(`${root}examples/shop/docker-compose.yml`, 'utf8');
    const broken = await plane.github.openPullRequest({
      repo: repository,
      branch: 'feat/broken',
      title: 'Broken',
      changes: {
        'docker-compose.yml': compose.replace('  web:\n', '  web:\n    privileged: true\n'),
      },
    });
    opened.push(broken);
    await plane.waitForState(repository, broken.number, 'failed', { timeoutMs: 120_000 });
    // A second push, as broken: the page keeps the first generation in its timeline.
    await plane.github.pushToPullRequest(broken, { 'NOTES.md': 'still broken\n' });
    const failed = await plane.waitForState(repository, broken.number, 'failed', {
      generation: 2,
      timeoutMs: 120_000,
    });
    const error = failed.stages?.find((s) => s.status === 'failed')?.error ?? '';
    expect(error).toMatch(/privileged/);
    await page.getByLabel('State').selectOption('failed');
    await row(broken.number).getByRole('link').click();
    const alert = page.getByRole('alert').filter({ hasText: 'Why it failed' });
    await alert.waitFor();
    expect(await alert.locator('.failure-reason').innerText()).toBe(error);
    const earlier = page.getByTestId('earlier-generations').locator('details');
    await earlier.first().waitFor();
    expect(await earlier.count()).toBe(1);
    expect(await earlier.locator('summary').innerText()).toMatch(
      /^Generation 1 · [0-9a-f]{12} · .* · failed at \w+$/,
    );
    await earlier.locator('summary').click();
    await earlier.getByRole('table').waitFor();
    await expectAccessible('failed environment');
    await page.screenshot({ path: `${artifacts}/failed-1280.png`, fullPage: true });
    await remember();
    // The error block is the widest thing on the page: it must wrap or scroll inside itself.
    await page.setViewportSize({ width: 375, height: 812 });
    await noHorizontalScroll();
    await expectAccessible('failed environment at 375 px');
    await page.screenshot({ path: `${artifacts}/failed-375.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    // …and destroys it from the same page.
    await page.getByRole('button', { name: 'Destroy' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Destroy' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor({ timeout: 60_000 });
    await row(broken.number).waitFor({ state: 'detached', timeout: 120_000 });
    await page.getByLabel('State').selectOption('live');
  });

  it('destroys the preview and shows it disappear from the list', async () => {
    await row(ready.number).getByRole('link').click();
    await page.getByRole('button', { name: 'Destroy' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Destroy' }).click();
    await page.getByRole('heading', { name: 'Environments' }).waitFor({ timeout: 60_000 });
    await row(ready.number).waitFor({ state: 'detached', timeout: 180_000 });
    const env = await plane.environment(repository, ready.number);
    expect(env?.state).toBe('destroyed');
    await remember();
  });

  it('signs out: the cookie is gone and the api refuses the old session', async () => {
    const [before] = await page.context().cookies();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Berth' }).waitFor();
    expect(await page.context().cookies()).toEqual([]);
    const replay = await fetch(`${plane.apiUrl}/api/v1/environments`, {
      headers: { cookie: `${before?.name}=${before?.value}` },
    });
    expect(replay.status).toBe(401);
  });

  it('never showed or received the seeded secret value', async () => {
    expect(answers.length).toBeGreaterThan(10);
    // What the browser itself says of the list polls: 304 when revalidated by ETag, and bytes.
    const polls = (await page.evaluate(
      `performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/v1/environments?')).map((e) => [e.responseStatus, e.transferSize])`,
    )) as [number, number][];
    const byStatus = polls.reduce<Record<string, number>>(
      (counts, [status]) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }),
      {},
    );
    const bytes = polls.reduce((sum, [, size]) => sum + size, 0);
    // And what the api answered them, from its request log: unchanged lists are 304s.
    const listLines = (plane.apps.find((a) => a.name === 'api')?.output() ?? '')
      .split('\n')
      .filter((line) => line.includes('/api/v1/environments?limit=200'));
    const notModified = listLines.filter((line) => line.includes('"statusCode":304')).length;
    console.log(`api request log: ${listLines.length} list polls, ${notModified} answered 304`);
    expect(notModified).toBeGreaterThan(0);
    console.log(
      `console api answers by status (playwright): ${JSON.stringify(Object.fromEntries(statuses))}; list polls since the last page load (browser): ${JSON.stringify(byStatus)}, ${bytes} bytes transferred`,
    );
    expect(answers.filter((body) => body.includes(SECRET))).toEqual([]);
    expect(shown.filter((text) => text.includes(SECRET))).toEqual([]);
  });
});
