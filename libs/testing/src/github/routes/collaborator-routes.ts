// A user's permission on a repository: what Berth asks before it trusts a maintainer's label.
import { notFound } from '../http-util.js';
import { compilePattern } from '../route-match.js';
import { userJson, type Json } from '../shapes.js';
import type { CollaboratorPermission } from '../types.js';
import { ok, type Route } from './route.js';

/** The legacy `permission` field knows only admin/write/read/none. */
const LEGACY: Record<CollaboratorPermission, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

const RANK: CollaboratorPermission[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];

function permissionsHash(level: CollaboratorPermission): Json {
  const at = RANK.indexOf(level);
  return {
    admin: at >= RANK.indexOf('admin'),
    maintain: at >= RANK.indexOf('maintain'),
    push: at >= RANK.indexOf('write'),
    triage: at >= RANK.indexOf('triage'),
    pull: at >= RANK.indexOf('read'),
  };
}

export const collaboratorRoutes: Route[] = [
  {
    method: 'GET',
    pattern: compilePattern('/repos/:owner/:repo/collaborators/:username/permission'),
    auth: 'installation-token',
    handle: ({ state, shapes, token, params }) => {
      const repo = state.repoFor(token, params.owner ?? '', params.repo ?? '');
      const account = state.findAccount(params.username ?? '');
      // GitHub: 404 for a login that is not a user.
      if (!account) throw notFound();
      const level = state.permissionOf(repo, account.login);
      return ok({
        permission: LEGACY[level],
        role_name: level,
        user: {
          ...userJson(shapes, account),
          permissions: permissionsHash(level),
          role_name: level,
        },
      });
    },
  },
];
