// The resync's base-environment half (decision 0022, 2026-12-05), pure: the repository's default
// branch as GitHub has it now against the base environment (PR 0, decision 0017). When the
// branch moved and the base environment did not, GitHub failed to deliver a `push` (or Berth was
// down): the resync writes that `push` to the inbox as GitHub would have sent it, and the inbox
// turns it into the base environment's `synchronize` like any push.

import { BASE_ENVIRONMENT_PR } from '../events/push-event.js';
import type { EnvironmentState } from '../environment/states.js';

/** The default branch's head, from GET /repos/{o}/{r} then GET …/branches/{default}. */
export interface ResyncBranchHead {
  repository: {
    id: number;
    fullName: string;
    owner: string;
    name: string;
    cloneUrl: string;
    defaultBranch: string;
    /** ISO-8601, the repository's last push, read before the head: the delivery's ordering fact. */
    pushedAt: string | null;
  };
  sha: string;
}

export interface BasePushInput {
  installationId: number;
  /** The base environment as Berth holds it; none: nothing to catch up (a first push makes it). */
  base: { headSha: string; state: EnvironmentState; closed: boolean } | undefined;
  head: ResyncBranchHead;
  /** Deliveries of the base environment still wait in the inbox: they go first, not this run. */
  waiting: boolean;
}

export interface BasePushDelivery {
  /** `resync:<repository>:0:push:<head>:<pushed_at s>`: the same lost push is stored once. */
  deliveryId: string;
  event: 'push';
  prNumber: typeof BASE_ENVIRONMENT_PR;
  orderingKey: string;
  reason: 'push';
  payload: Record<string, unknown>;
}

/**
 * The lost push, or undefined. Only a live base environment is caught up: a closed one belongs to
 * a disabled repository (its next push closes it), and a repository without one gets it from its
 * next push, as it would have. No push date, no delivery: nothing would order it.
 */
export function planBasePush(input: BasePushInput): BasePushDelivery | undefined {
  const { base, head, waiting } = input;
  if (!base || base.closed || base.state === 'destroyed' || waiting) return undefined;
  if (head.sha.toLowerCase() === base.headSha.toLowerCase()) return undefined;
  const pushedAt = head.repository.pushedAt ? Date.parse(head.repository.pushedAt) : NaN;
  if (!Number.isFinite(pushedAt)) return undefined;
  const seconds = Math.floor(pushedAt / 1000);
  const repo = head.repository;
  return {
    deliveryId: `resync:${repo.id}:${BASE_ENVIRONMENT_PR}:push:${head.sha.toLowerCase()}:${seconds}`,
    event: 'push',
    prNumber: BASE_ENVIRONMENT_PR,
    orderingKey: `pr:${repo.id}:${BASE_ENVIRONMENT_PR}`,
    reason: 'push',
    payload: basePushPayload(input.installationId, base.headSha, head, seconds),
  };
}

/**
 * The `push` payload GitHub sends, in the fields Berth reads: the ref, `before` (the base
 * environment's head, so the inbox sees a direct successor), `after`, the repository as GitHub
 * names it now with `pushed_at` in Unix seconds (as push payloads carry it), the installation,
 * and `berth_resync`. GitHub's repository read does not say who pushed: the sender is the
 * repository's owner (it matters only for approvals, which the base environment never needs).
 */
export function basePushPayload(
  installationId: number,
  before: string,
  head: ResyncBranchHead,
  pushedAtSeconds: number,
): Record<string, unknown> {
  const repo = head.repository;
  return {
    ref: `refs/heads/${repo.defaultBranch}`,
    before: before.toLowerCase(),
    after: head.sha.toLowerCase(),
    created: false,
    deleted: false,
    repository: {
      id: repo.id,
      full_name: repo.fullName,
      name: repo.name,
      owner: { login: repo.owner },
      clone_url: repo.cloneUrl,
      default_branch: repo.defaultBranch,
      pushed_at: pushedAtSeconds,
    },
    installation: { id: installationId },
    sender: { login: repo.owner },
    berth_resync: { reason: 'push' },
  };
}
