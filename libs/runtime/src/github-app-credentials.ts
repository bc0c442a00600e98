import type { SecretStore } from '@berth/core';
import { z } from 'zod';

/** The secret-store name of the App created by /setup/github (one JSON value, written at once). */
export const GITHUB_APP_SECRET = 'github/app';

/** What GitHub's manifest conversion returned, as stored (encrypted) by the setup callback. */
export const storedGitHubAppSchema = z.object({
  id: z.number().int().positive(),
  slug: z.string(),
  name: z.string(),
  htmlUrl: z.string(),
  owner: z.string(),
  pem: z.string().min(1),
  webhookSecret: z.string().min(1),
  clientId: z.string(),
  clientSecret: z.string(),
  createdAt: z.string(),
});
export type StoredGitHubApp = z.infer<typeof storedGitHubAppSchema>;

/** The variables that override the stored App (any of them may be unset). */
export interface GitHubAppEnv {
  GITHUB_APP_ID?: number | undefined;
  GITHUB_APP_PRIVATE_KEY?: string | undefined;
  GITHUB_WEBHOOK_SECRET?: string | undefined;
}

export interface GitHubAppCredentialsOptions {
  /** The encrypted store; undefined without BERTH_MASTER_KEY (then only the env counts). */
  store: SecretStore | undefined;
  env: GitHubAppEnv;
  /** How long a stored App is trusted before it is read again; default 10 s. */
  ttlMs?: number;
  /** How long "no App stored" is trusted: short, so a fresh setup is seen at once; default 1 s. */
  missTtlMs?: number;
  now?: () => number;
}

/**
 * The GitHub App's credentials for a running process: the env when set, else the App stored by
 * /setup/github, read through a short cache. The api and the worker pick a new App up without a
 * restart: a miss (nothing stored, or a signature that did not verify) is re-read after at most
 * `missTtlMs`, a hit after `ttlMs`.
 */
export class GitHubAppCredentials {
  private cached: { app: StoredGitHubApp | undefined; at: number } | undefined;
  private reading: Promise<StoredGitHubApp | undefined> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: GitHubAppCredentialsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The App's id and key for JWTs, or undefined when there is none yet. */
  async appKey(): Promise<{ appId: number; privateKey: string } | undefined> {
    const { GITHUB_APP_ID: appId, GITHUB_APP_PRIVATE_KEY: privateKey } = this.options.env;
    if (appId !== undefined && privateKey !== undefined) return { appId, privateKey };
    const app = await this.stored();
    return app ? { appId: app.id, privateKey: app.pem } : undefined;
  }

  /**
   * The webhook secret, or undefined when there is none yet. `fresh` re-reads the store when the
   * cached value is older than the miss interval: a signature that fails against a stale secret
   * is checked once more against the current one.
   */
  async webhookSecret(options: { fresh?: boolean } = {}): Promise<string | undefined> {
    if (this.options.env.GITHUB_WEBHOOK_SECRET !== undefined) {
      return this.options.env.GITHUB_WEBHOOK_SECRET;
    }
    return (await this.stored(options))?.webhookSecret;
  }

  /** Whether any App is configured (env or store): the setup page is open only while none is. */
  async configured(): Promise<boolean> {
    const env = this.options.env;
    if (env.GITHUB_APP_ID !== undefined || env.GITHUB_WEBHOOK_SECRET !== undefined) return true;
    return (await this.stored({ fresh: true })) !== undefined;
  }

  /** The stored App (never the env), through the cache. */
  async stored(options: { fresh?: boolean } = {}): Promise<StoredGitHubApp | undefined> {
    const store = this.options.store;
    if (!store) return undefined;
    const age = this.cached ? this.now() - this.cached.at : Infinity;
    const missTtl = this.options.missTtlMs ?? 1_000;
    const ttl = this.cached?.app && !options.fresh ? (this.options.ttlMs ?? 10_000) : missTtl;
    if (this.cached && age < ttl) return this.cached.app;
    // One read at a time: a burst of webhooks shares it.
    this.reading ??= this.read(store).finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Stores a new App (the setup callback) and serves it from now on. */
  async save(app: StoredGitHubApp): Promise<void> {
    if (!this.options.store) {
      throw new Error(
        'cannot store the GitHub App: BERTH_MASTER_KEY is not set (generate one with `openssl rand -base64 32`)',
      );
    }
    await this.options.store.put(
      GITHUB_APP_SECRET,
      JSON.stringify(storedGitHubAppSchema.parse(app)),
    );
    this.cached = { app, at: this.now() };
  }

  private async read(store: SecretStore): Promise<StoredGitHubApp | undefined> {
    const raw = await store.get(GITHUB_APP_SECRET);
    let app: StoredGitHubApp | undefined;
    if (raw !== undefined) {
      const parsed = storedGitHubAppSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        throw new Error(
          `the stored GitHub App (${GITHUB_APP_SECRET}) is malformed: run /setup/github again`,
        );
      }
      app = parsed.data;
    }
    this.cached = { app, at: this.now() };
    return app;
  }
}
