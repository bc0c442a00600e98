// The `Berth / preview` check run as a sink on the lifecycle event stream: one check run per head
// SHA, created when the head is seen and edited in place as the stages run. Like the comment it
// holds no state of its own: GitHub holds the check run (found again by name and external id),
// and every edit is rendered from the rows as they are now.

import {
  type CheckAnnotation,
  type CheckRunEvent,
  checkRunExternalId,
  type CheckRunService,
  type CheckRunView,
  CHECK_RUN_NAME,
  type ComposeProblemLocation,
  parseCheckRunExternalId,
  readImages,
  readWiring,
  renderCheckRun,
  supersededCheckRun,
} from '@berth/core';
import type { CheckRunStore, Revision, StageRun } from '@berth/db';
import type { CheckRunWrite, GitHubPort, RepositoryCoordinates } from '@berth/providers';
import type { ShortLock } from '@berth/queue';
import { serviceRows, stageRows } from '../expose/comment-facts.js';
import type { EnvironmentWithRepository } from '../pipeline/stage-handler.js';

export interface CheckRunSinkDeps {
  github: Pick<GitHubPort, 'createCheckRun' | 'updateCheckRun' | 'checkRuns'>;
  /** Serialises one head's check run writes, and spaces its edits (the throttle). */
  lock: ShortLock;
  /** Least time between two edits of one check run (CHECK_RUN_EDIT_INTERVAL_S), in ms. */
  editIntervalMs: number;
  /** CONSOLE_URL: the check links `{CONSOLE_URL}/environments/{id}`; no link when unset. */
  consoleUrl?: string;
  /** Every secret value of the environment: the same masking the comment gets. */
  secrets: (environment: EnvironmentWithRepository, revision: Revision) => Promise<string[]>;
  /** Keeps each write for the console (never fails the delivery; GitHub is the store). */
  records?: Pick<CheckRunStore, 'record'>;
}

/** `later`: the check run was edited less than the interval ago; run the job again then. */
export type CheckRunDelivery = 'delivered' | 'busy' | { laterMs: number };

/** Ids found or created, per environment generation: saves the lookup on every edit. */
const KNOWN_MAX = 2_000;

export class CheckRunSink {
  private readonly known = new Map<string, number>();

  constructor(private readonly deps: CheckRunSinkDeps) {}

  async deliver(
    environment: EnvironmentWithRepository,
    revision: Revision,
    event: CheckRunEvent,
    runs: readonly StageRun[],
    /** The revision before this one (its head's open check run is closed when the head moved). */
    previous: Revision | null,
  ): Promise<CheckRunDelivery> {
    const repo: RepositoryCoordinates = {
      installationId: Number(environment.repository.installationId),
      owner: environment.repository.owner,
      repo: environment.repository.name,
    };
    const head = `${environment.id}:${revision.headSha}`;
    const token = await this.deps.lock.acquire(`check:${head}`, 60_000);
    if (!token) return 'busy';
    try {
      if (event.kind === 'destroyed') {
        // Closed before the preview finished: its check must not spin for ever.
        await this.closeOpen(repo, environment, revision.headSha, {
          status: 'completed',
          conclusion: 'cancelled',
          title: 'Pull request closed',
          summary: 'The pull request was closed before its preview was ready.',
          annotations: [],
        });
        return 'delivered';
      }
      const view = renderCheckRun({
        event,
        repo: environment.repository.fullName,
        pr: environment.prNumber,
        headSha: revision.headSha,
        generation: revision.generation,
        services: services(revision, runs, event),
        stages: stageRows(runs),
        ...(this.deps.consoleUrl
          ? {
              consoleUrl: `${this.deps.consoleUrl.replace(/\/+$/, '')}/environments/${environment.id}`,
            }
          : {}),
        annotations: event.kind === 'failed' ? annotations(runs, event.stage) : [],
        secrets: await this.deps.secrets(environment, revision),
      });
      if (!view) return 'delivered';
      // One edit per interval per check run: this job waits (no attempt spent) and, when it runs
      // again, a newer event has superseded it or it is the newest and lands.
      const interval = this.deps.editIntervalMs;
      if (interval > 0 && !(await this.deps.lock.acquire(`check-edit:${head}`, interval))) {
        return { laterMs: interval };
      }
      if (event.kind === 'requested' && previous && previous.headSha !== revision.headSha) {
        await this.closeOpen(
          repo,
          environment,
          previous.headSha,
          supersededCheckRun(revision.headSha),
        );
      }
      await this.write(repo, environment, revision, view);
      return 'delivered';
    } finally {
      await this.deps.lock.release(`check:${head}`, token);
    }
  }

