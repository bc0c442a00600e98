// Notifications are sinks on the lifecycle event stream: each (event, sink) pair is its own queued
// job with its own retries, run outside every stage and lease. A sink renders from the rows as
// they are now, so a retried or late delivery converges instead of rewinding.

import {
  EnvironmentQueries,
  LifecycleEventStore,
  type PrismaClient,
  RevisionStore,
  StageRunStore,
} from '@berth/db';
import type { ShortLock, SinkJobData } from '@berth/queue';
import type { ReportedEvent, StatusReporter } from '../pipeline/status-reporter.js';

export interface SinkDeliveryDeps {
  prisma: PrismaClient;
  reporter: StatusReporter;
  /** Serialises one environment's comment edits (two racing creates would post two comments). */
  lock: ShortLock;
}

export type SinkResult = 'delivered' | 'superseded' | 'gone' | 'busy';

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
    const { reporter, lock } = this.deps;
    const event = await this.events.find(job.eventId);
    if (!event) return 'gone';
    // A newer event of the same environment (for the status: of the same revision) will render
    // the newer truth; delivering this one now could only rewind what the PR shows.
    if (await this.events.hasNewer(event, job.sink === 'status')) return 'superseded';
    const reported = reportedEvent(event.kind, event.stage, event.detail);
    if (!reported) return 'gone';

    const token =
      job.sink === 'comment'
        ? await lock.acquire(`comment:${event.environmentId}`, 60_000)
        : 'none';
    if (!token) return 'busy';
    try {
      const environment = await this.environments.find(event.environmentId);
      const revision = await this.revisions.find(event.environmentId, event.generation);
      if (!environment || !revision) return 'gone';
      const runs = await this.stageRuns.ofRevision(revision.id);
      await reporter.report(environment, revision, reported, runs, job.sink);
      return 'delivered';
    } finally {
      if (job.sink === 'comment') await lock.release(`comment:${event.environmentId}`, token);
    }
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
    default:
      // expiring / asleep: no PR-facing rendering yet.
      return undefined;
  }
}
