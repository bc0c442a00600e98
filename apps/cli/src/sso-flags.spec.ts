import { describe, expect, it } from 'vitest';
import { repoSetPatch, UsageError } from './repo-flags.js';

describe('berth repo set: SSO flags', () => {
  it('sets the org and team, and adds to the OIDC lists', () => {
    expect(
      repoSetPatch(
        {
          access: 'sso',
          'sso-github-org': 'acme',
          'sso-github-team': 'qa',
          'sso-allow-domain': ['example.com'],
        },
        [],
        [],
        { ssoAllowedDomains: ['corp.example'], ssoAllowedEmails: ['ada@example.com'] },
      ),
    ).toEqual({
      accessModes: ['sso'],
      ssoGithubOrg: 'acme',
      ssoGithubTeam: 'qa',
      ssoAllowedDomains: ['corp.example', 'example.com'],
    });
  });

  it('clears the three lists with --no-sso-allow, and unsets the org', () => {
    expect(
      repoSetPatch({ 'no-sso-allow': true, 'sso-allow-group': ['previewers'] }, [], [], {
        ssoAllowedEmails: ['ada@example.com'],
      }),
    ).toEqual({ ssoAllowedEmails: [], ssoAllowedDomains: [], ssoAllowedGroups: ['previewers'] });
    expect(repoSetPatch({ unset: ['sso-github-org', 'sso-github-team'] })).toEqual({
      ssoGithubOrg: null,
      ssoGithubTeam: null,
    });
  });

  it('names the flag for each mistake', () => {
    expect(() => repoSetPatch({ 'sso-github-org': ' ' })).toThrow(/--sso-github-org/);
    expect(() => repoSetPatch({ unset: ['sso-allow-email'] })).toThrow(UsageError);
  });
});
