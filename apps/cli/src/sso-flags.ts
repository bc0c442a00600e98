import { UsageError } from './repo-flags.js';

/** `berth repo set` SSO flags (decision 0014). */
export interface SsoSetValues {
  'sso-github-org'?: string;
  'sso-github-team'?: string;
  'sso-allow-email'?: string[];
  'sso-allow-domain'?: string[];
  'sso-allow-group'?: string[];
  'no-sso-allow'?: boolean;
}

/** What the repository allows now, for the repeatable flags that add to it. */
export interface CurrentSsoLists {
  ssoAllowedEmails?: string[];
  ssoAllowedDomains?: string[];
  ssoAllowedGroups?: string[];
}

export const SSO_SET_OPTIONS = {
  'sso-github-org': { type: 'string' },
  'sso-github-team': { type: 'string' },
  'sso-allow-email': { type: 'string', multiple: true },
  'sso-allow-domain': { type: 'string', multiple: true },
  'sso-allow-group': { type: 'string', multiple: true },
  'no-sso-allow': { type: 'boolean' },
} as const;

export const SSO_FLAG_OF_FIELD: Record<string, string> = {
  ssoGithubOrg: '--sso-github-org',
  ssoGithubTeam: '--sso-github-team',
  ssoAllowedEmails: '--sso-allow-email',
  ssoAllowedDomains: '--sso-allow-domain',
  ssoAllowedGroups: '--sso-allow-group',
};

export const SSO_USAGE = `      --sso-github-org <org>                with --access sso: members of this org get in
                                            besides anyone who can read the repository
      --sso-github-team <team-slug>         only this team of the org (besides readers)
      --sso-allow-email <email>             OIDC sign-ins allowed by verified email,
      --sso-allow-domain <domain>           by email domain, or by group (each repeatable;
      --sso-allow-group <group>             adds to the current list)
      --no-sso-allow                        clear the three OIDC lists first`;

/** The settings change the SSO flags ask for; lists add to what is there unless cleared. */
export function ssoPatch(values: SsoSetValues, current: CurrentSsoLists): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  const org = values['sso-github-org']?.trim();
  if (org !== undefined) {
    if (org === '')
      throw new UsageError('--sso-github-org: give an org, or --unset sso-github-org');
    patch['ssoGithubOrg'] = org;
  }
  const team = values['sso-github-team']?.trim();
  if (team !== undefined) {
    if (team === '')
      throw new UsageError('--sso-github-team: give a team slug, or --unset sso-github-team');
    patch['ssoGithubTeam'] = team;
  }
  const lists = [
    ['sso-allow-email', 'ssoAllowedEmails'],
    ['sso-allow-domain', 'ssoAllowedDomains'],
    ['sso-allow-group', 'ssoAllowedGroups'],
  ] as const;
  for (const [flag, field] of lists) {
    const added = values[flag] ?? [];
    if (!values['no-sso-allow'] && added.length === 0) continue;
    const base = values['no-sso-allow'] ? [] : (current[field] ?? []);
    patch[field] = [...new Set([...base, ...added.map((entry) => entry.trim())])];
  }
  return patch;
}
