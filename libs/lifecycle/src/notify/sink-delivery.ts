// Notifications are sinks on the lifecycle event stream: each (event, sink) pair is its own queued
// job with its own retries, run outside every stage and lease. A sink renders from the rows as
// they are now, so a retried or late delivery converges instead of rewinding.

import { type CheckRunEvent, isBaseEnvironment } from '@berth/core';
import {
  EnvironmentQueries,
  type LifecycleEvent,
  LifecycleEventStore,
  type PrismaClient,
  RevisionStore,
  StageRunStore,
} from '@berth/db';
import type { ShortLock, SinkJobData } from '@berth/queue';
import type { ReportedEvent, StatusReporter } from '../pipeline/status-reporter.js';
import type { CheckRunSink } from './check-run-sink.js';
import type { FeedSink } from './feed-sink.js';
import type { SlackSink } from './slack-sink.js';

export interface SinkDeliveryDeps {
  prisma: PrismaClient;
  reporter: StatusReporter;
  /** Serialises one environment's comment edits (two racing creates would post two comments). */
  lock: ShortLock;
  /** The `Berth / preview` check run; check jobs are dropped without it (GITHUB_CHECK_RUNS). */
  checks?: CheckRunSink;
  /** The pull request's Slack message (decision 0028); slack jobs are dropped without it. */
  slack?: SlackSink;
  /** The REST API's change feed (decision 0030); feed jobs are dropped without it. */
  feed?: FeedSink;
}

/**
 * `busy`: another job holds the lock, try again in a moment; `{ laterMs }`: run again then (the
 * check run's edit interval, or the wait GitHub asked for with a 429's retry-after) — neither
 * spends an attempt, and nothing of a stage is held meanwhile.
 */
export type SinkResult = 'delivered' | 'superseded' | 'gone' | 'busy' | { laterMs: number };

/** Events only the check sink renders: they must not hide a comment or status from the rest. */
const CHECK_ONLY_KINDS = ['requested'];
/**
 * Events only the comment renders (TTL, decision 0020; sleep, 0024): they must not hide a
 * status either.
 */
const COMMENT_ONLY_KINDS = ['expiring', 'expired', 'extended', 'asleep', 'awake', 'command'];
/** Events that end a generation's check run; older generations' other events would rewind it. */
const TERMINAL_KINDS = ['ready', 'failed', 'skipped', 'destroyed'];

export class SinkDelivery {
  private readonly events: LifecycleEventStore;
  private readonly environments: EnvironmentQueries;
  private readonly revisions: RevisionStore;
  private readonly stageRuns: StageRunStore;

  constructor(private readonly deps: SinkDeliveryDeps) {
    this.events = new LifecycleEventStore(deps.prisma);
    this.environments = new EnvironmentQueries(deps.prisma);
    this.revisions = new RevisionStore(deps.prisma);
    this.stageRuns = new StageRunStore(deps.prisma);
  }

  async deliver(job: SinkJobData): Promise<SinkResult> {
    try {
      return await this.attempt(job);
    } catch (error) {
      // GitHub or Slack said how long to wait (429 + retry-after): wait that long, then try again.
      const wait = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
      if (typeof wait === 'number') return { laterMs: Math.max(wait, 1_000) };
      throw error;
    }
  }

  private async attempt(job: SinkJobData): Promise<SinkResult> {
    const { reporter, lock } = this.deps;
    const event = await this.events.find(job.eventId);
    if (!event) return 'gone';
    if (job.sink === 'check') return this.check(event);
    if (job.sink === 'slack') return this.deps.slack ? this.deps.slack.deliver(event) : 'gone';
    if (job.sink === 'feed') return this.deps.feed ? this.deps.feed.deliver(event) : 'gone';
    // A newer event of the same environment (for the status: of the same revision) will render
    // the newer truth; delivering this one now could only rewind what the PR shows.
    const unseen =
      job.sink === 'status' ? [...CHECK_ONLY_KINDS, ...COMMENT_ONLY_KINDS] : CHECK_ONLY_KINDS;
    if (await this.events.hasNewer(event, job.sink === 'status', unseen)) {
      return 'superseded';
    }
    const reported = reportedEvent(event.kind, event.stage, event.detail);
    if (!reported) return 'gone';
    // The TTL's and sleep's events are the comment's alone.
    if (
      (reported.kind === 'ttl' || reported.kind === 'sleep' || reported.kind === 'command') &&
      job.sink !== 'comment'
    ) {
      return 'gone';
    }

    const token =
      job.sink === 'comment'
        ? await lock.acquire(`comment:${event.environmentId}`, 60_000)
        : 'none';
    if (!token) return 'busy';
    try {
      const environment = await this.environments.find(event.environmentId);
      const revision = await this.revisions.find(event.environmentId, event.generation);
      // The base environment has no pull request: no PR-facing sink speaks for it.
      if (!environment || !revision || isBaseEnvironment(environment)) return 'gone';
      const runs = await this.stageRuns.ofRevision(revision.id);
      await reporter.report(environment, revision, reported, runs, job.sink);
      return 'delivered';
    } finally {
      if (job.sink === 'comment') await lock.release(`comment:${event.environmentId}`, token);
    }
  }

  /**
   * The head's check run: a newer event of the same generation supersedes (the check run is
   * per head; a newer generation on the same head adopts it), and an older generation only
   * lands its end (ready, failed, …) so a late "building" never rewinds a newer run.
   */
  private async check(event: LifecycleEvent): Promise<SinkResult> {
    const checks = this.deps.checks;
    if (!checks) return 'gone';
    if (await this.events.hasNewer(event, true, COMMENT_ONLY_KINDS)) return 'superseded';
    const found: ReportedEvent | CheckRunEvent | undefined =
      event.kind === 'requested'
        ? { kind: 'requested' }
        : reportedEvent(event.kind, event.stage, event.detail);
    if (!found || found.kind === 'ttl' || found.kind === 'sleep' || found.kind === 'command') {
      return 'gone';
    }
    const reported: CheckRunEvent = found;
    const environment = await this.environments.find(event.environmentId);
    const revision = await this.revisions.find(event.environmentId, event.generation);
    if (!environment || !revision || isBaseEnvironment(environment)) return 'gone';
    if (environment.generation > event.generation && !TERMINAL_KINDS.includes(event.kind)) {
      return 'superseded';
    }
    const previous =
      event.kind === 'requested'
        ? await this.revisions.find(event.environmentId, event.generation - 1)
        : null;
    const runs = await this.stageRuns.ofRevision(revision.id);
    return checks.deliver(environment, revision, reported, runs, previous);
  }
}

function reportedEvent(
  kind: string,
  stage: string | null,
  detail: string | null,
): ReportedEvent | undefined {
  switch (kind) {
    case 'started':
      return { kind: 'started', stage: (stage ?? 'build') as 'build' };
    case 'queued':
      return { kind: 'queued', stage: (stage ?? 'replicate') as 'replicate', reason: detail ?? '' };
    case 'failed':
      return { kind: 'failed', stage: (stage ?? 'build') as 'build', error: detail ?? 'failed' };
    case 'ready':
    case 'destroyed':
    case 'held':
    case 'skipped':
      return { kind };
    case 'expiring':
    case 'expired':
    case 'extended':
      return { kind: 'ttl', change: kind };
    case 'asleep':
    case 'awake':
      return { kind: 'sleep', change: kind };
    case 'command':
      return { kind: 'command' };
    default:
      return undefined;
  }
}
