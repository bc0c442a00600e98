import { describe, expect, it } from 'vitest';
import { parseRepositorySettingsPatch } from './repository-settings.js';

describe('SSO settings (decision 0014)', () => {
  it('accepts an org, a team, and lowercased, de-duplicated allow lists', () => {
    expect(
      parseRepositorySettingsPatch({
        ssoGithubOrg: 'Acme',
        ssoGithubTeam: 'qa-team',
        ssoAllowedEmails: ['Ada@Example.com', 'ada@example.com'],
        ssoAllowedDomains: ['Example.COM'],
        ssoAllowedGroups: ['Previewers', 'Previewers'],
      }),
    ).toEqual({
      ok: true,
      patch: {
        ssoGithubOrg: 'Acme',
        ssoGithubTeam: 'qa-team',
        ssoAllowedEmails: ['ada@example.com'],
        ssoAllowedDomains: ['example.com'],
        ssoAllowedGroups: ['Previewers'],
      },
    });
    expect(parseRepositorySettingsPatch({ ssoGithubOrg: null, ssoGithubTeam: null })).toEqual({
      ok: true,
      patch: { ssoGithubOrg: null, ssoGithubTeam: null },
    });
  });

  it('names the field and the fix for each mistake', () => {
    const result = parseRepositorySettingsPatch({
      ssoGithubOrg: 'acme/shop',
      ssoGithubTeam: 'QA Team',
      ssoAllowedEmails: ['not-an-email'],
      ssoAllowedDomains: ['@example.com'],
      ssoAllowedGroups: [''],
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.field)).toEqual([
      'ssoGithubOrg',
      'ssoGithubTeam',
      'ssoAllowedEmails.0',
      'ssoAllowedDomains.0',
      'ssoAllowedGroups.0',
    ]);
    expect(problems[0]?.message).toContain('GitHub organisation login');
    expect(problems[2]?.message).toContain('such as ada@example.com');
    expect(problems[3]?.message).toContain('such as example.com');
  });
});
