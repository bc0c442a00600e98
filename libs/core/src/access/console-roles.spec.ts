import { describe, expect, it } from 'vitest';
import {
  type ConsolePerson,
  type ConsoleRoleRule,
  consoleRoleOf,
  githubMembershipTargets,
  providersWithRules,
} from './console-roles.js';

const rule = (
  match: ConsoleRoleRule['match'],
  role: ConsoleRoleRule['role'],
  repository: string | null = null,
): ConsoleRoleRule => ({ match, role, repository });

const RULES: ConsoleRoleRule[] = [
  rule({ kind: 'github-org', org: 'Acme' }, 'read'),
  rule({ kind: 'github-team', org: 'acme', team: 'platform' }, 'admin'),
  rule({ kind: 'github-team', org: 'acme', team: 'shop' }, 'write', 'acme/shop'),
  rule({ kind: 'github-user', login: 'Octocat' }, 'write'),
  rule({ kind: 'oidc-group', group: 'berth-admins' }, 'admin'),
  rule({ kind: 'oidc-email', email: 'Ops@Example.org' }, 'write'),
  rule({ kind: 'oidc-domain', domain: 'example.org' }, 'read', 'acme/*'),
];

const github = (login: string, memberships: string[]): ConsolePerson => ({
  provider: 'github',
  login,
  memberships,
});

describe('console role rules (decision 0035)', () => {
  it('gives a GitHub org member the org’s role, case-insensitively', () => {
    expect(consoleRoleOf(RULES, github('dev', ['acme']))).toEqual({
      role: 'read',
      repository: null,
      rule: 0,
    });
  });

  it('lets the most privileged matching rule win', () => {
    expect(consoleRoleOf(RULES, github('lead', ['acme', 'acme/shop', 'acme/platform']))).toEqual({
      role: 'admin',
      repository: null,
      rule: 1,
    });
    expect(consoleRoleOf(RULES, github('dev', ['acme', 'acme/shop']))).toMatchObject({
      role: 'write',
      repository: 'acme/shop',
    });
  });

  it('prefers an unrestricted rule to a restricted one of the same role', () => {
    // acme/shop team (write, restricted) and the user rule (write, everywhere).
    expect(consoleRoleOf(RULES, github('octocat', ['acme/shop']))).toEqual({
      role: 'write',
      repository: null,
      rule: 3,
    });
  });

  it('refuses a person no rule names', () => {
    expect(consoleRoleOf(RULES, github('stranger', []))).toBeUndefined();
    expect(consoleRoleOf([], github('octocat', ['acme']))).toBeUndefined();
    expect(
      consoleRoleOf(RULES, { provider: 'oidc', email: 'x@other.test', emailVerified: true }),
    ).toBeUndefined();
  });

  it('never lets GitHub facts match OIDC rules, or the other way round', () => {
    const oidcOnly = [rule({ kind: 'oidc-email', email: 'octocat@example.org' }, 'admin')];
    expect(consoleRoleOf(oidcOnly, github('octocat@example.org', []))).toBeUndefined();
    const githubOnly = [rule({ kind: 'github-user', login: 'ops' }, 'admin')];
    expect(
      consoleRoleOf(githubOnly, { provider: 'oidc', email: 'ops', emailVerified: true }),
    ).toBeUndefined();
  });

  it('matches OIDC groups exactly, and emails and domains only when verified', () => {
    expect(consoleRoleOf(RULES, { provider: 'oidc', groups: ['berth-admins'] })).toMatchObject({
      role: 'admin',
    });
    expect(consoleRoleOf(RULES, { provider: 'oidc', groups: ['Berth-Admins'] })).toBeUndefined();
    expect(
      consoleRoleOf(RULES, { provider: 'oidc', email: 'ops@example.org', emailVerified: true }),
    ).toMatchObject({ role: 'write', repository: null, rule: 5 });
    expect(
      consoleRoleOf(RULES, { provider: 'oidc', email: 'ops@example.org', emailVerified: false }),
    ).toBeUndefined();
    expect(consoleRoleOf(RULES, { provider: 'oidc', email: 'ops@example.org' })).toBeUndefined();
    expect(
      consoleRoleOf(RULES, { provider: 'oidc', email: 'dev@EXAMPLE.org', emailVerified: true }),
    ).toEqual({ role: 'read', repository: 'acme/*', rule: 6 });
    // A subdomain is another domain.
    expect(
      consoleRoleOf(RULES, {
        provider: 'oidc',
        email: 'dev@evil.example.org',
        emailVerified: true,
      }),
    ).toBeUndefined();
  });

  it('names the orgs and teams worth asking GitHub about, once each', () => {
    expect(githubMembershipTargets(RULES)).toEqual([
      { org: 'acme' },
      { org: 'acme', team: 'platform' },
      { org: 'acme', team: 'shop' },
    ]);
    expect(providersWithRules(RULES)).toEqual({ github: true, oidc: true });
    expect(providersWithRules(RULES.slice(4))).toEqual({ github: false, oidc: true });
  });
});
