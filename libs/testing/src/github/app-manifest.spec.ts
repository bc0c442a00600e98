// The App-manifest flow against the emulator, driven as a browser and Berth's backend would:
// the form POST, the redirect, the one-time conversion through the official SDK, then the new
// App authenticating with the PEM the conversion returned.
import { App } from '@octokit/app';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from './emulator.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('GitHub emulator: App manifest flow', () => {
  let gh: GitHubEmulator;

  beforeAll(async () => {
    gh = await startGitHubEmulator();
  });
  afterAll(async () => {
    await gh?.stop();
  });

  async function submitManifest(path: string, state: string): Promise<URL> {
    const manifest = {
      name: 'Berth Test',
      url: 'http://127.0.0.1:9/',
      hook_attributes: { url: 'http://127.0.0.1:9/webhooks/github' },
      redirect_url: 'http://127.0.0.1:9/setup/github/callback',
      default_permissions: { pull_requests: 'write', metadata: 'read' },
      default_events: ['pull_request'],
    };
    const res = await fetch(`${gh.url}${path}?state=${state}`, {
      method: 'POST',
      body: new URLSearchParams({ manifest: JSON.stringify(manifest) }),
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location') ?? '');
  }

  it('redirects with a code and the state, converts it once, and the new App authenticates', async () => {
    const location = await submitManifest('/organizations/acme/settings/apps/new', 'st4te');
    expect(location.pathname).toBe('/setup/github/callback');
    expect(location.searchParams.get('state')).toBe('st4te');
    const code = location.searchParams.get('code') ?? '';

    const sdk = new Octokit({ baseUrl: gh.url, log: quiet });
    const { data, status } = await sdk.rest.apps.createFromManifest({ code });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      slug: 'berth-test',
      name: 'Berth Test',
      owner: { login: 'acme' },
      permissions: { pull_requests: 'write', metadata: 'read' },
      events: ['pull_request'],
      webhook_secret: expect.any(String),
      client_id: expect.any(String),
      client_secret: expect.any(String),
      pem: expect.stringContaining('PRIVATE KEY'),
    });
    expect(gh.app.id).toBe(data.id);
    expect(gh.webhookTarget).toEqual({
      url: 'http://127.0.0.1:9/webhooks/github',
      secret: data.webhook_secret,
    });

    // The code is single-use, like GitHub's.
    await expect(sdk.rest.apps.createFromManifest({ code })).rejects.toMatchObject({ status: 404 });

    const app = new App({
      appId: data.id,
      privateKey: data.pem,
      Octokit: Octokit.defaults({ baseUrl: gh.url, log: quiet }),
    });
    const { data: me } = await app.octokit.request('GET /app');
    expect(me).toMatchObject({ id: data.id, slug: 'berth-test' });
    const installation = await app.getInstallationOctokit(gh.installationId);
    expect(installation).toBeDefined();
  });

  it('refuses a form without a manifest', async () => {
    const res = await fetch(`${gh.url}/settings/apps/new`, {
      method: 'POST',
      body: new URLSearchParams({}),
      redirect: 'manual',
    });
    expect(res.status).toBe(422);
  });
});
