// Repositories, pull requests and the labels on a PR.
import { resolveCommit } from '../git.js';
import { GitHubHttpError } from '../http-util.js';
import { paginate } from '../pagination.js';
import { compilePattern } from '../route-match.js';
import {
  fullRepositoryJson,
  labelJson,
  pullRequestJson,
  simplePullRequestJson,
} from '../shapes.js';
import { bodyObject, intParam, ok, paged, type Route } from './route.js';

export const repoRoutes: Route[] = [
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params }) =>
      ok(fullRepositoryJson(shapes, state.repoFor(token, params.owner ?? '', params.repo ?? ''))),
  },
  {
    // A branch and its head commit (the fields Berth reads, in GitHub's shape).
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/branches/:branch'),
    auth: 'installation-token',
    handle: async ({ state, shapes, token, params }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const branch = params.branch ?? '';
      const sha = await resolveCommit(repo.gitDir, `refs/heads/${branch}`);
      if (!sha) throw new GitHubHttpError(404, 'Branch not found');
      const api = `${shapes.baseUrl}/repos/${repo.fullName}`;
      return ok({
        name: branch,
        commit: {
          sha,
          node_id: `C_${sha.slice(0, 12)}`,
          url: `${api}/commits/${sha}`,
          html_url: `${shapes.baseUrl}/${repo.fullName}/commit/${sha}`,
        },
        _links: {
          self: `${api}/branches/${encodeURIComponent(branch)}`,
          html: `${shapes.baseUrl}/${repo.fullName}/tree/${branch}`,
        },
        protected: false,
        protection_url: `${api}/branches/${encodeURIComponent(branch)}/protection`,
      });
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/pulls'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params, query, pageUrl }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const wanted = query.get('state') ?? 'open';
      const head = query.get('head');
      const base = query.get('base');
      const pulls = [...state.pulls.values()]
        .filter((p) => p.baseRepo === repo.fullName)
        .filter((p) => wanted === 'all' || p.state === wanted)
        .filter((p) => !base || p.baseRef === base)
        .filter((p) => !head || `${state.repo(p.headRepo).owner.login}:${p.headRef}` === head)
        .sort((a, b) => b.number - a.number);
      const page = paginate(pulls, query, pageUrl);
      return paged({ ...page, items: page.items.map((p) => simplePullRequestJson(shapes, p)) });
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/pulls/:pull_number'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      return ok(pullRequestJson(shapes, state.pull(repo, intParam(params, 'pull_number'))));
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/issues/:issue_number/labels'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params, query, pageUrl }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const pr = state.pull(repo, intParam(params, 'issue_number'));
      const labels = pr.labels.map((name) => state.ensureLabel(repo, name));
      const page = paginate(labels, query, pageUrl);
      return paged({ ...page, items: page.items.map((l) => labelJson(shapes, repo, l)) });
    },
  },
  {
    method: 'POST',
    pattern: compilePattern('/repos/:owner/:repo/issues/:issue_number/labels'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params, body }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const pr = state.pull(repo, intParam(params, 'issue_number'));
      const names: unknown = Array.isArray(body) ? body : bodyObject(body).labels;
      if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
        throw new GitHubHttpError(422, 'Invalid request.\n\n"labels" wasn\'t supplied.');
      }
      for (const name of names as string[]) {
        state.ensureLabel(repo, name);
        if (!pr.labels.includes(name)) pr.labels.push(name);
      }
      state.touchPull(pr);
      return ok(pr.labels.map((n) => labelJson(shapes, repo, state.ensureLabel(repo, n))));
    },
  },
  {
    method: 'DELETE',
    pattern: compilePattern('/repos/:owner/:repo/issues/:issue_number/labels/:name'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const pr = state.pull(repo, intParam(params, 'issue_number'));
      if (!pr.labels.includes(params.name ?? '')) {
        throw new GitHubHttpError(404, 'Label does not exist');
      }
      pr.labels = pr.labels.filter((n) => n !== params.name);
      state.touchPull(pr);
      return ok(pr.labels.map((n) => labelJson(shapes, repo, state.ensureLabel(repo, n))));
    },
  },
];
