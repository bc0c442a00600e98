import type { PullRequestNow } from '@berth/core';

export interface RepositoryRef {
  installationId: number;
  owner: string;
  repo: string;
}

/** The two GitHub reads the trigger needs (GitHubPort satisfies it). */
export interface PullRequestFactsSource {
  pullRequest(repo: RepositoryRef, prNumber: number): Promise<PullRequestNow>;
  permission(repo: RepositoryRef, login: string): Promise<string>;
}

const WRITERS = new Set(['admin', 'maintain', 'write']);

/**
 * Asks GitHub whether a user may approve a fork's code (write access or more), and caches the
 * answer briefly: a burst of label events costs one call, and a revoked collaborator is
 * honoured within the TTL.
 */
export class ApprovalPermissions {
  private readonly cache = new Map<string, { canApprove: boolean; until: number }>();

  constructor(
    private readonly github: PullRequestFactsSource,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  async canApprove(repo: RepositoryRef, login: string): Promise<boolean> {
    const key = `${repo.owner}/${repo.repo}:${login}`.toLowerCase();
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.canApprove;
    const canApprove = WRITERS.has(await this.github.permission(repo, login));
    this.cache.set(key, { canApprove, until: this.now() + this.ttlMs });
    if (this.cache.size > 10_000) this.cache.clear();
    return canApprove;
  }
}
