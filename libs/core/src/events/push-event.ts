import { z } from 'zod';
import {
  payloadError,
  type PullRequestEvent,
  repositoryOf,
  repositorySchema,
  sha,
} from './pull-request-event.js';

/**
 * The base environment's "pull request number": each repository's base branch runs as one more
 * environment, kept at the base branch's head by `push` deliveries. Its databases are where
 * `db:branch` copies come from, and frontend-only previews borrow its backend (issue 10).
 * GitHub numbers pull requests from 1, so 0 never collides with a real one.
 */
export const BASE_ENVIRONMENT_PR = 0;

export function isBaseEnvironment(environment: { prNumber: number }): boolean {
  return environment.prNumber === BASE_ENVIRONMENT_PR;
}

const ZERO_SHA = /^0+$/;

const pushSchema = z.object({
  ref: z.string().min(1),
  before: z.string(),
  after: sha,
  deleted: z.boolean().optional(),
  // Unix seconds on push payloads: GitHub's clock for the push, the ordering fact.
  repository: repositorySchema.extend({ pushed_at: z.number().int().nonnegative().nullish() }),
  installation: z.object(
    { id: z.number().int().positive() },
    { error: 'is required (is the webhook an App webhook?)' },
  ),
  sender: z.object({ login: z.string().min(1) }),
});

export type PushDecision =
  { kind: 'base'; event: PullRequestEvent } | { kind: 'ignored'; reason: string };

/**
 * A `push` delivery, as the base environment's event: a push to the repository's default branch
 * is a new head for it (the same command path as a PR's `synchronize`). Pushes to other branches
 * and branch deletions are ignored, with the reason. Throws PayloadError naming every bad field.
 */
export function parsePushEvent(payload: unknown, receivedAt: number): PushDecision {
  const result = pushSchema.safeParse(payload);
  if (!result.success) {
    throw payloadError('push', result.error);
  }
  const p = result.data;
  const branch = p.ref.startsWith('refs/heads/') ? p.ref.slice('refs/heads/'.length) : undefined;
  if (branch === undefined) return { kind: 'ignored', reason: `push to ${p.ref}: not a branch` };
  if (branch !== p.repository.default_branch) {
    return {
      kind: 'ignored',
      reason: `push to ${branch}: only the default branch (${p.repository.default_branch}) keeps a base environment`,
    };
  }
  if (p.deleted === true || ZERO_SHA.test(p.after)) {
    return { kind: 'ignored', reason: `push deleted ${branch}` };
  }
  return {
    kind: 'base',
    event: {
      action: 'synchronize',
      prNumber: BASE_ENVIRONMENT_PR,
      headSha: p.after.toLowerCase(),
      branch,
      baseBranch: branch,
      isFork: false,
      labels: [],
      merged: false,
      // pushed_at has 1 s resolution, like pull_request.updated_at; a redelivery keeps it.
      updatedAt: p.repository.pushed_at ? p.repository.pushed_at * 1000 : receivedAt,
      ...(p.before && !ZERO_SHA.test(p.before) ? { before: p.before.toLowerCase() } : {}),
      sender: p.sender.login,
      repository: repositoryOf(p.repository, p.installation.id),
    },
  };
}
