// The resync with GitHub (docs/decisions/0022-github-resync.md), pure: what GitHub says about a
// repository's pull requests against what Berth holds, as the `pull_request` deliveries GitHub
// would have sent had none been lost. The resync writes them to the webhook inbox, so ordering,
// admission, fork approval and `decide` apply to them exactly as to a real delivery.

import { configChanged, parseLabels, type PreviewConfig } from '../labels/index.js';
import type { HandledAction } from '../events/pull-request-event.js';
import type { EnvironmentState } from '../environment/states.js';

/** A pull request as GitHub's REST API returned it (the fields a webhook payload carries). */
export interface ResyncPullRequest {
  number: number;
  state: 'open' | 'closed';
  merged: boolean;
  headSha: string;
  headRef: string;
  headRepoId: number | null;
  baseRef: string;
  baseRepo: {
    id: number;
    fullName: string;
    owner: string;
    name: string;
    cloneUrl: string;
    defaultBranch: string;
  };
  labels: string[];
  author: string;
  /** ISO-8601 `updated_at`, GitHub's clock: the ordering fact of the delivery made from it. */
  updatedAt: string;
}

/** An environment of the repository as the resync compares it (PR number > 0). */
export interface ResyncEnvironment {
  prNumber: number;
  state: EnvironmentState;
  headSha: string;
  /** Berth recorded the PR's close (closed_at set). */
  closed: boolean;
  config: PreviewConfig;
}

/** `push`: the default branch moved and the base environment (PR 0) did not (base-push.ts). */
export type ResyncReason = 'missing' | 'closed' | 'reopened' | 'head' | 'labels' | 'push';

/** One synthetic delivery: the webhook GitHub would have sent. */
export interface ResyncDelivery {
  /** Deterministic: the same difference seen twice is stored once (the inbox is unique on it). */
  deliveryId: string;
  event: 'pull_request';
  action: HandledAction;
  prNumber: number;
  /** The PR's ordering key in the inbox, as the api stores its deliveries. */
  orderingKey: string;
  reason: ResyncReason;
  /** A `pull_request` payload in GitHub's shape (the fields Berth reads). */
  payload: Record<string, unknown>;
}

/**
 * Environments that may still need a close: open as far as Berth knows, not destroyed, and not
 * in GitHub's list of open PRs. Their PR is asked for one by one (the list has no closed PRs).
 */
export function closedCandidates(
  open: readonly ResyncPullRequest[],
  environments: readonly ResyncEnvironment[],
): number[] {
  const listed = new Set(open.map((p) => p.number));
  return environments
    .filter((e) => e.prNumber > 0 && !e.closed && e.state !== 'destroyed')
    .filter((e) => !listed.has(e.prNumber))
    .map((e) => e.prNumber)
    .sort((a, b) => a - b);
}

export interface ResyncInput {
  /** GitHub's repository id (the one Berth stores as `providerId`). */
  repositoryId: number;
  installationId: number;
  /** GitHub's open PRs, plus the candidates of `closedCandidates` as fetched one by one. */
  pulls: readonly ResyncPullRequest[];
  environments: readonly ResyncEnvironment[];
  /** PRs with deliveries still waiting in the inbox: they are in motion, looked at next time. */
  waiting?: ReadonlySet<number>;
}

/**
 * The deliveries that bring Berth in line with GitHub, one per PR at most:
 * - open on GitHub, no environment → `opened` (admission, approval and `preview:skip` decide);
 * - open on GitHub, environment closed → `reopened`;
 * - open, another head SHA → `synchronize` (a new generation);
 * - open, same head, labels whose config differs (`skip`, mode, database, rebuild) → `edited`;
 * - closed on GitHub, environment open → `closed`.
 * A PR whose repository id is not `repositoryId` (the name now belongs to another repository)
 * is never acted on.
 */
