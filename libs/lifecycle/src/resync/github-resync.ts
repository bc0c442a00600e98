// The resync with GitHub (docs/decisions/0022-github-resync.md). GitHub does not redeliver a
// webhook it failed to deliver, and nothing is delivered while Berth is down. Per installation,
// one run at a time: list each known repository's open PRs (conditionally: an unchanged list is
// a 304, free of rate limit), ask for the PRs Berth holds open that the list lacks, compare with
// the environments (planResync, pure), and write each difference to the webhook inbox as the
// `pull_request` delivery GitHub would have sent. The default branch's head is compared with
// the base environment's the same way (a lost `push`). The inbox processor does the rest, in
// order, through the one command path; nothing here writes environment state.

import {
  BASE_ENVIRONMENT_PR,
  closedCandidates,
  planBasePush,
  planResync,
  type ResyncBranchHead,
  type ResyncPullRequest,
  type ResyncReason,
} from '@berth/core';
import type {
  ResyncQueries,
  ResyncRepository,
  ResyncRepositoryFilter,
  WebhookInbox,
} from '@berth/db';
import type { GitHubPort, RepositoryCoordinates } from '@berth/providers';
import type { ShortLock } from '@berth/queue';
import type { Logger } from 'pino';
import type { RepositoryGate } from '../trigger/repository-admission.js';

/** Where the last listing of each repository is kept (its ETags and PRs), shared by workers. */
export interface ResyncCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

export interface GitHubResyncDeps {
  github: Pick<GitHubPort, 'listOpenPullRequests' | 'getPullRequest' | 'defaultBranchHead'>;
  queries: Pick<
    ResyncQueries,
    'repositories' | 'environments' | 'waitingPullRequests' | 'baseEnvironment'
  >;
  inbox: Pick<WebhookInbox, 'store'>;
  /** The allowlist: a repository outside it is only checked for closes of what it still holds. */
  admission: RepositoryGate;
  /** One run per installation at a time across workers. */
  lock: ShortLock;
  cache: ResyncCache;
  logger: Logger;
  onReport?: (report: ResyncReport) => void;
}

export interface ResyncDeliveryReport {
  prNumber: number;
  action: string;
  reason: ResyncReason;
  deliveryId: string;
  /** `duplicate`: the same difference was written before (still waiting, or settled). */
  stored: 'stored' | 'duplicate';
}

export interface ResyncRepositoryReport {
  repository: string;
  installationId: number;
  /** `not-modified`: GitHub answered 304, the cached list was compared. */
  listing: 'modified' | 'not-modified' | 'not-admitted' | 'failed';
  open: number;
  /** PRs asked for one by one (open in Berth, missing from the list). */
  fetched: number;
  /**
   * The default branch against the base environment (PR 0): `not-modified` (GitHub's 304, the
   * cached head compared), `modified`, `failed`; absent when there is no live base environment.
   */
  base?: 'modified' | 'not-modified' | 'failed';
  deliveries: ResyncDeliveryReport[];
  error?: string;
}

export interface ResyncReport {
  startedAt: string;
  durationMs: number;
  repositories: ResyncRepositoryReport[];
  /** Installations another worker was resyncing: left to it. */
  skippedInstallations: number[];
  stored: number;
  duplicates: number;
  failed: number;
}

/** A run holds its installation's lock at most this long (a crashed worker's lock expires). */
const LOCK_TTL_MS = 10 * 60_000;
/** A cached listing older than this is dropped; the next run lists in full. */
const CACHE_TTL_MS = 24 * 3_600_000;

interface CachedListing {
  validator: string;
  pulls: ResyncPullRequest[];
}

interface CachedHead {
  validator: string;
  head: ResyncBranchHead;
}

export class GitHubResync {
  constructor(private readonly deps: GitHubResyncDeps) {}

