import { readWiring, renderPreviewComment, statusFor } from '@berth/core';
import {
  EnvironmentQueries,
  LifecycleEventStore,
  type PrismaClient,
  RevisionStore,
  type Revision,
  type StageRun,
} from '@berth/db';
import type { GitHubPort, RepositoryCoordinates } from '@berth/providers';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';
import type { ReportedEvent, StatusReporter } from '../pipeline/status-reporter.js';
import {
  environmentSecretValues,
  type SecretSources,
} from '../secrets/environment-secret-values.js';
import { commentInput, servingOlder } from './comment-facts.js';

export interface GitHubStatusReporterDeps {
  prisma: PrismaClient;
  github: GitHubPort;
  now?: () => Date;
  /** Operator secrets to redact besides each environment's wiring (variables, registries). */
  secretSources?: Omit<SecretSources, 'prisma'>;
  /**
   * What a preview has cost so far (decision 0025), read on every comment render: the footer
   * follows the comment's own updates instead of editing it on every usage sample.
   */
  cost?: (environmentId: string) => Promise<{ total: number; measured: boolean }>;
}

/**
 * Tells the pull request: one sticky comment (its id kept on the environment) and the
 * `berth/preview` commit status on the revision's head SHA. Holds no state of its own: every
 * report is rendered from the rows it is given, so a replayed report converges.
 */
export class GitHubStatusReporter implements StatusReporter {
  private readonly environments: EnvironmentQueries;
  private readonly events: LifecycleEventStore;
  private readonly revisions: RevisionStore;

  constructor(private readonly deps: GitHubStatusReporterDeps) {
    this.environments = new EnvironmentQueries(deps.prisma);
    this.events = new LifecycleEventStore(deps.prisma);
    this.revisions = new RevisionStore(deps.prisma);
  }

  async report(
    environment: EnvironmentWithRepository,
    revision: Revision,
    event: ReportedEvent,
    stageRuns: StageRun[],
    /** Which sink to deliver (each is its own retried job); both when omitted. */
    only?: 'comment' | 'status',
  ): Promise<void> {
    const repo: RepositoryCoordinates = {
      installationId: Number(environment.repository.installationId),
      owner: environment.repository.owner,
      repo: environment.repository.name,
    };
    const links = { ...readWiring(revision.wiring).urls };
    // Every text below may carry an app's own log lines: masked with all the environment's secrets.
    const secrets = await environmentSecretValues(
      { ...this.deps.secretSources, prisma: this.deps.prisma },
      environment,
    );

    // A late report about an older generation must not overwrite the comment of a newer one;
    // its commit status still belongs on its own SHA.
    const stale = revision.generation < environment.generation && event.kind !== 'destroyed';
    if (!stale && only !== 'status') {
      // A figure that cannot be read costs the comment its cost line, never the comment.
      const cost = await this.deps.cost?.(environment.id).catch(() => undefined);
      // The last chat-op's answer stays on every render until the next one (decision 0026).
      const lastCommand = await this.events.latestDetail(environment.id, 'command');
      // While an older commit still answers, its own URLs are shown (the new wiring may not
      // exist yet, or expose other services).
      const older = event.kind === 'ready' ? undefined : servingOlder(environment, revision);
      const servedBy = older && (await this.revisions.find(environment.id, older.generation));
      const shown =
        event.kind === 'ready' || environment.state === 'ready'
          ? links
          : servedBy
            ? { ...readWiring(servedBy.wiring).urls }
            : {};
      const input = commentInput(environment, revision, event, stageRuns, {
        links: shown,
        secrets,
        ...(cost ? { cost } : {}),
        ...(lastCommand ? { lastCommand } : {}),
        ...(servedBy && older ? { serving: older } : {}),
      });
      const body = renderPreviewComment(input);
      const known = environment.commentId === null ? undefined : Number(environment.commentId);
      const id = await this.deps.github.upsertStickyComment(
        repo,
        environment.prNumber,
        body,
        known,
      );
      if (id !== known) {
        await this.environments.rememberComment(environment.id, id);
      }
    }

    // A TTL change (decision 0020) or a sleep (0024) is the comment's alone: the status stays.
    const status =
      event.kind === 'ttl' || event.kind === 'sleep' || event.kind === 'command'
        ? null
        : statusFor(event, secrets);
    if (status && only !== 'comment') {
      const targetUrl = links['web'] ?? Object.values(links).sort()[0];
      await this.deps.github.setCommitStatus(repo, revision.headSha, {
        ...status,
        ...(event.kind === 'ready' && targetUrl ? { targetUrl } : {}),
      });
    }
  }
}
