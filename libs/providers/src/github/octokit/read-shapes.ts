// Maps GitHub's REST answers for the two ordering/approval reads into the port's types. Strict:
// a field missing or of the wrong type throws rather than guessing, because callers take
// destructive or trust decisions on these values.
import type {
  CheckRunState,
  DefaultBranchHead,
  PermissionLevel,
  PullRequestSnapshot,
  PullRequestState,
} from '../github.port.js';

const LEVELS: readonly PermissionLevel[] = ['admin', 'maintain', 'write', 'triage', 'read', 'none'];

const isLevel = (value: unknown): value is PermissionLevel =>
  typeof value === 'string' && (LEVELS as readonly string[]).includes(value);

/**
 * `role_name` carries the fine-grained role (maintain, triage); `permission` only the legacy
 * base (admin/write/read/none). A custom role's name is neither, so its base permission counts.
 * Anything unrecognised in both is 'none': an unknown role never grants write.
 */
export function permissionLevel(body: unknown): PermissionLevel {
  const answer = (body ?? {}) as { role_name?: unknown; permission?: unknown };
  if (isLevel(answer.role_name)) return answer.role_name;
  if (isLevel(answer.permission)) return answer.permission;
  return 'none';
}

export function pullRequestState(body: unknown, what: string): PullRequestState {
  const pr = (body ?? {}) as {
    number?: unknown;
    state?: unknown;
    merged?: unknown;
    updated_at?: unknown;
    head?: { sha?: unknown } | null;
  };
  const headSha = pr.head?.sha;
  if (
    typeof pr.number !== 'number' ||
    (pr.state !== 'open' && pr.state !== 'closed') ||
    typeof headSha !== 'string' ||
    typeof pr.updated_at !== 'string'
  ) {
    throw new Error(`GitHub answered ${what} without number, state, head.sha or updated_at`);
  }
  return {
    number: pr.number,
    state: pr.state,
    // GitHub always sends `merged` on GET …/pulls/{n}; absent means it is not merged.
    merged: pr.merged === true,
    headSha,
    updatedAt: pr.updated_at,
  };
}

export function checkRunState(body: unknown, what: string): CheckRunState {
  const run = (body ?? {}) as {
    id?: unknown;
    name?: unknown;
    head_sha?: unknown;
    status?: unknown;
    conclusion?: unknown;
    external_id?: unknown;
    app?: { id?: unknown } | null;
  };
  if (
    typeof run.id !== 'number' ||
    typeof run.name !== 'string' ||
    typeof run.head_sha !== 'string' ||
    typeof run.status !== 'string'
  ) {
    throw new Error(`GitHub answered ${what} without id, name, head_sha or status`);
  }
  return {
    id: run.id,
    name: run.name,
    headSha: run.head_sha,
    status: run.status,
    conclusion: typeof run.conclusion === 'string' ? run.conclusion : null,
    externalId: typeof run.external_id === 'string' ? run.external_id : null,
    appId: typeof run.app?.id === 'number' ? run.app.id : null,
  };
}

/**
 * A pull request of GET …/pulls (the "simple" shape, no `merged`) or GET …/pulls/{n}, in the
 * fields a webhook's `pull_request` carries that Berth reads. Strict like the rest: the resync
 * turns it into a delivery that can tear an environment down.
 */
export function pullRequestSnapshot(body: unknown, what: string): PullRequestSnapshot {
  const pr = (body ?? {}) as {
    number?: unknown;
    state?: unknown;
    merged?: unknown;
    merged_at?: unknown;
    updated_at?: unknown;
    user?: { login?: unknown } | null;
    labels?: unknown;
    head?: { ref?: unknown; sha?: unknown; repo?: { id?: unknown } | null } | null;
    base?: {
      ref?: unknown;
      repo?: {
        id?: unknown;
        full_name?: unknown;
        name?: unknown;
        owner?: { login?: unknown } | null;
        clone_url?: unknown;
        default_branch?: unknown;
      } | null;
    } | null;
  };
  const repo = pr.base?.repo;
  const labels = Array.isArray(pr.labels)
    ? pr.labels.map((l) => (l as { name?: unknown } | null)?.name)
    : undefined;
  if (
    typeof pr.number !== 'number' ||
    (pr.state !== 'open' && pr.state !== 'closed') ||
    typeof pr.updated_at !== 'string' ||
    typeof pr.head?.sha !== 'string' ||
    typeof pr.head.ref !== 'string' ||
    typeof pr.base?.ref !== 'string' ||
    typeof repo?.id !== 'number' ||
    typeof repo.full_name !== 'string' ||
    typeof repo.name !== 'string' ||
    typeof repo.owner?.login !== 'string' ||
    typeof repo.clone_url !== 'string' ||
    typeof repo.default_branch !== 'string' ||
    !labels?.every((l): l is string => typeof l === 'string')
  ) {
    throw new Error(
      `GitHub answered ${what} without number, state, updated_at, head, base.repo or labels`,
    );
  }
  const headRepoId = pr.head.repo?.id;
  return {
    number: pr.number,
    state: pr.state,
    // GET …/pulls/{n} says `merged`; the list only `merged_at`.
    merged: pr.merged === true || (pr.merged === undefined && typeof pr.merged_at === 'string'),
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    headRepoId: typeof headRepoId === 'number' ? headRepoId : null,
    baseRef: pr.base.ref,
    baseRepo: {
      id: repo.id,
      fullName: repo.full_name,
      owner: repo.owner.login,
      name: repo.name,
      cloneUrl: repo.clone_url,
      defaultBranch: repo.default_branch,
    },
    labels,
    author: typeof pr.user?.login === 'string' ? pr.user.login : 'ghost',
    updatedAt: pr.updated_at,
  };
}

/** GET /repos/{o}/{r}: the repository half of a default branch's head (its sha comes next). */
export function repositorySnapshot(body: unknown, what: string): DefaultBranchHead['repository'] {
  const repo = (body ?? {}) as {
    id?: unknown;
    full_name?: unknown;
    name?: unknown;
    owner?: { login?: unknown } | null;
    clone_url?: unknown;
    default_branch?: unknown;
    pushed_at?: unknown;
  };
  if (
    typeof repo.id !== 'number' ||
    typeof repo.full_name !== 'string' ||
    typeof repo.name !== 'string' ||
    typeof repo.owner?.login !== 'string' ||
    typeof repo.clone_url !== 'string' ||
    typeof repo.default_branch !== 'string'
  ) {
    throw new Error(
      `GitHub answered ${what} without id, full_name, owner, clone_url or default_branch`,
    );
  }
  return {
    id: repo.id,
    fullName: repo.full_name,
    owner: repo.owner.login,
    name: repo.name,
    cloneUrl: repo.clone_url,
    defaultBranch: repo.default_branch,
    pushedAt: typeof repo.pushed_at === 'string' ? repo.pushed_at : null,
  };
}

/** GET /repos/{o}/{r}/branches/{b}: the head commit's SHA. */
export function branchHeadSha(body: unknown, what: string): string {
  const sha = (body as { commit?: { sha?: unknown } | null } | null)?.commit?.sha;
  if (typeof sha !== 'string') throw new Error(`GitHub answered ${what} without commit.sha`);
  return sha;
}