  async run(filter: ResyncRepositoryFilter = {}): Promise<ResyncReport> {
    const started = Date.now();
    const repositories = await this.deps.queries.repositories(filter);
    const byInstallation = new Map<number, ResyncRepository[]>();
    for (const repo of repositories) {
      const list = byInstallation.get(repo.installationId) ?? [];
      list.push(repo);
      byInstallation.set(repo.installationId, list);
    }
    const report: ResyncReport = {
      startedAt: new Date(started).toISOString(),
      durationMs: 0,
      repositories: [],
      skippedInstallations: [],
      stored: 0,
      duplicates: 0,
      failed: 0,
    };
    for (const [installationId, repos] of byInstallation) {
      const key = `resync-${installationId}`;
      const token = await this.deps.lock.acquire(key, LOCK_TTL_MS);
      if (!token) {
        report.skippedInstallations.push(installationId);
        continue;
      }
      try {
        for (const repo of repos) report.repositories.push(await this.repository(repo));
      } finally {
        await this.deps.lock.release(key, token);
      }
    }
    for (const r of report.repositories) {
      for (const d of r.deliveries) {
        if (d.stored === 'stored') report.stored += 1;
        else report.duplicates += 1;
      }
      if (r.listing === 'failed') report.failed += 1;
    }
    report.durationMs = Date.now() - started;
    this.deps.logger.info(
      {
        repositories: report.repositories.length,
        stored: report.stored,
        duplicates: report.duplicates,
        failed: report.failed,
        skippedInstallations: report.skippedInstallations,
        durationMs: report.durationMs,
      },
      'resync with GitHub done',
    );
    this.deps.onReport?.(report);
    return report;
  }

  /** One repository; a failure is reported and the next repository still runs. */
  private async repository(repo: ResyncRepository): Promise<ResyncRepositoryReport> {
    const base: ResyncRepositoryReport = {
      repository: repo.fullName,
      installationId: repo.installationId,
      listing: 'failed',
      open: 0,
      fetched: 0,
      deliveries: [],
    };
    const log = this.deps.logger.child({ repository: repo.fullName });
    try {
      const admitted = (await this.deps.admission.admit(repo.fullName)).admitted;
      const environments = await this.deps.queries.environments(repo.id);
      // Outside the allowlist nothing is built; only a close still matters (as in the inbox).
      if (!admitted && !environments.some((e) => !e.closed && e.state !== 'destroyed')) {
        return { ...base, listing: 'not-admitted' };
      }
      const coordinates: RepositoryCoordinates = {
        installationId: repo.installationId,
        owner: repo.owner,
        repo: repo.name,
      };
      const cacheKey = `resync:${repo.providerId}`;
      const cached = parseCached(await this.deps.cache.get(cacheKey).catch(() => undefined));
      const answer = await this.deps.github.listOpenPullRequests(coordinates, cached?.validator);
      const listing = answer.status === 'modified' ? answer : undefined;
      const open = listing ? listing.pulls : (cached?.pulls ?? []);
      const fetched: ResyncPullRequest[] = [];
      for (const number of closedCandidates(open, environments)) {
        try {
          fetched.push(await this.deps.github.getPullRequest(coordinates, number));
        } catch (error) {
          log.warn({ err: error, prNumber: number }, 'resync could not read a pull request');
        }
      }
      const waiting = await this.deps.queries.waitingPullRequests(repo.providerId);
      const planned = planResync({
        repositoryId: repo.providerId,
        installationId: repo.installationId,
        pulls: [...open, ...fetched],
        environments,
        waiting,
      }).filter((d) => admitted || d.action === 'closed');
      const deliveries: ResyncDeliveryReport[] = [];
      for (const d of planned) {
        const stored = await this.deps.inbox.store({
          deliveryId: d.deliveryId,
          event: d.event,
          action: d.action,
          orderingKey: d.orderingKey,
          payload: JSON.stringify(d.payload),
          outcome: 'received',
          detail: `resync: ${d.reason}`,
        });
        deliveries.push({
          prNumber: d.prNumber,
          action: d.action,
          reason: d.reason,
          deliveryId: d.deliveryId,
          stored,
        });
        if (stored === 'stored') {
          log.info({ prNumber: d.prNumber, action: d.action, reason: d.reason }, 'resync delivery');
        }
      }
      const baseHead = admitted
        ? await this.basePush(repo, coordinates, waiting, deliveries)
        : undefined;
      // Only once every difference is in the inbox: a run cut short lists in full next time.
      if (listing) {
        await this.deps.cache
          .set(
            cacheKey,
            JSON.stringify({ validator: listing.validator, pulls: listing.pulls }),
            CACHE_TTL_MS,
          )
          .catch((error: unknown) => log.warn({ err: error }, 'resync could not cache a listing'));
      }
      return {
        ...base,
        listing: listing ? 'modified' : 'not-modified',
        open: open.length,
        fetched: fetched.length,
        ...(baseHead ? { base: baseHead } : {}),
        deliveries,
      };
    } catch (error) {
      log.warn({ err: error }, 'resync of a repository failed');
      return { ...base, error: (error as Error).message };
    }
  }

