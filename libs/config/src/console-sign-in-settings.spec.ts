import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { parseConsoleRoleRules } from './console-sign-in-settings.js';
import { loadConfig } from './load-config.js';
import { apiConfigSchema } from './schemas.js';

const valid = {
  DATABASE_URL: 'postgresql://berth:pw@127.0.0.1:5432/berth',
  REDIS_URL: 'redis://127.0.0.1:6379',
  API_TOKEN: 'a'.repeat(32),
  GITHUB_WEBHOOK_SECRET: 'w'.repeat(16),
};

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig('berth-api', apiConfigSchema, { ...valid, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the config loaded');
}

describe('console role rules in config (decision 0035)', () => {
  it('has no rules by default: only tokens sign in', () => {
    const config = loadConfig('berth-api', apiConfigSchema, valid);
    expect(config.CONSOLE_ROLE_RULES).toEqual([]);
  });

  it('reads every kind of rule, with an optional repository restriction', () => {
    const config = loadConfig('berth-api', apiConfigSchema, {
      ...valid,
      CONSOLE_ROLE_RULES: JSON.stringify([
        { githubTeam: 'acme/platform', role: 'admin' },
        { githubOrg: 'acme', role: 'read' },
        { githubUser: 'octocat', role: 'write', repository: 'Acme/Shop' },
        { oidcGroup: 'berth-admins', role: 'admin' },
        { oidcEmail: 'ops@example.org', role: 'write' },
        { oidcDomain: 'example.org', role: 'read', repository: 'acme/*' },
      ]),
    });
    expect(config.CONSOLE_ROLE_RULES).toEqual([
      {
        match: { kind: 'github-team', org: 'acme', team: 'platform' },
        role: 'admin',
        repository: null,
      },
      { match: { kind: 'github-org', org: 'acme' }, role: 'read', repository: null },
      { match: { kind: 'github-user', login: 'octocat' }, role: 'write', repository: 'acme/shop' },
      { match: { kind: 'oidc-group', group: 'berth-admins' }, role: 'admin', repository: null },
      { match: { kind: 'oidc-email', email: 'ops@example.org' }, role: 'write', repository: null },
      { match: { kind: 'oidc-domain', domain: 'example.org' }, role: 'read', repository: 'acme/*' },
    ]);
  });

  it('names the rule and the field that is wrong', () => {
    const message = problemsOf({
      CONSOLE_ROLE_RULES: JSON.stringify([
        { githubOrg: 'acme', role: 'read' },
        { githubOrg: 'acme', role: 'owner' },
      ]),
    });
    expect(message).toContain('CONSOLE_ROLE_RULES: [1].role: must be one of read, write, admin');
    expect(() => parseConsoleRoleRules('[{"githubTeam":"acme","role":"read"}]')).toThrow(
      '[0].githubTeam: must be org/team-slug, e.g. acme/platform',
    );
    expect(() =>
      parseConsoleRoleRules('[{"oidcDomain":"example.org","role":"read","repository":"acme"}]'),
    ).toThrow('[0].repository: must be owner/name or owner/*');
    expect(() => parseConsoleRoleRules('[{"oidcEmail":"not-an-email","role":"read"}]')).toThrow(
      '[0].oidcEmail: must be an email address',
    );
  });

  it('wants exactly one thing to match, and knows no other field', () => {
    expect(() => parseConsoleRoleRules('[{"role":"admin"}]')).toThrow(
      '[0]: needs exactly one of githubUser, githubOrg, githubTeam, oidcGroup, oidcEmail, oidcDomain (has none)',
    );
    expect(() =>
      parseConsoleRoleRules('[{"githubOrg":"acme","oidcGroup":"x","role":"admin"}]'),
    ).toThrow('(has githubOrg and oidcGroup)');
    expect(() => parseConsoleRoleRules('[{"githubOrgs":"acme","role":"admin"}]')).toThrow(
      '[0]: unknown field githubOrgs',
    );
  });

  it('refuses what is not a JSON array of rules', () => {
    expect(problemsOf({ CONSOLE_ROLE_RULES: 'acme=admin' })).toMatch(
      /CONSOLE_ROLE_RULES: is not JSON/,
    );
    expect(problemsOf({ CONSOLE_ROLE_RULES: '{"githubOrg":"acme"}' })).toContain(
      'CONSOLE_ROLE_RULES: must be a JSON array of rules',
    );
  });

  it('wants the OIDC issuer, client id and secret together', () => {
    const message = problemsOf({ OIDC_ISSUER: 'https://id.example.org' });
    expect(message).toContain('OIDC_CLIENT_ID: is required when OIDC_ISSUER is set');
    expect(message).toContain('OIDC_CLIENT_SECRET: is required when OIDC_ISSUER is set');
  });
});
