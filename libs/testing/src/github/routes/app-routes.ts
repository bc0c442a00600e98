// App-level endpoints (JWT-authenticated) and the installation's own repository list.
import { GitHubHttpError, notFound } from '../http-util.js';
import { paginate } from '../pagination.js';
import { compilePattern } from '../route-match.js';
import { appJson, installationJson, repositoryJson } from '../shapes.js';
import { canAccess } from '../state.js';
import { bodyObject, intParam, ok, type Route } from './route.js';

export const appRoutes: Route[] = [
  {
    method: 'GET',
    pattern: compilePattern('/app'),
    auth: 'app-jwt',
    handle: ({ state, shapes }) => ok(appJson(shapes, state.app)),
  },
  {
    method: 'GET',
    pattern: compilePattern('/app/installations'),
    auth: 'app-jwt',
    handle: ({ state, shapes }) =>
      ok([...state.installations.values()].map((i) => installationJson(shapes, state.app, i))),
  },
  {
    method: 'GET',
    pattern: compilePattern('/app/installations/:installation_id'),
    auth: 'app-jwt',
    handle: ({ state, shapes, params }) =>
      ok(
        installationJson(
          shapes,
          state.app,
          state.installation(intParam(params, 'installation_id')),
        ),
      ),
  },
  {
    method: 'POST',
    pattern: compilePattern('/app/installations/:installation_id/access_tokens'),
    auth: 'app-jwt',
    handle: ({ state, shapes, params, body }) => {
      const installation = state.installation(intParam(params, 'installation_id'));
      const input = bodyObject(body);
      const owned = [...state.repos.values()].filter((r) => r.installationId === installation.id);
      let repositoryIds: number[] | undefined;
      if (Array.isArray(input.repositories) || Array.isArray(input.repository_ids)) {
        const names = (input.repositories as unknown[] | undefined) ?? [];
        const ids = (input.repository_ids as unknown[] | undefined) ?? [];
        const picked = owned.filter((r) => names.includes(r.name) || ids.includes(r.id));
        if (picked.length !== names.length + ids.length) {
          throw new GitHubHttpError(
            422,
            'There is at least one repository that does not exist or is not accessible to the parent installation.',
          );
        }
        repositoryIds = picked.map((r) => r.id);
      }
      const token = state.issueToken(installation.id, repositoryIds);
      return ok(
        {
          token: token.token,
          expires_at: new Date(token.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          permissions: token.permissions,
          repository_selection: repositoryIds ? 'selected' : installation.repositorySelection,
          ...(repositoryIds
            ? {
                repositories: owned
                  .filter((r) => repositoryIds.includes(r.id))
                  .map((r) => repositoryJson(shapes, r)),
              }
            : {}),
        },
        201,
      );
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/installation'),
    auth: 'app-jwt',
    handle: ({ state, shapes, params }) => {
      const repo = state.repo(`${params.owner}/${params.repo}`);
      if (repo.installationId === undefined) throw notFound();
      return ok(installationJson(shapes, state.app, state.installation(repo.installationId)));
    },
  },
  {
    method: 'GET',
    pattern: compilePattern('/installation/repositories'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, query, pageUrl }) => {
      const visible = [...state.repos.values()].filter((r) => canAccess(token, r));
      const page = paginate(visible, query, pageUrl);
      return {
        status: 200,
        body: {
          total_count: visible.length,
          repository_selection: token.repositoryIds ? 'selected' : 'all',
          repositories: page.items.map((r) => repositoryJson(shapes, r)),
        },
        ...(page.link ? { headers: { link: page.link } } : {}),
      };
    },
  },
];