  /**
   * A lost push to the default branch: its head against the live base environment's (decision
   * 0017). The repository is asked conditionally (its ETag cached like a PR listing): a 304 means
   * nothing was pushed since, and the cached head is compared. A failure is logged and reported;
   * the pull requests' deliveries stand.
   */
  private async basePush(
    repo: ResyncRepository,
    coordinates: RepositoryCoordinates,
    waiting: ReadonlySet<number>,
    deliveries: ResyncDeliveryReport[],
  ): Promise<ResyncRepositoryReport['base']> {
    const log = this.deps.logger.child({ repository: repo.fullName });
    try {
      const base = await this.deps.queries.baseEnvironment(repo.id);
      if (!base || base.closed || base.state === 'destroyed') return undefined;
      const cacheKey = `resync-base:${repo.providerId}`;
      const cached = parseCachedHead(await this.deps.cache.get(cacheKey).catch(() => undefined));
      const answer = await this.deps.github.defaultBranchHead(coordinates, cached?.validator);
      const head = answer.status === 'modified' ? answer.head : cached?.head;
      if (!head) throw new Error('GitHub answered 304 to a request Berth did not make conditional');
      // A renamed or replaced repository: its id is not the one Berth knows; never act on it.
      if (head.repository.id !== repo.providerId) return answer.status;
      const push = planBasePush({
        installationId: repo.installationId,
        base,
        head,
        waiting: waiting.has(BASE_ENVIRONMENT_PR),
      });
      if (push) {
        const stored = await this.deps.inbox.store({
          deliveryId: push.deliveryId,
          event: push.event,
          orderingKey: push.orderingKey,
          payload: JSON.stringify(push.payload),
          outcome: 'received',
          detail: `resync: ${push.reason}`,
        });
        deliveries.push({
          prNumber: push.prNumber,
          action: 'push',
          reason: push.reason,
          deliveryId: push.deliveryId,
          stored,
        });
        if (stored === 'stored') log.info({ sha: head.sha }, 'resync delivery: a lost push');
      }
      if (answer.status === 'modified' && answer.validator) {
        await this.deps.cache
          .set(cacheKey, JSON.stringify({ validator: answer.validator, head }), CACHE_TTL_MS)
          .catch((error: unknown) => log.warn({ err: error }, 'resync could not cache a head'));
      }
      return answer.status;
    } catch (error) {
      log.warn({ err: error }, 'resync of the default branch failed');
      return 'failed';
    }
  }
}

function parseCachedHead(raw: string | undefined): CachedHead | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<CachedHead>;
    if (typeof value.validator !== 'string' || typeof value.head?.sha !== 'string')
      return undefined;
    return { validator: value.validator, head: value.head };
  } catch {
    return undefined;
  }
}

function parseCached(raw: string | undefined): CachedListing | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<CachedListing>;
    if (typeof value.validator !== 'string' || !Array.isArray(value.pulls)) return undefined;
    return { validator: value.validator, pulls: value.pulls };
  } catch {
    return undefined;
  }
}
