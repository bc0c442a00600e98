// Org and team membership, asked with the App's installation token (members:read).
import { notFound } from '../http-util.js';
import type { OAuthWebFlow } from '../oauth-web-flow.js';
import { compilePattern } from '../route-match.js';
import { ok, type Route } from './route.js';

export function membershipRoutes(people: OAuthWebFlow): Route[] {
  return [
    {
      // 204 when the user is a member, 404 when not (docs: "Check organization membership").
      method: 'GET',
      pattern: compilePattern('/orgs/:org/members/:username'),
      auth: 'installation-token',
      handle: ({ params }) => {
        if (!people.isMember(params.org ?? '', params.username ?? '')) throw notFound();
        return { status: 204 };
      },
    },
    {
      method: 'GET',
      pattern: compilePattern('/orgs/:org/teams/:team_slug/memberships/:username'),
      auth: 'installation-token',
      handle: ({ params, shapes }) => {
        const { org = '', team_slug: team = '', username = '' } = params;
        if (!people.isMember(org, username, team)) throw notFound();
        return ok({
          url: `${shapes.baseUrl}/organizations/${org}/team/${team}/memberships/${username}`,
          role: 'member',
          state: 'active',
        });
      },
    },
  ];
}