export function planResync(input: ResyncInput): ResyncDelivery[] {
  const byNumber = new Map(input.environments.map((e) => [e.prNumber, e]));
  const deliveries: ResyncDelivery[] = [];
  const seen = new Set<number>();
  for (const pr of input.pulls) {
    if (seen.has(pr.number) || pr.number <= 0) continue;
    seen.add(pr.number);
    if (pr.baseRepo.id !== input.repositoryId) continue;
    if (input.waiting?.has(pr.number)) continue;
    const found = difference(pr, byNumber.get(pr.number));
    if (!found) continue;
    deliveries.push(delivery(input, pr, found.action, found.reason));
  }
  return deliveries.sort((a, b) => a.prNumber - b.prNumber);
}

function difference(
  pr: ResyncPullRequest,
  env: ResyncEnvironment | undefined,
): { action: HandledAction; reason: ResyncReason } | undefined {
  const headSha = pr.headSha.toLowerCase();
  if (pr.state === 'closed') {
    if (!env || env.closed || env.state === 'destroyed') return undefined;
    return { action: 'closed', reason: 'closed' };
  }
  if (!env) return { action: 'opened', reason: 'missing' };
  if (env.closed) return { action: 'reopened', reason: 'reopened' };
  if (headSha !== env.headSha.toLowerCase()) return { action: 'synchronize', reason: 'head' };
  if (configChanged(env.config, parseLabels(pr.labels).config)) {
    return { action: 'edited', reason: 'labels' };
  }
  return undefined;
}

/**
 * `resync:<repository>:<pr>:<action>:<head>:<updated_at s>`: one difference, one id. Running the
 * resync again before (or after) the delivery is processed stores nothing new; a later change on
 * GitHub moves `updated_at`, so a second close of a reopened PR is a new delivery.
 */
export function resyncDeliveryId(
  repositoryId: number,
  pr: Pick<ResyncPullRequest, 'number' | 'headSha' | 'updatedAt'>,
  action: HandledAction,
): string {
  const seconds = Math.floor(Date.parse(pr.updatedAt) / 1000);
  return `resync:${repositoryId}:${pr.number}:${action}:${pr.headSha.toLowerCase()}:${seconds}`;
}

function delivery(
  input: ResyncInput,
  pr: ResyncPullRequest,
  action: HandledAction,
  reason: ResyncReason,
): ResyncDelivery {
  return {
    deliveryId: resyncDeliveryId(input.repositoryId, pr, action),
    event: 'pull_request',
    action,
    prNumber: pr.number,
    orderingKey: `pr:${input.repositoryId}:${pr.number}`,
    reason,
    payload: resyncPayload(pr, action, input.installationId, reason),
  };
}

/**
 * The `pull_request` payload GitHub would have sent: GitHub's own PR object (its `updated_at`
 * orders it against real deliveries, so a stale resync loses to a newer webhook), the base
 * repository as GitHub names it now, and `berth_resync` saying where it came from. No `before`
 * on `synchronize`: Berth does not know the push's predecessor, so a same-second head move is
 * confirmed with GitHub like any other that is not a direct successor. The sender is the PR's
 * author (who acted is not in the PR object; it matters only for approvals, never resynced).
 */
export function resyncPayload(
  pr: ResyncPullRequest,
  action: HandledAction,
  installationId: number,
  reason: ResyncReason,
): Record<string, unknown> {
  const repo = pr.baseRepo;
  const repository = {
    id: repo.id,
    full_name: repo.fullName,
    name: repo.name,
    owner: { login: repo.owner },
    clone_url: repo.cloneUrl,
    default_branch: repo.defaultBranch,
  };
  return {
    action,
    number: pr.number,
    pull_request: {
      number: pr.number,
      state: pr.state,
      updated_at: pr.updatedAt,
      merged: pr.merged,
      user: { login: pr.author },
      head: {
        ref: pr.headRef,
        sha: pr.headSha,
        repo: pr.headRepoId === null ? null : { id: pr.headRepoId },
      },
      base: { ref: pr.baseRef, repo: { id: repo.id } },
      labels: pr.labels.map((name) => ({ name })),
    },
    repository,
    installation: { id: installationId },
    sender: { login: pr.author },
    berth_resync: { reason },
  };
}
