// The admin console (decision 0033) in Debian's Chromium against the whole control plane: a
// person signs in with a token, watches the shop's preview go from building to ready without
// reloading, opens it, extends it, reads a failed preview's reason and destroys the ready one;
// at 1280 px and 375 px, checked by axe, and never shown a secret value.
import { mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { ControlPlane, type PullRecord } from '@berth/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServices } from '../support/test-services.js';
import { launchChromium } from './chromium.js';
import { composeVariablesFile, removeByLabel, uniqueRepoName } from './preview-session.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const artifacts = `${root}test-results/console`;
const owner = 'acme';
const name = uniqueRepoName();
const repository = `${owner}/${name}`;
/** Seeded as the shop's `db_password`: it must appear in no page and no answer the console got. */
const SECRET = `console-secret-${Math.random().toString(36).slice(2)}-do-not-show`;

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

  it('fits a 375 px phone without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await noHorizontalScroll();
    await page.screenshot({ path: `${artifacts}/environment-375.png`, fullPage: true });
    await page.getByRole('link', { name: '← All environments' }).click();
    await row(ready.number).waitFor();
    await noHorizontalScroll();
    await expectAccessible('environments at 375 px');
    await page.screenshot({ path: `${artifacts}/environments-375.png`, fullPage: true });
    await remember();
    await page.setViewportSize({ width: 1280, height: 900 });
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
    const failed = await plane.waitForState(repository, broken.number, 'failed', {
      timeoutMs: 120_000,
    });
    const error = failed.stages?.find((s) => s.status === 'failed')?.error ?? '';
    expect(error).toMatch(/privileged/);
    await page.getByLabel('State').selectOption('failed');
    await row(broken.number).getByRole('link').click();
    const alert = page.getByRole('alert').filter({ hasText: 'Why it failed' });
    await alert.waitFor();
    expect(await alert.locator('.failure-reason').innerText()).toBe(error);
    await expectAccessible('failed environment');
    await page.screenshot({ path: `${artifacts}/failed-1280.png`, fullPage: true });
    await remember();
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
