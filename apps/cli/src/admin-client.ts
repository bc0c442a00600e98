import type { RepositorySettingsPatch } from '@berth/core';
import { FLAG_OF_FIELD } from './repo-flags.js';
import type { SsoSessionView } from './sessions-command.js';

/** A repository's settings as /admin/v1 returns them. */
export interface RepositorySettingsView {
  fullName: string;
  configured: boolean;
  enabled: boolean;
  accessMode: string;
  allowedVariables: string[];
  composePath?: string;
  baseBranch?: string;
  defaultTtlHours?: number;
  idleSleepHours?: number;
  defaultDbMode?: string;
  maxMemoryMb?: number;
  maxCpus?: number;
  maxPids?: number;
  maxServices?: number;
  accessModes?: string[];
  ipAllowlist?: string[];
  bypassTokenSet?: boolean;
  ssoGithubOrg?: string;
  ssoGithubTeam?: string;
  ssoAllowedEmails?: string[];
  ssoAllowedDomains?: string[];
  ssoAllowedGroups?: string[];
  forkSecrets?: boolean;
  buildSecrets?: string[];
  slackChannel?: string;
}

/** Where an operator secret lives: an owner's installation layer, a repository, or one PR. */
export type SecretTarget = { owner: string } | { repository: string; pr?: number };

/** `berth repo rotate-bypass`: the new secret, shown once. */
export interface RotatedBypassToken {
  repository: string;
  secret: string;
  header: string;
  tokenModeEnabled: boolean;
}

/** A share link as the admin api lists it (never its token). */
export interface ShareLinkView {
  id: string;
  environmentId: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  note: string | null;
  status: 'active' | 'expired' | 'revoked';
}

/** The api answered with an error; the message is ready to print. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
}

/** A registered db:snapshot dump as the api lists it. */
export interface SnapshotView {
  name: string;
  repository: string;
  engine: string;
  format: string;
  /** Exactly one of `file` (a name in SNAPSHOT_DIR) and `s3` (`s3://bucket/key`). */
  file?: string;
  s3?: string;
  sanitized: boolean;
  maskSql?: string;
  registeredAt: string;
  /** Size of the file in the api's SNAPSHOT_DIR; null when it is not there, or for an object. */
  bytes: number | null;
}

/** The admin REST API (/admin/v1) with the operator's token. */

export class AdminClient {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
  ) {}

  show(repository: string): Promise<RepositorySettingsView> {
    return this.request('GET', repositoryPath(repository));
  }

  list(): Promise<{ repositories: RepositorySettingsView[] }> {
    return this.request('GET', '/admin/v1/repositories');
  }

  update(repository: string, patch: RepositorySettingsPatch): Promise<RepositorySettingsView> {
    return this.request('PATCH', repositoryPath(repository), patch);
  }

  reset(repository: string): Promise<RepositorySettingsView & { removed: boolean }> {
    return this.request('DELETE', repositoryPath(repository));
  }

  sessions(filter: { user: string } | { env: string }): Promise<{ sessions: SsoSessionView[] }> {
    return this.request('GET', `/admin/v1/sessions?${new URLSearchParams(filter).toString()}`);
  }

  revokeSessions(filter: { user: string } | { env: string }): Promise<{ revoked: number }> {
    return this.request('POST', '/admin/v1/sessions/revoke', filter);
  }

  rotateBypassToken(repository: string): Promise<RotatedBypassToken> {
    return this.request('POST', `${repositoryPath(repository)}/bypass-token`);
  }

  createShareLink(
    repository: string,
    pr: number,
    body: { ttlSeconds?: number; note?: string; createdBy?: string },
  ): Promise<ShareLinkView & { links: Record<string, string> }> {
    return this.request('POST', `${repositoryPath(repository)}/pulls/${pr}/share-links`, body);
  }

  shareLinks(repository: string, pr: number): Promise<{ shareLinks: ShareLinkView[] }> {
    return this.request('GET', `${repositoryPath(repository)}/pulls/${pr}/share-links`);
  }

  revokeShareLink(id: string): Promise<ShareLinkView> {
    return this.request('DELETE', `/admin/v1/share-links/${encodeURIComponent(id)}`);
  }

  setSecret(
    target: { owner: string },
    name: string,
    body: { value: string } | { reference: string },
  ): Promise<{ layer: string; name: string; kind: string }> {
    return this.request('PUT', `${secretsPath(target)}/${encodeURIComponent(name)}`, body);
  }

  removeSecret(target: { owner: string }, name: string): Promise<{ layer: string; removed: true }> {
    return this.request('DELETE', `${secretsPath(target)}/${encodeURIComponent(name)}`);
  }

  rotateMasterKey(): Promise<{ rewrapped: number; current: number; unreadable: string[] }> {
    return this.request('POST', '/admin/v1/secrets/rotate-key');
  }

  snapshots(): Promise<{ snapshots: SnapshotView[] }> {
    return this.request('GET', '/admin/v1/snapshots');
  }

  registerSnapshot(
    name: string,
    body: {
      repository: string;
      engine: string;
      format: string;
      file?: string;
      s3?: string;
      sanitized: boolean;
      maskSql?: string;
    },
  ): Promise<SnapshotView> {
    return this.request('PUT', `/admin/v1/snapshots/${encodeURIComponent(name)}`, body);
  }

  removeSnapshot(name: string): Promise<{ name: string; removed: true }> {
    return this.request('DELETE', `/admin/v1/snapshots/${encodeURIComponent(name)}`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.apiUrl.replace(/\/+$/, '')}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new ApiError(
        `cannot reach the Berth api at ${this.apiUrl} (${(error as Error).message}): check BERTH_API_URL`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) throw new ApiError(errorMessage(response.status, json, text));
    return json as T;
  }
}

function repositoryPath(repository: string): string {
  const [owner, name, ...rest] = repository.split('/');
  if (!owner || !name || rest.length) {
    throw new ApiError(
      `repository must be owner/name (e.g. acme/shop), got ${JSON.stringify(repository)}`,
    );
  }
  return `/admin/v1/repositories/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

/**
 * `berth secret … --owner`: the installation layer by owner, which v1 names only through one of
 * the owner's repositories. Repositories and PRs go through v1 (secret-command.ts).
 */
function secretsPath(target: { owner: string }): string {
  return `/admin/v1/secrets/installations/${encodeURIComponent(target.owner)}`;
}

function errorMessage(status: number, json: unknown, text: string): string {
  const body = (json ?? {}) as {
    message?: unknown;
    problems?: { field: string; message: string }[];
  };
  if (Array.isArray(body.problems) && body.problems.length) {
    return body.problems
      .map((p) => `${FLAG_OF_FIELD[p.field.split('.')[0] ?? ''] ?? p.field}: ${p.message}`)
      .join('\n');
  }
  const message = typeof body.message === 'string' ? body.message : text.slice(0, 300);
  if (status === 401) return `${message} (the CLI sends BERTH_ADMIN_TOKEN)`;
  return `the api answered ${status}: ${message}`;
}