  /** Edits this generation's check run, adopts the head's open one, or creates one. */
  private async write(
    repo: RepositoryCoordinates,
    environment: EnvironmentWithRepository,
    revision: Revision,
    view: CheckRunView,
  ): Promise<void> {
    const externalId = checkRunExternalId(environment.prNumber, revision.generation);
    const write = toWrite(view, externalId);
    const key = `${environment.id}:${revision.generation}`;
    const cached = this.known.get(key);
    if (cached !== undefined) {
      await this.deps.github.updateCheckRun(repo, cached, write);
      await this.keep(cached, environment.id, revision.headSha, view);
      return;
    }
    const ours = await this.ours(repo, environment.prNumber, revision.headSha);
    // This generation's own run; else an unfinished run of the same head (a label change
    // started a new generation mid-build); a finished one stays as it ended and a new run
    // starts (a Re-run, a rebuild).
    const existing =
      ours.find((run) => run.externalId === externalId) ??
      ours.find((run) => run.status !== 'completed');
    let id: number;
    if (existing) {
      id = existing.id;
      await this.deps.github.updateCheckRun(repo, id, write);
    } else {
      id = await this.deps.github.createCheckRun(repo, revision.headSha, CHECK_RUN_NAME, write);
    }
    if (this.known.size >= KNOWN_MAX) this.known.clear();
    this.known.set(key, id);
    await this.keep(id, environment.id, revision.headSha, view);
  }

  private async keep(id: number, environmentId: string, headSha: string, view: CheckRunView) {
    await this.deps.records
      ?.record({
        githubId: id,
        environmentId,
        headSha,
        name: CHECK_RUN_NAME,
        status: view.status,
        conclusion: view.conclusion ?? null,
      })
      .catch(() => undefined);
  }

  /** Completes every unfinished Berth check run of this PR on `sha` with `view`. */
  private async closeOpen(
    repo: RepositoryCoordinates,
    environment: EnvironmentWithRepository,
    sha: string,
    view: CheckRunView,
  ): Promise<void> {
    for (const run of await this.ours(repo, environment.prNumber, sha)) {
      if (run.status === 'completed') continue;
      await this.deps.github.updateCheckRun(repo, run.id, toWrite(view));
      await this.keep(run.id, environment.id, sha, view);
    }
  }

  /** Berth's check runs of this PR on `sha`, newest first. */
  private async ours(repo: RepositoryCoordinates, prNumber: number, sha: string) {
    const runs = await this.deps.github.checkRuns(repo, sha, CHECK_RUN_NAME);
    return runs.filter((run) => parseCheckRunExternalId(run.externalId)?.prNumber === prNumber);
  }
}

function toWrite(view: CheckRunView, externalId?: string): CheckRunWrite {
  return {
    status: view.status,
    ...(view.conclusion ? { conclusion: view.conclusion } : {}),
    ...(externalId ? { externalId } : {}),
    output: {
      title: view.title,
      summary: view.summary,
      ...(view.text ? { text: view.text } : {}),
      ...(view.annotations.length > 0 ? { annotations: view.annotations } : {}),
    },
  };
}

/** The service table: URL host, image, how the image was obtained, and health. */
function services(
  revision: Revision,
  runs: readonly StageRun[],
  event: CheckRunEvent,
): CheckRunService[] {
  const images = readImages(revision.images);
  const wiring = readWiring(revision.wiring);
  const state =
    event.kind === 'ready' || event.kind === 'failed'
      ? event.kind
      : event.kind === 'started' && event.stage !== 'build'
        ? 'provisioning'
        : 'building';
  return serviceRows(revision, state, runs).map((row) => {
    const host = wiring.hostnames[row.name];
    const image = images[row.name]?.tag ?? wiring.spec?.services[row.name]?.image;
    return {
      name: row.name,
      state: row.status,
      ...(host ? { host } : {}),
      ...(image ? { image } : {}),
      ...(row.source ? { source: row.source } : {}),
      ...(row.durationMs !== undefined ? { durationMs: row.durationMs } : {}),
    };
  });
}

/** The failed stage run's compose problems on their lines (ComposeFileError's details). */
function annotations(runs: readonly StageRun[], stage: string): CheckAnnotation[] {
  const run = [...runs]
    .filter((r) => r.stage === stage && r.status === 'failed')
    .sort((a, b) => b.attempt - a.attempt)[0];
  const located = (run?.details as { annotations?: unknown } | null)?.annotations;
  if (!Array.isArray(located)) return [];
  return located.flatMap((entry: unknown): CheckAnnotation[] => {
    const a = entry as Partial<ComposeProblemLocation>;
    if (
      typeof a.file !== 'string' ||
      typeof a.startLine !== 'number' ||
      typeof a.endLine !== 'number' ||
      typeof a.message !== 'string'
    ) {
      return [];
    }
    return [
      {
        path: a.file,
        startLine: a.startLine,
        endLine: a.endLine,
        level: 'failure',
        ...(typeof a.key === 'string' ? { title: a.key } : {}),
        message: a.message,
      },
    ];
  });
}
