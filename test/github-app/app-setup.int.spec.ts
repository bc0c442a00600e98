// The GitHub App setup end to end: the operator opens the api's setup page, the browser posts the
// manifest to GitHub (the emulator's real form endpoint), GitHub redirects back with a code, the
// api converts it through the SDK and stores the credentials encrypted. Then, with no restart, a
// webhook signed with the new App's secret is accepted and the worker's GitHub driver — built the
// way the worker's composition root builds it, before the App existed — authenticates as the new
// App.
import { randomBytes, randomInt } from 'node:crypto';
import {
  GitHubAppNotConfiguredError,
  CredentialSwitchingGitHub,
  OctokitGitHub,
} from '@berth/providers';
import { PostgresSecretStore } from '@berth/db';
import { GitHubAppCredentials } from '@berth/runtime';
import { type GitHubEmulator, sendWebhook, startGitHubEmulator } from '@berth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  type ApiHarness,
  startApi,
} from '../../apps/api/src/test-support/api-harness.js';

let gh: GitHubEmulator;
let api: ApiHarness;
const masterKey = randomBytes(32);

beforeAll(async () => {
  gh = await startGitHubEmulator({ firstRepositoryId: randomInt(100_000_000, 900_000_000) });
  await gh.createRepository({
    owner: 'acme',
    name: `setup-${randomBytes(3).toString('hex')}`,
    files: { 'README.md': '# x\n' },
  });
  api = await startApi({
    GITHUB_WEBHOOK_SECRET: undefined,
    BERTH_MASTER_KEY: masterKey.toString('base64'),
    GITHUB_API_URL: gh.url,
  });
  // The run's database is shared by every spec file: start without a stored App.
  await api.stores.prisma.secret.deleteMany({ where: { name: 'github/app' } });
});

afterAll(async () => {
  await api?.stores.prisma.secret.deleteMany({ where: { name: 'github/app' } });
  await api?.stop();
  await gh?.stop();
});

const decode = (html: string) =>
  html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function workerGitHub() {
  const credentials = new GitHubAppCredentials({
    store: new PostgresSecretStore(api.stores.prisma, masterKey),
    env: {},
  });
  return new CredentialSwitchingGitHub(
    () => credentials.appKey(),
    (key) =>
      new OctokitGitHub({
        ...key,
        baseUrl: gh.url,
        retries: 0,
        writeIntervalMs: 0,
        notificationIntervalMs: 0,
      }),
  );
}

describe('GitHub App setup through the manifest flow', () => {
  it('creates the App, stores it encrypted, and the apps use it without a restart', async () => {
    // Before: the worker has no App, and no webhook verifies.
    const worker = workerGitHub();
    await expect(worker.installationToken(gh.installationId)).rejects.toThrow(
      GitHubAppNotConfiguredError,
    );
    const early = await sendWebhook({
      url: `${api.url}/webhooks/github`,
      secret: 'guess-0123456789abcdef',
      event: 'ping',
      payload: { zen: 'x' },
    });
    expect(early.status).toBe(401);

    // 1. The setup page: a form for GitHub, and the state cookie for this browser.
    const page = await fetch(`${api.url}/setup/github?organization=acme`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const action = decode(
      /<form id="manifest" method="post" action="([^"]+)"/.exec(html)?.[1] ?? '',
    );
    const manifest = decode(/name="manifest" value="([^"]+)"/.exec(html)?.[1] ?? '');
    expect(action).toMatch(new RegExp(`^${gh.url}/organizations/acme/settings/apps/new\\?state=`));
    expect(JSON.parse(manifest)).toMatchObject({
      hook_attributes: { url: `${api.url}/webhooks/github` },
      redirect_url: `${api.url}/setup/github/callback`,
      default_permissions: {
        pull_requests: 'write',
        contents: 'read',
        statuses: 'write',
        checks: 'write',
        metadata: 'read',
        issues: 'write',
        members: 'read',
      },
      default_events: expect.arrayContaining(['pull_request', 'issue_comment']),
    });
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^berth_setup_state=/);

    // 2. The browser posts the manifest to GitHub, which redirects back with a code.
    const created = await fetch(action, {
      method: 'POST',
      body: new URLSearchParams({ manifest }),
      redirect: 'manual',
    });
    expect(created.status).toBe(302);
    const callback = created.headers.get('location') ?? '';
    expect(callback.startsWith(`${api.url}/setup/github/callback?code=`)).toBe(true);

    // A callback from another browser (no cookie) or with a forged state is refused, and does
    // not spend the code.
    const noCookie = await fetch(callback);
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain('this browser did not start the setup');
    const forged = new URL(callback);
    forged.searchParams.set('state', `9999999999.${'0'.repeat(32)}.${'0'.repeat(64)}`);
    expect((await fetch(forged, { headers: { cookie } })).status).toBe(400);

    // 3. The real callback converts the code and stores the App.
    const done = await fetch(callback, { headers: { cookie } });
    expect(await done.text()).toContain('created');
    expect(done.status).toBe(200);
    const app = gh.app;
    const webhookSecret = gh.webhookTarget?.secret ?? '';
    expect(webhookSecret).not.toBe('');

    // Ciphertext only: neither the PEM nor the webhook secret is in the row, in any encoding.
    const rows = await api.stores.prisma.$queryRaw<Array<{ dump: string }>>`
      SELECT row_to_json(s)::text || encode(s.ciphertext, 'escape') || encode(s.wrapped_key, 'escape') AS dump
      FROM secrets s WHERE name = 'github/app'`;
    expect(rows).toHaveLength(1);
    const dump = rows[0]?.dump ?? '';
    expect(dump).not.toContain('PRIVATE KEY');
    expect(dump).not.toContain(app.privateKey.split('\n')[1] ?? 'x');
    expect(dump).not.toContain(webhookSecret);
    expect(dump).not.toContain(Buffer.from(webhookSecret).toString('hex'));

    // 4. The setup page is closed now, except to the admin.
    expect((await fetch(`${api.url}/setup/github`)).status).toBe(403);
    expect(
      (
        await fetch(`${api.url}/setup/github`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).status,
    ).toBe(200);

    // 5. GitHub's webhooks, signed with the new secret, are accepted by the running api.
    const repo = [...gh.state.repos.values()][0]!.fullName;
    await gh.openPullRequest({ repo, branch: 'feat', title: 'Feat' });
    const delivery = gh.deliveries.at(-1)!;
    expect(delivery.response?.status).toBe(202);
    expect(delivery.response?.body).toMatchObject({ status: 'queued' });
    const forgedDelivery = await sendWebhook({
      url: `${api.url}/webhooks/github`,
      secret: 'not-the-secret-0123456789',
      event: 'ping',
      payload: {},
    });
    expect(forgedDelivery.status).toBe(401);

    // 6. The worker's driver, made before the App existed, now authenticates as the new App.
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the "no App" answer is cached 1 s
    gh.clearRequests();
    expect(await worker.installationToken(gh.installationId)).toMatch(/^ghs_/);
    const tokenRequest = gh.requests.find((r) => r.path.endsWith('/access_tokens'));
    expect(tokenRequest).toMatchObject({ auth: 'app-jwt', status: 201 });
    const jwt = String(tokenRequest?.headers['authorization']).split(' ')[1] ?? '';
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as {
      iss: unknown;
    };
    expect(String(claims.iss)).toBe(String(app.id));
  });
});
