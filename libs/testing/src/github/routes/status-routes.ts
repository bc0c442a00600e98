// Commit statuses and the combined status, resolved against the real git objects.
import { GitHubHttpError } from '../http-util.js';
import { resolveCommit } from '../git.js';
import { paginate } from '../pagination.js';
import { compilePattern } from '../route-match.js';
import { botAccount, repositoryJson, statusJson } from '../shapes.js';
import type { CommitState, RepoRecord, StatusRecord } from '../types.js';
import { bodyObject, ok, optionalString, paged, type Route } from './route.js';

const STATES: CommitState[] = ['error', 'failure', 'pending', 'success'];

export async function commitOr422(repo: RepoRecord, ref: string): Promise<string> {
  const sha = await resolveCommit(repo.gitDir, ref);
  if (!sha) throw new GitHubHttpError(422, `No commit found for SHA: ${ref}`);
  return sha;
}

async function commitOr404(repo: RepoRecord, ref: string): Promise<string> {
  const sha = await resolveCommit(repo.gitDir, ref);
  if (!sha) throw new GitHubHttpError(404, `No commit found for SHA: ${ref}`);
  return sha;
}

/** GitHub's rule: failure if any latest status is error/failure; pending if none or any pending. */
export function combinedState(latest: StatusRecord[]): CommitState {
  if (latest.some((s) => s.state === 'error' || s.state === 'failure')) return 'failure';
  if (latest.length === 0 || latest.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

export const statusRoutes: Route[] = [
  {
    method: 'POST',
    pattern: compilePattern('/repos/:owner/:repo/statuses/:sha'),
    auth: 'installation-token',
    handle: async ({ state, shapes, token, params, body }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const input = bodyObject(body);
      const wanted = input.state;
      if (wanted === undefined) {
        throw new GitHubHttpError(422, 'Invalid request.\n\n"state" wasn\'t supplied.');
      }
      if (!STATES.includes(wanted as CommitState)) {
        throw new GitHubHttpError(
          422,
          `Invalid request.\n\nFor 'properties/state', ${JSON.stringify(wanted)} is not a member of ${JSON.stringify(STATES)}.`,
        );
      }
      const sha = await commitOr422(repo, params.sha ?? '');
      const now = state.clock.now();
      const status: StatusRecord = {
        id: state.nextStatusId(),
        repo: repo.fullName,
        sha,
        state: wanted as CommitState,
        targetUrl: optionalString(input, 'target_url') ?? null,
        description: optionalString(input, 'description') ?? null,
        context: optionalString(input, 'context') ?? 'default',
        creator: botAccount(state.app),
        createdAt: now,
        updatedAt: now,
      };
      state.statuses.push(status);
      return ok(statusJson(shapes, status), 201);
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/commits/:ref/statuses'),
    auth: 'installation-token',
    handle: async ({ state, shapes, token, params, query, pageUrl }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const sha = await commitOr404(repo, params.ref ?? '');
      const all = state.statuses.filter((s) => s.repo === repo.fullName && s.sha === sha).reverse();
      const page = paginate(all, query, pageUrl);
      return paged({ ...page, items: page.items.map((s) => statusJson(shapes, s)) });
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/commits/:ref/status'),
    auth: 'installation-token',
    handle: async ({ state, shapes, token, params }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const sha = await commitOr404(repo, params.ref ?? '');
      const latest = new Map<string, StatusRecord>();
      for (const s of state.statuses) {
        if (s.repo === repo.fullName && s.sha === sha) latest.set(s.context, s);
      }
      const statuses = [...latest.values()];
      return ok({
        state: combinedState(statuses),
        statuses: statuses.map((s) => statusJson(shapes, s)),
        sha,
        total_count: statuses.length,
        repository: repositoryJson(shapes, repo),
        commit_url: `${shapes.baseUrl}/repos/${repo.fullName}/commits/${sha}`,
        url: `${shapes.baseUrl}/repos/${repo.fullName}/commits/${sha}/status`,
      });
    },
  },
];
