// Maps GitHub's REST answers for the two ordering/approval reads into the port's types. Strict:
// a field missing or of the wrong type throws rather than guessing, because callers take
// destructive or trust decisions on these values.
import type { PermissionLevel, PullRequestState } from '../github.port.js';

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
