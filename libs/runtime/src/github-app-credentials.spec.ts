import type { SecretStore } from '@berth/core';
import { describe, expect, it } from 'vitest';
import {
  GITHUB_APP_SECRET,
  GitHubAppCredentials,
  type StoredGitHubApp,
} from './github-app-credentials.js';

/** An in-memory SecretStore (the port), counting reads. */
class MemoryStore implements SecretStore {
  readonly values = new Map<string, string>();
  reads = 0;
  async get(name: string) {
    this.reads += 1;
    return this.values.get(name);
  }
  async put(name: string, value: string) {
    this.values.set(name, value);
  }
  async putAll(values: Record<string, string>) {
    for (const [k, v] of Object.entries(values)) this.values.set(k, v);
  }
  async delete(name: string) {
    return this.values.delete(name);
  }
  async names() {
    return [...this.values.keys()];
  }
}

const app: StoredGitHubApp = {
  id: 99,
  slug: 'berth-acme',
  name: 'Berth (acme)',
  htmlUrl: 'https://github.com/apps/berth-acme',
  owner: 'acme',
  pem: '-----BEGIN RSA PRIVATE KEY-----x',
  webhookSecret: 'whsec',
  clientId: 'Iv1.x',
  clientSecret: 'cs',
  createdAt: '2026-12-02T00:00:00Z',
};

describe('GitHubAppCredentials', () => {
  it('prefers the env over the stored App', async () => {
    const store = new MemoryStore();
    store.values.set(GITHUB_APP_SECRET, JSON.stringify(app));
    const creds = new GitHubAppCredentials({
      store,
      env: { GITHUB_APP_ID: 1, GITHUB_APP_PRIVATE_KEY: 'env-pem', GITHUB_WEBHOOK_SECRET: 'env' },
    });
    expect(await creds.appKey()).toEqual({ appId: 1, privateKey: 'env-pem' });
    expect(await creds.webhookSecret()).toBe('env');
    expect(store.reads).toBe(0);
  });

  it('sees an App stored after start within the miss interval, then caches it', async () => {
    let now = 0;
    const store = new MemoryStore();
    const creds = new GitHubAppCredentials({
      store,
      env: {},
      now: () => now,
      missTtlMs: 1_000,
      ttlMs: 10_000,
    });
    expect(await creds.appKey()).toBeUndefined();
    store.values.set(GITHUB_APP_SECRET, JSON.stringify(app));
    expect(await creds.appKey()).toBeUndefined(); // the miss is trusted for 1 s
    now = 1_001;
    expect(await creds.appKey()).toEqual({ appId: 99, privateKey: app.pem });
    const reads = store.reads;
    now = 5_000;
    expect(await creds.webhookSecret()).toBe('whsec');
    expect(store.reads).toBe(reads);
    // A failed signature asks for a fresh read: a rotated secret is seen at once.
    store.values.set(GITHUB_APP_SECRET, JSON.stringify({ ...app, webhookSecret: 'rotated' }));
    expect(await creds.webhookSecret({ fresh: true })).toBe('rotated');
  });

  it('saves through the store and refuses without a master key', async () => {
    const store = new MemoryStore();
    const creds = new GitHubAppCredentials({ store, env: {} });
    await creds.save(app);
    expect(JSON.parse(store.values.get(GITHUB_APP_SECRET) ?? '{}')).toMatchObject({ id: 99 });
    expect(await creds.configured()).toBe(true);
    const none = new GitHubAppCredentials({ store: undefined, env: {} });
    await expect(none.save(app)).rejects.toThrow(/BERTH_MASTER_KEY/);
    expect(await none.configured()).toBe(false);
  });
});
